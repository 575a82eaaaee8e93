import { randomBytes } from 'node:crypto';
import {
  CHARGE_QUEUED_MAX,
  type BeginOptions,
  type BeginResult,
  type ChargeResult,
  type CommitResult,
  type ConversationStore,
} from '../../src/bot/store.ts';

/** Tunables of the in-memory store; the defaults are those of the Redis store. */
export interface MemoryStoreOptions {
  /** Messages per window before `begin` answers rate-limited (default 30). */
  readonly rateLimit?: number;
  readonly rateWindowMs?: number;
  /** A lock nobody commits frees itself after this (default 10 s). */
  readonly lockTtlMs?: number;
  /** How long an event id is remembered for de-duplication (default one day). */
  readonly seenTtlMs?: number;
  /** How long a saved session lives after its last commit (default seven days). */
  readonly sessionTtlMs?: number;
  /** The store's clock in milliseconds; inject one to move time by hand. */
  readonly now?: () => number;
  /**
   * Milliseconds each call waits before it touches the state (default 0: one macrotask), so that
   * concurrent callers interleave as they would over a network. The state change itself is atomic,
   * like the Redis scripts.
   */
  readonly latencyMs?: number;
}

interface Conversation {
  session: { raw: string; expiresAt: number } | undefined;
  inbox: string[];
  /** Replies saved but not yet reported sent. */
  outbox: string | undefined;
  lock: { token: string; expiresAt: number } | undefined;
  rate: { count: number; expiresAt: number } | undefined;
  /** When the mark "told to slow down" runs out (renewed by every message over the limit). */
  toldUntil: number;
  /** Event ids seen, with the time they are forgotten. */
  readonly seen: Map<string, number>;
}

const DAY_MS = 86_400_000;

/**
 * A ConversationStore in memory with the semantics of RedisConversationStore (src/infra/redis/conversation-store.ts):
 * one inbox per conversation in arrival order, a lock with a token that expires, de-duplication by
 * event id and a rate limit per window. For engine unit tests; the same contract suite
 * (test/support/store-contract.ts) runs against both, so the two cannot drift apart.
 *
 * Beyond the port it lets tests look inside (`session`, `inbox`, `isLocked`), preload a session
 * (`setSession`) and simulate an expired lock (`dropLock`).
 */
export class MemoryConversationStore implements ConversationStore {
  readonly #o: Required<MemoryStoreOptions>;
  readonly #conversations = new Map<string, Conversation>();

