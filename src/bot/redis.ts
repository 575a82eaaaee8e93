import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import type { Logger } from './logger.ts';

/** Start-up cannot go on; the message is one sentence for the person starting Lotse. */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}

export interface RedisHandle {
  readonly redis: Redis;
  /** Closes the connection and stops a Redis this process started. */
  close(): Promise<void>;
}

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** The URL without credentials, for messages and logs. */
export function safeUrl(url: string): string {
  const parsed = new URL(url);
  parsed.username = '';
  parsed.password = '';
  return parsed.toString();
}

async function answers(url: string): Promise<boolean> {
  const probe = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 1_500,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    await probe.ping();
    return true;
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

/** True when an executable of that name is on PATH. */
function onPath(command: string): boolean {
  return (process.env['PATH'] ?? '').split(':').some((dir) => {
    try {
      accessSync(resolve(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * Connects to REDIS_URL. When nothing answers there, the URL is local and `redis-server` is on
 * PATH, starts a private Redis with its data under `dataDir/redis` (append-only file on,
 * `noeviction`) and stops it again on close. Otherwise throws a StartupError.
 */
export async function connectRedis(options: {
  url: string;
  autostart: boolean;
  dataDir: string;
  logger: Logger;
}): Promise<RedisHandle> {
  const log = options.logger.child({ module: 'redis' });
  let child: ChildProcess | undefined;
  if (!(await answers(options.url))) {
    const url = new URL(options.url);
    const local = LOCAL_HOSTS.has(url.hostname);
    if (!options.autostart || !local || !onPath('redis-server')) {
      throw new StartupError(
        `Redis does not answer at ${safeUrl(options.url)}: start one (Debian: "apt install redis-server", or "docker compose up -d redis") or point REDIS_URL at yours.`,
      );
    }
    child = await startRedis(url, resolve(options.dataDir, 'redis'), log);
  }
  const redis = new Redis(options.url, { maxRetriesPerRequest: 3, enableAutoPipelining: true });
  redis.on('error', (error: Error) => {
    log.warn({ err: { name: error.name, message: error.message } }, 'redis connection error');
  });
  await redis.ping();
  log.info({ url: safeUrl(options.url), own: child !== undefined }, 'redis connected');
  return {
    redis,
    close: async () => {
      await redis.quit().catch(() => undefined);
      if (child !== undefined) await stopChild(child);
    },
  };
}

async function startRedis(url: URL, dir: string, log: Logger): Promise<ChildProcess> {
  mkdirSync(dir, { recursive: true });
  const port = url.port === '' ? '6379' : url.port;
  const args = [
    '--port',
    port,
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--appendonly',
    'yes',
    '--maxmemory-policy',
    'noeviction',
    '--save',
    '',
  ];
  if (url.password !== '') args.push('--requirepass', decodeURIComponent(url.password));
  log.info({ port, dir }, 'no Redis answered; starting redis-server');
  const child = spawn('redis-server', args, { stdio: 'ignore' });
  for (let i = 0; i < 50; i++) {
    if (await answers(url.toString())) return child;
    if (child.exitCode !== null) break;
    await sleep(100);
  }
  child.kill('SIGTERM');
  throw new StartupError(
    `redis-server could not be started on port ${port}; see that nothing else uses the port and that ${dir} is writable.`,
  );
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((done) =>
    child.once('exit', () => {
      done();
    }),
  );
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(5_000)]);
}
