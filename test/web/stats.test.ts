/**
 * The statistics page in real Chromium against the real program (console channel, staff worker
 * and inbox in one process) on real Redis: a report through the console channel and cases made
 * in two months, one case claimed and closed through the staff CLI; the page shows the counts in
 * its tables, the charts are drawn by Chart.js from the same numbers (no CSP violation), the CSV
 * download is byte for byte the CLI's `stats`, the month range form and hostile ranges work, and
 * axe finds no serious violation.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { newCaseRef } from '../../src/bot/case-ref.ts';
import { CaseStore, type NewCase } from '../../src/staff/case-store.ts';
import { generateStaffKeyPair } from '../../src/staff/seal.ts';
import { addMonths } from '../../src/staff/statistics.ts';
import { axeCheck, describeBrowser, screenshot, useBrowser } from '../support/browser.ts';
import { seededCase } from '../support/case-records.ts';
import { GERMAN_INTAKE, walk } from '../support/intake-script.ts';
import type { MessageLine } from '../support/jsonl-process.ts';
import { staffCli } from '../support/staff-cli.ts';
import { enrolledAccount, signIn, submit, useInboxProgram } from '../support/web-inbox.ts';

const keys = generateStaffKeyPair();
const dataDir = mkdtempSync(join(tmpdir(), 'lotse-web-stats-'));
const THIS_MONTH = new Date().toISOString().slice(0, 7);
const LAST_MONTH = addMonths(THIS_MONTH, -1);

/** A case as the report worker makes it, in a given month. */
function seeded(month: string, fields: Partial<NewCase['record']>): NewCase {
  const caseRef = newCaseRef();
  return seededCase(caseRef, {
    state: 'HE',
    channel: 'letter',
    platform: 'telegram',
    address: { platform: 'telegram', userId: `u-${caseRef}`, chatId: `c-${caseRef}` },
    createdAt: `${month}-01T09:00:00.000Z`,
    ...fields,
  });
}

/** A table as its header texts and body rows (row heading first), as a reader finds it. */
async function readTable(page: Page, id: string): Promise<{ head: string[]; rows: string[][] }> {
  return page.locator(`#${id}`).evaluate((table) => {
    const cells = (row: unknown) =>
      [...(row as { cells: Iterable<{ textContent: string | null }> }).cells].map((cell) =>
        (cell.textContent ?? '').trim(),
      );
    const t = table as unknown as { tHead: { rows: unknown[] }; tBodies: { rows: unknown[] }[] };
    return {
      head: cells(t.tHead.rows[0]),
      rows: [...(t.tBodies[0]?.rows ?? [])].map(cells),
    };
  });
}

/** The count in one column of one row (by the column's heading), read from the table. */
function cell(table: { head: string[]; rows: string[][] }, row: number, column: string): number {
  const index = table.head.indexOf(column);
  if (index < 0) throw new Error(`no column ${column} in ${table.head.join(' | ')}`);
  return Number(table.rows.at(row)?.[index]);
}

