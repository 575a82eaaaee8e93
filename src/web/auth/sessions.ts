import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { SessionEnder } from '../../staff/accounts.ts';

/**
 * Browser sessions of staff accounts in Redis. The cookie holds a random 32-byte id; Redis holds
 * only its SHA-256 (a copy of Redis signs nobody in). Each session expires when unused for the idle
 * time; each account keeps a set of its sessions, so that disabling it ends them all at once.
 */

/** A live session: whose it is and the token its forms carry against cross-site requests. */
export interface WebSession {
  readonly account: string;
  readonly csrf: string;
}

const hashOf = (id: string): string => createHash('sha256').update(id).digest('base64url');

export class WebSessions implements SessionEnder {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #idleSeconds: number;

  constructor(redis: Redis, prefix: string, idleSeconds: number) {
    this.#redis = redis;
    this.#prefix = prefix;
    this.#idleSeconds = idleSeconds;
  }

  #key(hash: string): string {
    return `${this.#prefix}:web:session:${hash}`;
  }

  #ofAccount(account: string): string {
    return `${this.#prefix}:web:sessions:${account}`;
  }

  /** Starts a session; the id goes into the cookie and nowhere else. */
  async start(account: string): Promise<{ id: string; session: WebSession }> {
    const id = randomBytes(32).toString('base64url');
    const session = { account, csrf: randomBytes(32).toString('base64url') };
    const hash = hashOf(id);
    await this.#redis
      .multi()
      .hset(this.#key(hash), session)
      .expire(this.#key(hash), this.#idleSeconds)
      .sadd(this.#ofAccount(account), hash)
      .exec();
    return { id, session };
  }

  /** The session of a cookie value, its idle time started again; undefined when it has ended. */
  async touch(id: string): Promise<WebSession | undefined> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(id)) return undefined;
    const key = this.#key(hashOf(id));
    const [[, raw] = [], [, alive] = []] =
      (await this.#redis.multi().hgetall(key).expire(key, this.#idleSeconds).exec()) ?? [];
    const fields = raw as Record<string, string> | undefined;
    if (alive !== 1 || fields?.['account'] === undefined || fields['csrf'] === undefined)
      return undefined;
    return { account: fields['account'], csrf: fields['csrf'] };
  }

  /** The session of a cookie value without starting its idle time again (a background check). */
  async peek(id: string): Promise<WebSession | undefined> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(id)) return undefined;
    const fields = await this.#redis.hgetall(this.#key(hashOf(id)));
    if (fields['account'] === undefined || fields['csrf'] === undefined) return undefined;
    return { account: fields['account'], csrf: fields['csrf'] };
  }

  async end(id: string): Promise<void> {
    const hash = hashOf(id);
    const account = await this.#redis.hget(this.#key(hash), 'account');
    await this.#redis.del(this.#key(hash));
    if (account !== null) await this.#redis.srem(this.#ofAccount(account), hash);
  }

  /** Ends every session of an account; answers how many were live. */
  async endAll(account: string): Promise<number> {
    const hashes = await this.#redis.smembers(this.#ofAccount(account));
    const ended =
      hashes.length === 0 ? 0 : await this.#redis.del(...hashes.map((h) => this.#key(h)));
    await this.#redis.del(this.#ofAccount(account));
    return ended;
  }
}

/** Compares a submitted token with the expected one in constant time. */
export function sameToken(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
