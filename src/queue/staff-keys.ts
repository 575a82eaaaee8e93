import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import type { Logger } from '../bot/logger.ts';
import { ConfigError } from '../config/load.ts';
import type { Config } from '../config/schema.ts';
import { generateStaffKeyPair, publicKeyOf, type StaffKeyPair } from './seal.ts';

/** The keys one process holds: always the public key; the private key only where staff read. */
export interface StaffKeys {
  readonly publicKey: string;
  /** The private key, or during a rotation a keyring `current,older,…` (see seal.ts `open`). */
  readonly privateKey?: string;
}

const keyFileSchema = z.object({ publicKey: z.string(), privateKey: z.string() });

/** Writes a key pair file readable by its owner only. */
export function writeKeyFile(path: string, pair: StaffKeyPair): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(pair, null, 2)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
}

function readKeyFile(path: string): StaffKeyPair {
  const raw = readFileSync(path, 'utf8').trim();
  // Bare keys, one per line, the current one first (a rotation), or the JSON written by keygen.
  const lines = raw.split(/\s+/);
  if (lines.every((line) => /^[A-Za-z0-9_-]{43}$/.test(line))) {
    const ring = lines.join(',');
    return { privateKey: ring, publicKey: publicKeyOf(ring) };
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    json = undefined;
  }
  const parsed = keyFileSchema.safeParse(json);
  if (!parsed.success) throw new ConfigError(`STAFF_PRIVATE_KEY_FILE: ${path} holds no staff key`);
  return parsed.data;
}

/**
 * Finds the staff keys for a process role. A bot-only process keeps just the public key. With no
 * key configured at all (a developer's first `npm start`), a key pair is generated once under
 * DATA_DIR and a warning says how to do it properly.
 */
export function resolveStaffKeys(
  config: Config,
  role: 'bot' | 'worker' | 'all' | 'staff',
  logger: Logger,
): StaffKeys {
  let privateKey = config.STAFF_PRIVATE_KEY;
  if (privateKey === undefined && config.STAFF_PRIVATE_KEY_FILE !== undefined) {
    if (!existsSync(config.STAFF_PRIVATE_KEY_FILE))
      throw new ConfigError(
        `STAFF_PRIVATE_KEY_FILE: ${config.STAFF_PRIVATE_KEY_FILE} does not exist`,
      );
    privateKey = readKeyFile(config.STAFF_PRIVATE_KEY_FILE).privateKey;
  }
  let publicKey = config.STAFF_PUBLIC_KEY;
  if (privateKey !== undefined) {
    const derived = publicKeyOf(privateKey);
    if (publicKey !== undefined && publicKey !== derived)
      throw new ConfigError('STAFF_PUBLIC_KEY does not belong to the staff private key');
    publicKey = derived;
  }
  if (publicKey === undefined) {
    const devFile = join(config.DATA_DIR, 'staff-key.json');
    if (!existsSync(devFile)) {
      writeKeyFile(devFile, generateStaffKeyPair());
      logger.warn(
        { file: devFile },
        'no staff key configured: generated a development key pair; in production run `npm run staff -- keygen` and give bots only STAFF_PUBLIC_KEY',
      );
    }
    const pair = readKeyFile(devFile);
    publicKey = pair.publicKey;
    privateKey = pair.privateKey;
  }
  if (role === 'bot') return { publicKey };
  if (role === 'worker' && privateKey === undefined) {
    throw new ConfigError(
      'the worker role reads reports: set STAFF_PRIVATE_KEY_FILE (or STAFF_PRIVATE_KEY)',
    );
  }
  return privateKey === undefined ? { publicKey } : { publicKey, privateKey };
}
