/**
 * The alternative as the benchmark drives it: updates go through `bot.handleUpdate`, as a webhook
 * would pass them on; a stand-in for fetch answers the Bot API in place of Telegram (no network),
 * with the message objects Telegram would return, so the plugin stores what it would store in production.
 */
import { performance } from 'node:perf_hooks';
import type { Message, Update } from 'grammy/types';
import type { Redis } from 'ioredis';
import { INTAKE, type TelegramMove } from '../intake-script.ts';
import type { IntakeSystem } from '../load.ts';
import { createAlternativeBot, startAlternativeWorker } from './intake-bot.ts';

const CONFIRMATION = /eingegangen: (ALT-[0-9A-F]+)/;

export class AlternativeSystem implements IntakeSystem {
  readonly name = 'grammY + conversations';
  readonly #bot: ReturnType<typeof createAlternativeBot>['bot'];
  readonly #queue: ReturnType<typeof createAlternativeBot>['queue'];
  readonly #worker: { close(): Promise<void> } | undefined;
  readonly #redis: Redis;
  #updateId = 0;
  #messageId = 0;
  /** Chat → when "send" was tapped; case reference → chat; case reference → made. */
  readonly #sentAt = new Map<number, number>();
  readonly #confirmed = new Map<string, number>();
  readonly #madeAt = new Map<string, number>();
  replies = 0;

  /** The bot on `redis` under `prefix`, with its worker unless told not to. */
  constructor(redis: Redis, prefix: string, worker = true) {
    this.#redis = redis;
    const { bot, queue } = createAlternativeBot({ redis, prefix, fetch: this.#telegram() });
    this.#bot = bot;
    this.#queue = queue;
    this.#worker = worker
      ? startAlternativeWorker(redis, prefix, (caseRef) => {
          this.#madeAt.set(caseRef, performance.now());
        })
      : undefined;
  }

  /**
   * Answers Bot API calls as Telegram would, without a network. It stands in for `fetch` in the
   * client options rather than being an API transformer: the conversations plugin builds a fresh
   * Api from those options inside every conversation, so only they reach its calls too.
   */
  #telegram(): typeof fetch {
    return (input, init) => {
      const method = String(input instanceof Request ? input.url : input)
        .split('/')
        .at(-1);
      const payload = (typeof init?.body === 'string' ? JSON.parse(init.body) : {}) as {
        chat_id?: number;
        text?: string;
        reply_markup?: Message['reply_markup'];
      };
      let result: unknown = true;
      if (method === 'sendMessage') {
        this.replies++;
        const { chat_id: chatId = 0, text = '', reply_markup: markup } = payload;
        const caseRef = CONFIRMATION.exec(text)?.[1];
        if (caseRef !== undefined) this.#confirmed.set(caseRef, chatId);
        result = {
          message_id: ++this.#messageId,
          date: Math.floor(Date.now() / 1000),
          chat: { id: chatId, type: 'private', first_name: 'Wera' },
          from: {
            id: 123456,
            is_bot: true,
            first_name: 'Alternative',
            username: 'alternative_bot',
          },
          text,
          ...(markup === undefined ? {} : { reply_markup: markup }),
        } satisfies Message.TextMessage;
      }
      return Promise.resolve(
        new Response(JSON.stringify({ ok: true, result }), {
          headers: { 'content-type': 'application/json' },
        }),
      );
    };
  }

  /** A Telegram chat id for a person. */
  static chat = (person: number): number => 1_000_000 + person;

  #update(chatId: number, move: TelegramMove): Update {
    const update_id = ++this.#updateId;
    const date = Math.floor(Date.now() / 1000);
    const chat = { id: chatId, type: 'private' as const, first_name: 'Wera' };
    const from = { id: chatId, is_bot: false, first_name: 'Wera', language_code: 'de' };
    switch (move.kind) {
      case 'command':
        return {
          update_id,
          message: {
            message_id: update_id,
            date,
            chat,
            from,
            text: `/${move.command}`,
            entities: [{ type: 'bot_command', offset: 0, length: move.command.length + 1 }],
          },
        };
      case 'type':
        return { update_id, message: { message_id: update_id, date, chat, from, text: move.text } };
      case 'tap':
        return {
          update_id,
          callback_query: {
            id: String(update_id),
            from,
            chat_instance: String(chatId),
            data: move.data,
            message: { message_id: this.#messageId, date, chat, text: '…' },
          },
        };
    }
  }

  async step(person: number, index: number): Promise<void> {
    const step = INTAKE[index];
    if (step === undefined) throw new Error(`no step ${index}`);
    const chatId = AlternativeSystem.chat(person);
    if (step.name === 'summary') this.#sentAt.set(chatId, performance.now());
    await this.#bot.handleUpdate(this.#update(chatId, step.telegram));
  }

  get cases(): number {
    return this.#madeAt.size;
  }

  /** Confirmation → case made, ms (the alternative has no staff channel to notify). */
  noticeLatencies(): number[] {
    const latencies: number[] = [];
    for (const [caseRef, at] of this.#madeAt) {
      const chat = this.#confirmed.get(caseRef);
      const sent = chat === undefined ? undefined : this.#sentAt.get(chat);
      if (sent !== undefined) latencies.push(at - sent);
    }
    return latencies;
  }

  get redis(): Redis {
    return this.#redis;
  }

  async stop(): Promise<void> {
    await this.#worker?.close();
    await this.#queue.close();
  }
}
