/**
 * The case page in real Chromium against the real program (console channel, staff worker and
 * inbox in one process) on real Redis. The story of issue 15: a report sent through the console
 * channel appears live in the inbox; staff sign in with passphrase and TOTP, open it, claim it,
 * reply (the person gets the reply on the console), the person answers (it appears on the case page
 * without a reload), they add a note and close it, and the statistics count it. Then every refusal
 * (a second person on a claimed case, an unknown number, a closed case, an empty reply, a form
 * without its token), the evidence files' headers, the link warning and the twice-confirmed erase.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import PDFDocument from 'pdfkit';
import type { Page } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import { newCaseRef } from '../../src/bot/case-ref.ts';
import { Translator } from '../../src/bot/i18n.ts';
import { CaseStore } from '../../src/staff/case-store.ts';
import { monthlyStatistics } from '../../src/staff/statistics.ts';
import { generateStaffKeyPair } from '../../src/staff/seal.ts';
import { axeCheck, describeBrowser, screenshot, useBrowser } from '../support/browser.ts';
import { GERMAN_INTAKE, waitForMessage } from '../support/intake-script.ts';
import type { MessageLine } from '../support/jsonl-process.ts';
import { until } from '../support/wait.ts';
import {
  enrolledAccount,
  removeElement,
  signIn,
  submit,
  useInboxProgram,
  type TestAccount,
} from '../support/web-inbox.ts';

const keys = generateStaffKeyPair();
const dataDir = mkdtempSync(join(tmpdir(), 'lotse-web-case-'));

/** A real PNG (a blue-green gradient), so the page shows a picture. */
function png(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), body.length + 4);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      rows.set(
        [40, 90 + Math.floor((x / width) * 120), 160 + Math.floor((y / height) * 80)],
        y * (width * 3 + 1) + 1 + x * 3,
      );
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

async function pdf(): Promise<Buffer> {
  const doc = new PDFDocument();
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise((resolve) => doc.on('end', resolve));
  doc.text('Screenshot des Kommentars');
  doc.end();
  await ended;
  return Buffer.concat(chunks);
}

/** The German intake of the test scripts, with an image, a PDF, a text file holding HTML and two links. */
async function intakeLines(user: string, description: string): Promise<object[]> {
  const files = [
    { name: 'kommentar.png', mime: 'image/png', data: png(240, 140).toString('base64') },
    { name: 'drohbrief.pdf', mime: 'application/pdf', data: (await pdf()).toString('base64') },
    {
      // Plain text as declared, but a browser that sniffed it would run it as a page.
      name: 'seite.txt',
      mime: 'text/plain',
      data: Buffer.from('<html><script>document.title="pwned"</script></html>').toString('base64'),
    },
  ];
  return GERMAN_INTAKE.flatMap((line): object[] => {
    if ('file' in line)
      return [
        ...files.map((file) => ({ file })),
        { text: 'https://täter.example/profil?id=1 und javascript:alert(1)' },
      ];
    if ('text' in line && typeof line.text === 'string' && line.text.startsWith('Drohung'))
      return [{ text: description }];
    return [line];
  }).map((line) => ({ ...line, user }));
}

