import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo, BlockList } from 'node:net';
import { dirname, join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { secureHeaders } from 'hono/secure-headers';
import type { Redis } from 'ioredis';
import type { Translator } from '../bot/i18n.ts';
import type { Logger } from '../bot/logger.ts';
import type { StaffAccounts } from '../staff/accounts.ts';
import type { CaseStore } from '../staff/case-store.ts';
import type { CaseDesk } from '../staff/desk.ts';
import type { StaffRoster } from '../staff/roster.ts';
import { sameToken, WebSessions } from './auth/sessions.ts';
import { clientAddress } from './client-address.ts';
import { SignInLimit, type SignInLimitOptions } from './auth/sign-in-limit.ts';
import type { WebContext, WebEnv } from './context.ts';
import { LiveFeed } from './live-feed.ts';
import { authRoutes } from './routes/auth.ts';
import { caseRoutes } from './routes/case.ts';
import { inboxRoutes } from './routes/inbox.ts';
import { statsRoutes } from './routes/stats.ts';
import { pickLanguage, sayIn } from './say.ts';
import { messagePage } from './views/enrol.ts';

/** What the staff inbox needs: the desk and case store every staff surface uses, and Redis. */
export interface WebServerOptions {
  readonly redis: Redis;
  readonly prefix: string;
  readonly desk: CaseDesk;
  readonly cases: CaseStore;
  readonly accounts: StaffAccounts;
  readonly roster: StaffRoster;
  readonly i18n: Translator;
  readonly logger: Logger;
  readonly host: string;
  /** 0: a free port (tests). */
  readonly port: number;
  /** The origin browsers see (WEB_ORIGIN); default http://HOST:PORT. */
  readonly origin?: string;
  readonly idleSeconds: number;
  readonly signInLimit?: SignInLimitOptions;
  /** Reverse proxies whose X-Forwarded-For names the client (WEB_TRUSTED_PROXIES). */
  readonly trustedProxies?: BlockList;
  readonly clock?: () => Date;
}

/** The Content-Security-Policy: nothing inline, nothing from elsewhere. */
const CSP = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  frameAncestors: ["'none'"],
  formAction: ["'self'"],
  baseUri: ["'none'"],
  objectSrc: ["'none'"],
};

const ASSETS_DIR = join(import.meta.dirname, 'assets');
const ASSET_TYPES: Readonly<Record<string, string>> = {
  css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
};

/** chart.js's UMD build from node_modules, without its source-map comment (no map is served). */
function readChartJs(): string {
  const dir = dirname(createRequire(import.meta.url).resolve('chart.js'));
  return readFileSync(join(dir, 'chart.umd.min.js'), 'utf8').replace(
    /\n\/\/# sourceMappingURL=\S+\s*$/,
    '\n',
  );
}

/** True for an origin only this machine reaches over plain http (tests, development). */
export function isLocalHttp(origin: string): boolean {
  const url = new URL(origin);
  return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}

/**
 * The staff inbox in the browser: Hono on Node's HTTP server, server-rendered pages, a strict CSP,
 * no caching, sessions and cross-site checks. It runs in a staff-side process only (it needs the
 * staff private key to show a case).
 */
export class WebServer {
  readonly #server: ServerType;
  readonly #live: LiveFeed;
  readonly #streams: Set<{ close(): Promise<void> }>;
  readonly url: string;
  readonly origin: string;

  private constructor(
    server: ServerType,
    live: LiveFeed,
    streams: Set<{ close(): Promise<void> }>,
    url: string,
    origin: string,
  ) {
    this.#server = server;
    this.#live = live;
    this.#streams = streams;
    this.url = url;
    this.origin = origin;
  }

