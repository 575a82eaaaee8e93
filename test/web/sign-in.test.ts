/**
 * Staff sign in to the browser inbox in real Chromium, against the real program on real Redis:
 * enrolment from the CLI's one-time link (passphrase, QR code, first code), sign-in with passphrase
 * and TOTP, and every refusal – wrong passphrase, wrong or replayed code, too many failures, a
 * missing cross-site token or a foreign origin, an expired session, a disabled account – each with
 * its message and nothing changed.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { generateStaffKeyPair } from '../../src/staff/seal.ts';
import { axeCheck, describeBrowser, screenshot, useBrowser } from '../support/browser.ts';
import { keysUnder } from '../support/redis.ts';
import { staffCli } from '../support/staff-cli.ts';
import {
  enrolledAccount,
  signIn,
  removeElement,
  submit,
  TotpCodes,
  useInboxProgram,
  type TestAccount,
} from '../support/web-inbox.ts';

const keys = generateStaffKeyPair();
const dataDir = mkdtempSync(join(tmpdir(), 'lotse-web-signin-'));

describeBrowser('signing in to the staff inbox', { timeout: 60_000 }, () => {
  const browser = useBrowser();
  const inbox = useInboxProgram('web_signin', {
    env: { STAFF_PRIVATE_KEY: keys.privateKey, DATA_DIR: dataDir },
  });
  const env = () => ({
    REDIS_KEY_PREFIX: inbox.redis.prefix,
    STAFF_PRIVATE_KEY: keys.privateKey,
    DATA_DIR: dataDir,
  });
  const account = (name: string, display: string): Promise<TestAccount> =>
    enrolledAccount(inbox.redis.client, inbox.redis.prefix, keys.privateKey, name, display);
  const staff = (args: readonly string[]) =>
    staffCli(args, { ...env(), WEB_ORIGIN: inbox.url, STAFF_USERS: 'admin', STAFF_USER: 'admin' });

  it('enrols from the CLI link: passphrase, QR code, first code – then the inbox', async () => {
    const added = await staff(['account', 'add', 'anna', '--display', 'Anna Berg', '--json']);
    expect(added.code).toBe(0);
    const { link } = JSON.parse(added.stdout) as { link: string };
    expect(link.startsWith(`${inbox.url}/enrol/`)).toBe(true);
    // Nothing readable in Redis: no token, no secret.
    const token = link.slice(link.lastIndexOf('/') + 1);

    const page = await browser.page();
    await page.goto(link);
    expect(await page.locator('h1').textContent()).toBe('Konto einrichten');
    expect(await page.locator('main').textContent()).toContain('Anna Berg');
    await axeCheck(page);
    await screenshot(page, 'enrol-passphrase');

    // Two different entries: refused, nothing set.
    await page.getByLabel('Neue Passphrase').fill('ein langer satz aus wörtern');
    await page.getByLabel('Passphrase wiederholen').fill('ein anderer satz aus wörtern');
    await submit(page, page.getByRole('button', { name: 'Weiter' }));
    expect(await page.getByRole('alert').textContent()).toContain('stimmen nicht überein');

    const passphrase = 'ein langer satz aus wörtern';
    await page.getByLabel('Neue Passphrase').fill(passphrase);
    await page.getByLabel('Passphrase wiederholen').fill(passphrase);
    await submit(page, page.getByRole('button', { name: 'Weiter' }));
    expect(await page.locator('h1').textContent()).toBe('Zweiten Faktor einrichten');
    const qr = page.getByRole('img', { name: 'QR-Code für die Authenticator-App' });
    expect(await qr.getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    await axeCheck(page);
    await screenshot(page, 'enrol-totp');

    // The key as the app would take it by hand; never plain in Redis.
    const base32 = (await page.locator('code.secret').textContent())?.replace(/\s/g, '') ?? '';
    expect(base32).toMatch(/^[A-Z2-7]{32}$/);
    const stored = JSON.stringify(
      await Promise.all(
        (await keysUnder(inbox.redis.client, `${inbox.redis.prefix}:staff:`)).map(async (key) =>
          (await inbox.redis.client.type(key)) === 'hash'
            ? inbox.redis.client.hgetall(key)
            : inbox.redis.client.get(key).catch(() => null),
        ),
      ),
    );
    expect(stored).not.toContain(base32);
    expect(stored).not.toContain(passphrase);
    expect(stored).not.toContain(token);

    const codes = new TotpCodes(base32);
    await page.getByLabel('Code aus der App').fill(codes.wrong());
    await submit(page, page.getByRole('button', { name: 'Einrichtung abschließen' }));
    expect(await page.getByRole('alert').textContent()).toContain('Der Code stimmt nicht');

    await page.getByLabel('Code aus der App').fill(await codes.next());
    await submit(page, page.getByRole('button', { name: 'Einrichtung abschließen' }));
    expect(new URL(page.url()).pathname).toBe('/inbox');
    expect(await page.locator('header').textContent()).toContain('Angemeldet als Anna Berg');

    // The session cookie: HttpOnly, SameSite=Strict (Secure on any origin but local http).
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === 'lotse');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });

    // The link works once.
    const again = await browser.page();
    const answer = await again.goto(link);
    expect(answer?.status()).toBe(404);
    expect(await again.getByRole('alert').textContent()).toContain('gilt nicht');

    // And the account signs in with what it chose.
    const other = await browser.page();
    await signIn(other, inbox.url, { name: 'anna', passphrase, codes });
    expect(new URL(other.url()).pathname).toBe('/inbox');
  });

  it('signs in with passphrase and code; refuses a wrong passphrase, a wrong code, a replayed code', async () => {
    const ben = await account('ben', 'Ben Kaya');
    const page = await browser.page();
    await page.goto(`${inbox.url}/inbox`);
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    await axeCheck(page);
    await screenshot(page, 'sign-in');

    await signIn(page, inbox.url, ben, {
      passphrase: 'not the passphrase at all',
      code: await ben.codes.peek(),
    });
    expect(await page.getByRole('alert').textContent()).toContain('Anmeldung nicht möglich');
    // The name stays, the passphrase does not.
    expect(await page.getByLabel('Kontoname').inputValue()).toBe('ben');
    expect(await page.getByLabel('Passphrase').inputValue()).toBe('');

    await signIn(page, inbox.url, ben, { code: ben.codes.wrong() });
    expect(await page.getByRole('alert').textContent()).toContain('Anmeldung nicht möglich');
    // An unknown name gets the same answer as a wrong passphrase.
    await signIn(page, inbox.url, { ...ben, name: 'nobody' }, { code: await ben.codes.peek() });
    expect(await page.getByRole('alert').textContent()).toContain('Anmeldung nicht möglich');

    const code = await ben.codes.next();
    await signIn(page, inbox.url, ben, { code });
    expect(new URL(page.url()).pathname).toBe('/inbox');

    // Sign out, then the same code again: a code is taken once.
    await submit(page, page.getByRole('button', { name: 'Abmelden' }));
    expect(await page.getByRole('status').textContent()).toContain('Sie sind abgemeldet');
    await signIn(page, inbox.url, ben, { code });
    expect(await page.getByRole('alert').textContent()).toContain('Anmeldung nicht möglich');
    await page.goto(`${inbox.url}/inbox`);
    expect(new URL(page.url()).pathname).toBe('/sign-in');
  });

  it('stops guessing after five failures, even with the right passphrase and code', async () => {
    const cem = await account('cem', 'Cem Ludwig');
    const page = await browser.page();
    for (let i = 0; i < 5; i++) {
      await signIn(page, inbox.url, cem, {
        passphrase: `wrong guess number ${String(i)}`,
        code: '000000',
      });
      expect(await page.getByRole('alert').textContent()).toContain('Anmeldung nicht möglich');
    }
    await signIn(page, inbox.url, cem);
    expect(await page.getByRole('alert').textContent()).toContain('Zu viele Fehlversuche');
    expect(new URL(page.url()).pathname).toBe('/sign-in');
  });

  it('refuses a form without its cross-site token or from another origin, changing nothing', async () => {
    const dana = await account('dana', 'Dana Roth');
    const page = await browser.page();
    await signIn(page, inbox.url, dana);
    expect(new URL(page.url()).pathname).toBe('/inbox');

    // The sign-out form without its token: refused, still signed in.
    await removeElement(page.locator('form[action="/sign-out"] input[name="csrf"]'));
    const refused = page.waitForResponse((r) => r.request().method() === 'POST');
    await submit(page, page.getByRole('button', { name: 'Abmelden' }));
    expect((await refused).status()).toBe(403);
    expect(await page.getByRole('alert').textContent()).toContain('Es wurde nichts geändert');
    await page.goto(`${inbox.url}/inbox`);
    expect(new URL(page.url()).pathname).toBe('/inbox');

    // The right token, but sent from another site: refused too.
    const token = await page.locator('form[action="/sign-out"] input[name="csrf"]').inputValue();
    const cookie = (await page.context().cookies()).find((c) => c.name === 'lotse');
    const foreign = await fetch(`${inbox.url}/sign-out`, {
      method: 'POST',
      headers: {
        origin: 'http://evil.example',
        cookie: `lotse=${cookie?.value ?? ''}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ csrf: token }).toString(),
      redirect: 'manual',
    });
    expect(foreign.status).toBe(403);
    await page.goto(`${inbox.url}/inbox`);
    expect(new URL(page.url()).pathname).toBe('/inbox');

    // A sign-in form posted without its token is refused before any passphrase is checked.
    const anonymous = await browser.page();
    await anonymous.goto(`${inbox.url}/sign-in`);
    await removeElement(anonymous.locator('input[name="csrf"]'));
    await signIn(anonymous, inbox.url, dana);
    expect(await anonymous.getByRole('alert').textContent()).toContain('Es wurde nichts geändert');
  });

  it('ends an expired session with a clear message', async () => {
    const emil = await account('emil', 'Emil Haas');
    const page = await browser.page();
    await signIn(page, inbox.url, emil);
    expect(new URL(page.url()).pathname).toBe('/inbox');
    // Away from the live inbox first: its event stream would notice the end and go to the sign-in
    // by itself, racing the visit below (which then finds the cookie already cleared).
    await page.goto('about:blank');

    // Expiry is Redis dropping the idle session's key: the same as waiting WEB_SESSION_IDLE_MINUTES.
    const sessions = await keysUnder(inbox.redis.client, `${inbox.redis.prefix}:web:session:`);
    expect(sessions.length).toBeGreaterThan(0);
    const mine = await Promise.all(
      sessions.map(async (key) =>
        (await inbox.redis.client.hget(key, 'account')) === 'emil' ? key : '',
      ),
    );
    await inbox.redis.client.del(...mine.filter((key) => key !== ''));
    await page.goto(`${inbox.url}/inbox`);
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    expect(await page.getByRole('status').textContent()).toContain('Sitzung ist abgelaufen');
    await signIn(page, inbox.url, emil);
    expect(new URL(page.url()).pathname).toBe('/inbox');
  });

  it("ends a disabled account's sessions at once and refuses its sign-in", async () => {
    const emil = await account('fritz', 'Fritz Brandt');
    const page = await browser.page();
    // Signed in; the administrator disables the account: the open session ends at once.
    await signIn(page, inbox.url, emil);
    expect(new URL(page.url()).pathname).toBe('/inbox');
    await page.goto('about:blank');
    const disabled = await staff(['account', 'disable', 'fritz']);
    expect(disabled.code).toBe(0);
    expect(disabled.stdout).toContain('gesperrt');
    await page.goto(`${inbox.url}/inbox`);
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    expect(await page.getByRole('status').textContent()).toContain('Sitzung ist abgelaufen');
    await signIn(page, inbox.url, emil);
    expect(await page.getByRole('alert').textContent()).toContain('Dieses Konto ist gesperrt');
    expect(new URL(page.url()).pathname).toBe('/sign-in');

    const listed = await staff(['account', 'list', '--json']);
    expect(JSON.parse(listed.stdout)).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'fritz', enabled: false })]),
    );
  });

  it("speaks the browser's language: English when asked, German otherwise", async () => {
    const english = await browser.page('en-GB');
    await english.goto(`${inbox.url}/sign-in`);
    expect(await english.locator('html').getAttribute('lang')).toBe('en');
    expect(await english.locator('h1').textContent()).toBe('Sign in');
    expect(await english.getByLabel('Account name').count()).toBe(1);
    await axeCheck(english);
    const french = await browser.page('fr-FR');
    await french.goto(`${inbox.url}/sign-in`);
    expect(await french.locator('h1').textContent()).toBe('Anmelden');
  });

  it('answers every page with a strict CSP, no caching and no stack trace', async () => {
    for (const path of ['/sign-in', '/inbox', '/static/app.css', '/nowhere', '/enrol/x']) {
      const response = await fetch(`${inbox.url}${path}`, { redirect: 'manual' });
      expect(response.headers.get('cache-control'), path).toBe('no-store');
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("default-src 'self'");
      expect(csp, path).toContain("script-src 'self'");
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp, path).not.toContain('unsafe-inline');
      expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(await response.text(), path).not.toMatch(/at .*\.ts:\d+/);
    }
    const missing = await fetch(`${inbox.url}/nowhere`, { headers: { 'accept-language': 'en' } });
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('This page does not exist.');
  });
});
