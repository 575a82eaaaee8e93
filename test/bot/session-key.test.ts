import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { devSessionKeyFile, resolveSessionKey } from '../../src/bot/session-key.ts';
import { StateSeal } from '../../src/bot/state-seal.ts';
import { ConfigError, loadConfig } from '../../src/config/load.ts';

const silent = pino({ level: 'silent' });
const configWith = (env: Record<string, string>) =>
  loadConfig({ DATA_DIR: mkdtempSync(join(tmpdir(), 'lotse-session-key-')), ...env }, null);

/** The one sentence start-up stops with, or undefined when a key was found. */
function refusal(env: Record<string, string>): string | undefined {
  try {
    resolveSessionKey(configWith(env), silent);
    return undefined;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.message;
  }
}

describe('the session key', () => {
  it('is generated once under DATA_DIR for the console alone, readable by its owner only', () => {
    const config = configWith({});
    const first = resolveSessionKey(config, silent);
    expect(() => StateSeal.fromKeyring(first)).not.toThrow();
    expect(
      resolveSessionKey(configWith({ DATA_DIR: config.DATA_DIR, NODE_ENV: 'development' }), silent),
    ).toBe(first);
    expect(statSync(devSessionKeyFile(config)).mode & 0o777).toBe(0o600);
  });

  it('is never generated where people can reach the bot or in production: one sentence says what to set', () => {
    const exposed: Record<string, string>[] = [
      { TELEGRAM_BOT_TOKEN: '123:abc' },
      {
        MATRIX_HOMESERVER_URL: 'http://127.0.0.1:8008',
        MATRIX_USER_ID: '@lotse:localhost',
        MATRIX_PASSWORD: 'x',
      },
      { NODE_ENV: 'production' },
    ];
    for (const env of exposed) {
      const message = refusal(env);
      expect(message, JSON.stringify(env)).toMatch(/^Set SESSION_KEY_FILE \(or SESSION_KEY\)/);
      expect(message?.split('. ').length, 'one sentence').toBe(1);
    }
  });

  it('comes from SESSION_KEY, a keyring during a rotation', () => {
    const [a, b] = [StateSeal.generateKey(), StateSeal.generateKey()];
    expect(
      resolveSessionKey(
        configWith({ SESSION_KEY: `${a},${b}`, TELEGRAM_BOT_TOKEN: '1:x', NODE_ENV: 'production' }),
        silent,
      ),
    ).toBe(`${a},${b}`);
  });

  it('comes from SESSION_KEY_FILE, one key per line, and refuses a file others can read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lotse-session-key-'));
    const file = join(dir, 'session-key');
    const [a, b] = [StateSeal.generateKey(), StateSeal.generateKey()];
    writeFileSync(file, `${a}\n${b}\n`, { mode: 0o600 });
    expect(
      resolveSessionKey(configWith({ SESSION_KEY_FILE: file, NODE_ENV: 'production' }), silent),
    ).toBe(`${a},${b}`);
    chmodSync(file, 0o644);
    expect(refusal({ SESSION_KEY_FILE: file })).toMatch(/is open to other users.*chmod 600/);
    writeFileSync(join(dir, 'empty'), 'no key here\n', { mode: 0o600 });
    expect(refusal({ SESSION_KEY_FILE: join(dir, 'empty') })).toMatch(/holds no session key/);
    expect(refusal({ SESSION_KEY_FILE: join(dir, 'missing') })).toMatch(/does not exist/);
    expect(readFileSync(file, 'utf8')).toContain(a);
  });

  it('is set one way only, and a malformed key is named at start', () => {
    const key = StateSeal.generateKey();
    expect(refusal({ SESSION_KEY: key, SESSION_KEY_FILE: '/x' })).toMatch(/not both/);
    expect(refusal({ SESSION_KEY: 'too-short' })).toMatch(
      /^Invalid configuration[\s\S]*SESSION_KEY/,
    );
  });
});