describeBrowser('the statistics page', { timeout: 120_000 }, () => {
  const browser = useBrowser();
  const inbox = useInboxProgram('web_stats', {
    user: 'mayor',
    env: { STAFF_PRIVATE_KEY: keys.privateKey, DATA_DIR: dataDir },
  });
  const env = () => ({
    REDIS_KEY_PREFIX: inbox.redis.prefix,
    STAFF_PRIVATE_KEY: keys.privateKey,
    DATA_DIR: dataDir,
    STAFF_USERS: 'anna',
    STAFF_USER: 'anna',
  });

  it('counts the cases of each month in tables and charts, one closed, and exports the CLI’s CSV', async () => {
    // A person reports through the console channel (Bayern, a threat and online hate, online).
    const live = inbox.bot;
    await walk(live, GERMAN_INTAKE);
    const sent = await live.send({ choice: 'send' });
    const reported =
      sent.find((l): l is MessageLine => l.type === 'message' && l.case !== undefined)?.case ?? '';
    expect(reported).not.toBe('');
    const cases = new CaseStore(inbox.redis.client, inbox.redis.prefix);
    for (let i = 0; i < 200 && (await cases.get(reported)) === undefined; i++)
      await new Promise((resolve) => setTimeout(resolve, 50));
    const record = await cases.get(reported);
    expect(record).toMatchObject({ state: 'BY', channel: 'online', platform: 'console' });
    expect(record?.kinds).toEqual(['threat', 'hateOnline']);

    // More cases: two last month, one more this month, one of them urgent.
    expect(await cases.create(seeded(LAST_MONTH, {}))).toBe('created');
    expect(
      await cases.create(seeded(LAST_MONTH, { state: 'BY', kinds: ['threat'], urgent: true })),
    ).toBe('created');
    expect(await cases.create(seeded(THIS_MONTH, { kinds: ['insult', 'threat'] }))).toBe('created');

    // The console case is claimed and closed through the staff CLI: it still counts.
    expect((await staffCli(['claim', reported], env())).code).toBe(0);
    const closed = await staffCli(['close', reported, 'Beratung vermittelt'], env());
    expect(closed.code, closed.stderr).toBe(0);
    expect((await cases.get(reported))?.status).toBe('closed');

    const anna = await enrolledAccount(
      inbox.redis.client,
      inbox.redis.prefix,
      keys.privateKey,
      'anna',
      'Anna Roth',
    );
    const page = await browser.page();
    const refused: string[] = [];
    page.on('console', (message) => {
      if (/Content.Security.Policy|Refused to/i.test(message.text())) refused.push(message.text());
    });
    page.on('pageerror', (error) => refused.push(error.message));
    await signIn(page, inbox.url, anna);
    await submit(page, page.getByRole('navigation').getByRole('link', { name: 'Statistik' }));
    expect(new URL(page.url()).pathname).toBe('/stats');
    expect(await page.locator('h1').textContent()).toBe('Statistik');
    expect(await page.getByRole('link', { name: 'Statistik' }).getAttribute('aria-current')).toBe(
      'page',
    );
    expect(await page.locator('#overall').textContent()).toContain('4 Fälle, davon 1 dringend');

    // The numbers, read from the tables: the last row is this month, the one before last month.
    const state = await readTable(page, 'table-state');
    expect(state.rows).toHaveLength(12);
    expect(state.head).toEqual(['Monat', 'Bayern', 'Hessen', 'Fälle']);
    expect([
      cell(state, -2, 'Bayern'),
      cell(state, -2, 'Hessen'),
      cell(state, -2, 'Fälle'),
    ]).toEqual([1, 1, 2]);
    expect([
      cell(state, -1, 'Bayern'),
      cell(state, -1, 'Hessen'),
      cell(state, -1, 'Fälle'),
    ]).toEqual([1, 1, 2]);
    expect(cell(state, 0, 'Fälle')).toBe(0);
    const kind = await readTable(page, 'table-kind');
    expect(cell(kind, -1, 'Drohung')).toBe(2);
    expect(cell(kind, -1, 'Beleidigung, Verleumdung')).toBe(1);
    expect(cell(kind, -2, 'Drohung')).toBe(1);
    const messenger = await readTable(page, 'table-messenger');
    expect([cell(messenger, -1, 'Konsole'), cell(messenger, -1, 'Telegram')]).toEqual([1, 1]);
    const channel = await readTable(page, 'table-channel');
    expect(cell(channel, -2, 'Brief')).toBe(2);
    expect(await page.locator('#summary-state').textContent()).toContain(
      '4 Fälle im Zeitraum. Am häufigsten: Bayern (2), Hessen (2).',
    );

    // Each chart is drawn by Chart.js, has a size, and charts the table's numbers.
    const charts = await page.locator('canvas[data-chart]').evaluateAll((canvases) =>
      canvases.map((canvas) => {
        const chart = (
          globalThis as unknown as {
            Chart?: {
              getChart(
                c: unknown,
              ): { data: { datasets: { label: string; data: number[] }[] } } | undefined;
            };
          }
        ).Chart?.getChart(canvas);
        const box = canvas as unknown as { id: string; width: number; height: number };
        return {
          id: box.id,
          width: box.width,
          height: box.height,
          datasets: chart?.data.datasets.map((d) => ({ label: d.label, data: [...d.data] })),
        };
      }),
    );
    expect(charts.map((c) => c.id)).toEqual([
      'chart-kind',
      'chart-state',
      'chart-role',
      'chart-channel',
      'chart-messenger',
    ]);
    for (const chart of charts) {
      expect(chart.width, chart.id).toBeGreaterThan(100);
      expect(chart.height, chart.id).toBeGreaterThan(100);
      expect(chart.datasets, chart.id).toBeDefined();
    }
    const stateChart = charts.find((c) => c.id === 'chart-state');
    expect(stateChart?.datasets).toEqual(
      state.head.slice(1, -1).map((label, column) => ({
        label,
        data: state.rows.map((row) => Number(row[column + 1])),
      })),
    );

    await axeCheck(page);
    await screenshot(page, 'stats');
    // Open every table; the page passes axe with them shown too, and without a CSP complaint.
    for (const summary of await page.locator('details > summary').all()) await summary.click();
    await axeCheck(page);
    expect(refused).toEqual([]);

    // The CSV download is what the CLI prints for the same months.
    const from = addMonths(THIS_MONTH, -11);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Zahlen als CSV herunterladen (nur Zählungen)' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`lotse-stats-${from}-${THIS_MONTH}.csv`);
    const csv = readFileSync(await download.path(), 'utf8');
    const cli = await staffCli(['stats', '--from', from, '--to', THIS_MONTH], env());
    expect(cli.code).toBe(0);
    expect(csv).toBe(cli.stdout);
    expect(csv).toContain(`${THIS_MONTH},total,,2`);
    expect(csv).toContain(`${LAST_MONTH},urgent,,1`);
    expect(csv).not.toContain(reported);
  });

  it('shows the months asked for, mends a bad range, and speaks English', async () => {
    const ben = await enrolledAccount(
      inbox.redis.client,
      inbox.redis.prefix,
      keys.privateKey,
      'ben',
      'Ben Kim',
    );
    const page = await browser.page();
    await signIn(page, inbox.url, ben);
    await page.goto(`${inbox.url}/stats`);
    await page.getByLabel('Von (Monat)').fill(LAST_MONTH);
    await page.getByLabel('Bis (Monat)').fill(THIS_MONTH);
    await submit(page, page.getByRole('button', { name: 'Zeitraum anzeigen' }));
    expect(new URL(page.url()).searchParams.get('from')).toBe(LAST_MONTH);
    const state = await readTable(page, 'table-state');
    expect(state.rows.map((row) => row.at(-1))).toEqual(['2', '2']);
    expect(
      await page
        .getByRole('link', { name: 'Zahlen als CSV herunterladen (nur Zählungen)' })
        .getAttribute('href'),
    ).toBe(`/stats.csv?from=${LAST_MONTH}&to=${THIS_MONTH}`);

    // The end before the start: turned round, and said so.
    await page.goto(`${inbox.url}/stats?from=${THIS_MONTH}&to=${LAST_MONTH}`);
    expect(await page.getByRole('status').textContent()).toContain('andersherum');
    expect((await readTable(page, 'table-state')).rows).toHaveLength(2);
    // Hostile values: the default year and a notice, never an error or an echo.
    const odd = await page.goto(
      `${inbox.url}/stats?from=%3Cscript%3Ealert(1)%3C/script%3E&to=9999-99`,
    );
    expect(odd?.status()).toBe(200);
    expect(await page.getByRole('status').textContent()).toContain('nicht lesen');
    expect(await page.content()).not.toContain('<script>alert');
    expect((await readTable(page, 'table-state')).rows).toHaveLength(12);
    // A range of centuries is cut to the longest one shown.
    await page.goto(`${inbox.url}/stats?from=0001-01&to=${THIS_MONTH}`);
    expect((await readTable(page, 'table-state')).rows).toHaveLength(60);

    const english = await browser.page('en-GB');
    await english.goto(`${inbox.url}/sign-in`);
    await english.getByLabel('Account name').fill(ben.name);
    await english.getByLabel('Passphrase').fill(ben.passphrase);
    await english.getByLabel('Code from the app (6 digits)').fill(await ben.codes.next());
    await submit(english, english.getByRole('button', { name: 'Sign in', exact: true }));
    await submit(english, english.getByRole('link', { name: 'Statistics' }));
    expect(await english.locator('h1').textContent()).toBe('Statistics');
    expect((await readTable(english, 'table-state')).head).toEqual([
      'Month',
      'Bavaria',
      'Hesse',
      'Cases',
    ]);
    await axeCheck(english);
  });

  it('gives nothing to someone not signed in', async () => {
    const csv = await fetch(`${inbox.url}/stats.csv`, { redirect: 'manual' });
    expect(csv.status).toBe(401);
    expect(await csv.text()).toBe('');
    const page = await fetch(`${inbox.url}/stats`, { redirect: 'manual' });
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/sign-in');
  });

  it('serves only its own files by name: Chart.js and its scripts, never a path', async () => {
    const chart = await fetch(`${inbox.url}/static/chart.umd.min.js`);
    expect(chart.status).toBe(200);
    expect(chart.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(chart.headers.get('content-security-policy')).toContain("script-src 'self'");
    const body = await chart.text();
    expect(body).toContain('window.Chart');
    expect(body).not.toContain('sourceMappingURL');
    for (const path of [
      '/static/..%2Fserver.ts',
      '/static/%2e%2e%2f%2e%2e%2fpackage.json',
      '/static/chart.umd.min.js.map',
      '/static/../../package.json',
      '/node_modules/chart.js/package.json',
    ]) {
      const response = await fetch(`${inbox.url}${path}`, { redirect: 'manual' });
      expect([404, 303], path).toContain(response.status);
      expect(await response.text(), path).not.toContain('"name"');
    }
  });
});
