import { accessSync, constants } from 'node:fs';
import { resolve } from 'node:path';
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../../bot/logger.ts';
import { startOwnRedis, stopOwnRedis, storedPassword } from './own-server.ts';
import { checkRedis } from './safety.ts';

/** Start-up cannot go on; the message is one sentence for the person starting Lotse. */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}

export interface RedisHandle {
  readonly redis: Redis;
  /** Closes the connection and stops a Redis this process started. */
  close(): Promise<void>;
}

/** Redis Sentinel: the sentinels to ask, the name of the master they watch, their password. */
export interface SentinelSettings {
  readonly sentinels: readonly { readonly host: string; readonly port: number }[];
  readonly name: string;
  readonly password?: string | undefined;
}

/** The Sentinel settings of the configuration, or undefined without REDIS_SENTINELS. */
export function sentinelSettings(config: {
  readonly REDIS_SENTINELS: readonly string[];
  readonly REDIS_SENTINEL_MASTER: string;
  readonly REDIS_SENTINEL_PASSWORD?: string | undefined;
}): SentinelSettings | undefined {
  if (config.REDIS_SENTINELS.length === 0) return undefined;
  return {
    sentinels: config.REDIS_SENTINELS.map((item) => {
      const at = item.lastIndexOf(':');
      return { host: item.slice(0, at), port: Number(item.slice(at + 1)) };
    }),
    name: config.REDIS_SENTINEL_MASTER,
    password: config.REDIS_SENTINEL_PASSWORD,
  };
}

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** The URL without credentials, for messages and logs. */
export function safeUrl(url: string): string {
  const parsed = new URL(url);
  parsed.username = '';
  parsed.password = '';
  return parsed.toString();
}

/** The URL with this password (and the user it had). */
function withPassword(url: string, password: string): string {
  const parsed = new URL(url);
  parsed.password = encodeURIComponent(password);
  return parsed.toString();
}

/**
 * The client options for REDIS_URL, or for the Sentinel-watched master (REDIS_URL then gives only
 * the password, user and database number).
 */
function clientOptions(url: string, sentinel: SentinelSettings | undefined): RedisOptions {
  if (sentinel === undefined) return {};
  const parsed = new URL(url);
  const db = Number(parsed.pathname.slice(1) || '0');
  return {
    sentinels: sentinel.sentinels.map(({ host, port }) => ({ host, port })),
    name: sentinel.name,
    // Told by the sentinels of a new master at once, not only when the old one stops answering.
    failoverDetector: true,
    ...(sentinel.password === undefined ? {} : { sentinelPassword: sentinel.password }),
    ...(parsed.username === '' ? {} : { username: decodeURIComponent(parsed.username) }),
    ...(parsed.password === '' ? {} : { password: decodeURIComponent(parsed.password) }),
    db: Number.isInteger(db) ? db : 0,
  };
}

function client(url: string, sentinel: SentinelSettings | undefined, extra: RedisOptions): Redis {
  return sentinel === undefined
    ? new Redis(url, extra)
    : new Redis({ ...clientOptions(url, sentinel), ...extra });
}

