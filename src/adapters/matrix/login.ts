import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { Logger } from '../../bot/logger.ts';
import { writeFileAtomic } from './atomic-file.ts';

/** What the bot logs in with; the stored session wins while it works. */
export interface LoginOptions {
  readonly homeserverUrl: string;
  readonly userId: string;
  readonly accessToken?: string;
  readonly password?: string;
  readonly deviceName: string;
  /** Where the session (access token and device id) is kept. */
  readonly sessionFile: string;
  readonly fetch?: typeof globalThis.fetch;
}

/** A working session of the bot's account on one device. */
export interface MatrixSession {
  readonly v: 1;
  readonly homeserverUrl: string;
  readonly userId: string;
  readonly deviceId: string;
  readonly accessToken: string;
}

/**
 * The Matrix channel cannot connect. The message is one sentence for whoever runs Lotse; `retry`
 * says whether trying again later may help by itself (a server that is down) or needs a change
 * (wrong credentials still get retried, slowly, in case the account is being fixed).
 */
export class MatrixConnectError extends Error {
  override readonly name = 'MatrixConnectError';
  readonly kind: 'unreachable' | 'credentials' | 'config' | 'server';
  constructor(kind: MatrixConnectError['kind'], message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.kind = kind;
  }
}

const sessionSchema = z.object({
  v: z.literal(1),
  homeserverUrl: z.string(),
  userId: z.string(),
  deviceId: z.string().min(1),
  accessToken: z.string().min(1),
});

/**
 * Gets a working session: the stored one if its token still works; else the configured access
 * token; else a password login that reuses the stored device, so the bot keeps one device (and its
 * encryption keys) across restarts and re-logins. The session is stored for the next start.
 */
export async function obtainSession(options: LoginOptions, logger: Logger): Promise<MatrixSession> {
  const log = logger.child({ module: 'matrix-login' });
  const api = new AccountApi(options.homeserverUrl, options.fetch ?? globalThis.fetch);
  const stored = await readSession(options);

  if (options.accessToken !== undefined) {
    // A configured token is authoritative: it may have been replaced on purpose.
    const who = await api.whoami(options.accessToken);
    if (who === 'invalid')
      throw new MatrixConnectError(
        'credentials',
        `The homeserver rejects MATRIX_ACCESS_TOKEN for ${options.userId} (unknown or expired token).`,
      );
    checkUser(who.userId, options.userId, 'MATRIX_ACCESS_TOKEN');
    if (who.deviceId === undefined)
      throw new MatrixConnectError(
        'config',
        'MATRIX_ACCESS_TOKEN has no device (an appservice token?); end-to-end encryption needs a device: use a normal login token or MATRIX_PASSWORD.',
      );
    return save(options, { deviceId: who.deviceId, accessToken: options.accessToken });
  }

  if (stored !== undefined) {
    const who = await api.whoami(stored.accessToken);
    if (who !== 'invalid' && who.deviceId === stored.deviceId) {
      checkUser(who.userId, options.userId, 'the stored session');
      return stored;
    }
    log.info('stored Matrix session no longer valid; logging in again on the same device');
  }

  if (options.password === undefined)
    throw new MatrixConnectError(
      'config',
      `Matrix needs MATRIX_ACCESS_TOKEN or MATRIX_PASSWORD for ${options.userId}.`,
    );
  const login = await api.login(options.userId, options.password, {
    deviceName: options.deviceName,
    ...(stored === undefined ? {} : { deviceId: stored.deviceId }),
  });
  checkUser(login.userId, options.userId, 'MATRIX_PASSWORD');
  log.info({ device: login.deviceId }, 'logged in to Matrix');
  return save(options, { deviceId: login.deviceId, accessToken: login.accessToken });
}

