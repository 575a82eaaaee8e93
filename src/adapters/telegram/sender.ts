import type { Api } from 'grammy';
import type { InlineKeyboardMarkup } from 'grammy/types';
import type { Redis } from 'ioredis';
import { pickLanguage } from '../../bot/conversation.ts';
import type { Translator } from '../../bot/i18n.ts';
import type { Logger } from '../../bot/logger.ts';
import type { InboundEvent, Language, OutboundMessage } from '../../bot/types.ts';
import { text } from '../../flows/types.ts';
import { removeKeyboard } from './answer-echo.ts';
import { multiKeyboard, pickKeyboard } from './keyboard.ts';
import type { MessageLog } from './message-log.ts';
import type { OpenQuestion, QuestionState } from './question-state.ts';
import { splitText } from './text-split.ts';

/** One Telegram message to send: a text of at most 4096 characters, maybe with buttons. */
interface Planned {
  readonly text: string;
  /** True for the message that asks the question (the last part of the asking message). */
  readonly asks: boolean;
  readonly keyboard?: InlineKeyboardMarkup;
  readonly question?: Omit<OpenQuestion, 'messageId'>;
}

export interface SenderDeps {
  readonly api: Api;
  readonly redis: Redis;
  readonly prefix: string;
  readonly questions: QuestionState;
  readonly messages: MessageLog;
  readonly i18n: Translator;
  readonly defaultLanguage: Language;
  readonly logger: Logger;
}

/** How long a delivery's progress is remembered, so that a repeated delivery sends nothing twice. */
const PROGRESS_TTL_SECONDS = 86_400;

/**
 * Renders neutral messages into a private chat: plain text (no parse mode, so nothing the person
 * or a flow wrote can turn into markup), long texts split, the question's options as inline
 * buttons. Progress is counted per event in Redis: delivering the same event again sends only what
 * has not gone out yet.
 */
export class TelegramSender {
  readonly #d: SenderDeps;

  constructor(deps: SenderDeps) {
    this.#d = deps;
  }

  async deliver(event: InboundEvent, messages: readonly OutboundMessage[]): Promise<void> {
    const chatId = event.chatId;
    const lang =
      messages.find((m) => m.lang !== undefined)?.lang ??
      pickLanguage(event.languageHint, this.#d.defaultLanguage);
    const planned = this.#plan(messages, lang);
    const asks = messages.some((m) => m.expects.kind !== 'none');
    const progressKey = `${this.#d.prefix}:tg:out:${chatId}:${event.eventId}`;
    const done = Number((await this.#d.redis.get(progressKey)) ?? 0);
    // A new question makes the open one's buttons stale: take them away (unless a tap answered it).
    if (asks && done === 0) await this.#closeOpenQuestion(chatId);
    for (const [index, item] of planned.entries()) {
      if (index < done) continue;
      const sent = await this.#d.api.sendMessage(chatId, item.text, {
        link_preview_options: { is_disabled: true },
        ...(item.keyboard ? { reply_markup: item.keyboard } : {}),
      });
      await this.#d.redis.set(progressKey, String(index + 1), 'EX', PROGRESS_TTL_SECONDS);
      await this.#d.messages.add(chatId, [{ messageId: sent.message_id, at: sent.date }]);
      // The question now open: its buttons, or none (a typed answer is asked for).
      if (item.asks)
        await this.#d.questions.set(
          chatId,
          item.question && { ...item.question, messageId: sent.message_id },
        );
    }
  }

  /** Sends one adapter message (an explanation, a summary) outside any question. */
  async notice(chatId: string, body: string): Promise<void> {
    for (const part of splitText(body)) {
      const sent = await this.#d.api.sendMessage(chatId, part, {
        link_preview_options: { is_disabled: true },
      });
      await this.#d.messages.add(chatId, [{ messageId: sent.message_id, at: sent.date }]);
    }
  }

  /** Sends messages that are not logged for the chat wipe (the last ones after an erase). */
  async unlogged(chatId: string, bodies: readonly string[]): Promise<void> {
    for (const part of bodies.flatMap((body) => splitText(body)))
      await this.#d.api.sendMessage(chatId, part, { link_preview_options: { is_disabled: true } });
  }

  #plan(messages: readonly OutboundMessage[], lang: Language): Planned[] {
    const planned: Planned[] = [];
    const asking = messages.findLastIndex((m) => m.expects.kind !== 'none');
    messages.forEach((message, index) => {
      const parts = splitText(message.text);
      const options = 'options' in message.expects ? (message.expects.options ?? []) : [];
      const withButtons = index === asking && options.length > 0;
      parts.forEach((part, i) => {
        const asks = index === asking && i === parts.length - 1;
        if (!withButtons || !asks) {
          planned.push({ text: part, asks });
          return;
        }
        const multi = message.expects.kind === 'multi';
        const keyboard = multi
          ? multiKeyboard(options, new Set(), this.#d.i18n.t(lang, text('telegram:multiDone')))
          : pickKeyboard(options);
        planned.push({
          text: part,
          asks,
          keyboard,
          question: { kind: multi ? 'multi' : 'pick', options, marked: [], lang },
        });
      });
    });
    return planned;
  }

  async #closeOpenQuestion(chatId: string): Promise<void> {
    const open = await this.#d.questions.get(chatId);
    if (open !== undefined && open.answeredBy === undefined)
      await removeKeyboard(this.#d.api, chatId, open.messageId, this.#d.logger);
  }
}
