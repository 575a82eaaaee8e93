/**
 * Real Chromium for the staff inbox's tests (Debian's `chromium`, driven with playwright-core):
 *
 *   const browser = useBrowser();            // one Chromium per test file
 *   it('…', async () => {
 *     const page = await browser.page();     // a fresh context (no cookies) per call
 *     await page.goto(url);
 *     await axeCheck(page);                  // fails on serious or critical violations
 *     await screenshot(page, 'inbox');       // docs/screenshots/inbox.png when LOTSE_SCREENSHOTS=1
 *   });
 *
 * Without /usr/bin/chromium the suites skip with a message, except in CI (CI=true), where they
 * must run (.ci/run installs it).
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect } from 'vitest';
import { ROOT } from './jsonl-process.ts';

export const CHROMIUM = '/usr/bin/chromium';

/** True when the browser tests can run here. */
export const haveChromium = existsSync(CHROMIUM);

/**
 * `describe`, or a skipped one with a reason when Chromium is missing outside CI. In CI a missing
 * Chromium fails the suite instead (launch fails).
 */
export const describeBrowser: typeof describe =
  haveChromium || process.env['CI'] === 'true'
    ? describe
    : (((name: string) => {
        describe.skip(`${name} (skipped: ${CHROMIUM} is not installed; apt-get install chromium)`, () =>
          undefined);
      }) as unknown as typeof describe);

/** One Chromium for the calling test file; a fresh context per `page()`, closed after each test. */
export function useBrowser(): { page(locale?: string): Promise<Page> } {
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
      ],
    });
  }, 60_000);
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close()));
  });
  afterAll(async () => {
    await browser?.close();
  });
  return {
    async page(locale = 'de-DE') {
      if (browser === undefined) throw new Error('the browser did not start');
      const context = await browser.newContext({ locale });
      contexts.push(context);
      const page = await context.newPage();
      page.setDefaultTimeout(20_000);
      return page;
    },
  };
}

const axeSource = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

interface AxeViolation {
  readonly id: string;
  readonly impact?: string | null;
  readonly help: string;
  readonly nodes: readonly { readonly target: readonly unknown[] }[];
}

/**
 * Runs axe-core in the page (WCAG 2.x A and AA rules, 2.2 included) and fails on any serious or
 * critical violation, naming each. Answers every violation found, for a closer look.
 */
export async function axeCheck(page: Page): Promise<AxeViolation[]> {
  // Evaluated, not added as a <script>: the page's CSP allows no script from elsewhere.
  await page.evaluate(axeSource);
  // A string, run in the page: this project's TypeScript knows no DOM.
  const rules = JSON.stringify({
    runOnly: {
      type: 'tag',
      values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'],
    },
  });
  const violations = await page.evaluate<AxeViolation[]>(`(async () => {
    const result = await window.axe.run(document, ${rules});
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? null,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target })),
    }));
  })()`);
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    serious.map(
      (v) =>
        `${v.id} (${String(v.impact)}): ${v.help} at ${JSON.stringify(v.nodes.map((n) => n.target))}`,
    ),
  ).toEqual([]);
  return violations;
}

/** Saves docs/screenshots/NAME.png when LOTSE_SCREENSHOTS=1 (for the README). */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (process.env['LOTSE_SCREENSHOTS'] !== '1') return;
  const dir = join(ROOT, 'docs', 'screenshots');
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
}
