import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import type { Logger } from '../bot/logger.ts';
import { readOwnerOnlyFile, reachableBy } from '../config/key-files.ts';
import { ConfigError } from '../config/load.ts';
import type { Config } from '../config/schema.ts';
import { generateStaffKeyPair, publicKeyOf, type StaffKeyPair } from './seal.ts';

/** The keys one process holds: always the public key; the private key only where staff read. */
export interface StaffKeys {
  readonly publicKey: string;
  /** The private key, or during a rotation a keyring `current,older,…` (see seal.ts `open`). */
  readonly privateKey?: string;
}

/** Who asks for the keys: a `npm start` role, or the staff CLI. */
export type KeyHolder = 'bot' | 'worker' | 'web' | 'all' | 'staff';

/** A key file is never overwritten: the key in it may be the only way to read the cases. */
export class KeyFileExists extends Error {
  override readonly name = 'KeyFileExists';
  readonly path: string;
  constructor(path: string) {
    super(`${path} exists already`);
    this.path = path;
  }
}

const keyFileSchema = z.object({ publicKey: z.string(), privateKey: z.string() });

/**
 * Writes a key pair file readable by its owner only. Never replaces an existing file (throws
 * KeyFileExists): a second `keygen` into the same file would destroy the only key to every case.
 */
export function writeKeyFile(path: string, pair: StaffKeyPair): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  try {
    writeFileSync(path, `${JSON.stringify(pair, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new KeyFileExists(path);
    throw error;
  }
}

/**
 * Reads a key pair file (the JSON keygen writes, or bare private keys one per line, the current one
 * first); `what` names the key in the refusal. Staff and bot key files share the format.
 */
export function readKeyFile(path: string, variable: string, what = 'staff key'): StaffKeyPair {
  const raw = readOwnerOnlyFile(path, variable);
  // Bare keys, one per line, the current one first (a rotation), or the JSON written by keygen.
  const lines = raw.split(/\s+/);
  if (lines.every((line) => /^[A-Za-z0-9_-]{43}$/.test(line))) {
    const ring = lines.join(',');
    return { privateKey: ring, publicKey: publicKeyOf(ring) };
  }
  const parsed = keyFileSchema.safeParse(parseJson(raw));
  if (!parsed.success) throw new ConfigError(`${variable}: ${path} holds no ${what}`);
  return parsed.data;
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch (error) {
    if (error instanceof SyntaxError) return undefined;
    throw error;
  }
}

/** Where the console's development key pair is kept. */
export const devKeyFile = (config: Config): string => join(config.DATA_DIR, 'staff-key.json');

/**
 * Why this process may not make or use a development key pair, or undefined where it may: only the
 * console alone (`--role all`, no messenger, not production), which nobody outside can reach.
 */
function devKeyRefused(config: Config, holder: KeyHolder): string | undefined {
  if (holder !== 'all') return `the ${holder === 'staff' ? 'staff CLI' : `${holder} role`}`;
  return reachableBy(config);
}

/** The one sentence that says what to set, when no key is configured where one must be. */
function missingKey(config: Config, holder: KeyHolder, refused: string): ConfigError {
  const made = 'made with `npm run staff -- keygen --out FILE`';
  if (holder === 'bot')
    return new ConfigError(
      `no staff key configured for ${refused}: set STAFF_PUBLIC_KEY (the public key of a pair ${made})`,
    );
  // A developer who ran the console alone is told where its key is.
  const dev =
    holder === 'staff' && existsSync(devKeyFile(config))
      ? ` (the console's development key: ${devKeyFile(config)})`
      : '';
  return new ConfigError(
    `no staff key configured for ${refused}: set STAFF_PRIVATE_KEY_FILE to a key file ${made}${dev}${holder === 'all' ? ', or STAFF_PUBLIC_KEY with --role bot' : ''}`,
  );
}

/**
 * Finds the staff keys for a process role or the staff CLI. A bot-only process keeps just the
 * public key. Keys fail closed: with no key configured, only the console alone outside production
 * (a developer's first `npm start`) gets a development key pair under DATA_DIR; everything else
 * stops with one sentence that says what to set. A private key file others may read is refused.
 */
export function resolveStaffKeys(config: Config, holder: KeyHolder, logger: Logger): StaffKeys {
  let privateKey = config.STAFF_PRIVATE_KEY;
  if (privateKey === undefined && config.STAFF_PRIVATE_KEY_FILE !== undefined)
    privateKey = readKeyFile(config.STAFF_PRIVATE_KEY_FILE, 'STAFF_PRIVATE_KEY_FILE').privateKey;
  let publicKey = config.STAFF_PUBLIC_KEY;
  if (privateKey !== undefined) {
    const derived = publicKeyOf(privateKey);
    if (publicKey !== undefined && publicKey !== derived)
      throw new ConfigError('STAFF_PUBLIC_KEY does not belong to the staff private key');
    publicKey = derived;
  }
  if (publicKey === undefined) {
    const refused = devKeyRefused(config, holder);
    if (refused !== undefined) throw missingKey(config, holder, refused);
    const pair = devKeyPair(config, logger);
    publicKey = pair.publicKey;
    privateKey = pair.privateKey;
  }
  if (holder === 'bot') return { publicKey };
  if ((holder === 'worker' || holder === 'web') && privateKey === undefined) {
    throw new ConfigError(
      `the ${holder} role reads reports: set STAFF_PRIVATE_KEY_FILE (or STAFF_PRIVATE_KEY)`,
    );
  }
  return privateKey === undefined ? { publicKey } : { publicKey, privateKey };
}

/** The console's development key pair: made once, then read (and checked) like any key file. */
function devKeyPair(config: Config, logger: Logger): StaffKeyPair {
  const file = devKeyFile(config);
  try {
    writeKeyFile(file, generateStaffKeyPair());
    logger.warn(
      { file },
      'no staff key configured: generated a development key pair for the console; for Telegram, Matrix or production run `npm run staff -- keygen` and give bots only STAFF_PUBLIC_KEY',
    );
  } catch (error) {
    // Made by an earlier start: it is read below.
    if (!(error instanceof KeyFileExists)) throw error;
  }
  return readKeyFile(file, 'the development key');
}
