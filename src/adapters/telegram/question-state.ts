import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { Language } from '../../bot/types.ts';
import type { ButtonOption } from './keyboard.ts';

/**
 * The question with buttons now open in a chat: which message carries it, what its buttons mean,
 * which options of a several-choice question are marked, and which tap answered it. A tap counts
 * only on this message and only once; everything else is a stale or forged button.
 */
export interface OpenQuestion {
  readonly messageId: number;
  readonly kind: 'pick' | 'multi';
  readonly options: readonly ButtonOption[];
  readonly marked: readonly string[];
  /** The conversation's language when the question was asked (for the "Done" button). */
  readonly lang?: Language;
  /** The update (a tap) that answered the question. */
  readonly answeredBy?: number;
}

const optionsSchema = z.array(z.object({ id: z.string(), label: z.string() }));
const markedSchema = z.array(z.string());

/** Marks the question answered by one update; the same update again is fine (a redelivery). */
const CLAIM = `
local m = redis.call('HGET', KEYS[1], 'm')
if m ~= ARGV[1] then return 0 end
local a = redis.call('HGET', KEYS[1], 'a')
if a and a ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], 'a', ARGV[2])
return 1`;

/** Saves the marks of a several-choice question while it is open and unanswered. */
const MARK = `
local m = redis.call('HGET', KEYS[1], 'm')
if m ~= ARGV[1] or redis.call('HEXISTS', KEYS[1], 'a') == 1 then return 0 end
redis.call('HSET', KEYS[1], 'on', ARGV[2])
return 1`;

/** Open questions per chat in Redis, kept as long as sessions. Holds option labels, no answers. */
export class QuestionState {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #ttlSeconds: number;

  constructor(redis: Redis, prefix: string, ttlSeconds: number) {
    this.#redis = redis;
    this.#prefix = prefix;
    this.#ttlSeconds = ttlSeconds;
  }

  #key(chatId: string): string {
    return `${this.#prefix}:tg:q:${chatId}`;
  }

  async get(chatId: string): Promise<OpenQuestion | undefined> {
    const raw = await this.#redis.hgetall(this.#key(chatId));
    const messageId = Number(raw['m']);
    const kind = raw['k'];
    const options = optionsSchema.safeParse(safeJson(raw['o']));
    const marked = markedSchema.safeParse(safeJson(raw['on'] ?? '[]'));
    if (!Number.isSafeInteger(messageId) || (kind !== 'pick' && kind !== 'multi')) return undefined;
    if (!options.success || !marked.success) return undefined;
    const answeredBy = raw['a'] === undefined ? undefined : Number(raw['a']);
    const lang = raw['l'] === 'de' || raw['l'] === 'en' ? raw['l'] : undefined;
    return {
      messageId,
      kind,
      options: options.data,
      marked: marked.data,
      ...(lang === undefined ? {} : { lang }),
      ...(answeredBy === undefined ? {} : { answeredBy }),
    };
  }

  /** Replaces the chat's open question (undefined: none open any more). */
  async set(chatId: string, question: OpenQuestion | undefined): Promise<void> {
    const key = this.#key(chatId);
    const tx = this.#redis.multi().del(key);
    if (question !== undefined)
      tx.hset(key, {
        m: String(question.messageId),
        k: question.kind,
        o: JSON.stringify(question.options),
        on: JSON.stringify(question.marked),
        ...(question.lang === undefined ? {} : { l: question.lang }),
      }).expire(key, this.#ttlSeconds);
    await tx.exec();
  }

  /** True when the tap of `updateId` on `messageId` answers the open question (first tap wins). */
  async claim(chatId: string, messageId: number, updateId: number): Promise<boolean> {
    const result = await this.#redis.eval(
      CLAIM,
      1,
      this.#key(chatId),
      String(messageId),
      String(updateId),
    );
    return result === 1;
  }

  /** Saves the marked options; false when the question is no longer open on that message. */
  async mark(chatId: string, messageId: number, marked: readonly string[]): Promise<boolean> {
    const result = await this.#redis.eval(
      MARK,
      1,
      this.#key(chatId),
      String(messageId),
      JSON.stringify(marked),
    );
    return result === 1;
  }
}

function safeJson(raw: string | undefined): unknown {
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}
