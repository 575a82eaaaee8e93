import type { Redis } from 'ioredis';
import { newFileId, type FileVault } from './files.ts';

/**
 * Keeps received files in Redis beside their conversation, expiring with the draft. Keys share the
 * conversation's hash tag, so erasing a conversation finds them.
 */
export class RedisFileVault implements FileVault {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #ttlSeconds: number;

  constructor(redis: Redis, prefix: string, ttlSeconds: number) {
    this.#redis = redis;
    this.#prefix = prefix;
    this.#ttlSeconds = ttlSeconds;
  }

  async put(owner: string, bytes: Uint8Array): Promise<string> {
    const id = newFileId();
    await this.#redis.set(this.#key(owner, id), Buffer.from(bytes), 'EX', this.#ttlSeconds);
    return id;
  }

  async get(owner: string, id: string): Promise<Buffer | null> {
    return this.#redis.getBuffer(this.#key(owner, id));
  }

  /** Erases every file of a conversation; returns how many. */
  async eraseAll(owner: string): Promise<number> {
    let cursor = '0';
    let count = 0;
    do {
      const [next, keys] = await this.#redis.scan(
        cursor,
        'MATCH',
        this.#key(owner, '*'),
        'COUNT',
        200,
      );
      cursor = next;
      if (keys.length > 0) count += await this.#redis.del(...keys);
    } while (cursor !== '0');
    return count;
  }

  #key(owner: string, id: string): string {
    return `${this.#prefix}:conv:{${owner}}:file:${id}`;
  }
}
