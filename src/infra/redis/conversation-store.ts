import { randomToken } from '../../bot/random-pool.ts';
import type { Redis } from 'ioredis';
import type { Logger } from '../../bot/logger.ts';
import { Recent } from '../../bot/recent.ts';
import { StateSeal } from '../../bot/state-seal.ts';
import {
  CHARGE_QUEUED_MAX,
  UNREADABLE,
  type BeginOptions,
  type BeginResult,
  type ChargeResult,
  type CommitResult,
  type ConversationStore,
} from '../../bot/store.ts';

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
  /** Seals sessions and inbox events: Redis never holds them readable. */
  readonly seal: StateSeal;
  /** Told (without content) when a stored value cannot be opened, e.g. after a key was dropped. */
  readonly logger?: Logger;
}

/**
 * Counts one message against the rate limit (Lua, shared by BEGIN and CHARGE). Over the limit, the
 * person is told once per flood, not once per window: the `told` mark lives a window and every
 * message over the limit renews it, so it runs out only after a window without one.
 * Arguments: rate key, told key, limit, window ms. Returns nil within the limit.
 */
const OVER_LIMIT = `
local function overLimit(rate, told, limit, windowMs)
  local n = redis.call('INCR', rate)
  if n == 1 then redis.call('PEXPIRE', rate, windowMs) end
  if n <= tonumber(limit) then return nil end
  if redis.call('SET', told, '1', 'NX', 'PX', windowMs) then return '1' end
  redis.call('PEXPIRE', told, windowMs)
  return '0'
end
`;

// KEYS: session, inbox, lock, rate, seen, outbox, told
// ARGV: event, token, lockMs, seenSec, limit, windowMs, inboxSec, counted ('1': charged already)
// An event over the limit leaves nothing behind (no seen mark): a flood does not grow Redis.
const BEGIN = `${OVER_LIMIT}
if ARGV[1] ~= '' then
  if redis.call('EXISTS', KEYS[5]) == 1 then return {'duplicate'} end
  if ARGV[8] ~= '1' then
    local over = overLimit(KEYS[4], KEYS[7], ARGV[5], ARGV[6])
    if over == '1' then return {'rate', '1', redis.call('GET', KEYS[1]) or ''} end
    if over then return {'rate', '0'} end
  end
  redis.call('SET', KEYS[5], '1', 'EX', ARGV[4])
  redis.call('RPUSH', KEYS[2], ARGV[1])
  redis.call('EXPIRE', KEYS[2], ARGV[7])
end
if not redis.call('SET', KEYS[3], ARGV[2], 'NX', 'PX', ARGV[3]) then return {'busy'} end
local head = redis.call('LINDEX', KEYS[2], 0)
local out = redis.call('GET', KEYS[6])
if not head and not out then
  redis.call('DEL', KEYS[3])
  return {'empty'}
end
local s = redis.call('GET', KEYS[1])
if not s then s = '' end
return {'go', head or '', s, out or ''}
`;

// KEYS: session, rate, told, inbox   ARGV: limit, windowMs, queuedMax
// The session and the events queued before it are read together: a worker's COMMIT moves an event
// from the one to the other in one step.
const CHARGE = `${OVER_LIMIT}
local over = overLimit(KEYS[2], KEYS[3], ARGV[1], ARGV[2])
if over == '1' then return {'rate', '1', redis.call('GET', KEYS[1]) or ''} end
if over then return {'rate', '0'} end
return {'ok', redis.call('GET', KEYS[1]) or '', redis.call('LRANGE', KEYS[4], 0, tonumber(ARGV[3]) - 1)}
`;

// KEYS: session, inbox, lock, outbox   ARGV: token, session ('' erases), sessionSec, lockMs, outbox ('' none), outboxSec
const COMMIT = `
if redis.call('GET', KEYS[3]) ~= ARGV[1] then return {'lost'} end
if ARGV[2] == '' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3]) end
redis.call('LPOP', KEYS[2])
if ARGV[5] ~= '' then
  redis.call('SET', KEYS[4], ARGV[5], 'EX', ARGV[6])
  redis.call('PEXPIRE', KEYS[3], ARGV[4])
  return {'saved'}
end
local head = redis.call('LINDEX', KEYS[2], 0)
if not head then
  redis.call('DEL', KEYS[3])
  return {'done'}
end
redis.call('PEXPIRE', KEYS[3], ARGV[4])
return {'next', head}
`;

