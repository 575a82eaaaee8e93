import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  MatrixConnectError,
  obtainSession,
  type LoginOptions,
} from '../../../src/adapters/matrix/login.ts';
import { urlOf } from '../../support/fetch.ts';

const logger = pino({ level: 'silent' });
const HS = 'https://matrix.example.org';
let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lotse-login-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Call {
  readonly path: string;
  readonly auth: string | null;
  readonly body: Record<string, unknown> | undefined;
}

/** A homeserver that knows tokens (token → [user, device]) and one password. */
function homeserver(
  tokens: Record<string, [string, string?]>,
  password = 'right',
  calls: Call[] = [],
) {
  let issued = 0;
  const fetchFn: typeof globalThis.fetch = (input, init) => {
    const url = new URL(urlOf(input));
    const auth = new Headers(init?.headers).get('authorization');
    const body =
      typeof init?.body === 'string'
        ? (JSON.parse(init.body) as Record<string, unknown>)
        : undefined;
    calls.push({ path: url.pathname, auth, body });
    const json = (status: number, value: unknown) =>
      Promise.resolve(
        new Response(JSON.stringify(value), {
          status,
          headers: { 'content-type': 'application/json' },
        }),
      );
    if (url.pathname === '/_matrix/client/v3/account/whoami') {
      const known = tokens[(auth ?? '').replace('Bearer ', '')];
      return known === undefined
        ? json(401, { errcode: 'M_UNKNOWN_TOKEN' })
        : json(200, {
            user_id: known[0],
            ...(known[1] === undefined ? {} : { device_id: known[1] }),
          });
    }
    if (url.pathname === '/_matrix/client/v3/login') {
      if (body?.['password'] !== password) return json(403, { errcode: 'M_FORBIDDEN' });
      const device = typeof body['device_id'] === 'string' ? body['device_id'] : 'NEWDEVICE';
      const token = `token-${String(++issued)}`;
      const user = (body['identifier'] as { user: string }).user;
      tokens[token] = [user, device];
      return json(200, { user_id: user, device_id: device, access_token: token });
    }
    return json(404, { errcode: 'M_UNRECOGNIZED' });
  };
  return fetchFn;
}

/** A local port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const options = (extra: Partial<LoginOptions>): LoginOptions => ({
  homeserverUrl: HS,
  userId: '@lotse:example.org',
  deviceName: 'Lotse',
  sessionFile: join(dir, 'session.json'),
  ...extra,
});

describe('Matrix login', () => {
  it('logs in once with the password and then reuses the stored session', async () => {
    const calls: Call[] = [];
    const fetchFn = homeserver({}, 'right', calls);
    const first = await obtainSession(options({ password: 'right', fetch: fetchFn }), logger);
    expect(first).toMatchObject({ deviceId: 'NEWDEVICE', accessToken: 'token-1' });
    expect(JSON.parse(await readFile(join(dir, 'session.json'), 'utf8'))).toEqual(first);

    const second = await obtainSession(options({ password: 'right', fetch: fetchFn }), logger);
    expect(second).toEqual(first);
    expect(calls.filter((c) => c.path.endsWith('/login'))).toHaveLength(1);
  });

  it('logs in again on the same device when the stored token stopped working', async () => {
    await writeFile(
      join(dir, 'session.json'),
      JSON.stringify({
        v: 1,
        homeserverUrl: HS,
        userId: '@lotse:example.org',
        deviceId: 'KEEPME',
        accessToken: 'revoked',
      }),
    );
    const calls: Call[] = [];
    const session = await obtainSession(
      options({ password: 'right', fetch: homeserver({}, 'right', calls) }),
      logger,
    );
    expect(session.deviceId).toBe('KEEPME');
    expect(calls.find((c) => c.path.endsWith('/login'))?.body).toMatchObject({
      device_id: 'KEEPME',
    });
  });

  it('uses a configured access token and its device', async () => {
    const fetchFn = homeserver({ configured: ['@lotse:example.org', 'TOKENDEV'] });
    const session = await obtainSession(
      options({ accessToken: 'configured', fetch: fetchFn }),
      logger,
    );
    expect(session).toMatchObject({ deviceId: 'TOKENDEV', accessToken: 'configured' });
  });

  it('says in one sentence what is wrong', async () => {
    const wrong = obtainSession(options({ password: 'wrong', fetch: homeserver({}) }), logger);
    await expect(wrong).rejects.toThrow(
      'Matrix login for @lotse:example.org failed: wrong user or MATRIX_PASSWORD (M_FORBIDDEN).',
    );
    await expect(
      obtainSession(options({ accessToken: 'nope', fetch: homeserver({}) }), logger),
    ).rejects.toMatchObject({ kind: 'credentials' });
    await expect(
      obtainSession(
        options({ accessToken: 'other', fetch: homeserver({ other: ['@eve:example.org', 'D'] }) }),
        logger,
      ),
    ).rejects.toThrow(
      'MATRIX_ACCESS_TOKEN belongs to @eve:example.org, not to MATRIX_USER_ID @lotse:example.org.',
    );
    await expect(obtainSession(options({ fetch: homeserver({}) }), logger)).rejects.toMatchObject({
      kind: 'config',
    });
    const port = await closedPort();
    const down = obtainSession(
      options({ homeserverUrl: `http://127.0.0.1:${String(port)}`, password: 'x' }),
      logger,
    );
    await expect(down).rejects.toBeInstanceOf(MatrixConnectError);
    await expect(down).rejects.toThrow(
      `The Matrix homeserver at http://127.0.0.1:${String(port)} does not answer (ECONNREFUSED).`,
    );
  });
});
