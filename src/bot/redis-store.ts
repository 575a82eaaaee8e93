import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { BeginResult, CommitResult, ConversationStore } from './store.ts';

/** Tunables of the Redis conversation store. */
export interface RedisStoreOptions {
  readonly prefix: string;
  /** Seconds a session lives after its last event (drafts expire with it). */
  readonly sessionTtlSeconds: number;
  readonly rateLimit: number;
  readonly rateWindowMs: number;
  /** A lock left by a crashed process frees itself after this. */
  readonly lockTtlMs?: number;
  /** How long an event id is remembered for de-duplication. */
  readonly seenTtlSeconds?: number;
}

// KEYS: session, inbox, lock, rate, seen   ARGV: event, token, lockMs, seenSec, limit, windowMs, inboxSec
const BEGIN = `
if ARGV[1] ~= '' then
  if not redis.call('SET', KEYS[5], '1', 'NX', 'EX', ARGV[4]) then return {'duplicate'} end
  local n = redis.call('INCR', KEYS[4])
  if n == 1 then redis.call('PEXPIRE', KEYS[4], ARGV[6]) end
  local limit = tonumber(ARGV[5])
  if n > limit then
    if n == limit + 1 then return {'rate', '1', redis.call('GET', KEYS[1]) or ''} end
    return {'rate', '0'}
  end
  redis.call('RPUSH', KEYS[2], ARGV[1])
  redis.call('EXPIRE', KEYS[2], ARGV[7])
end
if not redis.call('SET', KEYS[3], ARGV[2], 'NX', 'PX', ARGV[3]) then return {'busy'} end
local head = redis.call('LINDEX', KEYS[2], 0)
if not head then
  redis.call('DEL', KEYS[3])
  return {'empty'}
end
local s = redis.call('GET', KEYS[1])
if not s then s = '' end
return {'go', head, s}
`;

// KEYS: session, inbox, lock   ARGV: token, session ('' erases), sessionSec, lockMs
const COMMIT = `
if redis.call('GET', KEYS[3]) ~= ARGV[1] then return {'lost'} end
if ARGV[2] == '' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3]) end
redis.call('LPOP', KEYS[2])
local head = redis.call('LINDEX', KEYS[2], 0)
if not head then
  redis.call('DEL', KEYS[3])
  return {'done'}
end
redis.call('PEXPIRE', KEYS[3], ARGV[4])
return {'next', head}
`;

interface ScriptedRedis extends Redis {
  lotseBegin(...args: (string | number)[]): Promise<string[]>;
  lotseCommit(...args: (string | number)[]): Promise<string[]>;
}

/**
 * Conversations in Redis: one Lua script to queue an event, take the lock and load the session, one
 * to save, dequeue and pass the lock on. Two round trips per message. All keys of a conversation
 * share a hash tag, so the scripts also run on Redis Cluster.
 */
export class RedisConversationStore implements ConversationStore {
  readonly #redis: ScriptedRedis;
  readonly #o: Required<RedisStoreOptions>;

  constructor(redis: Redis, options: RedisStoreOptions) {
    this.#o = { lockTtlMs: 10_000, seenTtlSeconds: 86_400, ...options };
    redis.defineCommand('lotseBegin', { numberOfKeys: 5, lua: BEGIN });
    redis.defineCommand('lotseCommit', { numberOfKeys: 3, lua: COMMIT });
    this.#redis = redis as ScriptedRedis;
  }

  /** The keys of one conversation. */
  keys(key: string) {
    const base = `${this.#o.prefix}:conv:{${key}}`;
    return {
      session: `${base}:session`,
      inbox: `${base}:inbox`,
      lock: `${base}:lock`,
      rate: `${base}:rate`,
      seen: (id: string) => `${base}:seen:${id}`,
    };
  }

  async begin(key: string, eventId?: string, event?: string): Promise<BeginResult> {
    const k = this.keys(key);
    const token = randomBytes(12).toString('base64url');
    const reply = await this.#redis.lotseBegin(
      k.session,
      k.inbox,
      k.lock,
      k.rate,
      k.seen(eventId ?? '-'),
      event ?? '',
      token,
      this.#o.lockTtlMs,
      this.#o.seenTtlSeconds,
      this.#o.rateLimit,
      this.#o.rateWindowMs,
      Math.max(this.#o.sessionTtlSeconds, 86_400),
    );
    switch (reply[0]) {
      case 'duplicate':
        return { kind: 'duplicate' };
      case 'rate':
        return {
          kind: 'rate-limited',
          notify: reply[1] === '1',
          session: reply[2] === undefined || reply[2] === '' ? null : reply[2],
        };
      case 'busy':
        return { kind: 'busy' };
      case 'empty':
        return { kind: 'empty' };
      case 'go':
        return {
          kind: 'go',
          token,
          event: reply[1] ?? '',
          session: reply[2] === '' || reply[2] === undefined ? null : reply[2],
        };
      default:
        throw new Error(`unexpected begin reply ${String(reply[0])}`);
    }
  }

  async commit(key: string, token: string, session: string | null): Promise<CommitResult> {
    const k = this.keys(key);
    const reply = await this.#redis.lotseCommit(
      k.session,
      k.inbox,
      k.lock,
      token,
      session ?? '',
      this.#o.sessionTtlSeconds,
      this.#o.lockTtlMs,
    );
    switch (reply[0]) {
      case 'done':
        return { kind: 'done' };
      case 'next':
        return { kind: 'next', event: reply[1] ?? '' };
      case 'lost':
        return { kind: 'lost' };
      default:
        throw new Error(`unexpected commit reply ${String(reply[0])}`);
    }
  }

  async *waiting(): AsyncIterable<string> {
    const pattern = `${this.#o.prefix}:conv:{*}:inbox`;
    const start = `${this.#o.prefix}:conv:{`.length;
    let cursor = '0';
    do {
      const [next, keys] = await this.#redis.scan(cursor, 'MATCH', pattern, 'COUNT', 200);
      cursor = next;
      for (const key of keys) yield key.slice(start, -'}:inbox'.length);
    } while (cursor !== '0');
  }
}
