import type { Redis } from 'ioredis';
import { newFileId, type FileVault } from '../../bot/files.ts';

/** Seals bytes for staff; the vault never keeps a file readable. */
export type Sealer = (bytes: Uint8Array, context: string) => string;

/** The context a stored evidence file is sealed to. */
export const fileContext = (id: string): string => `file:${id}`;

/**
 * Keeps received files in Redis beside their conversation, sealed to the staff key at once and
 * expiring with the draft. Keys share the conversation's hash tag, so erasing a conversation
 * finds them; the staff worker moves them to the case.
 */
export class RedisFileVault implements FileVault {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #ttlSeconds: number;
  readonly #seal: Sealer;

  constructor(redis: Redis, prefix: string, ttlSeconds: number, seal: Sealer) {
    this.#redis = redis;
    this.#prefix = prefix;
    this.#ttlSeconds = ttlSeconds;
    this.#seal = seal;
  }

  async put(owner: string, bytes: Uint8Array): Promise<string> {
    const id = newFileId();
    await this.#redis.set(
      this.#key(owner, id),
      this.#seal(bytes, fileContext(id)),
      'EX',
      this.#ttlSeconds,
    );
    return id;
  }

  /** Keeps a stored file for `seconds` from now (a submitted report's files wait for the worker). */
  async keep(owner: string, id: string, seconds: number): Promise<void> {
    await this.#redis.expire(this.#key(owner, id), seconds);
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
