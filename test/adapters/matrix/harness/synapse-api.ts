/**
 * The real Synapse of the integration tests and the Matrix benchmark (`../shared/tools/synapse`,
 * loopback only, open registration); no vitest here, so bench/ can use it too. `ensureSynapse()` starts it when it does not answer and fails with a clear message
 * when it cannot; `registerUser()` makes a fresh account per call.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

export const SYNAPSE_URL = process.env['SYNAPSE_URL'] ?? 'http://127.0.0.1:8008';
/** The shared tool that builds and runs the test homeserver. */
export const SYNAPSE_TOOL = resolve(import.meta.dirname, '../../../../../shared/tools/synapse');

async function answers(): Promise<boolean> {
  try {
    const response = await fetch(`${SYNAPSE_URL}/_matrix/client/versions`, {
      signal: AbortSignal.timeout(3_000),
    });
    return response.ok;
  } catch {
    return false;
  }
}

/** Makes sure Synapse answers, starting it with the shared tool if needed (the first build takes minutes). */
export async function ensureSynapse(): Promise<void> {
  if (await answers()) return;
  if (!existsSync(SYNAPSE_TOOL))
    throw new Error(
      `Synapse does not answer at ${SYNAPSE_URL} and ${SYNAPSE_TOOL} is missing: start a test homeserver (../shared/tools/synapse start) or set SYNAPSE_URL.`,
    );
  try {
    await promisify(execFile)(SYNAPSE_TOOL, ['start'], { timeout: 15 * 60_000 });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? String(error);
    throw new Error(
      `Synapse does not answer at ${SYNAPSE_URL} and "${SYNAPSE_TOOL} start" failed:\n${stderr.slice(-2000)}`,
      { cause: error },
    );
  }
  if (!(await answers()))
    throw new Error(
      `"${SYNAPSE_TOOL} start" finished but Synapse does not answer at ${SYNAPSE_URL}`,
    );
}

export interface Account {
  readonly userId: string;
  readonly password: string;
  readonly accessToken: string;
  readonly deviceId: string;
}

/**
 * Registers a fresh account `<label>-<random>` (registration is open on the test server). With
 * `login: false` the account gets no device and no token (a bot logs in by itself).
 */
export async function registerUser(
  label: string,
  options: { login?: boolean } = {},
): Promise<Account> {
  const username = `${label}-${randomBytes(5).toString('hex')}`;
  const password = randomBytes(12).toString('base64url');
  const response = await fetch(`${SYNAPSE_URL}/_matrix/client/v3/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      username,
      password,
      auth: { type: 'm.login.dummy' },
      initial_device_display_name: `${label} (test)`,
      inhibit_login: options.login === false,
    }),
  });
  const body = (await response.json()) as {
    user_id?: string;
    access_token?: string;
    device_id?: string;
    error?: string;
  };
  if (!response.ok || body.user_id === undefined)
    throw new Error(`registering ${username} failed: ${JSON.stringify(body)}`);
  return {
    userId: body.user_id,
    password,
    accessToken: body.access_token ?? '',
    deviceId: body.device_id ?? '',
  };
}

/** Logs in to an existing account with its password: a new device (session) of that account. */
export async function loginDevice(account: Account): Promise<Account> {
  const response = await fetch(`${SYNAPSE_URL}/_matrix/client/v3/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      type: 'm.login.password',
      identifier: { type: 'm.id.user', user: account.userId },
      password: account.password,
      initial_device_display_name: 'another session (test)',
    }),
  });
  const body = (await response.json()) as { access_token?: string; device_id?: string };
  if (!response.ok || body.access_token === undefined || body.device_id === undefined)
    throw new Error(`logging in as ${account.userId} failed: ${JSON.stringify(body)}`);
  return { ...account, accessToken: body.access_token, deviceId: body.device_id };
}

/** The devices of an account, as the server lists them. */
export async function devicesOf(accessToken: string): Promise<string[]> {
  const response = await fetch(`${SYNAPSE_URL}/_matrix/client/v3/devices`, {
    headers: { authorization: `Bearer ${accessToken}` },
  });
  const body = (await response.json()) as { devices: { device_id: string }[] };
  return body.devices.map((d) => d.device_id);
}
