import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../bot/logger.ts';

/**
 * The Redis a Lotse process starts itself when nothing answers at a local REDIS_URL: data under
 * `dir` (append-only file on, `noeviction`), bound to 127.0.0.1, and asking for a password. The
 * password is generated once and kept in `dir/password` (mode 600); the server reads it from
 * `dir/redis.conf` (mode 600), never from its command line, where `ps` would show it to every user
 * of the machine.
 */
export interface OwnRedis {
  readonly child: ChildProcess;
  readonly password: string;
}

/** The password file of the Redis a process starts under `dir`. */
export const ownPasswordFile = (dir: string): string => join(dir, 'password');

/** The password kept under `dir`, if a Redis was ever started there. */
export function storedPassword(dir: string): string | undefined {
  const file = ownPasswordFile(dir);
  if (!existsSync(file)) return undefined;
  const password = readFileSync(file, 'utf8').trim();
  return password === '' ? undefined : password;
}

/** A value as redis.conf reads it: in double quotes, with `\` and `"` escaped. */
function quoted(value: string): string {
  if (/\p{Cc}/u.test(value)) throw new Error('control characters in a redis.conf value');
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/**
 * Writes `dir/redis.conf` for port and password. `password` undefined: the stored one, or a new
 * one (stored). Returns the config file and the password.
 */
export function writeOwnConfig(
  dir: string,
  port: string,
  password: string | undefined,
): { file: string; password: string } {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const secret = password ?? storedPassword(dir) ?? randomBytes(32).toString('base64url');
  writeFileSync(ownPasswordFile(dir), `${secret}\n`, { mode: 0o600 });
  const file = join(dir, 'redis.conf');
  const lines = [
    '# Written by Lotse at each start of its own Redis; changes are overwritten.',
    `port ${port}`,
    'bind 127.0.0.1',
    'protected-mode yes',
    `dir ${quoted(dir)}`,
    'appendonly yes',
    'maxmemory-policy noeviction',
    'save ""',
    `requirepass ${quoted(secret)}`,
  ];
  writeFileSync(file, `${lines.join('\n')}\n`, { mode: 0o600 });
  return { file, password: secret };
}

/**
 * Starts `redis-server CONFIG_FILE` and waits until `answers()` is true. Throws when it does not
 * come up within five seconds (the child is stopped then).
 */
export async function startOwnRedis(options: {
  dir: string;
  port: string;
  password: string | undefined;
  answers: (password: string) => Promise<boolean>;
  log: Logger;
}): Promise<OwnRedis | undefined> {
  const { file, password } = writeOwnConfig(options.dir, options.port, options.password);
  options.log.info(
    { port: options.port, dir: options.dir },
    'no Redis answered; starting redis-server',
  );
  const child = spawn('redis-server', [file], { stdio: 'ignore' });
  for (let i = 0; i < 50; i++) {
    if (await options.answers(password)) return { child, password };
    if (child.exitCode !== null) break;
    await sleep(100);
  }
  child.kill('SIGTERM');
  return undefined;
}

/** Stops a Redis this process started, waiting up to five seconds for it to save and exit. */
export async function stopOwnRedis(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((done) =>
    child.once('exit', () => {
      done();
    }),
  );
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(5_000)]);
}
