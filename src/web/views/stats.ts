import { html } from 'hono/html';
import {
  STAT_DIMENSION_NAMES,
  type MonthlySeries,
  type MonthRange,
  type SeriesTable,
  type StatDimension,
} from '../../staff/statistics.ts';
import type { Say } from '../say.ts';
import { alert, page, type Html, type Viewer } from './layout.ts';

export interface StatsView {
  readonly say: Say;
  readonly viewer: Viewer;
  readonly range: MonthRange;
  /** The range's ends as the reader reads them ("Jan. 2026"). */
  readonly rangeLabels: { readonly from: string; readonly to: string };
  readonly series: Readonly<Record<StatDimension, MonthlySeries>>;
  readonly tables: Readonly<Record<StatDimension, SeriesTable>>;
  readonly urgent: number;
  readonly maxMonths: number;
}

/** One end of the month range ("2026-03"), described by the hint below both fields. */
const monthField = (name: 'from' | 'to', label: string, value: string): Html =>
  html`<div class="field">
    <label for="${name}">${label}</label>
    <input
      id="${name}"
      name="${name}"
      maxlength="7"
      autocomplete="off"
      value="${value}"
      pattern="[0-9]{4}-[0-9]{2}"
      aria-describedby="month-hint"
      required
    />
  </div>`;

/** How many values a summary names. */
const TOP = 3;

/**
 * The statistics: a month range form, the anonymous CSV, then per dimension a chart (stats.js
 * draws it from the canvas's data-chart attribute), a text summary and the same numbers as a
 * table – the chart is never the only way to the numbers.
 */
export function statsPage(v: StatsView): Html {
  const { say, range } = v;
  const total = v.series.kind.totals.reduce((sum, n) => sum + n, 0);
  const query = new URLSearchParams({ from: range.from, to: range.to }).toString();
  const adjusted =
    range.adjusted === undefined
      ? undefined
      : say(`stats.adjusted.${range.adjusted}`, { months: v.maxMonths });
  return page({
    say,
    viewer: v.viewer,
    current: 'stats',
    title: say('stats.title'),
    scripts: ['chart.umd.min.js', 'stats.js'],
    body: html`<h1>${say('stats.title')}</h1>
      <p>${say('stats.intro')}</p>
      ${alert('notice', adjusted)}
      <form method="get" action="/stats" class="filters" aria-label="${say('stats.range')}">
        ${monthField('from', say('stats.from'), range.from)}
        ${monthField('to', say('stats.to'), range.to)}
        <p id="month-hint" class="hint">${say('stats.monthHint')}</p>
        <div class="actions">
          <button type="submit">${say('stats.show')}</button>
          <a href="/stats.csv?${query}" download>${say('stats.csv')}</a>
        </div>
      </form>
      <p class="overall" id="overall">
        ${say('stats.overall', { count: total, urgent: v.urgent, ...v.rangeLabels })}
      </p>
      ${STAT_DIMENSION_NAMES.map((dimension) =>
        chartSection(say, dimension, v.series[dimension], v.tables[dimension], v.rangeLabels),
      )}`,
  });
}

function chartSection(
  say: Say,
  dimension: StatDimension,
  series: MonthlySeries,
  table: SeriesTable,
  range: { readonly from: string; readonly to: string },
): Html {
  const heading = `h-${dimension}`;
  const summary = summarise(say, dimension, series);
  if (series.datasets.length === 0)
    return html`<section class="chart-block" aria-labelledby="${heading}">
      <h2 id="${heading}">${series.title}</h2>
      <p>${say('stats.noCases')}</p>
    </section>`;
  const data = JSON.stringify({
    labels: series.labels,
    datasets: series.datasets.map((d) => ({ label: d.label, data: d.data })),
  });
  return html`<section class="chart-block" aria-labelledby="${heading}">
    <h2 id="${heading}">${series.title}</h2>
    <p class="summary" id="summary-${dimension}">${summary}</p>
    <div class="chart-box">
      <canvas
        id="chart-${dimension}"
        role="img"
        aria-label="${say('stats.chartLabel', { title: series.title })}"
        aria-describedby="summary-${dimension}"
        data-chart="${data}"
        >${summary}</canvas
      >
    </div>
    <details>
      <summary>${say('stats.asTable')}</summary>
      <div class="table-scroll" tabindex="0" role="region" aria-label="${table.caption}">
        <table class="data" id="table-${dimension}">
          <caption>
            ${say('stats.caption', { title: table.caption, ...range })}
          </caption>
          <thead>
            <tr>
              ${table.columns.map((column) => html`<th scope="col">${column}</th>`)}
            </tr>
          </thead>
          <tbody>
            ${table.rows.map(
              (row) =>
                html`<tr>
                  <th scope="row">${row.month}</th>
                  ${row.cells.map((cell) => html`<td>${cell}</td>`)}
                </tr>`,
            )}
          </tbody>
        </table>
      </div>
    </details>
  </section>`;
}

/** The chart in words: how many cases, the most frequent values with their counts. */
function summarise(say: Say, dimension: StatDimension, series: MonthlySeries): string {
  const total = series.totals.reduce((sum, n) => sum + n, 0);
  const top = series.datasets
    .map((d) => ({ label: d.label, count: d.data.reduce((sum, n) => sum + n, 0) }))
    .filter((d) => d.count > 0)
    .sort((a, b) => b.count - a.count)
    .slice(0, TOP)
    .map((d) => `${d.label} (${d.count})`)
    .join(', ');
  const sentence = say('stats.summary', { count: total, top });
  return dimension === 'kind' ? `${sentence} ${say('stats.severalKinds')}` : sentence;
}