// KEYS: inbox, lock, outbox   ARGV: token, lockMs
const SETTLE = `
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return {'lost'} end
redis.call('DEL', KEYS[3])
local head = redis.call('LINDEX', KEYS[1], 0)
if not head then
  redis.call('DEL', KEYS[2])
  return {'done'}
end
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return {'next', head}
`;

// KEYS: lock, outbox   ARGV: token, outbox, outboxSec
// The lock is released, not passed on: events queued behind the kept replies wait for them.
const KEEP = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 'lost' end
redis.call('SET', KEYS[2], ARGV[2], 'EX', ARGV[3])
redis.call('DEL', KEYS[1])
return 'kept'
`;

// KEYS: key   ARGV: plain, sealed   (replaces a plain session only if nobody changed it meanwhile)
const SEAL_VALUE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL')
return 1
`;

// KEYS: inbox   ARGV: index, plain, sealed
const SEAL_ITEM = `
if redis.call('LINDEX', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('LSET', KEYS[1], ARGV[1], ARGV[3])
return 1
`;

/** The scripts in their Buffer form (ioredis defines `<name>Buffer`): sealed values are binary. */
type Arg = string | number | Buffer;
interface ScriptedRedis extends Redis {
  lotseBeginBuffer(...args: Arg[]): Promise<Buffer[]>;
  lotseCommitBuffer(...args: Arg[]): Promise<Buffer[]>;
  lotseChargeBuffer(...args: Arg[]): Promise<(Buffer | Buffer[])[]>;
  lotseSettleBuffer(...args: Arg[]): Promise<Buffer[]>;
  lotseKeep(...args: Arg[]): Promise<string>;
  lotseSealValue(...args: Arg[]): Promise<number>;
  lotseSealItem(...args: Arg[]): Promise<number>;
}

const EMPTY = Buffer.alloc(0);
/** The first element of a script's reply: what happened. */
const what = (reply: readonly Buffer[]): string => reply[0]?.toString('latin1') ?? '';
/** An element of a script's reply, undefined when absent or empty. */
const value = (reply: readonly Buffer[], index: number): Buffer | undefined => {
  const item = reply[index];
  return item === undefined || item.byteLength === 0 ? undefined : item;
};

/** What a sealed value is, bound to its conversation: a session cannot pass for an event or move. */
export const sessionContext = (key: string): string => `session\u0000${key}`;
/** The context of an event in a conversation's inbox. */
export const eventContext = (key: string): string => `event\u0000${key}`;
/** The context of the replies waiting in a conversation's outbox. */
export const outboxContext = (key: string): string => `outbox\u0000${key}`;

/**
 * Conversations in Redis: one Lua script to queue an event, take the lock and load the session, one
 * to save the session with the replies and dequeue, one to forget the sent replies and pass the
 * lock on (or, when they could not be delivered, one to keep them and let the lock go). Three round trips per message. All keys of a conversation
 * share a hash tag, so the scripts also run on Redis Cluster.
 *
 * Sessions (with their draft answers), inbox events and outbox replies are sealed before they reach Redis and
 * opened when they come back (src/bot/state-seal.ts): the scripts move ciphertext only, as bytes
 * (no base64). Values sealed in the earlier text format are still opened and are replaced by the
 * binary format when next written.
 */
export class RedisConversationStore implements ConversationStore {
  readonly #redis: ScriptedRedis;
  readonly #o: Required<Omit<RedisStoreOptions, 'logger'>>;
  readonly #log: Logger | undefined;
  /**
   * The session each conversation last saved here, sealed and plain: when the same sealed bytes
   * come back (nobody changed them meanwhile), they need not be opened again.
   */
  readonly #saved = new Recent<{ readonly sealed: Buffer; readonly plain: string }>();

  constructor(redis: Redis, options: RedisStoreOptions) {
    const { logger, ...rest } = options;
    this.#o = { lockTtlMs: 10_000, seenTtlSeconds: 86_400, ...rest };
    this.#log = logger?.child({ module: 'conversation-store' });
    redis.defineCommand('lotseBegin', { numberOfKeys: 7, lua: BEGIN });
    redis.defineCommand('lotseCommit', { numberOfKeys: 4, lua: COMMIT });
    redis.defineCommand('lotseCharge', { numberOfKeys: 4, lua: CHARGE });
    redis.defineCommand('lotseSettle', { numberOfKeys: 3, lua: SETTLE });
    redis.defineCommand('lotseKeep', { numberOfKeys: 2, lua: KEEP });
    redis.defineCommand('lotseSealValue', { numberOfKeys: 1, lua: SEAL_VALUE });
    redis.defineCommand('lotseSealItem', { numberOfKeys: 1, lua: SEAL_ITEM });
    this.#redis = redis as ScriptedRedis;
  }

