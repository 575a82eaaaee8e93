// The statistics as charts: each canvas carries its numbers in data-chart (no inline script);
// Chart.js (served from this origin) draws a stacked bar per month. Each value has a colour and a
// pattern, so that bars are told apart without colour too; the legend shows both, the table below
// each chart holds the same numbers. Without JavaScript the summaries and tables remain.
'use strict';

(function () {
  const Chart = window.Chart;
  if (!Chart) return;

  // Dark enough for 3:1 against white (WCAG 2.2, 1.4.11), and apart from one another.
  const COLOURS = [
    '#0b4f8a',
    '#b35c00',
    '#1d6b2e',
    '#a1141c',
    '#6a3d9a',
    '#00707a',
    '#7a5c00',
    '#b0006e',
    '#4a4a55',
  ];
  const SHAPES = ['solid', 'stripes', 'dots', 'cross', 'lines', 'columns', 'back', 'grid'];
  const SIZE = 10;

  /** A fill of `colour` with a white `shape` on it, as a repeating canvas pattern. */
  function fill(colour, shape) {
    const tile = document.createElement('canvas');
    tile.width = SIZE;
    tile.height = SIZE;
    const g = tile.getContext('2d');
    if (!g) return colour;
    g.fillStyle = colour;
    g.fillRect(0, 0, SIZE, SIZE);
    g.strokeStyle = '#ffffff';
    g.fillStyle = '#ffffff';
    g.lineWidth = 2;
    const line = (x1, y1, x2, y2) => {
      g.beginPath();
      g.moveTo(x1, y1);
      g.lineTo(x2, y2);
      g.stroke();
    };
    switch (shape) {
      case 'stripes':
        line(0, SIZE, SIZE, 0);
        line(-SIZE / 2, SIZE / 2, SIZE / 2, -SIZE / 2);
        line(SIZE / 2, SIZE * 1.5, SIZE * 1.5, SIZE / 2);
        break;
      case 'back':
        line(0, 0, SIZE, SIZE);
        line(-SIZE / 2, SIZE / 2, SIZE / 2, SIZE * 1.5);
        line(SIZE / 2, -SIZE / 2, SIZE * 1.5, SIZE / 2);
        break;
      case 'dots':
        g.beginPath();
        g.arc(SIZE / 2, SIZE / 2, 2, 0, Math.PI * 2);
        g.fill();
        break;
      case 'cross':
        line(0, 0, SIZE, SIZE);
        line(0, SIZE, SIZE, 0);
        break;
      case 'lines':
        line(0, SIZE / 2, SIZE, SIZE / 2);
        break;
      case 'columns':
        line(SIZE / 2, 0, SIZE / 2, SIZE);
        break;
      case 'grid':
        line(0, SIZE / 2, SIZE, SIZE / 2);
        line(SIZE / 2, 0, SIZE / 2, SIZE);
        break;
      default:
        break;
    }
    return g.createPattern(tile, 'repeat') || colour;
  }

  Chart.defaults.color = '#1b1b1f';
  Chart.defaults.font.family = window.getComputedStyle(document.body).fontFamily;
  Chart.defaults.font.size = 14;

  const lang = document.documentElement.lang || 'de';
  for (const canvas of document.querySelectorAll('canvas[data-chart]')) {
    let data;
    try {
      data = JSON.parse(canvas.getAttribute('data-chart') || '');
    } catch {
      continue;
    }
    const datasets = data.datasets.map(function (set, i) {
      const colour = COLOURS[i % COLOURS.length];
      // Colour and pattern step together, shifted each round, so no two values look alike.
      const shape = SHAPES[(i + Math.floor(i / COLOURS.length)) % SHAPES.length];
      return {
        label: set.label,
        data: set.data,
        backgroundColor: fill(colour, shape),
        borderColor: '#ffffff',
        borderWidth: 1,
      };
    });
    new Chart(canvas, {
      type: 'bar',
      data: { labels: data.labels, datasets: datasets },
      options: {
        locale: lang,
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        scales: {
          x: { stacked: true, grid: { display: false } },
          y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } },
        },
        plugins: {
          legend: { position: 'bottom', labels: { boxWidth: 28, boxHeight: 18 } },
          tooltip: { mode: 'index', intersect: false },
        },
      },
    });
  }
})();