/** Whether a Redis answers there: yes, only with a (right) password, or not at all. */
async function probe(
  url: string,
  sentinel: SentinelSettings | undefined,
): Promise<'ok' | 'auth' | 'down'> {
  const connection = client(url, sentinel, {
    lazyConnect: true,
    connectTimeout: 1_500,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    ...(sentinel === undefined ? {} : { sentinelRetryStrategy: () => null }),
  });
  // A refused password shows in the error event (HELLO fails), the calls below see a closed
  // connection.
  const errors: string[] = [];
  connection.on('error', (error: Error) => {
    errors.push(error.message);
  });
  try {
    await connection.connect();
    await connection.ping();
    return 'ok';
  } catch (error) {
    const messages = [...errors, error instanceof Error ? error.message : String(error)];
    return messages.some((message) => /^(NOAUTH|WRONGPASS)\b/.test(message)) ? 'auth' : 'down';
  } finally {
    connection.disconnect();
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
 * Connects to REDIS_URL (or, with `sentinel`, to the master the sentinels name). When nothing
 * answers there, the URL is local, `autostart` is on and `redis-server` is on PATH, starts a
 * private Redis with its data under `dataDir/redis` and a password of its own (src/infra/redis/own-server.ts)
 * and stops it again on close. A local Redis asking for a password gets the one kept there.
 * Refuses a Redis that evicts keys; warns (with `warnVolatile`) about one that keeps nothing on
 * disk. Every refusal is a StartupError of one sentence.
 */
export async function connectRedis(options: {
  url: string;
  autostart: boolean;
  dataDir: string;
  logger: Logger;
  sentinel?: SentinelSettings | undefined;
  /** Warn when Redis keeps nothing on disk (default true; the staff CLI leaves it to the bot). */
  warnVolatile?: boolean;
}): Promise<RedisHandle> {
  const log = options.logger.child({ module: 'redis' });
  const sentinel = options.sentinel;
  const where =
    sentinel === undefined
      ? safeUrl(options.url)
      : `the master "${sentinel.name}" of the sentinels ${sentinel.sentinels.map((s) => `${s.host}:${s.port}`).join(',')}`;
  const parsed = new URL(options.url);
  const local = sentinel === undefined && LOCAL_HOSTS.has(parsed.hostname);
  const ownDir = resolve(options.dataDir, 'redis');
  let url = options.url;
  let child: Awaited<ReturnType<typeof startOwnRedis>>;
  let state = await probe(url, sentinel);
  // A Redis this installation started before (and that outlived its process) asks for its password.
  const kept = local && parsed.password === '' ? storedPassword(ownDir) : undefined;
  if (state === 'auth' && kept !== undefined) {
    url = withPassword(options.url, kept);
    state = await probe(url, sentinel);
  }
  if (state === 'auth') {
    throw new StartupError(
      `Redis at ${where} refuses the password: put the right one into REDIS_URL (redis://:PASSWORD@host:port).`,
    );
  }
  if (state === 'down') {
    if (!options.autostart || !local || !onPath('redis-server')) {
      throw new StartupError(
        `Redis does not answer at ${where}: start one (Debian: "apt install redis-server") or point REDIS_URL at yours.`,
      );
    }
    const port = parsed.port === '' ? '6379' : parsed.port;
    child = await startOwnRedis({
      dir: ownDir,
      port,
      password: parsed.password === '' ? undefined : decodeURIComponent(parsed.password),
      answers: async (password) =>
        (await probe(withPassword(options.url, password), undefined)) === 'ok',
      log,
    });
    if (child === undefined) {
      throw new StartupError(
        `redis-server could not be started on port ${port}; see that nothing else uses the port and that ${ownDir} is writable.`,
      );
    }
    url = withPassword(options.url, child.password);
  }
  const redis = client(url, sentinel, { maxRetriesPerRequest: 3, enableAutoPipelining: true });
  redis.on('error', (error: Error) => {
    log.warn({ err: { name: error.name, message: error.message } }, 'redis connection error');
  });
  const close = async () => {
    await redis.quit().catch(() => undefined);
    if (child !== undefined) await stopOwnRedis(child.child);
  };
  try {
    await redis.ping();
    const safety = await checkRedis(redis);
    if (safety.kind === 'unsafe') {
      throw new StartupError(
        `Redis at ${where} evicts keys when its memory is full (maxmemory-policy ${safety.policy}), so queued reports could vanish: set maxmemory-policy noeviction.`,
      );
    }
    if (safety.kind === 'volatile' && options.warnVolatile !== false) {
      log.warn(
        { url: where },
        'REDIS KEEPS NOTHING ON DISK (no append-only file, no snapshots): a restart of Redis loses every conversation, queued report and case; turn on appendonly yes',
      );
    }
  } catch (error) {
    await close();
    throw error;
  }
  log.info({ url: where, own: child !== undefined }, 'redis connected');
  return { redis, close };
}
