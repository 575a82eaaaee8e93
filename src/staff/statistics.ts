import type { Translator } from '../bot/i18n.ts';
import { MESSENGERS } from '../bot/types.ts';
import { CHANNELS, KINDS, ROLES, STATES } from '../flows/intake/options.ts';
import { text, type Language, type Text } from '../flows/types.ts';
import type { CaseStore } from './case-store.ts';

/**
 * The anonymous monthly counters (CaseStore.stats, the CLI's `stats` CSV) as series for charts
 * and for the tables beside them: cases per month by kind, Land, role, how it happened and the
 * messenger it was reported through. A value
 * the intake does not know (a short report's open answer, an option since retired) counts as
 * "unknown". A case may name several kinds, so the kinds of a month can add up to more than its
 * cases; the other dimensions add up to the month's total.
 */

/** The dimensions charted, each with its counter prefix and its options in the intake's order. */
export const STAT_DIMENSIONS = {
  kind: { counter: 'kind', options: KINDS, label: (key) => text(`intake:kinds.options.${key}`) },
  state: { counter: 'state', options: STATES, label: (key) => text(`intake:state.options.${key}`) },
  role: { counter: 'role', options: ROLES, label: (key) => text(`intake:role.options.${key}`) },
  channel: {
    counter: 'channel',
    options: CHANNELS,
    label: (key) => text(`intake:channel.options.${key}`),
  },
  /** The messenger the report came through (Telegram, Matrix, the console). */
  messenger: {
    counter: 'platform',
    options: MESSENGERS,
    label: (key) => text(`staff:stats.messengers.${key}`),
  },
} as const satisfies Record<
  string,
  { counter: string; options: readonly string[]; label: (key: string) => Text }
>;
export type StatDimension = keyof typeof STAT_DIMENSIONS;
export const STAT_DIMENSION_NAMES = Object.keys(STAT_DIMENSIONS) as StatDimension[];

/** The key of values the intake does not know. */
export const UNKNOWN_VALUE = 'unknown';

/** One line (or bar group) of a chart: a value of the dimension and its count per month. */
export interface StatDataset {
  /** The option id (`threat`, `BY` …) or `unknown`. */
  readonly key: string;
  /** Its name in the reader's language. */
  readonly label: string;
  /** One count per month, in the order of `months`. */
  readonly data: readonly number[];
}

/** Cases per month by one dimension: what Chart.js takes as `data`, and the rows of a table. */
export interface MonthlySeries {
  readonly dimension: StatDimension;
  /** The dimension's name in the reader's language (chart title, table caption). */
  readonly title: string;
  /** Every month of the range, YYYY-MM, months without cases included. */
  readonly months: readonly string[];
  /** The months as the reader reads them ("Nov. 2026"): Chart.js `labels`. */
  readonly labels: readonly string[];
  /** Values with at least one case in the range, in the intake's order, unknown last. */
  readonly datasets: readonly StatDataset[];
  /** Cases per month (each case once). */
  readonly totals: readonly number[];
}

