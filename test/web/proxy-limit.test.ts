/**
 * The sign-in limit behind the office's reverse proxy (WEB_TRUSTED_PROXIES), against the real
 * program on real Redis over HTTP: twenty failures from one client behind the proxy lock that
 * client, not the proxy – a colleague behind the same proxy still signs in – and an address the
 * client writes into X-Forwarded-For itself does not let it escape its count.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateStaffKeyPair } from '../../src/staff/seal.ts';
import { ROOT } from '../support/jsonl-process.ts';
import { REDIS_URL } from '../support/redis.ts';
import { enrolledAccount, freePort, useInboxProgram } from '../support/web-inbox.ts';

const keys = generateStaffKeyPair();
const dataDir = mkdtempSync(join(tmpdir(), 'lotse-web-proxy-'));

describe('the sign-in limit behind a trusted reverse proxy', { timeout: 90_000 }, () => {
  const inbox = useInboxProgram('web_proxy', {
    env: {
      STAFF_PRIVATE_KEY: keys.privateKey,
      DATA_DIR: dataDir,
      WEB_TRUSTED_PROXIES: '127.0.0.1,::1',
    },
  });

  /** One sign-in as the proxy forwards it for `client`: the form's token, then the POST. */
  async function attempt(
    forwardedFor: string,
    fields: { account: string; passphrase: string; code: string },
  ): Promise<number> {
    const form = await fetch(`${inbox.url}/sign-in`);
    const cookie = (form.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const csrf = /name="csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? '';
    const response = await fetch(`${inbox.url}/sign-in`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        cookie,
        origin: inbox.url,
        'x-forwarded-for': forwardedFor,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ csrf, ...fields }).toString(),
    });
    await response.arrayBuffer();
    return response.status;
  }

  it('locks the client behind the proxy after twenty failures, not everyone behind it', async () => {
    const wrong = { passphrase: 'not the passphrase', code: '000000' };
    for (let i = 0; i < 20; i++)
      expect(await attempt('198.51.100.1', { account: `guess${i}`, ...wrong })).toBe(401);
    // The same client, any account name: locked.
    expect(await attempt('198.51.100.1', { account: 'guess-more', ...wrong })).toBe(429);
    // Writing another address in front does not help: the proxy's own entry counts.
    expect(await attempt('203.0.113.9, 198.51.100.1', { account: 'guess-else', ...wrong })).toBe(
      429,
    );

    // A colleague behind the same proxy signs in.
    const dora = await enrolledAccount(
      inbox.redis.client,
      inbox.redis.prefix,
      keys.privateKey,
      'dora',
      'Dora',
    );
    expect(
      await attempt('198.51.100.2', {
        account: dora.name,
        passphrase: dora.passphrase,
        code: await dora.codes.next(),
      }),
    ).toBe(303);
  });

  it('refuses to start with a proxy that is neither an address nor a range, naming it', async () => {
    const child = spawn(process.execPath, ['src/main.ts', '--role', 'web'], {
      cwd: ROOT,
      env: {
        ...process.env,
        REDIS_URL,
        REDIS_AUTOSTART: 'false',
        LOG_LEVEL: 'warn',
        DATA_DIR: dataDir,
        REDIS_KEY_PREFIX: inbox.redis.prefix,
        STAFF_PRIVATE_KEY: keys.privateKey,
        WEB_PORT: String(await freePort()),
        WEB_TRUSTED_PROXIES: '127.0.0.1,office-proxy',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect(code).not.toBe(0);
    expect(stderr).toContain(
      'WEB_TRUSTED_PROXIES: "office-proxy" is neither an address nor a range',
    );
  });
});