  /** The keys of one conversation. */
  keys(key: string) {
    const base = `${this.#o.prefix}:conv:{${key}}`;
    return {
      session: `${base}:session`,
      inbox: `${base}:inbox`,
      lock: `${base}:lock`,
      outbox: `${base}:outbox`,
      rate: `${base}:rate`,
      /** Set while the person has been told to slow down (see OVER_LIMIT). */
      told: `${base}:rate-told`,
      seen: (id: string) => `${base}:seen:${id}`,
    };
  }

  async begin(
    key: string,
    eventId?: string,
    event?: string,
    options: BeginOptions = {},
  ): Promise<BeginResult> {
    const k = this.keys(key);
    const token = randomToken(12);
    const sealed = event === undefined ? EMPTY : this.#o.seal.seal(event, eventContext(key));
    // Usually the head is the event just queued: what was sealed here need not be opened again.
    const openHead = (head: Buffer): string =>
      event !== undefined && head.equals(sealed) ? event : this.#openEvent(key, head);
    const reply = await this.#redis.lotseBeginBuffer(
      k.session,
      k.inbox,
      k.lock,
      k.rate,
      k.seen(eventId ?? '-'),
      k.outbox,
      k.told,
      sealed,
      token,
      this.#o.lockTtlMs,
      this.#o.seenTtlSeconds,
      this.#o.rateLimit,
      this.#o.rateWindowMs,
      this.#inboxSeconds(),
      options.counted === true ? '1' : '0',
    );
    const kind = what(reply);
    switch (kind) {
      case 'duplicate':
        return { kind: 'duplicate' };
      case 'rate':
        return {
          kind: 'rate-limited',
          notify: reply[1]?.toString('latin1') === '1',
          session: this.#openSession(key, value(reply, 2)),
        };
      case 'busy':
        return { kind: 'busy' };
      case 'empty':
        return { kind: 'empty' };
      case 'go': {
        const head = value(reply, 1);
        const outbox = value(reply, 3);
        return {
          kind: 'go',
          token,
          // Only replies left waiting: the inbox may be empty.
          event: head === undefined ? '' : openHead(head),
          session: this.#openSession(key, value(reply, 2)),
          ...(outbox === undefined
            ? {}
            : { outbox: this.#open(outbox, outboxContext(key), 'outbox') }),
        };
      }
      default:
        throw new Error(`unexpected begin reply ${kind}`);
    }
  }

  async charge(key: string): Promise<ChargeResult> {
    const k = this.keys(key);
    const reply = await this.#redis.lotseChargeBuffer(
      k.session,
      k.rate,
      k.told,
      k.inbox,
      this.#o.rateLimit,
      this.#o.rateWindowMs,
      CHARGE_QUEUED_MAX,
    );
    const [head, first, second] = reply;
    const kind = Buffer.isBuffer(head) ? head.toString('latin1') : '';
    const one = (item: Buffer | Buffer[] | undefined): Buffer | undefined =>
      Buffer.isBuffer(item) && item.byteLength > 0 ? item : undefined;
    if (kind === 'ok')
      return {
        kind: 'ok',
        session: this.#openSession(key, one(first)),
        queued: (Array.isArray(second) ? second : []).map((e) => this.#openEvent(key, e)),
      };
    if (kind === 'rate')
      return {
        kind: 'rate-limited',
        notify: Buffer.isBuffer(first) && first.toString('latin1') === '1',
        session: this.#openSession(key, one(second)),
      };
    throw new Error(`unexpected charge reply ${kind}`);
  }

  async commit(
    key: string,
    token: string,
    session: string | null,
    outbox?: string,
  ): Promise<CommitResult> {
    const k = this.keys(key);
    const sealed = session === null ? EMPTY : this.#o.seal.seal(session, sessionContext(key));
    // Forgotten first: while the outcome is unknown, the session is read and opened as stored.
    this.#saved.delete(key);
    const reply = await this.#redis.lotseCommitBuffer(
      k.session,
      k.inbox,
      k.lock,
      k.outbox,
      token,
      sealed,
      this.#o.sessionTtlSeconds,
      this.#o.lockTtlMs,
      outbox === undefined || outbox === '' ? EMPTY : this.#o.seal.seal(outbox, outboxContext(key)),
      this.#inboxSeconds(),
    );
    const kind = what(reply);
    if (kind !== 'lost' && session !== null) this.#saved.set(key, { sealed, plain: session });
    if (kind === 'saved') return { kind: 'saved' };
    return this.#settled(key, reply);
  }