/** The months from `from` to `to` (YYYY-MM), both included; none when `to` is before `from`. */
export function monthsBetween(from: string, to: string): string[] {
  const months: string[] = [];
  let [year, month] = from.split('-').map(Number) as [number, number];
  for (let guard = 0; guard < 1200; guard++) {
    const current = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`;
    if (current > to) break;
    months.push(current);
    [year, month] = month === 12 ? [year + 1, 1] : [year, month + 1];
  }
  return months;
}

/** The series of one dimension from the months' counters. */
export function monthlySeries(
  counters: ReadonlyMap<string, Readonly<Record<string, number>>>,
  from: string,
  to: string,
  dimension: StatDimension,
  lang: Language,
  i18n: Translator,
): MonthlySeries {
  const spec = STAT_DIMENSIONS[dimension];
  const months = monthsBetween(from, to);
  const known: ReadonlySet<string> = new Set(spec.options);
  const counts = new Map<string, number[]>();
  const add = (key: string, index: number, count: number) => {
    const row = counts.get(key) ?? months.map(() => 0);
    row[index] = (row[index] ?? 0) + count;
    counts.set(key, row);
  };
  months.forEach((month, index) => {
    for (const [counter, count] of Object.entries(counters.get(month) ?? {})) {
      const [prefix, value] = splitCounter(counter);
      if (prefix !== spec.counter || !Number.isFinite(count) || count <= 0) continue;
      add(known.has(value) ? value : UNKNOWN_VALUE, index, count);
    }
  });
  const order = [...spec.options, UNKNOWN_VALUE];
  const datasets = order.flatMap((key) => {
    const data = counts.get(key);
    if (data === undefined) return [];
    const label =
      key === UNKNOWN_VALUE
        ? i18n.t(lang, text('staff:stats.unknown'))
        : i18n.t(lang, spec.label(key));
    return [{ key, label, data }];
  });
  const monthName = new Intl.DateTimeFormat(lang, {
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  });
  return {
    dimension,
    title: i18n.t(lang, text(`staff:stats.dimension.${dimension}`)),
    months,
    labels: months.map((month) => monthName.format(new Date(`${month}-01T00:00:00Z`))),
    datasets,
    totals: months.map((month) => Math.max(0, counters.get(month)?.['total'] ?? 0)),
  };
}

/** `kind:threat` → [`kind`, `threat`]; a counter without a colon (`total`) has no value. */
function splitCounter(counter: string): [string, string] {
  const at = counter.indexOf(':');
  return at < 0 ? [counter, ''] : [counter.slice(0, at), counter.slice(at + 1)];
}

/** Every charted dimension for a range of months, read from the case store once. */
export async function monthlyStatistics(
  cases: Pick<CaseStore, 'stats'>,
  from: string,
  to: string,
  lang: Language,
  i18n: Translator,
): Promise<Record<StatDimension, MonthlySeries>> {
  const counters = await cases.stats(from, to);
  return {
    kind: monthlySeries(counters, from, to, 'kind', lang, i18n),
    state: monthlySeries(counters, from, to, 'state', lang, i18n),
    role: monthlySeries(counters, from, to, 'role', lang, i18n),
    channel: monthlySeries(counters, from, to, 'channel', lang, i18n),
    messenger: monthlySeries(counters, from, to, 'messenger', lang, i18n),
  };
}

/** A series as a table: one row per month, one column per dataset, then the month's cases. */
export interface SeriesTable {
  readonly caption: string;
  /** Column headings: the month, each dataset's label, the total. */
  readonly columns: readonly string[];
  readonly rows: readonly { readonly month: string; readonly cells: readonly number[] }[];
}

/** The accessible table beside a chart: the same numbers, readable without the picture. */
export function seriesTable(series: MonthlySeries, lang: Language, i18n: Translator): SeriesTable {
  return {
    caption: series.title,
    columns: [
      i18n.t(lang, text('staff:stats.month')),
      ...series.datasets.map((d) => d.label),
      i18n.t(lang, text('staff:stats.total')),
    ],
    rows: series.labels.map((month, i) => ({
      month,
      cells: [...series.datasets.map((d) => d.data[i] ?? 0), series.totals[i] ?? 0],
    })),
  };
}

/** One anonymous counter of one month: a line of the `stats` CSV. */
export interface StatRow {
  readonly month: string;
  /** `total`, `kind`, `state`, `role`, `channel`, `platform`, `urgent`. */
  readonly dimension: string;
  /** The option id (empty for `total` and `urgent`). */
  readonly value: string;
  readonly count: number;
}

/** The months' counters as rows, sorted by month, dimension and value (the CSV's order). */
export function statRows(
  counters: ReadonlyMap<string, Readonly<Record<string, number>>>,
): StatRow[] {
  const rows = [...counters].flatMap(([month, counts]) =>
    Object.entries(counts).map(([key, count]) => {
      const [dimension, value] = splitCounter(key);
      return { month, dimension, value, count };
    }),
  );
  return rows.sort((a, b) =>
    `${a.month}${a.dimension}${a.value}`.localeCompare(`${b.month}${b.dimension}${b.value}`),
  );
}

/**
 * The anonymous export: `month,dimension,value,count`, one line per counter – what the CLI's
 * `stats` prints and the inbox offers as a download. A field with a comma, quote or line break is
 * quoted (RFC 4180), and one a spreadsheet would run as a formula (= + - @ at the start) gets a
 * leading apostrophe: the values are option ids, but an unknown value must not break the file.
 */
export function statsCsvLines(
  counters: ReadonlyMap<string, Readonly<Record<string, number>>>,
): string[] {
  return [
    'month,dimension,value,count',
    ...statRows(counters).map((r) =>
      [csvField(r.month), csvField(r.dimension), csvField(r.value), String(r.count)].join(','),
    ),
  ];
}

function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** The longest range shown or exported at once. */
export const MAX_RANGE_MONTHS = 60;

/** A range of months asked for, and what had to be changed to make it one. */
export interface MonthRange {
  readonly from: string;
  readonly to: string;
  /**
   * `default`: nothing asked, the last 12 months. `bad`: not YYYY-MM, the last 12 months instead.
   * `swapped`: the end came first. `shortened`: longer than MAX_RANGE_MONTHS, cut to the later end.
   */
  readonly adjusted?: 'bad' | 'swapped' | 'shortened';
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** The month `count` months after `month` (before, when negative). */
export function addMonths(month: string, count: number): string {
  const [year, m] = month.split('-').map(Number) as [number, number];
  const index = year * 12 + (m - 1) + count;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/**
 * The range of months a reader asked for (`from`, `to` as YYYY-MM, either may be missing), made
 * into one the counters can answer; by default the 12 months up to `now`'s month (UTC).
 */
export function monthRange(asked: { from?: string; to?: string }, now: Date): MonthRange {
  const current = now.toISOString().slice(0, 7);
  const given = (value: string | undefined) =>
    value === undefined || value.trim() === '' ? undefined : value.trim();
  const [from, to] = [given(asked.from), given(asked.to)];
  if (from === undefined && to === undefined) return { from: addMonths(current, -11), to: current };
  if ((from !== undefined && !MONTH.test(from)) || (to !== undefined && !MONTH.test(to)))
    return { from: addMonths(current, -11), to: current, adjusted: 'bad' };
  let [start, end] = [from ?? addMonths(to ?? current, -11), to ?? current];
  let adjusted: MonthRange['adjusted'];
  if (start > end) {
    [start, end] = [end, start];
    adjusted = 'swapped';
  }
  if (monthsBetween(start, end).length > MAX_RANGE_MONTHS) {
    start = addMonths(end, -(MAX_RANGE_MONTHS - 1));
    adjusted = 'shortened';
  }
  return adjusted === undefined ? { from: start, to: end } : { from: start, to: end, adjusted };
}
