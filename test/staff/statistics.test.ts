/**
 * Monthly statistics for charts, from the anonymous counters the case store keeps when it makes a
 * case (real Redis): every month of the range, one dataset per value that occurred, in the
 * intake's order, values the intake does not know as "unknown", names in German and English, and
 * the same numbers as a table.
 */
import { describe, expect, it } from 'vitest';
import { Translator } from '../../src/bot/i18n.ts';
import { CaseStore } from '../../src/staff/case-store.ts';
import {
  monthlySeries,
  monthlyStatistics,
  monthRange,
  monthsBetween,
  seriesTable,
  statsCsvLines,
} from '../../src/staff/statistics.ts';
import { useTestRedis } from '../support/redis.ts';

const redis = useTestRedis('stats');
const i18n = Translator.create();

let n = 0;
/** A case made in the store as the report worker makes it (the counters go up in the same step). */
async function made(
  cases: CaseStore,
  createdAt: string,
  fields: { kinds: string[]; state: string; role: string; channel: string; platform?: string },
) {
  n++;
  const caseRef = `AAAA-BBBB-CCC${String.fromCharCode(65 + (n % 26))}-${n}`;
  const platform = (fields.platform ?? 'telegram') as 'telegram' | 'matrix' | 'console';
  const result = await cases.create({
    record: {
      caseRef,
      urgent: false,
      kinds: fields.kinds,
      state: fields.state,
      role: fields.role,
      channel: fields.channel,
      platform,
      lang: 'de',
      address: { platform, userId: `u${n}`, chatId: `c${n}` },
      createdAt,
      conv: `conv-${n}`,
    },
    sealed: 'sealed-box',
    actor: 'system',
  });
  expect(result).toBe('created');
}

