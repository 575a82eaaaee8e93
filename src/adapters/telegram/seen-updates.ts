import type { Redis } from 'ioredis';

/** How long an update id is remembered: Telegram keeps undelivered updates for 24 hours. */
const SEEN_TTL_SECONDS = 86_400;

/**
 * Update ids the adapter acted on by itself (button toggles, staff commands, chat wipes), so that a
 * second delivery of the same update does nothing. Updates for the engine need no entry here: the
 * engine de-duplicates by event id.
 */
export class SeenUpdates {
  readonly #redis: Redis;
  readonly #prefix: string;

  constructor(redis: Redis, prefix: string) {
    this.#redis = redis;
    this.#prefix = prefix;
  }

  /** True the first time an update id is offered, false for every repetition. */
  async first(updateId: number): Promise<boolean> {
    const set = await this.#redis.set(
      `${this.#prefix}:tg:seen:${updateId}`,
      '1',
      'EX',
      SEEN_TTL_SECONDS,
      'NX',
    );
    return set === 'OK';
  }
}
