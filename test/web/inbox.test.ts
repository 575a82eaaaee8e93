/**
 * The staff inbox in real Chromium against the real program (console channel, staff worker and
 * inbox in one process) on real Redis: cases urgent and newest first, filters and search by case
 * number, unclaimed times; a report sent through the console channel and then a message from the
 * person appear without a reload; the case link opens the case through the desk.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { newCaseRef } from '../../src/bot/case-ref.ts';
import { CaseStore, type NewCase } from '../../src/staff/case-store.ts';
import { generateStaffKeyPair } from '../../src/staff/seal.ts';
import { seededCase } from '../support/case-records.ts';
import { axeCheck, describeBrowser, screenshot, useBrowser } from '../support/browser.ts';
import { GERMAN_INTAKE, walk } from '../support/intake-script.ts';
import type { MessageLine } from '../support/jsonl-process.ts';
import { enrolledAccount, signIn, submit, useInboxProgram } from '../support/web-inbox.ts';

const keys = generateStaffKeyPair();
const [OLD, NEW, URG] = [newCaseRef(), newCaseRef(), newCaseRef()];
const dataDir = mkdtempSync(join(tmpdir(), 'lotse-web-inbox-'));

/** A case as the report worker makes it (the sealed report is not opened in this test). */
function seeded(caseRef: string, fields: Partial<NewCase['record']>): NewCase {
  const createdAt = new Date(Date.now() - 3 * 3_600_000).toISOString();
  return seededCase(caseRef, { createdAt, ...fields });
}