describe('monthly statistics', () => {
  it('gives each dimension per month, unknowns as "unknown", for charts and tables', async () => {
    const cases = new CaseStore(redis.client, redis.prefix);
    await made(cases, '2026-09-03T10:00:00.000Z', {
      kinds: ['threat', 'insult'],
      state: 'BY',
      role: 'council',
      channel: 'letter',
    });
    await made(cases, '2026-09-20T10:00:00.000Z', {
      kinds: ['threat'],
      state: 'HE',
      role: 'unknown',
      channel: 'online',
      platform: 'matrix',
    });
    // October: no cases. November: a value no intake option has (a retired one) counts as unknown.
    await made(cases, '2026-11-02T10:00:00.000Z', {
      kinds: ['retiredKind'],
      state: 'unknown',
      role: 'mayorFull',
      channel: 'unknown',
    });

    const stats = await monthlyStatistics(cases, '2026-09', '2026-11', 'de', i18n);
    expect(stats.kind.months).toEqual(['2026-09', '2026-10', '2026-11']);
    expect(stats.kind.labels).toEqual(['Sept. 2026', 'Okt. 2026', 'Nov. 2026']);
    expect(stats.kind.totals).toEqual([2, 0, 1]);
    expect(stats.kind.title).toBe('Fälle nach Art des Vorfalls');
    expect(stats.kind.datasets).toEqual([
      { key: 'insult', label: 'Beleidigung, Verleumdung', data: [1, 0, 0] },
      { key: 'threat', label: 'Drohung', data: [2, 0, 0] },
      { key: 'unknown', label: 'unbekannt', data: [0, 0, 1] },
    ]);
    expect(stats.state.datasets.map((d) => [d.label, d.data])).toEqual([
      ['Bayern', [1, 0, 0]],
      ['Hessen', [1, 0, 0]],
      ['unbekannt', [0, 0, 1]],
    ]);
    expect(stats.role.datasets.map((d) => [d.key, d.data])).toEqual([
      ['mayorFull', [0, 0, 1]],
      ['council', [1, 0, 0]],
      ['unknown', [1, 0, 0]],
    ]);
    expect(stats.channel.datasets.map((d) => d.key)).toEqual(['online', 'letter', 'unknown']);
    expect(stats.messenger.datasets.map((d) => [d.label, d.data])).toEqual([
      ['Telegram', [1, 0, 1]],
      ['Matrix', [1, 0, 0]],
    ]);
    // Every dimension but kind adds up to the month's cases.
    for (const series of [stats.state, stats.role, stats.channel, stats.messenger])
      series.months.forEach((_, i) => {
        expect(series.datasets.reduce((sum, d) => sum + (d.data[i] ?? 0), 0)).toBe(
          series.totals[i],
        );
      });

    expect(seriesTable(stats.state, 'de', i18n)).toEqual({
      caption: 'Fälle nach Bundesland',
      columns: ['Monat', 'Bayern', 'Hessen', 'unbekannt', 'Fälle'],
      rows: [
        { month: 'Sept. 2026', cells: [1, 1, 0, 2] },
        { month: 'Okt. 2026', cells: [0, 0, 0, 0] },
        { month: 'Nov. 2026', cells: [0, 0, 1, 1] },
      ],
    });
    const english = await monthlyStatistics(cases, '2026-09', '2026-09', 'en', i18n);
    expect(english.kind.labels).toEqual(['Sep 2026']);
    expect(english.kind.datasets.map((d) => d.label)).toEqual(['Insult, defamation', 'Threat']);
    expect(english.state.datasets.map((d) => d.label)).toEqual(['Bavaria', 'Hesse']);
  });

  it('counts the years’ turn and an empty or reversed range without failing', () => {
    expect(monthsBetween('2026-11', '2027-02')).toEqual([
      '2026-11',
      '2026-12',
      '2027-01',
      '2027-02',
    ]);
    expect(monthsBetween('2027-02', '2026-11')).toEqual([]);
    const empty = monthlySeries(new Map(), '2026-01', '2026-02', 'kind', 'en', i18n);
    expect(empty).toMatchObject({ datasets: [], totals: [0, 0] });
    // Damaged counters (negative, not a number) are left out rather than charted.
    const damaged = monthlySeries(
      new Map([['2026-01', { total: 1, 'kind:threat': -3, 'kind:insult': Number.NaN }]]),
      '2026-01',
      '2026-01',
      'kind',
      'en',
      i18n,
    );
    expect(damaged.datasets).toEqual([]);
  });

  it('writes the anonymous CSV sorted, and a hostile value neither breaks a line nor runs as a formula', () => {
    const counters = new Map<string, Record<string, number>>([
      ['2026-02', { total: 1, 'kind:threat': 1 }],
      ['2026-01', { total: 2, 'channel:=HYPERLINK("x")': 1, 'role:a,b\nc': 1, urgent: 1 }],
    ]);
    expect(statsCsvLines(counters)).toEqual([
      'month,dimension,value,count',
      `2026-01,channel,"'=HYPERLINK(""x"")",1`,
      '2026-01,role,"a,b\nc",1',
      '2026-01,total,,2',
      '2026-01,urgent,,1',
      '2026-02,kind,threat,1',
      '2026-02,total,,1',
    ]);
  });

  it('makes any asked range one the counters answer: default, bad, reversed, too long', () => {
    const now = new Date('2026-03-15T12:00:00Z');
    expect(monthRange({}, now)).toEqual({ from: '2025-04', to: '2026-03' });
    expect(monthRange({ from: '2026-01', to: '2026-02' }, now)).toEqual({
      from: '2026-01',
      to: '2026-02',
    });
    expect(monthRange({ from: '2025-12' }, now)).toEqual({ from: '2025-12', to: '2026-03' });
    expect(monthRange({ to: '2025-06' }, now)).toEqual({ from: '2024-07', to: '2025-06' });
    expect(monthRange({ from: '2026-13', to: '2026-01' }, now)).toEqual({
      from: '2025-04',
      to: '2026-03',
      adjusted: 'bad',
    });
    expect(monthRange({ from: '<script>' }, now)).toMatchObject({ adjusted: 'bad' });
    expect(monthRange({ from: '2026-02', to: '2025-11' }, now)).toEqual({
      from: '2025-11',
      to: '2026-02',
      adjusted: 'swapped',
    });
    expect(monthRange({ from: '0001-01', to: '9999-12' }, now)).toEqual({
      from: '9995-01',
      to: '9999-12',
      adjusted: 'shortened',
    });
  });
});