async function readSession(options: LoginOptions): Promise<MatrixSession | undefined> {
  let raw: string;
  try {
    raw = await readFile(options.sessionFile, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const parsed = sessionSchema.safeParse(safeJson(raw));
  if (!parsed.success) return undefined;
  const session = parsed.data;
  return session.homeserverUrl === options.homeserverUrl && session.userId === options.userId
    ? session
    : undefined;
}

async function save(
  options: LoginOptions,
  fresh: { deviceId: string; accessToken: string },
): Promise<MatrixSession> {
  const session: MatrixSession = {
    v: 1,
    homeserverUrl: options.homeserverUrl,
    userId: options.userId,
    ...fresh,
  };
  await writeFileAtomic(options.sessionFile, `${JSON.stringify(session)}\n`);
  return session;
}

function checkUser(actual: string, configured: string, source: string): void {
  if (actual !== configured)
    throw new MatrixConnectError(
      'config',
      `${source} belongs to ${actual}, not to MATRIX_USER_ID ${configured}.`,
    );
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

/** The two account endpoints needed before a client exists, with errors phrased for people. */
class AccountApi {
  readonly #base: string;
  readonly #fetch: typeof globalThis.fetch;

  constructor(homeserverUrl: string, fetchFn: typeof globalThis.fetch) {
    this.#base = homeserverUrl.replace(/\/+$/, '');
    this.#fetch = fetchFn;
  }

  async whoami(token: string): Promise<{ userId: string; deviceId?: string } | 'invalid'> {
    const response = await this.#request('/_matrix/client/v3/account/whoami', {
      headers: { authorization: `Bearer ${token}` },
    });
    if (response.status === 401 || response.status === 403) return 'invalid';
    const body = await this.#json(response);
    const parsed = z.object({ user_id: z.string(), device_id: z.string().optional() }).parse(body);
    return {
      userId: parsed.user_id,
      ...(parsed.device_id === undefined ? {} : { deviceId: parsed.device_id }),
    };
  }

  async login(
    userId: string,
    password: string,
    device: { deviceName: string; deviceId?: string },
  ): Promise<{ userId: string; deviceId: string; accessToken: string }> {
    const response = await this.#request('/_matrix/client/v3/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'm.login.password',
        identifier: { type: 'm.id.user', user: userId },
        password,
        initial_device_display_name: device.deviceName,
        ...(device.deviceId === undefined ? {} : { device_id: device.deviceId }),
      }),
    });
    if (response.status === 401 || response.status === 403) {
      const errcode = errcodeOf(await response.json().catch(() => undefined));
      throw new MatrixConnectError(
        'credentials',
        `Matrix login for ${userId} failed: wrong user or MATRIX_PASSWORD (${errcode ?? String(response.status)}).`,
      );
    }
    const body = await this.#json(response);
    const parsed = z
      .object({ user_id: z.string(), device_id: z.string(), access_token: z.string() })
      .parse(body);
    return {
      userId: parsed.user_id,
      deviceId: parsed.device_id,
      accessToken: parsed.access_token,
    };
  }

  async #request(path: string, init: RequestInit): Promise<Response> {
    try {
      return await this.#fetch(`${this.#base}${path}`, {
        ...init,
        signal: AbortSignal.timeout(20_000),
      });
    } catch (error) {
      throw new MatrixConnectError(
        'unreachable',
        `The Matrix homeserver at ${this.#base} does not answer (${describeNetworkError(error)}).`,
        { cause: error },
      );
    }
  }

  async #json(response: Response): Promise<unknown> {
    if (!response.ok) {
      const errcode = errcodeOf(await response.json().catch(() => undefined));
      throw new MatrixConnectError(
        'server',
        `The Matrix homeserver at ${this.#base} answered ${String(response.status)}${errcode === undefined ? '' : ` ${errcode}`}.`,
      );
    }
    try {
      return await response.json();
    } catch (error) {
      throw new MatrixConnectError(
        'server',
        `${this.#base} does not look like a Matrix homeserver (no JSON answer).`,
        { cause: error },
      );
    }
  }
}

function errcodeOf(body: unknown): string | undefined {
  const errcode = (body as { errcode?: unknown } | undefined)?.errcode;
  return typeof errcode === 'string' ? errcode : undefined;
}

/** The innermost reason of a failed fetch, e.g. "ECONNREFUSED" or "timeout". */
export function describeNetworkError(error: unknown): string {
  let current: unknown = error;
  let innermost = error instanceof Error ? error.message : String(error);
  // Errors from fetch's internals need not be instances of this realm's Error: look at fields.
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const { code, name, message, cause, errors } = current as {
      code?: unknown;
      name?: unknown;
      message?: unknown;
      cause?: unknown;
      errors?: unknown;
    };
    if (typeof code === 'string') return code;
    if (name === 'TimeoutError') return 'timeout';
    if (typeof message === 'string' && message !== '') innermost = message;
    current = cause ?? (Array.isArray(errors) ? (errors as unknown[])[0] : undefined);
  }
  return innermost;
}
