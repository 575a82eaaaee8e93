/**
 * The bot keys per role: only a process that delivers (bot, all) holds the private key, and it must;
 * the worker, the inbox and the staff CLI hold the public key and are refused the private one. In
 * production a missing key stops start-up with one sentence; elsewhere replies go plain (the log
 * says so when one is queued: test/staff/sealed-reply.test.ts). A key file holds a ring (rotation); one others can read is refused.
 */
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/load.ts';
import { resolveBotKeys } from '../../src/staff/bot-keys.ts';
import type { KeyHolder } from '../../src/staff/keys.ts';
import { generateStaffKeyPair } from '../../src/staff/seal.ts';

const pair = generateStaffKeyPair();

function resolve(env: Record<string, string>, holder: KeyHolder) {
  return { keys: resolveBotKeys(loadConfig(env, null), holder) };
}

function refusal(env: Record<string, string>, holder: KeyHolder): string {
  try {
    resolve(env, holder);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error(`no refusal for ${holder} with ${JSON.stringify(env)}`);
}

describe('bot keys', () => {
  it('give the bot both halves and every staff process the public key only', () => {
    for (const holder of ['bot', 'all'] as const)
      expect(resolve({ BOT_PRIVATE_KEY: pair.privateKey }, holder).keys).toEqual(pair);
    for (const holder of ['worker', 'web', 'staff'] as const)
      expect(resolve({ BOT_PUBLIC_KEY: pair.publicKey }, holder).keys).toEqual({
        publicKey: pair.publicKey,
      });
  });

  it('refuse the private key everywhere but the bot', () => {
    for (const [holder, name] of [
      ['worker', 'the worker role'],
      ['web', 'the web role'],
      ['staff', 'the staff CLI'],
    ] as const)
      expect(refusal({ BOT_PRIVATE_KEY: pair.privateKey }, holder)).toBe(
        `BOT_PRIVATE_KEY and BOT_PRIVATE_KEY_FILE are for the bot only: ${name} seals replies to BOT_PUBLIC_KEY`,
      );
  });

  it('refuse a bot with the public key alone, a public key of another pair, and both settings', () => {
    expect(refusal({ BOT_PUBLIC_KEY: pair.publicKey }, 'bot')).toContain(
      'the bot role delivers staff replies and must open them',
    );
    const other = generateStaffKeyPair();
    expect(
      refusal({ BOT_PRIVATE_KEY: pair.privateKey, BOT_PUBLIC_KEY: other.publicKey }, 'bot'),
    ).toBe('BOT_PUBLIC_KEY does not belong to the bot private key');
    expect(
      refusal({ BOT_PRIVATE_KEY: pair.privateKey, BOT_PRIVATE_KEY_FILE: '/nowhere' }, 'bot'),
    ).toBe('Set BOT_PRIVATE_KEY or BOT_PRIVATE_KEY_FILE, not both.');
  });

  it('stop start-up in production without a key, naming what to set', () => {
    const production = { NODE_ENV: 'production' };
    expect(refusal(production, 'bot')).toBe(
      'no bot key configured for the bot role: set BOT_PRIVATE_KEY_FILE to a key file made with `npm run staff -- keygen --bot --out FILE` (required with NODE_ENV=production)',
    );
    expect(refusal(production, 'worker')).toBe(
      'no bot key configured for the worker role: set BOT_PUBLIC_KEY (the public key of a pair made with `npm run staff -- keygen --bot --out FILE`) (required with NODE_ENV=production)',
    );
    expect(refusal(production, 'staff')).toContain('for the staff CLI: set BOT_PUBLIC_KEY');
  });

  it('leave replies plain outside production (the warning comes when one is queued so)', () => {
    for (const holder of ['all', 'bot', 'worker', 'web', 'staff'] as const)
      expect(resolve({}, holder).keys).toEqual({});
  });

  it('read a ring from a key file, the current key first; refuse one others can read', () => {
    const renewed = generateStaffKeyPair();
    const dir = mkdtempSync(join(tmpdir(), 'lotse-bot-keys-'));
    const file = join(dir, 'bot.key');
    writeFileSync(file, `${renewed.privateKey}\n${pair.privateKey}\n`, { mode: 0o600 });
    expect(resolve({ BOT_PRIVATE_KEY_FILE: file }, 'bot').keys).toEqual({
      publicKey: renewed.publicKey,
      privateKey: `${renewed.privateKey},${pair.privateKey}`,
    });
    chmodSync(file, 0o644);
    expect(refusal({ BOT_PRIVATE_KEY_FILE: file }, 'bot')).toBe(
      `BOT_PRIVATE_KEY_FILE: ${file} is open to other users (mode 0644), run \`chmod 600 ${file}\``,
    );
  });
});