describeBrowser('the case page', { timeout: 90_000 }, () => {
  const browser = useBrowser();
  const inbox = useInboxProgram('web_case', {
    user: 'person-a',
    env: { STAFF_PRIVATE_KEY: keys.privateKey, DATA_DIR: dataDir },
  });
  let greta: TestAccount;
  let hanna: TestAccount;
  const cases = () => new CaseStore(inbox.redis.client, inbox.redis.prefix);

  /** A report from `user` through the console channel; answers its case number. */
  async function report(user: string, description: string): Promise<string> {
    for (const line of await intakeLines(user, description)) await inbox.bot.send(line);
    const sent = await inbox.bot.send({ choice: 'send', user });
    const caseRef =
      sent.find((l): l is MessageLine => l.type === 'message' && l.case !== undefined)?.case ?? '';
    expect(caseRef).not.toBe('');
    return caseRef;
  }

  const alertText = (page: Page) => page.getByRole('alert').first().textContent();
  const notice = (page: Page) => page.locator('p.alert.notice').textContent();

  beforeAll(async () => {
    greta = await enrolledAccount(
      inbox.redis.client,
      inbox.redis.prefix,
      keys.privateKey,
      'greta',
      'Greta Vogt',
    );
    hanna = await enrolledAccount(
      inbox.redis.client,
      inbox.redis.prefix,
      keys.privateKey,
      'hanna',
      'Hanna Ott',
    );
  }, 60_000);

  it('the story: a report appears live, is claimed, answered both ways, noted, closed and counted', async () => {
    // The statistics page's function (its charts and tables are made from it); the months around
    // today, whichever month the contact point's time zone files today under.
    const month = (offset: number): string => {
      const d = new Date();
      return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + offset, 1))
        .toISOString()
        .slice(0, 7);
    };
    const sum = (values: readonly number[] | undefined): number =>
      (values ?? []).reduce((a, b) => a + b, 0);
    const counted = async () => {
      const series = await monthlyStatistics(
        cases(),
        month(-1),
        month(1),
        'de',
        Translator.create(),
      );
      const threats = series.kind.datasets.find((d) => d.key === 'threat')?.data;
      return { total: sum(series.kind.totals), threats: sum(threats) };
    };
    const before = await counted();

    const page = await browser.page();
    await signIn(page, inbox.url, greta);
    expect(new URL(page.url()).pathname).toBe('/inbox');
    await page.locator('#live-note', { hasText: 'von selbst' }).waitFor();

    const caseRef = await report(
      'person-a',
      'Unter meinem Beitrag zur Ratssitzung droht jemand, „mich zu Hause zu besuchen“.\nEr kennt meine Adresse.',
    );
    // The report appears in the inbox without a reload.
    const row = page.locator(`#case-rows tr[data-case="${caseRef}"]`);
    await row.waitFor({ timeout: 30_000 });

    await submit(page, page.getByRole('link', { name: caseRef }));
    expect(await page.locator('h1').textContent()).toBe(`Fall ${caseRef}`);
    const main = page.locator('main');
    // The report in the case document's order and wording, in the page.
    expect(await main.textContent()).toContain('Status: neu');
    expect(await page.locator('.report-lines').textContent()).toContain('Bayern');
    expect(await page.locator('.description').textContent()).toBe(
      'Unter meinem Beitrag zur Ratssitzung droht jemand, „mich zu Hause zu besuchen“.\nEr kennt meine Adresse.',
    );
    // Evidence: SHA-256 and receipt for each file; the image shown, loaded from its route.
    const files = page.locator('.evidence-file');
    expect(await files.count()).toBe(3);
    expect(await files.first().textContent()).toMatch(/[0-9a-f]{64}/);
    const image = page.locator('img.evidence-image');
    expect(await image.count()).toBe(1);
    await until(
      async () =>
        (await image.evaluate(
          (img) => (img as unknown as { naturalWidth: number }).naturalWidth,
        )) === 240,
      10_000,
    );
    // Links as text with their host; only http(s) reach the warning page, none is a script.
    expect(await page.locator('.links').textContent()).toContain('xn--tter-loa.example');
    // The intake takes web addresses only: the script text stays in the message, never a link.
    expect(await page.locator('.links li').count()).toBe(1);
    expect(await page.locator('a[href^="javascript:"], a[href^="data:"]').count()).toBe(0);
    await axeCheck(page);

    // Claim.
    await submit(page, page.getByRole('button', { name: 'Fall übernehmen' }));
    expect(await notice(page)).toBe('Sie haben den Fall übernommen.');
    expect(await page.locator('#case-state').textContent()).toContain('Zuständig: Greta Vogt');

    // Reply: the person gets it on the console.
    const reply = 'Wir haben Ihre Meldung gelesen. Sind Sie gerade in Sicherheit?';
    await page.getByLabel('Antwort an die meldende Person').fill(reply);
    await submit(page, page.getByRole('button', { name: 'Antwort senden' }));
    expect(await notice(page)).toBe('Ihre Antwort wird zugestellt.');
    await waitForMessage(inbox.bot, (l) => l.text.includes(reply) && l.user === 'person-a', 30_000);
    // Its delivery status on the page turns to delivered.
    await until(async () => {
      await page.reload();
      return (await page.locator('.message.staff .delivery').textContent()) === 'zugestellt';
    }, 30_000);

    // The person answers: it appears on the open case page, no reload, announced.
    await page.evaluate('window.__notReloaded = true');
    // The live stream is open before the person writes.
    await page.locator('#conversation[data-live="on"]').waitFor({ state: 'attached' });
    await inbox.bot.send({ text: 'Ja, danke. Ich bin bei meiner Schwester.', user: 'person-a' });
    await page
      .locator('.message.person', { hasText: 'Ich bin bei meiner Schwester.' })
      .waitFor({ timeout: 30_000 });
    expect(await page.evaluate('window.__notReloaded === true')).toBe(true);
    expect(await page.locator('#live-status').textContent()).toBe(
      'Neue Nachricht der meldenden Person.',
    );

    // A note.
    await page
      .getByLabel('Neue Notiz')
      .fill('Rückruf morgen 10 Uhr vereinbart; Polizei informieren?');
    await submit(page, page.getByRole('button', { name: 'Notiz speichern' }));
    expect(await notice(page)).toBe('Die Notiz ist gespeichert.');
    expect(await page.locator('.notes').textContent()).toContain('Rückruf morgen 10 Uhr');
    await axeCheck(page);
    await screenshot(page, 'case');

    // Close with an outcome.
    await page.getByLabel('Ergebnis (für den Abschluss)').fill('An Polizei weitergeleitet.');
    await submit(page, page.getByRole('button', { name: 'Fall abschließen' }));
    expect(await notice(page)).toBe('Der Fall ist abgeschlossen.');
    expect(await page.locator('#case-state').textContent()).toContain('Status: abgeschlossen');
    expect(await page.locator('#case-state').textContent()).toContain('An Polizei weitergeleitet.');

    // The audit trail names the account id for every step.
    const audit = await cases().audit(caseRef);
    for (const action of ['claim', 'reply', 'note', 'close'])
      expect(audit.filter((e) => e.action === action).map((e) => e.actor)).toEqual(['web:greta']);
    const trail = (await page.locator('table.audit').textContent()) ?? '';
    expect(trail).toContain('web:greta');
    // A run of views (the reply's page, then the reloads) is one row, counted.
    expect(trail).toMatch(/angesehen \(\d+×\)/);
    expect(await page.locator('table.audit tbody tr').count()).toBeLessThan(audit.length);

    // The statistics count it.
    expect(await counted()).toEqual({ total: before.total + 1, threats: before.threats + 1 });
  });

  it('refuses with a clear message and changes nothing; serves evidence safely; warns before a link; erases only when confirmed twice', async () => {
    const caseRef = await report('person-b', 'Ein Brief mit einer Drohung lag im Briefkasten.');
    await madeCaseReady(caseRef);
    const base = `${inbox.url}/cases/${caseRef}`;
    const gretaPage = await browser.page();
    const hannaPage = await browser.page();
    await signIn(gretaPage, inbox.url, greta);
    await signIn(hannaPage, inbox.url, hanna);
    await gretaPage.goto(base);
    await hannaPage.goto(base);

    // A second person acting on a claimed case: claim, then hand back.
    await submit(gretaPage, gretaPage.getByRole('button', { name: 'Fall übernehmen' }));
    await submit(hannaPage, hannaPage.getByRole('button', { name: 'Fall übernehmen' }));
    expect(await alertText(hannaPage)).toBe(
      'Nichts geändert: Der Fall ist schon von jemand anderem übernommen.',
    );
    expect(await hannaPage.locator('#case-state').textContent()).toContain('Zuständig: Greta Vogt');
    await submit(hannaPage, hannaPage.getByRole('button', { name: 'Fall zurückgeben' }));
    const notAssignee =
      'Nichts geändert: Antworten, abschließen und zurückgeben kann nur, wer den Fall übernommen hat. Eine Notiz ist möglich.';
    expect(await alertText(hannaPage)).toBe(notAssignee);
    expect((await cases().get(caseRef))?.assigneeId).toBe('web:greta');
    // …nor reply to the person on Greta's case.
    await hannaPage.getByLabel('Antwort an die meldende Person').fill('Hallo von Hanna');
    await submit(hannaPage, hannaPage.getByRole('button', { name: 'Antwort senden' }));
    expect(await alertText(hannaPage)).toBe(notAssignee);
    expect((await cases().messages(caseRef)).length).toBe(0);

    // An empty reply (the browser's own check taken away).
    await gretaPage.locator('#reply-text').evaluate((el) => {
      (el as unknown as { removeAttribute(n: string): void }).removeAttribute('required');
    });
    await gretaPage.getByLabel('Antwort an die meldende Person').fill('   ');
    await submit(gretaPage, gretaPage.getByRole('button', { name: 'Antwort senden' }));
    expect(await alertText(gretaPage)).toBe('Nichts geändert: Der Text fehlt.');
    expect((await cases().messages(caseRef)).length).toBe(0);

    // A form without its cross-site token.
    await gretaPage.getByLabel('Neue Notiz').fill('ohne Token');
    await removeElement(gretaPage.locator('form[action$="/note"] input[name="csrf"]'));
    const [refused] = await Promise.all([
      gretaPage.waitForResponse((r) => r.url().endsWith('/note')),
      gretaPage.getByRole('button', { name: 'Notiz speichern' }).click(),
    ]);
    expect(refused.status()).toBe(403);
    expect(await alertText(gretaPage)).toContain('Es wurde nichts geändert');
    expect((await cases().notes(caseRef)).length).toBe(0);

    // An unknown case number: to look at, and to act on (a form of a page since erased, say).
    const unknown = await gretaPage.goto(`${inbox.url}/cases/${newCaseRef()}`);
    expect(unknown?.status()).toBe(404);
    expect(await alertText(gretaPage)).toContain('Einen Fall mit dieser Nummer gibt es nicht');
    await gretaPage.goto(base);
    await gretaPage.locator('form[action$="/note"]').evaluate((form, ref) => {
      const f = form as unknown as { action: string };
      f.action = f.action.replace(/cases\/[^/]+/, `cases/${ref}`);
    }, newCaseRef());
    await gretaPage.getByLabel('Neue Notiz').fill('an einen Fall, den es nicht gibt');
    const [gone] = await Promise.all([
      gretaPage.waitForResponse((r) => r.url().endsWith('/note')),
      gretaPage.getByRole('button', { name: 'Notiz speichern' }).click(),
    ]);
    expect(gone.status()).toBe(404);
    expect(await alertText(gretaPage)).toContain('Einen Fall mit dieser Nummer gibt es nicht');
    expect((await cases().notes(caseRef)).length).toBe(0);
    await gretaPage.goto(base);

    // Hostile addresses find nothing and break nothing; made-up messages are never shown.
    for (const path of [
      `/cases/%3Cscript%3E/links/0`,
      `/cases/${caseRef}/links/999`,
      `/cases/${caseRef}/links/-1`,
      `/cases/${caseRef}/files/..%2F..%2Fetc%2Fpasswd`,
      `/cases/${caseRef}/files/${'x'.repeat(3000)}`,
    ])
      expect((await gretaPage.request.get(`${inbox.url}${path}`)).status(), path).toBe(404);
    await gretaPage.goto(`${base}?refused=%3Cb%3Ehi%3C%2Fb%3E&done=erased`);
    expect(await gretaPage.locator('p.alert').count()).toBe(0);

    // In English for an English browser.
    const english = await browser.page('en-GB');
    await english.goto(`${inbox.url}/sign-in`);
    await english.getByLabel('Account name').fill(hanna.name);
    await english.getByLabel('Passphrase').fill(hanna.passphrase);
    await english.getByLabel('Code from the app').fill(await hanna.codes.next());
    await submit(english, english.getByRole('button', { name: 'Sign in', exact: true }));
    await english.goto(base);
    expect(await english.locator('h1').textContent()).toBe(`Case ${caseRef}`);
    expect(await english.locator('#case-state').textContent()).toContain('Assigned to: Greta Vogt');
    expect(await english.getByRole('button', { name: 'Send reply' }).count()).toBe(1);

    // Evidence files: each with the serving rule's headers, never as HTML of this origin.
    const headersOf = async (name: string) => {
      const href = await gretaPage
        .locator(`.evidence-file[data-file$="${name}"] a[download]`)
        .getAttribute('href');
      const response = await gretaPage.request.get(`${inbox.url}${href ?? ''}`);
      expect(response.status()).toBe(200);
      return response.headers();
    };
    const image = await headersOf('.png');
    expect(image['content-type']).toBe('image/png');
    expect(image['content-disposition']).toMatch(/^inline; filename="\d\d-[0-9a-f]+\.png"$/);
    expect(image['content-security-policy']).toBe("sandbox; default-src 'none'");
    expect(image['x-content-type-options']).toBe('nosniff');
    const document = await headersOf('.pdf');
    expect(document['content-type']).toBe('application/pdf');
    expect(document['content-disposition']).toMatch(/^inline; /);
    expect(document['content-security-policy']).toBe("sandbox; default-src 'none'");
    expect(document['x-content-type-options']).toBe('nosniff');
    const text = await headersOf('.txt');
    expect(text['content-type']).toBe('application/octet-stream');
    expect(text['content-disposition']).toMatch(/^attachment; /);
    expect(text['content-security-policy']).toBe("sandbox; default-src 'none'");
    expect(text['x-content-type-options']).toBe('nosniff');
    expect((await gretaPage.request.get(`${base}/files/99-nothing.png`)).status()).toBe(404);
    // Every opening is in the audit trail (the page's image too), under the account id.
    const opened = (await cases().audit(caseRef)).filter((e) => e.action === 'file');
    expect(new Set(opened.map((e) => e.detail?.split('.').pop()))).toEqual(
      new Set(['png', 'pdf', 'txt']),
    );
    expect(new Set(opened.map((e) => e.actor))).toEqual(new Set(['web:greta', 'web:hanna']));

    // The referral PDF, police.
    const [download] = await Promise.all([
      gretaPage.waitForEvent('download'),
      gretaPage.getByRole('button', { name: 'PDF herunterladen' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`${caseRef}-police.pdf`);
    expect(await gretaPage.locator('main').textContent()).toContain(
      'weder Telefonnummer noch E-Mail-Adresse',
    );

    // The link warning page: host named, the address as text, opened only from there.
    await submit(gretaPage, gretaPage.getByRole('link', { name: /Link zu xn--tter-loa\.example/ }));
    expect(await gretaPage.locator('h1').textContent()).toBe(
      'Sie verlassen Lotse: xn--tter-loa.example',
    );
    expect(await gretaPage.locator('main').textContent()).toContain(
      'Sie verlassen Lotse für xn--tter-loa.example – öffnen Sie den Link nur, wenn Sie der Seite vertrauen.',
    );
    const open = gretaPage.getByRole('link', { name: 'xn--tter-loa.example in neuem Tab öffnen' });
    expect(await open.getAttribute('href')).toBe('https://xn--tter-loa.example/profil?id=1');
    expect(await open.getAttribute('rel')).toBe('noopener noreferrer');
    await axeCheck(gretaPage);
    await gretaPage.goto(base);

    // A closed case: the stale page of the second person can no longer add a note.
    await gretaPage.getByLabel('Ergebnis (für den Abschluss)').fill('Beratung vermittelt.');
    await submit(gretaPage, gretaPage.getByRole('button', { name: 'Fall abschließen' }));
    await hannaPage.getByLabel('Neue Notiz').fill('zu spät');
    await submit(hannaPage, hannaPage.getByRole('button', { name: 'Notiz speichern' }));
    expect(await alertText(hannaPage)).toBe('Nichts geändert: Der Fall ist abgeschlossen.');
    expect((await cases().notes(caseRef)).length).toBe(0);

    // Erase: the confirmation page, then the case number typed again.
    await submit(gretaPage, gretaPage.getByRole('link', { name: 'Fall endgültig löschen …' }));
    expect(await gretaPage.locator('h1').textContent()).toBe(`Fall ${caseRef} endgültig löschen?`);
    await axeCheck(gretaPage);
    const field = gretaPage.getByLabel(`Zur Bestätigung die Fallnummer ${caseRef} eingeben`);
    await field.fill(newCaseRef());
    await submit(gretaPage, gretaPage.getByRole('button', { name: 'Endgültig löschen' }));
    expect(await alertText(gretaPage)).toBe(
      'Die eingegebene Nummer ist nicht die dieses Falls. Es wurde nichts gelöscht.',
    );
    expect(await cases().get(caseRef)).toBeDefined();
    await field.fill(caseRef.toLowerCase());
    await submit(gretaPage, gretaPage.getByRole('button', { name: 'Endgültig löschen' }));
    expect(await gretaPage.locator('main').textContent()).toContain(
      `Der Fall ${caseRef} ist gelöscht.`,
    );
    expect(await cases().get(caseRef)).toBeUndefined();
    expect((await gretaPage.goto(base))?.status()).toBe(404);
  });

  async function madeCaseReady(caseRef: string): Promise<void> {
    await until(async () => (await cases().get(caseRef)) !== undefined, 30_000);
  }
});
