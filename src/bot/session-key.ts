import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConfigError } from '../config/load.ts';
import { readOwnerOnlyFile, reachableBy } from '../config/key-files.ts';
import { SESSION_KEY_PATTERN, type Config } from '../config/schema.ts';
import type { Logger } from './logger.ts';
import { StateSeal } from './state-seal.ts';

/** Where the development session key is kept (the console alone, never in production). */
export const devSessionKeyFile = (config: Config): string => join(config.DATA_DIR, 'session-key');

/** The keys of a key file: one per line, the current one first. */
function readKeyFile(path: string, setting: string): string {
  const keys = readOwnerOnlyFile(path, setting)
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  if (keys.length === 0 || !keys.every((key) => SESSION_KEY_PATTERN.test(key)))
    throw new ConfigError(
      `${setting}: ${path} holds no session key (32 bytes in base64, one per line, the current one first).`,
    );
  return keys.join(',');
}

/**
 * Creates the development key once, atomically: two processes starting together end up with the
 * same key (the second link fails and it reads the first one's file).
 */
function ensureDevKey(path: string, logger: Logger): void {
  if (existsSync(path)) return;
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${randomBytes(6).toString('hex')}`;
  writeFileSync(temporary, `${StateSeal.generateKey()}\n`, { mode: 0o600 });
  try {
    linkSync(temporary, path);
    logger.warn(
      { file: path },
      'no session key configured: generated a development key; before connecting a messenger set SESSION_KEY_FILE',
    );
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(temporary);
  }
}

/**
 * Finds the session keyring (`current,older,…`) of a process that talks to people: SESSION_KEY or
 * SESSION_KEY_FILE. Without either, a development key under DATA_DIR only where the console is
 * the sole way in (reachableBy); anywhere else start-up stops with one sentence saying what to set.
 */
export function resolveSessionKey(config: Config, logger: Logger): string {
  if (config.SESSION_KEY !== undefined && config.SESSION_KEY_FILE !== undefined)
    throw new ConfigError('Set SESSION_KEY or SESSION_KEY_FILE, not both.');
  if (config.SESSION_KEY !== undefined) return config.SESSION_KEY;
  if (config.SESSION_KEY_FILE !== undefined) {
    return readKeyFile(config.SESSION_KEY_FILE, 'SESSION_KEY_FILE');
  }
  if (reachableBy(config) !== undefined)
    throw new ConfigError(
      'Set SESSION_KEY_FILE (or SESSION_KEY) to a key from `openssl rand -base64 32`: it seals unfinished reports in Redis and is required once Telegram or Matrix is configured or NODE_ENV=production.',
    );
  const file = devSessionKeyFile(config);
  ensureDevKey(file, logger);
  return readKeyFile(file, 'the development session key');
}
