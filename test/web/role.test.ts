/**
 * `npm start -- --role web`: the staff inbox alone, as its own process. It refuses to start without
 * the staff private key, serves the inbox on WEB_PORT, and stops gracefully on SIGTERM even with a
 * live event stream open.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateStaffKeyPair } from '../../src/staff/seal.ts';
import { ROOT } from '../support/jsonl-process.ts';
import { REDIS_URL, useTestRedis } from '../support/redis.ts';
import { until } from '../support/wait.ts';
import { enrolledAccount, freePort } from '../support/web-inbox.ts';

const redis = useTestRedis('web_role');
const keys = generateStaffKeyPair();

function startWeb(env: Record<string, string>) {
  const child = spawn(process.execPath, ['src/main.ts', '--role', 'web'], {
    cwd: ROOT,
    env: {
      ...process.env,
      REDIS_URL,
      REDIS_AUTOSTART: 'false',
      LOG_LEVEL: 'warn',
      DATA_DIR: mkdtempSync(join(tmpdir(), 'lotse-web-role-')),
      REDIS_KEY_PREFIX: redis.prefix,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
  return { child, exited, stderr: () => stderr };
}

/** The cookies of a response, as a Cookie header. */
const cookiesOf = (response: Response): string =>
  response.headers
    .getSetCookie()
    .map((c) => c.split(';')[0] ?? '')
    .join('; ');

describe('npm start -- --role web', () => {
  it('refuses to start without the staff private key, with one sentence', async () => {
    const web = startWeb({ STAFF_PUBLIC_KEY: keys.publicKey });
    expect(await web.exited).toBe(1);
    expect(web.stderr()).toContain('the web role reads reports: set STAFF_PRIVATE_KEY_FILE');
  });

  it('serves the inbox on WEB_PORT and stops gracefully with a live stream open', async () => {
    const port = await freePort();
    const web = startWeb({ STAFF_PRIVATE_KEY: keys.privateKey, WEB_PORT: String(port) });
    const url = `http://127.0.0.1:${port}`;
    await until(async () => {
      try {
        return (await fetch(`${url}/sign-in`)).ok;
      } catch {
        return false;
      }
    }, 30_000);

    // Sign in as a browser does: the form's token with its cookie, from this origin.
    const account = await enrolledAccount(
      redis.client,
      redis.prefix,
      keys.privateKey,
      'anna',
      'Anna',
    );
    const form = await fetch(`${url}/sign-in`);
    const csrf = /name="csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? '';
    const signedIn = await fetch(`${url}/sign-in`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        origin: url,
        cookie: cookiesOf(form),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({
        csrf,
        account: 'anna',
        passphrase: account.passphrase,
        code: await account.codes.next(),
      }).toString(),
    });
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.get('location')).toBe('/inbox');
    const session = cookiesOf(signedIn);
    expect(session).toMatch(/^lotse=/);

    const events = await fetch(`${url}/events`, { headers: { cookie: session } });
    expect(events.headers.get('content-type')).toContain('text/event-stream');
    const reader = events.body?.getReader();
    const first = (await reader?.read())?.value as Uint8Array | undefined;
    expect(new TextDecoder().decode(first)).toContain('event: ready');

    web.child.kill('SIGTERM');
    expect(await web.exited).toBe(0);
    // The stream was ended by the server, not left hanging.
    let ended = false;
    while (!ended) ended = (await reader?.read())?.done ?? true;
    expect(ended).toBe(true);
  });
});