  async settle(key: string, token: string): Promise<Exclude<CommitResult, { kind: 'saved' }>> {
    const k = this.keys(key);
    return this.#settled(
      key,
      await this.#redis.lotseSettleBuffer(k.inbox, k.lock, k.outbox, token, this.#o.lockTtlMs),
    );
  }

  async keep(key: string, token: string, outbox: string): Promise<{ kind: 'kept' | 'lost' }> {
    const k = this.keys(key);
    const reply = await this.#redis.lotseKeep(
      k.lock,
      k.outbox,
      token,
      this.#o.seal.seal(outbox, outboxContext(key)),
      this.#inboxSeconds(),
    );
    return { kind: reply === 'kept' ? 'kept' : 'lost' };
  }

  /** Queued events and unsent replies live at least a day, whatever the drafts' expiry. */
  #inboxSeconds(): number {
    return Math.max(this.#o.sessionTtlSeconds, 86_400);
  }

  #settled(key: string, reply: Buffer[]): Exclude<CommitResult, { kind: 'saved' }> {
    const kind = what(reply);
    switch (kind) {
      case 'done':
        return { kind: 'done' };
      case 'next':
        return { kind: 'next', event: this.#openEvent(key, value(reply, 1)) };
      case 'lost':
        return { kind: 'lost' };
      default:
        throw new Error(`unexpected commit reply ${kind}`);
    }
  }

  #openSession(key: string, stored: Buffer | undefined): string | null {
    if (stored === undefined) return null;
    const saved = this.#saved.get(key);
    if (saved !== undefined && saved.sealed.equals(stored)) return saved.plain;
    return this.#open(stored, sessionContext(key), 'session');
  }

  #openEvent(key: string, stored: Buffer | undefined): string {
    return this.#open(stored ?? EMPTY, eventContext(key), 'event');
  }

  #open(stored: Buffer, context: string, kind: 'session' | 'event' | 'outbox'): string {
    const plain = this.#o.seal.open(stored, context);
    if (plain !== undefined) return plain;
    this.#log?.warn(
      { what: kind, sealed: StateSeal.isSealed(stored) },
      'a stored value could not be opened (plain, damaged or sealed with a key not configured)',
    );
    return UNREADABLE;
  }

  /**
   * Seals what an older version left plain: sessions and waiting events. Run once at start, before
   * the channels take messages; a value changed meanwhile is left alone (it is sealed already).
   */
  async sealPlain(): Promise<{ sessions: number; events: number }> {
    const counts = { sessions: 0, events: 0 };
    for await (const [redisKey, key] of this.#scan('session')) {
      const stored = await this.#redis.getBuffer(redisKey);
      if (stored === null || StateSeal.isSealed(stored)) continue;
      const sealed = this.#o.seal.seal(stored.toString('utf8'), sessionContext(key));
      counts.sessions += await this.#redis.lotseSealValue(redisKey, stored, sealed);
    }
    for await (const [redisKey, key] of this.#scan('inbox')) {
      const items = await this.#redis.lrangeBuffer(redisKey, 0, -1);
      for (const [index, item] of items.entries()) {
        if (StateSeal.isSealed(item)) continue;
        const sealed = this.#o.seal.seal(item.toString('utf8'), eventContext(key));
        counts.events += await this.#redis.lotseSealItem(redisKey, index, item, sealed);
      }
    }
    return counts;
  }

  /** Redis keys of one kind with their conversation keys. */
  async *#scan(kind: 'session' | 'inbox' | 'outbox'): AsyncIterable<[string, string]> {
    const start = `${this.#o.prefix}:conv:{`.length;
    const end = `}:${kind}`.length;
    let cursor = '0';
    do {
      const [next, keys] = await this.#redis.scan(
        cursor,
        'MATCH',
        `${this.#o.prefix}:conv:{*}:${kind}`,
        'COUNT',
        200,
      );
      cursor = next;
      for (const redisKey of keys) yield [redisKey, redisKey.slice(start, -end)];
    } while (cursor !== '0');
  }

  /** Conversations with queued events, then those with only unsent replies left. */
  async *waiting(): AsyncIterable<string> {
    const seen = new Set<string>();
    for await (const [, key] of this.#scan('inbox')) {
      seen.add(key);
      yield key;
    }
    for await (const [, key] of this.#scan('outbox')) if (!seen.has(key)) yield key;
  }
}