  constructor(options: MemoryStoreOptions = {}) {
    this.#o = {
      rateLimit: 30,
      rateWindowMs: 60_000,
      lockTtlMs: 10_000,
      seenTtlMs: DAY_MS,
      sessionTtlMs: 7 * DAY_MS,
      now: () => Date.now(),
      latencyMs: 0,
      ...options,
    };
  }

  async begin(
    key: string,
    eventId?: string,
    event?: string,
    options: BeginOptions = {},
  ): Promise<BeginResult> {
    await this.#latency();
    const now = this.#o.now();
    const c = this.#conversation(key);
    if (event !== undefined && event !== '') {
      const id = eventId ?? '-';
      const forgetAt = c.seen.get(id);
      if (forgetAt !== undefined && forgetAt > now) return { kind: 'duplicate' };
      if (options.counted !== true) {
        const over = this.#count(c, now);
        // Refused events leave no trace (no seen mark).
        if (over !== undefined) return over;
      }
      c.seen.set(id, now + this.#o.seenTtlMs);
      c.inbox.push(event);
    }
    if (c.lock !== undefined && c.lock.expiresAt > now) return { kind: 'busy' };
    const head = c.inbox[0];
    if (head === undefined && c.outbox === undefined) {
      c.lock = undefined;
      return { kind: 'empty' };
    }
    const token = randomBytes(12).toString('base64url');
    c.lock = { token, expiresAt: now + this.#o.lockTtlMs };
    return {
      kind: 'go',
      token,
      event: head ?? '',
      session: this.#liveSession(c, now),
      ...(c.outbox === undefined ? {} : { outbox: c.outbox }),
    };
  }

  async charge(key: string): Promise<ChargeResult> {
    await this.#latency();
    const now = this.#o.now();
    const c = this.#conversation(key);
    return (
      this.#count(c, now) ?? {
        kind: 'ok',
        session: this.#liveSession(c, now),
        queued: c.inbox.slice(0, CHARGE_QUEUED_MAX),
      }
    );
  }

  /**
   * Counts one message; the rate-limited answer when it is over the limit, telling the person once
   * per flood (until a window passes without a message over the limit).
   */
  #count(c: Conversation, now: number): Extract<BeginResult, { kind: 'rate-limited' }> | undefined {
    if (c.rate === undefined || c.rate.expiresAt <= now)
      c.rate = { count: 0, expiresAt: now + this.#o.rateWindowMs };
    c.rate.count++;
    if (c.rate.count <= this.#o.rateLimit) return undefined;
    const notify = c.toldUntil <= now;
    c.toldUntil = now + this.#o.rateWindowMs;
    return { kind: 'rate-limited', notify, session: notify ? this.#liveSession(c, now) : null };
  }

  async commit(
    key: string,
    token: string,
    session: string | null,
    outbox?: string,
  ): Promise<CommitResult> {
    await this.#latency();
    const now = this.#o.now();
    const c = this.#conversation(key);
    if (c.lock === undefined || c.lock.expiresAt <= now || c.lock.token !== token)
      return { kind: 'lost' };
    c.session =
      session === null || session === ''
        ? undefined
        : { raw: session, expiresAt: now + this.#o.sessionTtlMs };
    c.inbox.shift();
    if (outbox !== undefined && outbox !== '') {
      c.outbox = outbox;
      c.lock.expiresAt = now + this.#o.lockTtlMs;
      return { kind: 'saved' };
    }
    return this.#passOn(c, now);
  }

  async settle(key: string, token: string): Promise<Exclude<CommitResult, { kind: 'saved' }>> {
    await this.#latency();
    const now = this.#o.now();
    const c = this.#conversation(key);
    if (c.lock === undefined || c.lock.expiresAt <= now || c.lock.token !== token)
      return { kind: 'lost' };
    c.outbox = undefined;
    return this.#passOn(c, now);
  }

  async keep(key: string, token: string, outbox: string): Promise<{ kind: 'kept' | 'lost' }> {
    await this.#latency();
    const c = this.#conversation(key);
    if (c.lock === undefined || c.lock.expiresAt <= this.#o.now() || c.lock.token !== token)
      return { kind: 'lost' };
    c.outbox = outbox;
    c.lock = undefined;
    return { kind: 'kept' };
  }

  async *waiting(): AsyncIterable<string> {
    await this.#latency();
    const keys = [...this.#conversations]
      .filter(([, c]) => c.inbox.length > 0 || c.outbox !== undefined)
      .map(([k]) => k);
    yield* keys;
  }

  /** The stored session of a conversation, or null. */
  session(key: string): string | null {
    const c = this.#conversations.get(key);
    return c === undefined ? null : this.#liveSession(c, this.#o.now());
  }

  /** Stores a session as if a commit had saved it (null erases it). */
  setSession(key: string, session: string | null): void {
    this.#conversation(key).session =
      session === null
        ? undefined
        : { raw: session, expiresAt: this.#o.now() + this.#o.sessionTtlMs };
  }

  /** The queued events of a conversation, head first. */
  inbox(key: string): readonly string[] {
    return [...(this.#conversations.get(key)?.inbox ?? [])];
  }

  /** True while someone holds the conversation's lock. */
  isLocked(key: string): boolean {
    const lock = this.#conversations.get(key)?.lock;
    return lock !== undefined && lock.expiresAt > this.#o.now();
  }

  /** Lets the lock go as if its time had run out: the holder's commit will be `lost`. */
  dropLock(key: string): void {
    const c = this.#conversations.get(key);
    if (c !== undefined) c.lock = undefined;
  }

  /** Releases the lock (`done`) or keeps it for the next inbox head (`next`). */
  #passOn(c: Conversation, now: number): Exclude<CommitResult, { kind: 'saved' }> {
    const head = c.inbox[0];
    if (head === undefined || c.lock === undefined) {
      c.lock = undefined;
      return { kind: 'done' };
    }
    c.lock.expiresAt = now + this.#o.lockTtlMs;
    return { kind: 'next', event: head };
  }

  /** Replies saved but not yet reported sent, or null. */
  outbox(key: string): string | null {
    return this.#conversations.get(key)?.outbox ?? null;
  }

  #liveSession(c: Conversation, now: number): string | null {
    if (c.session === undefined || c.session.expiresAt <= now) return null;
    return c.session.raw;
  }

  #conversation(key: string): Conversation {
    let c = this.#conversations.get(key);
    if (c === undefined) {
      c = {
        session: undefined,
        inbox: [],
        outbox: undefined,
        lock: undefined,
        rate: undefined,
        toldUntil: 0,
        seen: new Map(),
      };
      this.#conversations.set(key, c);
    }
    return c;
  }

  #latency(): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, this.#o.latencyMs));
  }
}
