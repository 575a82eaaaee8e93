/**
 * The sign-in and the inbox with the keyboard alone, in real Chromium against the real program:
 * the Tab order reaches the skip link, the navigation, every filter, the search, the case rows
 * and the actions in reading order; every stop shows a visible focus outline; the skip link
 * moves focus to the main content; the search, a filter and a case open with keys only; the
 * landmarks (banner, navigation, main) are there and every field has a label.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import { newCaseRef } from '../../src/bot/case-ref.ts';
import { CaseStore, type NewCase } from '../../src/staff/case-store.ts';
import { generateStaffKeyPair } from '../../src/staff/seal.ts';
import { axeCheck, describeBrowser, useBrowser } from '../support/browser.ts';
import { seededCase } from '../support/case-records.ts';
import { enrolledAccount, useInboxProgram } from '../support/web-inbox.ts';

const keys = generateStaffKeyPair();
const dataDir = mkdtempSync(join(tmpdir(), 'lotse-web-keys-'));
const [BY, NW] = [newCaseRef(), newCaseRef()];

function seeded(caseRef: string, state: string, hoursAgo: number): NewCase {
  const createdAt = new Date(Date.now() - hoursAgo * 3_600_000).toISOString();
  return seededCase(caseRef, { state, createdAt });
}

/** What has the focus: its accessible name as a reader hears it, and whether it shows. */
interface Focused {
  readonly name: string;
  readonly outline: boolean;
}

/** Presses Tab and tells what has the focus then. */
async function tab(page: Page): Promise<Focused> {
  await page.keyboard.press('Tab');
  return page.evaluate(`(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return { name: '(body)', outline: false };
    const labelled = el.id ? document.querySelector('label[for="' + el.id + '"]') : null;
    const name = (el.getAttribute('aria-label') || (labelled && labelled.textContent) ||
      el.textContent || el.getAttribute('name') || el.tagName).trim().replace(/\\s+/g, ' ');
    const style = getComputedStyle(el);
    const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
    return { name, outline };
  })()`);
}

/** Tabs through the page until `last` has the focus (or 40 stops), answering each stop. */
async function walkUntil(page: Page, last: string): Promise<Focused[]> {
  const stops: Focused[] = [];
  for (let i = 0; i < 40; i++) {
    const focused = await tab(page);
    stops.push(focused);
    if (focused.name === last) break;
  }
  return stops;
}

describeBrowser('the inbox with the keyboard alone', { timeout: 90_000 }, () => {
  const browser = useBrowser();
  const inbox = useInboxProgram('web_keys', {
    user: 'mayor',
    env: { STAFF_PRIVATE_KEY: keys.privateKey, DATA_DIR: dataDir },
  });

  beforeAll(async () => {
    const cases = new CaseStore(inbox.redis.client, inbox.redis.prefix);
    expect(await cases.create(seeded(BY, 'BY', 2))).toBe('created');
    expect(await cases.create(seeded(NW, 'NW', 1))).toBe('created');
  }, 60_000);

  it('signs in, filters, searches and opens a case with Tab and Enter, focus always visible', async () => {
    const clara = await enrolledAccount(
      inbox.redis.client,
      inbox.redis.prefix,
      keys.privateKey,
      'clara',
      'Clara Sommer',
    );
    const page = await browser.page();
    await page.goto(`${inbox.url}/sign-in`);
    expect(await page.locator('header').count()).toBe(1);
    expect(await page.getByRole('main').count()).toBe(1);

    // The sign-in: skip link, the three fields, the button – typed, then Enter.
    const signInStops = await walkUntil(page, 'Anmelden');
    expect(signInStops.map((s) => s.name)).toEqual([
      'Zum Inhalt springen',
      'Kontoname',
      'Passphrase',
      'Code aus der App (6 Ziffern)',
      'Anmelden',
    ]);
    expect(signInStops.filter((s) => !s.outline)).toEqual([]);
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.type(clara.name);
    await page.keyboard.press('Tab');
    await page.keyboard.type(clara.passphrase);
    await page.keyboard.press('Tab');
    await page.keyboard.type(await clara.codes.next());
    await Promise.all([page.waitForURL(`${inbox.url}/inbox`), page.keyboard.press('Enter')]);

    // The inbox: landmarks, then the whole Tab order.
    expect(await page.getByRole('banner').count()).toBe(1);
    expect(await page.getByRole('navigation', { name: 'Hauptnavigation' }).count()).toBe(1);
    expect(await page.getByRole('main').count()).toBe(1);
    await page.locator('#live-note', { hasText: 'von selbst' }).waitFor();
    const stops = await walkUntil(page, BY);
    expect(stops.map((s) => s.name)).toEqual([
      'Zum Inhalt springen',
      'Eingang',
      'Statistik',
      'Abmelden',
      'Fallnummer',
      'Status',
      'Dringlichkeit',
      'Bundesland',
      'Art',
      'Eingegangen',
      'Zuständig',
      'Filter anwenden',
      'Filter zurücksetzen',
      NW,
      BY,
    ]);
    expect(stops.filter((s) => !s.outline)).toEqual([]);

    // The skip link leads past the navigation into the main content.
    await page.goto(`${inbox.url}/inbox`);
    expect((await tab(page)).name).toBe('Zum Inhalt springen');
    await page.keyboard.press('Enter');
    expect(await page.evaluate('document.activeElement && document.activeElement.id')).toBe('main');
    // From there, the next stop is the search field.
    expect((await tab(page)).name).toBe('Fallnummer');

    // Search by typing and Enter.
    await page.keyboard.type(NW.slice(0, 9));
    await Promise.all([page.waitForURL(/q=/), page.keyboard.press('Enter')]);
    expect(await page.locator('#case-rows tr[data-case]').count()).toBe(1);

    // A filter chosen with the arrow keys, sent with Enter on the button.
    await page.goto(`${inbox.url}/inbox`);
    await page.getByLabel('Bundesland').focus();
    await page.keyboard.press('ArrowDown');
    expect(await page.getByLabel('Bundesland').inputValue()).toBe('BY');
    await page.getByRole('button', { name: 'Filter anwenden' }).focus();
    await Promise.all([page.waitForURL(/state=BY/), page.keyboard.press('Enter')]);
    expect(
      await page
        .locator('#case-rows tr[data-case]')
        .evaluateAll((rows) =>
          rows.map((r) => (r as unknown as { dataset: { case: string } }).dataset.case),
        ),
    ).toEqual([BY]);

    // A case opens from its row with Enter (its page is web-case's; the seeded report here is no
    // real sealed one, so only the navigation is checked).
    await page.getByRole('link', { name: BY }).focus();
    await Promise.all([page.waitForURL(`${inbox.url}/cases/${BY}`), page.keyboard.press('Enter')]);
    expect(new URL(page.url()).pathname).toBe(`/cases/${BY}`);

    // Back on the statistics page the keyboard reaches the range, the export and each table.
    await page.goto(`${inbox.url}/stats`);
    const statsStops = await walkUntil(page, 'Zahlen als Tabelle');
    expect(statsStops.map((s) => s.name)).toEqual([
      'Zum Inhalt springen',
      'Eingang',
      'Statistik',
      'Abmelden',
      'Von (Monat)',
      'Bis (Monat)',
      'Zeitraum anzeigen',
      'Zahlen als CSV herunterladen (nur Zählungen)',
      'Zahlen als Tabelle',
    ]);
    expect(statsStops.filter((s) => !s.outline)).toEqual([]);
    await page.keyboard.press('Enter');
    expect(await page.locator('details').first().getAttribute('open')).not.toBeNull();
    await axeCheck(page);
  });
});
