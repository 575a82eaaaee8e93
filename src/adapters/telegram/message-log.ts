import type { Redis } from 'ioredis';

/** A message in a private chat that Lotse may later delete on request. */
export interface LoggedMessage {
  readonly messageId: number;
  /** When it was sent, in seconds since the epoch (Telegram's `date`). */
  readonly at: number;
}

/**
 * How many message ids a chat's log keeps, the newest: far more than a conversation of two days
 * (Telegram lets a bot delete messages for 48 hours), and a bound on what a flood can store.
 */
export const MESSAGE_LOG_MAX = 1_000;

/**
 * The ids of the messages in each private chat with Lotse – the bot's and the person's – so that
 * the person can have them deleted from the chat (a phone may be seized). Ids and times only, no
 * content; kept as long as sessions, at most the newest {@link MESSAGE_LOG_MAX} of a chat.
 */
export class MessageLog {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #ttlSeconds: number;

  constructor(redis: Redis, prefix: string, ttlSeconds: number) {
    this.#redis = redis;
    this.#prefix = prefix;
    this.#ttlSeconds = ttlSeconds;
  }

  #key(chatId: string): string {
    return `${this.#prefix}:tg:msgs:${chatId}`;
  }

  async add(chatId: string, messages: readonly LoggedMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const key = this.#key(chatId);
    const members = messages.flatMap((m) => [String(m.at), String(m.messageId)]);
    await this.#redis
      .multi()
      .zadd(key, ...members)
      .zremrangebyrank(key, 0, -(MESSAGE_LOG_MAX + 1))
      .expire(key, this.#ttlSeconds)
      .exec();
  }

  /** Takes every logged message of the chat out of the log, oldest first. */
  async takeAll(chatId: string): Promise<LoggedMessage[]> {
    const key = this.#key(chatId);
    const result = await this.#redis.multi().zrange(key, '0', '-1', 'WITHSCORES').del(key).exec();
    const flat = result?.[0]?.[1];
    if (!Array.isArray(flat)) return [];
    const messages: LoggedMessage[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2)
      messages.push({ messageId: Number(flat[i]), at: Number(flat[i + 1]) });
    return messages;
  }
}
