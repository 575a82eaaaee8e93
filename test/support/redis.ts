/**
 * Helpers for integration tests against the real Redis at REDIS_URL (default
 * redis://127.0.0.1:6379). Every test works under a key prefix of its own (`lotse-test-<random>`),
 * so tests may run in parallel with each other and with other people's Redis data, and every key
 * under the prefix is deleted afterwards (SCAN + UNLINK; never FLUSHDB).
 *
 * Typical use, one fresh prefix and connection per test:
 *
 *   const redis = useTestRedis();
 *   it('…', async () => {
 *     const store = new RedisConversationStore(redis.client, { prefix: redis.prefix, … });
 *     const second = redis.connection(); // another process, another connection
 *   });
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, beforeEach } from 'vitest';

/** Where the tests' Redis is. */
export const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/**
 * A new key prefix no other test uses: `lotse-test-<12 hex>` or `lotse-test-<label>-<12 hex>`. It is
 * also a valid REDIS_KEY_PREFIX for the program (letters, digits, - and _).
 */
export function uniquePrefix(label?: string): string {
  if (label !== undefined && !/^[a-z0-9_]+$/.test(label))
    throw new Error(`prefix label ${label} may hold a-z, 0-9 and _ only`);
  const random = randomBytes(6).toString('hex');
  return label === undefined ? `lotse-test-${random}` : `lotse-test-${label}-${random}`;
}

/** A new connection to the test Redis that fails fast instead of retrying for ever. */
export function connect(url: string = REDIS_URL): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: 2, connectTimeout: 3_000 });
  redis.on('error', () => undefined);
  return redis;
}

/** Every key under a prefix (for assertions; small data sets only). */
export async function keysUnder(redis: Redis, prefix: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    found.push(...keys);
  } while (cursor !== '0');
  return [...new Set(found)].sort();
}

/**
 * Every key under a prefix and every value stored there, of every Redis type (strings, hashes,
 * lists, sets, sorted sets, streams), as one text: for tests that nothing readable is left.
 */
export async function everythingUnder(client: Redis, prefix: string): Promise<string> {
  return valuesOf(client, await keysUnder(client, `${prefix}:`));
}

/**
 * Every key of a whole Redis and every value stored there (as `everythingUnder`), and how many
 * keys there were: for a redis-server of the test's own (never the shared one), where every key
 * is the program's.
 */
export async function everything(client: Redis): Promise<{ keys: number; text: string }> {
  const keys = await keysUnder(client, '');
  return { keys: keys.length, text: await valuesOf(client, keys) };
}

async function valuesOf(client: Redis, keys: readonly string[]): Promise<string> {
  const parts: string[] = [];
  for (const key of keys) {
    parts.push(key);
    const type = await client.type(key);
    if (type === 'string') parts.push((await client.getBuffer(key))?.toString('latin1') ?? '');
    else if (type === 'hash') parts.push(JSON.stringify(await client.hgetall(key)));
    else if (type === 'list') parts.push(JSON.stringify(await client.lrange(key, 0, -1)));
    else if (type === 'set') parts.push(JSON.stringify(await client.smembers(key)));
    else if (type === 'zset') parts.push(JSON.stringify(await client.zrange(key, '0', '-1')));
    else if (type === 'stream') parts.push(JSON.stringify(await client.xrange(key, '-', '+')));
    else if (type !== 'none') throw new Error(`everythingUnder: no reader for the type ${type}`);
  }
  return parts.join('\n');
}

/** Deletes every key under a prefix; returns how many there were. */
export async function deleteKeysUnder(redis: Redis, prefix: string): Promise<number> {
  if (!prefix.startsWith('lotse-test-')) throw new Error(`refusing to delete keys under ${prefix}`);
  let deleted = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}

/** One test's share of Redis: a prefix, a main connection and any further connections. */
export class TestRedis {
  readonly prefix: string;
  /** The main connection. */
  readonly client: Redis;
  readonly #extra: Redis[] = [];

  constructor(prefix: string = uniquePrefix(), url: string = REDIS_URL) {
    this.prefix = prefix;
    this.client = connect(url);
  }

  /** Another connection (closed by `cleanup`), e.g. for a second simulated bot process. */
  connection(): Redis {
    const redis = connect();
    this.#extra.push(redis);
    return redis;
  }

  /** Deletes every key under the prefix and closes all connections. */
  async cleanup(): Promise<void> {
    try {
      await deleteKeysUnder(this.client, this.prefix);
    } finally {
      await Promise.all(
        [this.client, ...this.#extra].map((r) =>
          r.quit().catch(() => {
            r.disconnect();
          }),
        ),
      );
    }
  }
}

/**
 * Gives each test of the calling suite a fresh TestRedis (created in beforeEach, cleaned up in
 * afterEach). Read its fields inside tests or hooks only.
 */
export function useTestRedis(label?: string): {
  readonly prefix: string;
  readonly client: Redis;
  connection(): Redis;
} {
  let current: TestRedis | undefined;
  beforeEach(() => {
    current = new TestRedis(uniquePrefix(label));
  });
  afterEach(async () => {
    const done = current;
    current = undefined;
    await done?.cleanup();
  });
  const get = (): TestRedis => {
    if (current === undefined) throw new Error('useTestRedis: used outside a test');
    return current;
  };
  return {
    get prefix() {
      return get().prefix;
    },
    get client() {
      return get().client;
    },
    connection: () => get().connection(),
  };
}