describeBrowser('the staff inbox', { timeout: 90_000 }, () => {
  const browser = useBrowser();
  const inbox = useInboxProgram('web_inbox', {
    user: 'mayor',
    env: { STAFF_PRIVATE_KEY: keys.privateKey, DATA_DIR: dataDir },
  });

  it('lists cases urgent and newest first, filters them, and finds one by its number', async () => {
    const cases = new CaseStore(inbox.redis.client, inbox.redis.prefix);
    await cases.create(
      seeded(OLD, { createdAt: new Date(Date.now() - 5 * 86_400_000).toISOString() }),
    );
    await cases.create(seeded(NEW, { state: 'NW', kinds: ['threat'] }));
    await cases.create(
      seeded(URG, {
        urgent: true,
        createdAt: new Date(Date.now() - 26 * 3_600_000).toISOString(),
      }),
    );
    const greta = await enrolledAccount(
      inbox.redis.client,
      inbox.redis.prefix,
      keys.privateKey,
      'greta',
      'Greta Vogt',
    );
    const page = await browser.page();
    await signIn(page, inbox.url, greta);
    expect(new URL(page.url()).pathname).toBe('/inbox');

    const rows = () =>
      page
        .locator('#case-rows tr[data-case]')
        .evaluateAll((trs) =>
          trs.map((tr) => (tr as unknown as { dataset: { case: string } }).dataset.case),
        );
    // Urgent first (though older), then newest first.
    expect(await rows()).toEqual([URG, NEW, OLD]);
    const urgent = page.locator(`tr[data-case="${URG}"]`);
    expect(await urgent.textContent()).toContain('dringend');
    expect(await urgent.textContent()).toContain('unbearbeitet seit 26 Stunden');
    expect(await page.locator(`tr[data-case="${OLD}"]`).textContent()).toContain(
      'unbearbeitet seit 5 Tagen',
    );
    expect(await page.locator(`tr[data-case="${NEW}"]`).textContent()).toContain(
      'Nordrhein-Westfalen',
    );
    await axeCheck(page);

    // Filters: the Land, then the kind and the age; each choice is a plain GET form.
    await page.getByLabel('Bundesland').selectOption('NW');
    await submit(page, page.getByRole('button', { name: 'Filter anwenden' }));
    expect(await rows()).toEqual([NEW]);
    expect(new URL(page.url()).searchParams.get('state')).toBe('NW');
    await page.goto(`${inbox.url}/inbox?age=day`);
    expect(await rows()).toEqual([NEW]);
    await page.goto(`${inbox.url}/inbox?urgent=1`);
    expect(await rows()).toEqual([URG]);
    await page.goto(`${inbox.url}/inbox?assignee=-&kind=insult`);
    expect(await rows()).toEqual([URG, OLD]);
    await page.goto(`${inbox.url}/inbox?status=closed`);
    expect(await rows()).toEqual([]);
    expect(await page.locator('#case-rows').textContent()).toContain(
      'Keine Fälle für diese Auswahl.',
    );

    // Search by case number, with or without the dash, any case.
    await page.goto(`${inbox.url}/inbox`);
    // Part of the number, lowercase, without the dash.
    await page.getByLabel('Fallnummer').fill(OLD.slice(0, 9).replace('-', '').toLowerCase());
    await submit(page, page.getByRole('button', { name: 'Filter anwenden' }));
    expect(await rows()).toEqual([OLD]);

    // Hostile query values are dropped, never an error.
    const odd = await page.goto(
      `${inbox.url}/inbox?status=%3Cscript%3E&age=forever&q=${'x'.repeat(5000)}`,
    );
    expect(odd?.status()).toBe(200);
  });

  it("shows a report sent through the console channel, and the person's next message, without a reload", async () => {
    const hanna = await enrolledAccount(
      inbox.redis.client,
      inbox.redis.prefix,
      keys.privateKey,
      'hanna',
      'Hanna Ott',
    );
    const page = await browser.page();
    await signIn(page, inbox.url, hanna);
    expect(new URL(page.url()).pathname).toBe('/inbox');
    // Live: the note says so (live.js ran), and the event stream is open.
    await page.locator('#live-note', { hasText: 'von selbst' }).waitFor();
    // A mark that a reload would wipe.
    await page.evaluate('window.__notReloaded = true');

    const live = inbox.bot;
    await walk(live, GERMAN_INTAKE);
    const sent = await live.send({ choice: 'send' });
    const caseRef =
      sent.find((l): l is MessageLine => l.type === 'message' && l.case !== undefined)?.case ?? '';
    expect(caseRef).not.toBe('');

    const row = page.locator(`#case-rows tr[data-case="${caseRef}"]`);
    await row.waitFor({ timeout: 20_000 });
    expect(await page.evaluate('window.__notReloaded === true')).toBe(true);
    expect(await row.textContent()).toContain('neu');
    expect(await row.textContent()).toContain('Bayern');
    expect(await page.locator('#live-status').textContent()).toBe(`Neuer Fall: ${caseRef}`);
    await axeCheck(page);
    await screenshot(page, 'inbox');

    // The person writes again: the case's row shows the new activity, announced, no reload.
    const before = await row.getAttribute('data-updated');
    await live.send({ text: 'Es ist wieder passiert, heute Morgen.' });
    await page
      .locator('#live-status', { hasText: `Neue Nachricht in ${caseRef}` })
      .waitFor({ timeout: 20_000 });
    expect(
      await page.locator(`#case-rows tr[data-case="${caseRef}"]`).getAttribute('data-updated'),
    ).not.toBe(before);
    expect(await page.evaluate('window.__notReloaded === true')).toBe(true);

    // The case link opens the case through the desk (the audit trail names the account).
    await submit(page, page.getByRole('link', { name: caseRef }));
    expect(await page.locator('h1').textContent()).toBe(`Fall ${caseRef}`);
    expect(await page.locator('main').textContent()).toContain('Status: neu');
    await axeCheck(page);
    const audit = await new CaseStore(inbox.redis.client, inbox.redis.prefix).audit(caseRef);
    expect(audit.filter((e) => e.action === 'show').map((e) => e.actor)).toEqual(['web:hanna']);

    // An unknown case number: a clear message, nothing else.
    const unknown = await page.goto(`${inbox.url}/cases/L-ZZZZ`);
    expect(unknown?.status()).toBe(404);
    expect(await page.getByRole('alert').textContent()).toContain(
      'Einen Fall mit dieser Nummer gibt es nicht',
    );
  });

  it('works without JavaScript: a plain page with a reload link', async () => {
    const ida = await enrolledAccount(
      inbox.redis.client,
      inbox.redis.prefix,
      keys.privateKey,
      'ida',
      'Ida Lenz',
    );
    const page = await browser.page();
    await page.context().route('**/static/live.js', (route) => route.abort());
    await signIn(page, inbox.url, ida);
    expect(await page.locator('#live-note').textContent()).toContain('Laden Sie die Seite neu');
    await submit(page, page.getByRole('link', { name: 'Neu laden' }));
    expect(new URL(page.url()).pathname).toBe('/inbox');
    expect(await page.locator('#case-rows tr[data-case]').count()).toBeGreaterThan(0);
  });
});
