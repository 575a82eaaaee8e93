/**
 * Keys fail closed (issue 10, item 2): a development key pair only for the console alone outside
 * production; everywhere else a missing key is one sentence that says what to set. A key file is
 * never overwritten, and a private key file others can read is refused. Real files in a temp dir.
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/bot/logger.ts';
import { ConfigError, loadConfig } from '../../src/config/load.ts';
import { generateStaffKeyPair } from '../../src/staff/seal.ts';
import {
  KeyFileExists,
  resolveStaffKeys,
  writeKeyFile,
  type KeyHolder,
} from '../../src/staff/keys.ts';

const logger = createLogger('silent');
const TOKEN = '123456:ABC-test';

function setup(env: Record<string, string> = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'lotse-keys-'));
  const config = loadConfig({ DATA_DIR: dataDir, ...env }, null);
  return { config, devFile: join(dataDir, 'staff-key.json') };
}

/** The ConfigError a resolution throws, or a failure when it throws none. */
function refusal(
  env: Record<string, string>,
  holder: KeyHolder,
): { message: string; devFile: string } {
  const { config, devFile } = setup(env);
  try {
    resolveStaffKeys(config, holder, logger);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return { message: (error as Error).message, devFile };
  }
  throw new Error(`no refusal for ${holder} with ${JSON.stringify(env)}`);
}

describe('staff keys fail closed', () => {
  it('makes a development key pair for the console alone, once, mode 600', () => {
    const { config, devFile } = setup();
    const first = resolveStaffKeys(config, 'all', logger);
    expect(first.privateKey).toBeDefined();
    expect(statSync(devFile).mode & 0o777).toBe(0o600);
    expect(resolveStaffKeys(config, 'all', logger)).toEqual(first);
  });

  it('refuses without a key where the bot can be reached from outside, or in production', () => {
    for (const [env, why] of [
      [{ TELEGRAM_BOT_TOKEN: TOKEN }, 'a Telegram bot'],
      [{ MATRIX_HOMESERVER_URL: 'https://matrix.example.org' }, 'a Matrix bot'],
      [{ NODE_ENV: 'production' }, 'NODE_ENV=production'],
    ] as const) {
      const { message, devFile } = refusal(env, 'all');
      expect(message).toBe(
        `no staff key configured for ${why}: set STAFF_PRIVATE_KEY_FILE to a key file made with \`npm run staff -- keygen --out FILE\`, or STAFF_PUBLIC_KEY with --role bot`,
      );
      expect(existsSync(devFile), 'no development key is written').toBe(false);
    }
  });

  it('refuses without a key in the bot and worker roles and in the staff CLI, each naming what to set', () => {
    expect(refusal({}, 'bot').message).toBe(
      'no staff key configured for the bot role: set STAFF_PUBLIC_KEY (the public key of a pair made with `npm run staff -- keygen --out FILE`)',
    );
    expect(refusal({}, 'worker').message).toBe(
      'no staff key configured for the worker role: set STAFF_PRIVATE_KEY_FILE to a key file made with `npm run staff -- keygen --out FILE`',
    );
    const staff = refusal({}, 'staff');
    expect(staff.message).toBe(
      'no staff key configured for the staff CLI: set STAFF_PRIVATE_KEY_FILE to a key file made with `npm run staff -- keygen --out FILE`',
    );
    expect(existsSync(staff.devFile)).toBe(false);
    // After the console alone made its development key, the sentence says where it is.
    const { config, devFile } = setup();
    resolveStaffKeys(config, 'all', logger);
    expect(() => resolveStaffKeys(config, 'staff', logger)).toThrow(
      new ConfigError(
        `no staff key configured for the staff CLI: set STAFF_PRIVATE_KEY_FILE to a key file made with \`npm run staff -- keygen --out FILE\` (the console's development key: ${devFile})`,
      ),
    );
  });

  it('does not fall back to a development key made earlier once a messenger is configured', () => {
    const { config, devFile } = setup();
    resolveStaffKeys(config, 'all', logger);
    expect(existsSync(devFile)).toBe(true);
    const withTelegram = { ...config, TELEGRAM_BOT_TOKEN: TOKEN };
    expect(() => resolveStaffKeys(withTelegram, 'all', logger)).toThrow(ConfigError);
    expect(() => resolveStaffKeys(config, 'worker', logger)).toThrow(ConfigError);
  });

  it('still runs a bot with the public key only and a worker with the private key file', () => {
    const pair = generateStaffKeyPair();
    const { config } = setup({ STAFF_PUBLIC_KEY: pair.publicKey, TELEGRAM_BOT_TOKEN: TOKEN });
    expect(resolveStaffKeys(config, 'bot', logger)).toEqual({ publicKey: pair.publicKey });
    const dir = mkdtempSync(join(tmpdir(), 'lotse-keyfile-'));
    writeKeyFile(join(dir, 'staff.key'), pair);
    const worker = setup({
      STAFF_PRIVATE_KEY_FILE: join(dir, 'staff.key'),
      NODE_ENV: 'production',
    });
    expect(resolveStaffKeys(worker.config, 'worker', logger)).toEqual(pair);
  });
});

describe('key files', () => {
  it('are never overwritten', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'lotse-keyfile-')), 'staff.key');
    const pair = generateStaffKeyPair();
    writeKeyFile(file, pair);
    const before = readFileSync(file, 'utf8');
    expect(() => {
      writeKeyFile(file, generateStaffKeyPair());
    }).toThrow(KeyFileExists);
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('are refused when other users may read them, with the command that fixes it', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'lotse-keyfile-')), 'staff.key');
    writeKeyFile(file, generateStaffKeyPair());
    for (const mode of [0o644, 0o640, 0o604]) {
      chmodSync(file, mode);
      const { config } = setup({ STAFF_PRIVATE_KEY_FILE: file });
      expect(() => resolveStaffKeys(config, 'staff', logger)).toThrow(
        new ConfigError(
          `STAFF_PRIVATE_KEY_FILE: ${file} is open to other users (mode 0${mode.toString(8)}), run \`chmod 600 ${file}\``,
        ),
      );
    }
    chmodSync(file, 0o400);
    const { config } = setup({ STAFF_PRIVATE_KEY_FILE: file });
    expect(resolveStaffKeys(config, 'staff', logger).privateKey).toBeDefined();
  });

  it('name a missing file and a file without a key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lotse-keyfile-'));
    const missing = join(dir, 'nope.key');
    expect(() =>
      resolveStaffKeys(setup({ STAFF_PRIVATE_KEY_FILE: missing }).config, 'staff', logger),
    ).toThrow(new ConfigError(`STAFF_PRIVATE_KEY_FILE: ${missing} does not exist`));
    const junk = join(dir, 'junk.key');
    writeFileSync(junk, 'not a key', { mode: 0o600 });
    expect(() =>
      resolveStaffKeys(setup({ STAFF_PRIVATE_KEY_FILE: junk }).config, 'staff', logger),
    ).toThrow(new ConfigError(`STAFF_PRIVATE_KEY_FILE: ${junk} holds no staff key`));
  });
});
