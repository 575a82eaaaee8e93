import type { Hono } from 'hono';
import QRCode from 'qrcode';
import type { StaffAccounts } from '../../staff/accounts.ts';
import { passphraseProblem, MIN_PASSPHRASE_LENGTH } from '../../staff/passphrase.ts';
import type { StaffRoster } from '../../staff/roster.ts';
import type { SignInLimit } from '../auth/sign-in-limit.ts';
import type { WebSessions } from '../auth/sessions.ts';
import type { WebContext, WebEnv } from '../context.ts';
import { messagePage, passphrasePage, totpPage } from '../views/enrol.ts';
import { signInPage } from '../views/sign-in.ts';

export interface AuthDeps {
  readonly accounts: StaffAccounts;
  readonly sessions: WebSessions;
  readonly limit: SignInLimit;
  readonly roster: StaffRoster;
  /** Sets the session cookie. */
  readonly setSession: (c: WebContext, id: string) => void;
  readonly clearSession: (c: WebContext) => void;
  /** The client's address, for the rate limit. */
  readonly address: (c: WebContext) => string;
}

const field = (body: Record<string, unknown>, name: string): string => {
  const value = body[name];
  return typeof value === 'string' ? value : '';
};

/** Sign-in, sign-out and enrolment. */
export function authRoutes(app: Hono<WebEnv>, deps: AuthDeps): void {
  app.get('/sign-in', (c) => {
    if (c.get('signedIn') !== undefined) return c.redirect('/inbox', 303);
    const say = c.get('say');
    const notice =
      c.req.query('out') === '1'
        ? say('signIn.signedOut')
        : c.req.query('expired') === '1'
          ? say('signIn.expired')
          : undefined;
    return c.html(
      signInPage({ say, csrf: c.get('anonToken'), ...(notice === undefined ? {} : { notice }) }),
    );
  });

  app.post('/sign-in', async (c) => {
    const say = c.get('say');
    const body = await c.req.parseBody();
    const account = field(body, 'account').trim().toLowerCase().slice(0, 64);
    const address = deps.address(c);
    const refuse = (key: string, status: 401 | 403 | 429) =>
      c.html(signInPage({ say, csrf: c.get('anonToken'), error: say(key), account }), status);
    if (await deps.limit.blocked(account, address)) return refuse('signIn.limited', 429);
    const result = await deps.accounts.check(
      account,
      field(body, 'passphrase'),
      field(body, 'code'),
    );
    if (result.kind === 'refused') {
      await deps.limit.failed(account, address);
      return refuse('signIn.refused', 401);
    }
    if (result.kind === 'disabled') {
      deps.roster.dismiss(account);
      return refuse('signIn.disabled', 403);
    }
    await deps.limit.succeeded(account, address);
    const { id } = await deps.sessions.start(result.account.name);
    deps.roster.admit(result.account.name);
    deps.setSession(c, id);
    return c.redirect('/inbox', 303);
  });

  app.post('/sign-out', async (c) => {
    const signedIn = c.get('signedIn');
    if (signedIn !== undefined) await deps.sessions.end(signedIn.id);
    deps.clearSession(c);
    return c.redirect('/sign-in?out=1', 303);
  });

  const invalidLink = (c: WebContext) => {
    const say = c.get('say');
    return c.html(
      messagePage({ say, title: say('enrol.title'), message: say('enrol.invalid'), home: false }),
      404,
    );
  };
  const qrStep = async (c: WebContext, token: string, error?: string) => {
    const secret = await deps.accounts.pendingSecret(token);
    if (secret === undefined) return invalidLink(c);
    const qr = await QRCode.toDataURL(secret.uri, {
      errorCorrectionLevel: 'M',
      margin: 2,
      width: 240,
    });
    return c.html(
      totpPage({
        say: c.get('say'),
        token,
        csrf: c.get('anonToken'),
        qr,
        base32: secret.base32,
        ...(error === undefined ? {} : { error }),
      }),
      error === undefined ? 200 : 400,
    );
  };

  app.get('/enrol/:token', async (c) => {
    const token = c.req.param('token');
    const account = await deps.accounts.enrolling(token);
    if (account === undefined) return invalidLink(c);
    return c.html(
      passphrasePage({
        say: c.get('say'),
        token,
        csrf: c.get('anonToken'),
        display: account.display,
      }),
    );
  });

  app.post('/enrol/:token', async (c) => {
    const say = c.get('say');
    const token = c.req.param('token');
    const account = await deps.accounts.enrolling(token);
    if (account === undefined) return invalidLink(c);
    const body = await c.req.parseBody();
    const passphrase = field(body, 'passphrase');
    const problem = passphraseProblem(passphrase, field(body, 'repeat'));
    if (problem !== undefined)
      return c.html(
        passphrasePage({
          say,
          token,
          csrf: c.get('anonToken'),
          display: account.display,
          error: say(`enrol.problem.${problem}`, { min: MIN_PASSPHRASE_LENGTH }),
        }),
        400,
      );
    await deps.accounts.beginEnrolment(token, passphrase);
    return c.redirect(`/enrol/${token}/qr`, 303);
  });

  app.get('/enrol/:token/qr', (c) => qrStep(c, c.req.param('token')));

  app.post('/enrol/:token/confirm', async (c) => {
    const token = c.req.param('token');
    const enrolling = await deps.accounts.enrolling(token);
    if (enrolling === undefined) return invalidLink(c);
    // Codes are guessed no faster here than at the sign-in.
    const address = deps.address(c);
    if (await deps.limit.blocked(enrolling.name, address))
      return qrStep(c, token, c.get('say')('signIn.limited'));
    const body = await c.req.parseBody();
    const account = await deps.accounts.confirmEnrolment(token, field(body, 'code'));
    if (account === undefined) {
      await deps.limit.failed(enrolling.name, address);
      return qrStep(c, token, c.get('say')('enrol.wrongCode'));
    }
    const { id } = await deps.sessions.start(account.name);
    deps.roster.admit(account.name);
    deps.setSession(c, id);
    return c.redirect('/inbox', 303);
  });
}
