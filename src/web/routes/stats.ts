import type { Hono } from 'hono';
import type { Translator } from '../../bot/i18n.ts';
import type { CaseStore } from '../../staff/case-store.ts';
import {
  MAX_RANGE_MONTHS,
  monthlySeries,
  monthRange,
  seriesTable,
  statsCsvLines,
  STAT_DIMENSION_NAMES,
  type MonthlySeries,
  type SeriesTable,
  type StatDimension,
} from '../../staff/statistics.ts';
import type { WebEnv } from '../context.ts';
import { signInPath } from './inbox.ts';
import { statsPage } from '../views/stats.ts';

export interface StatsDeps {
  readonly cases: Pick<CaseStore, 'stats'>;
  readonly i18n: Translator;
  readonly clock: () => Date;
}

/**
 * The statistics page and its anonymous CSV: the counters the case store keeps when it makes a
 * case, nothing else (no case is opened, so nothing enters an audit trail).
 */
export function statsRoutes(app: Hono<WebEnv>, deps: StatsDeps): void {
  app.get('/stats', async (c) => {
    const signedIn = c.get('signedIn');
    if (signedIn === undefined) return c.redirect(signInPath(c), 303);
    const say = c.get('say');
    const range = monthRange(c.req.query(), deps.clock());
    const counters = await deps.cases.stats(range.from, range.to);
    const series = {} as Record<StatDimension, MonthlySeries>;
    const tables = {} as Record<StatDimension, SeriesTable>;
    for (const dimension of STAT_DIMENSION_NAMES) {
      series[dimension] = monthlySeries(
        counters,
        range.from,
        range.to,
        dimension,
        say.lang,
        deps.i18n,
      );
      tables[dimension] = seriesTable(series[dimension], say.lang, deps.i18n);
    }
    const labels = series.kind.labels;
    let urgent = 0;
    for (const counts of counters.values()) urgent += Math.max(0, counts['urgent'] ?? 0);
    return c.html(
      statsPage({
        say,
        viewer: { display: signedIn.display, csrf: signedIn.csrf },
        range,
        rangeLabels: { from: labels[0] ?? range.from, to: labels.at(-1) ?? range.to },
        series,
        tables,
        urgent,
        maxMonths: MAX_RANGE_MONTHS,
      }),
    );
  });

  app.get('/stats.csv', async (c) => {
    if (c.get('signedIn') === undefined) return c.body(null, 401);
    const range = monthRange(c.req.query(), deps.clock());
    const lines = statsCsvLines(await deps.cases.stats(range.from, range.to));
    return c.body(`${lines.join('\n')}\n`, 200, {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="lotse-stats-${range.from}-${range.to}.csv"`,
    });
  });
}