  static async start(options: WebServerOptions): Promise<WebServer> {
    const log = options.logger.child({ module: 'web' });
    const clock = options.clock ?? (() => new Date());
    const sessions = new WebSessions(options.redis, options.prefix, options.idleSeconds);
    const limit = new SignInLimit(options.redis, options.prefix, options.signInLimit);
    const live = new LiveFeed(options.redis, options.prefix, options.logger);
    const streams = new Set<{ close(): Promise<void> }>();
    const assets = new Map<string, { body: string; type: string }>();
    for (const name of ['app.css', 'refresh.js', 'live.js', 'case.js', 'stats.js']) {
      const type = ASSET_TYPES[name.split('.').pop() ?? ''] ?? 'application/octet-stream';
      assets.set(name, { body: readFileSync(join(ASSETS_DIR, name), 'utf8'), type });
    }
    // Chart.js as its maintainers build it (UMD, window.Chart), served from this origin.
    assets.set('chart.umd.min.js', { body: readChartJs(), type: ASSET_TYPES['js'] ?? '' });

    // The origin is known once the port is: a late-bound holder for the middleware.
    const where = { origin: options.origin ?? '' };
    const assumed =
      options.origin ?? `http://${options.host.includes(':') ? `[${options.host}]` : options.host}`;
    if (!assumed.startsWith('https://') && !isLocalHttp(assumed))
      throw new Error(
        `the staff inbox at ${assumed} would send sign-ins over plain http: set WEB_ORIGIN to its https:// origin behind the reverse proxy`,
      );
    const secureFlag = !isLocalHttp(assumed);
    const secure = () => secureFlag;
    const sessionCookie = () => (secure() ? '__Host-lotse' : 'lotse');
    const anonCookie = () => (secure() ? '__Host-lotse-form' : 'lotse-form');
    const cookieOptions = () =>
      ({ httpOnly: true, secure: secure(), sameSite: 'Strict', path: '/' }) as const;

    const app = new Hono<WebEnv>();
    app.use(
      secureHeaders({
        contentSecurityPolicy: CSP,
        referrerPolicy: 'same-origin',
        xFrameOptions: 'DENY',
        crossOriginResourcePolicy: 'same-origin',
        // A response that sets its own (an evidence file's sandbox) keeps it.
        overwrite: false,
        ...(secure() ? {} : { strictTransportSecurity: false }),
      }),
    );
    app.use(async (c, next) => {
      await next();
      c.header('Cache-Control', 'no-store');
    });
    app.use(bodyLimit({ maxSize: 64 * 1024, onError: (c) => c.text('', 413) }));

    // Who asks, in which language; the anonymous forms' token.
    app.use(async (c, next) => {
      const cookie = getCookie(c, sessionCookie());
      // Background requests (the live refresh) do not keep an idle session alive.
      const background = c.req.path === '/events' || c.req.path === '/inbox/rows';
      const session =
        cookie === undefined
          ? undefined
          : await (background ? sessions.peek(cookie) : sessions.touch(cookie));
      const account =
        session === undefined ? undefined : await options.accounts.get(session.account);
      let signedIn;
      if (cookie !== undefined && session !== undefined && account?.enabled === true) {
        options.roster.admit(account.name);
        signedIn = {
          account: account.name,
          display: account.display,
          csrf: session.csrf,
          id: cookie,
        };
      } else if (account !== undefined && !account.enabled) {
        options.roster.dismiss(account.name);
        if (cookie !== undefined) await sessions.end(cookie);
      }
      c.set('signedIn', signedIn);
      c.set('staleSession', cookie !== undefined && signedIn === undefined);
      if (cookie !== undefined && signedIn === undefined)
        deleteCookie(c, sessionCookie(), cookieOptions());
      c.set(
        'say',
        sayIn(options.i18n, pickLanguage(account?.lang, c.req.header('accept-language'))),
      );
      let anon = getCookie(c, anonCookie());
      if (anon === undefined || !/^[A-Za-z0-9_-]{43}$/.test(anon)) {
        anon = randomBytes(32).toString('base64url');
        setCookie(c, anonCookie(), anon, cookieOptions());
      }
      c.set('anonToken', anon);
      await next();
    });

    // Every POST: from this origin, with the form's token (the session's, or the anonymous one).
    app.use(async (c, next) => {
      if (c.req.method !== 'POST') return next();
      const body: Record<string, unknown> = await c.req.parseBody().catch(() => ({}));
      const given = typeof body['csrf'] === 'string' ? body['csrf'] : undefined;
      const expected = c.get('signedIn')?.csrf ?? c.get('anonToken');
      const fromHere = c.req.header('origin') === where.origin;
      if (fromHere && sameToken(given, expected)) return next();
      log.info(
        { path: c.req.path, origin: fromHere, token: given !== undefined },
        'cross-site check refused a form',
      );
      const say = c.get('say');
      return c.html(messagePage({ say, title: say('error.title'), message: say('csrf') }), 403);
    });

    app.get('/static/:name', (c) => {
      const asset = assets.get(c.req.param('name'));
      if (asset === undefined) return c.notFound();
      return c.body(asset.body, 200, { 'Content-Type': asset.type });
    });

    authRoutes(app, {
      accounts: options.accounts,
      sessions,
      limit,
      roster: options.roster,
      setSession: (c, id) => {
        setCookie(c, sessionCookie(), id, cookieOptions());
      },
      clearSession: (c) => {
        deleteCookie(c, sessionCookie(), cookieOptions());
      },
      address: (c) =>
        options.trustedProxies === undefined
          ? (getConnInfo(c).remote.address ?? 'unknown')
          : clientAddress(
              getConnInfo(c).remote.address,
              c.req.header('x-forwarded-for'),
              options.trustedProxies,
            ),
    });
    inboxRoutes(app, {
      cases: options.cases,
      live,
      clock,
      time: (iso) => options.i18n.time.format(iso),
      stillSignedIn: async (c: WebContext) => {
        const signedIn = c.get('signedIn');
        if (signedIn === undefined) return false;
        const account = await options.accounts.get(signedIn.account);
        return account?.enabled === true && (await sessions.peek(signedIn.id)) !== undefined;
      },
      streams,
    });
    statsRoutes(app, { cases: options.cases, i18n: options.i18n, clock });

    caseRoutes(app, {
      cases: options.cases,
      desk: options.desk,
      i18n: options.i18n,
      clock,
    });

    app.notFound((c) => {
      const say = c.get('say');
      return c.html(
        messagePage({ say, title: say('error.title'), message: say('error.notFound') }),
        404,
      );
    });
    app.onError((error, c) => {
      log.error({ err: error, path: c.req.path }, 'a page failed');
      const say = sayIn(options.i18n, pickLanguage(undefined, c.req.header('accept-language')));
      c.header('Cache-Control', 'no-store');
      return c.html(
        messagePage({ say, title: say('error.title'), message: say('error.server') }),
        500,
      );
    });

    const server = await new Promise<ServerType>((resolve, reject) => {
      const s = serve({ fetch: app.fetch, hostname: options.host, port: options.port }, () => {
        resolve(s);
      });
      s.once('error', reject);
    });
    const { port } = server.address() as AddressInfo;
    const host = options.host.includes(':') ? `[${options.host}]` : options.host;
    const url = `http://${host}:${port}`;
    where.origin = options.origin ?? url;
    log.info({ url, origin: where.origin }, 'staff inbox listening');
    return new WebServer(server, live, streams, url, where.origin);
  }

  /** Stops taking requests, ends the live streams and the feed reader. */
  async close(): Promise<void> {
    await Promise.all([...this.#streams].map((s) => s.close().catch(() => undefined)));
    const closed = new Promise<void>((resolve) => {
      this.#server.close(() => {
        resolve();
      });
    });
    if ('closeIdleConnections' in this.#server) this.#server.closeIdleConnections();
    if ('closeAllConnections' in this.#server) this.#server.closeAllConnections();
    await closed;
    await this.#live.stop();
  }
}
