/**
 * Keys fail closed, through the real processes (issue 10, item 2): `npm start` with a messenger,
 * in production or as the worker, and the staff CLI stop with one sentence when no key is
 * configured, and write no development key; `keygen` never overwrites a key file; a private key
 * file others can read is refused.
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateStaffKeyPair } from '../../src/staff/seal.ts';
import { useJsonl } from '../support/jsonl-process.ts';
import { useTestRedis } from '../support/redis.ts';
import { staffCli } from '../support/staff-cli.ts';

const redis = useTestRedis('keys');
const start = useJsonl();
const TOKEN = '123456:ABC-test';
/** Nothing listens here: a bot that got past the keys would still not reach Telegram. */
const NOWHERE = 'http://127.0.0.1:9';

/** Starts the program without any staff key; resolves with its exit, or "running" after 15 s. */
async function startWithoutKey(env: Record<string, string>, args: string[] = []) {
  const dataDir = mkdtempSync(join(tmpdir(), 'lotse-nokey-'));
  const bot = start({ prefix: redis.prefix, env: { DATA_DIR: dataDir, ...env }, args });
  const exit = await Promise.race([
    bot.exited,
    new Promise<'running'>((resolve) =>
      setTimeout(() => {
        resolve('running');
      }, 15_000),
    ),
  ]);
  return { exit, stderr: bot.stderr, devKey: join(dataDir, 'staff-key.json') };
}

describe('npm start without a staff key', () => {
  it('stops with one sentence when Telegram is configured, writing no development key', async () => {
    const run = await startWithoutKey({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: NOWHERE });
    expect(run.exit).toEqual({ code: 1, signal: null });
    expect(run.stderr).toBe(
      'lotse: no staff key configured for a Telegram bot: set STAFF_PRIVATE_KEY_FILE to a key file made with `npm run staff -- keygen --out FILE`, or STAFF_PUBLIC_KEY with --role bot\n',
    );
    expect(existsSync(run.devKey)).toBe(false);
  });

  it('stops with one sentence in production, even for the console alone', async () => {
    const run = await startWithoutKey({ NODE_ENV: 'production' });
    expect(run.exit).toEqual({ code: 1, signal: null });
    expect(run.stderr).toMatch(
      /^lotse: no staff key configured for NODE_ENV=production: set STAFF_PRIVATE_KEY_FILE [^\n]*\n$/,
    );
    expect(existsSync(run.devKey)).toBe(false);
  });

  it('stops with one sentence in the worker role and in the bot role', async () => {
    const worker = await startWithoutKey({}, ['--role', 'worker']);
    expect(worker.exit).toEqual({ code: 1, signal: null });
    expect(worker.stderr).toBe(
      'lotse: no staff key configured for the worker role: set STAFF_PRIVATE_KEY_FILE to a key file made with `npm run staff -- keygen --out FILE`\n',
    );
    expect(existsSync(worker.devKey)).toBe(false);
    const bot = await startWithoutKey({}, ['--role', 'bot']);
    expect(bot.exit).toEqual({ code: 1, signal: null });
    expect(bot.stderr).toMatch(
      /^lotse: no staff key configured for the bot role: set STAFF_PUBLIC_KEY /,
    );
  });

  it('still starts the console alone with a development key pair (mode 600)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lotse-devkey-'));
    const bot = start({ prefix: redis.prefix, env: { DATA_DIR: dataDir } });
    expect((await bot.send({ command: 'start' })).some((l) => l.type === 'message')).toBe(true);
    expect(await bot.close()).toBe(0);
    const devKey = join(dataDir, 'staff-key.json');
    expect(JSON.parse(readFileSync(devKey, 'utf8'))).toHaveProperty('privateKey');
    expect(statSync(devKey).mode & 0o777).toBe(0o600);
    // The staff CLI does not take it silently: it says where it is, and reads it when told to.
    const cli = { REDIS_KEY_PREFIX: redis.prefix, STAFF_USERS: 'anna', STAFF_USER: 'anna' };
    const refused = await staffCli(['list'], { ...cli, DATA_DIR: dataDir });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`(the console's development key: ${devKey})`);
    const listed = await staffCli(['list'], { ...cli, STAFF_PRIVATE_KEY_FILE: devKey });
    expect(listed.code).toBe(0);
  });
});

describe('the staff CLI and its keys', () => {
  const staff = { REDIS_KEY_PREFIX: '', STAFF_USERS: 'anna', STAFF_USER: 'anna' };

  it('stops with one sentence when no key is configured, naming the variable', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lotse-nokey-'));
    const run = await staffCli(['list'], {
      ...staff,
      REDIS_KEY_PREFIX: redis.prefix,
      DATA_DIR: dataDir,
    });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      'no staff key configured for the staff CLI: set STAFF_PRIVATE_KEY_FILE to a key file made with `npm run staff -- keygen --out FILE`\n',
    );
    expect(existsSync(join(dataDir, 'staff-key.json'))).toBe(false);
  });

  it('keygen never overwrites a key file', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'lotse-keygen-')), 'staff.key');
    const first = await staffCli(['keygen', '--out', file], {});
    expect(first.code).toBe(0);
    const kept = readFileSync(file, 'utf8');
    const second = await staffCli(['keygen', '--out', file, '--lang', 'en'], {});
    expect(second.code).toBe(2);
    expect(second.stderr).toBe(
      `Refused: ${file} exists already, and keygen never overwrites a key file – please name another file.\n`,
    );
    expect(readFileSync(file, 'utf8')).toBe(kept);
  });

  it('refuses a private key file that others can read', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'lotse-keyfile-')), 'staff.key');
    writeFileSync(file, `${generateStaffKeyPair().privateKey}\n`);
    chmodSync(file, 0o644);
    const run = await staffCli(['list'], {
      ...staff,
      REDIS_KEY_PREFIX: redis.prefix,
      STAFF_PRIVATE_KEY_FILE: file,
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `STAFF_PRIVATE_KEY_FILE: ${file} is open to other users (mode 0644), run \`chmod 600 ${file}\`\n`,
    );
    chmodSync(file, 0o600);
    const fixed = await staffCli(['list'], {
      ...staff,
      REDIS_KEY_PREFIX: redis.prefix,
      STAFF_PRIVATE_KEY_FILE: file,
    });
    expect(fixed.code).toBe(0);
  });
});
