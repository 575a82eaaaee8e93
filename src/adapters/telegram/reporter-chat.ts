import type { Api } from 'grammy';
import type { CallbackQuery, Message, User } from 'grammy/types';
import { pickLanguage } from '../../bot/conversation.ts';
import { FileRejected, type FileIntake } from '../../bot/files.ts';
import type { Translator } from '../../bot/i18n.ts';
import type { Logger } from '../../bot/logger.ts';
import {
  conversationKey,
  type InboundEvent,
  type InboundInput,
  type Language,
} from '../../bot/types.ts';
import { text } from '../../flows/types.ts';
import type { EventSink } from '../channel.ts';
import { AlbumCollector, type Album, type AlbumPart } from './album-collector.ts';
import { chosenLine, echoAnswer, removeKeyboard } from './answer-echo.ts';
import { attachmentOf, type Attachment } from './attachments.ts';
import { chatCommandOf } from './bot-commands.ts';
import { parseCallbackData, resolveOption } from './callback-data.ts';
import { wipeChat } from './chat-wipe.ts';
import {
  declaredProblem,
  download,
  DownloadFailed,
  type DownloadOptions,
} from './file-download.ts';
import { multiKeyboard } from './keyboard.ts';
import type { MessageLog } from './message-log.ts';
import type { OpenQuestion, QuestionState } from './question-state.ts';
import type { SeenUpdates } from './seen-updates.ts';
import type { TelegramSender } from './sender.ts';

/** What became of a file a person sent. */
type Received =
  /** Stored or refused with a reason; `release` once it has been handed on. */
  | { readonly kind: 'part'; readonly part: AlbumPart; readonly release: () => Promise<void> }
  /** The engine refused it before download and told the person. */
  | { readonly kind: 'refused' }
  /** The download broke off (network, Telegram): the person is asked to send it again. */
  | { readonly kind: 'failed' };

const nothing = (): Promise<void> => Promise.resolve();

/** The fields every event of one person in their private chat shares. */
type EventBase = Omit<InboundEvent, 'eventId' | 'input'>;

/** An album as collected: who sent it, and the message id of its first file here. */
interface AlbumContext {
  readonly base: EventBase;
  readonly firstMessageId: number;
}

export interface ReporterChatDeps {
  readonly api: Api;
  /** Where events go; set once the channel has started. */
  readonly sink: () => EventSink;
  readonly sender: TelegramSender;
  readonly questions: QuestionState;
  readonly messages: MessageLog;
  readonly seen: SeenUpdates;
  readonly files: FileIntake;
  readonly download: DownloadOptions;
  readonly i18n: Translator;
  readonly defaultLanguage: Language;
  readonly logger: Logger;
  /** How long to wait for more files of an album. */
  readonly albumWaitMs: number;
}

/**
 * The person's side: a private chat with Lotse. Turns messages, files and button taps into events
 * for the engine; checks every tap against the question it belongs to; runs the chat wipe.
 */
export class ReporterChat {
  readonly #d: ReporterChatDeps;
  readonly #albums: AlbumCollector<AlbumContext>;

  constructor(deps: ReporterChatDeps) {
    this.#d = deps;
    this.#albums = new AlbumCollector(deps.albumWaitMs, (album) => this.#emitAlbum(album));
  }

  async onMessage(message: Message, updateId: number): Promise<void> {
    const from = message.from;
    if (from === undefined || from.is_bot) return;
    const chatId = String(message.chat.id);
    const base = baseOf(from, chatId);
    await this.#d.messages.add(chatId, [{ messageId: message.message_id, at: message.date }]);

    const attachment = attachmentOf(message);
    if (message.media_group_id !== undefined && attachment !== undefined) {
      const got = await this.#receive(base, String(updateId), attachment);
      if (got.kind === 'failed') await this.#notice(base, 'telegram:fileFailed');
      else if (got.kind === 'part')
        await this.#albums.add(
          chatId,
          message.media_group_id,
          got.part,
          { base, firstMessageId: message.message_id },
          got.release,
        );
      return;
    }
    // Whatever comes after an album comes after it for the engine too.
    await this.#albums.flush(chatId);

    if (message.text !== undefined) {
      const command = chatCommandOf(message.text);
      if (command?.kind === 'wipe') {
        if (await this.#d.seen.first(updateId)) await wipeChat(this.#d, chatId, this.#lang(base));
        return;
      }
      const input: InboundInput =
        command === undefined
          ? { kind: 'text', text: message.text }
          : { kind: 'command', command: command.command };
      await this.#handle(base, String(updateId), input);
      return;
    }
    if (attachment !== undefined) {
      const got = await this.#receive(base, String(updateId), attachment);
      if (got.kind === 'failed') await this.#notice(base, 'telegram:fileFailed');
      else if (got.kind === 'part')
        try {
          await this.#handle(base, String(updateId), filesInput([got.part]));
        } finally {
          await got.release();
        }
      // A link in the caption (the post a screenshot shows) is evidence too.
      if (message.caption !== undefined && /https?:\/\//.test(message.caption))
        await this.#handle(base, `${String(updateId)}:caption`, {
          kind: 'text',
          text: message.caption,
        });
      return;
    }
    // Stickers, locations, contacts, polls …: nothing the questions can use. They count against
    // the rate limit like any message; one over it leaves no mark behind.
    const sender = { ...base, eventId: String(updateId) };
    if ((await this.#d.sink().admitMessage(sender)) && (await this.#d.seen.first(updateId)))
      await this.#notice(base, 'telegram:unsupported');
  }

  async onCallback(query: CallbackQuery, updateId: number): Promise<void> {
    const message = query.message;
    const lang = pickLanguage(query.from.language_code, this.#d.defaultLanguage);
    if (message === undefined) {
      await this.#answer(query, this.#d.i18n.t(lang, text('telegram:stale')));
      return;
    }
    const chatId = String(message.chat.id);
    const base = baseOf(query.from, chatId);
    // A tap right after an album comes after the album.
    await this.#albums.flush(chatId);
    const open = await this.#d.questions.get(chatId);
    const onOpen = open?.messageId === message.message_id ? open : undefined;
    const data = parseCallbackData(query.data);
    if (onOpen !== undefined && data !== undefined) {
      if (data.kind === 'pick' && onOpen.kind === 'pick') {
        const option = resolveOption(onOpen.options, data.option);
        if (option && (await this.#d.questions.claim(chatId, message.message_id, updateId))) {
          await this.#answer(query);
          await echoAnswer(this.#d.api, message, chosenLine([option.label]), this.#d.logger);
          await this.#handle(base, String(updateId), { kind: 'choice', id: option.id });
          return;
        }
      }
      if (data.kind === 'toggle' && onOpen.kind === 'multi') {
        const option = resolveOption(onOpen.options, data.option);
        if (option && (await this.#toggle(onOpen, option.id, chatId, updateId, lang))) {
          await this.#answer(query);
          return;
        }
      }
      if (data.kind === 'done' && onOpen.kind === 'multi') {
        if (await this.#d.questions.claim(chatId, message.message_id, updateId)) {
          await this.#answer(query);
          const chosen = onOpen.options.filter((o) => onOpen.marked.includes(o.id));
          await echoAnswer(
            this.#d.api,
            message,
            chosenLine(chosen.map((o) => o.label)),
            this.#d.logger,
          );
          await this.#handle(base, String(updateId), {
            kind: 'choices',
            ids: chosen.map((o) => o.id),
          });
          return;
        }
      }
    }
    // A button of an older question, a second tap, or data Lotse never sent: nothing changes.
    this.#d.logger.info({ known: data !== undefined, onOpen: onOpen !== undefined }, 'stale tap');
    await this.#answer(query, this.#d.i18n.t(lang, text('telegram:stale')));
    if (onOpen === undefined)
      await removeKeyboard(this.#d.api, chatId, message.message_id, this.#d.logger);
  }

  /** Hands on albums still being collected (on stop). */
  flushAll(): Promise<void> {
    return this.#albums.flushAll();
  }

  /** Marks or unmarks an option; false when the question has moved on meanwhile. */
  async #toggle(
    open: OpenQuestion,
    optionId: string,
    chatId: string,
    updateId: number,
    lang: Language,
  ): Promise<boolean> {
    // A toggle delivered twice must not undo itself.
    if (!(await this.#d.seen.first(updateId))) return true;
    const was = new Set(open.marked);
    if (was.has(optionId)) was.delete(optionId);
    else was.add(optionId);
    const marked = open.options.map((o) => o.id).filter((id) => was.has(id));
    if (!(await this.#d.questions.mark(chatId, open.messageId, marked))) return false;
    try {
      await this.#d.api.editMessageReplyMarkup(chatId, open.messageId, {
        reply_markup: multiKeyboard(
          open.options,
          new Set(marked),
          this.#d.i18n.t(open.lang ?? lang, text('telegram:multiDone')),
        ),
      });
    } catch (error) {
      this.#d.logger.debug({ err: error }, 'could not show the marks');
    }
    return true;
  }

  /**
   * Asks the engine whether the file may be fetched, then downloads (at most what was admitted),
   * checks and stores it. A file refused by its description needs no download and no admission:
   * it goes to the engine as a refusal like any message.
   */
  async #receive(base: EventBase, eventId: string, attachment: Attachment): Promise<Received> {
    const problem = declaredProblem(attachment);
    if (problem !== undefined)
      return { kind: 'part', part: { ok: false, reason: problem }, release: nothing };
    const admission = await this.#d.sink().admitFile(
      { ...base, eventId },
      {
        mime: attachment.mime,
        ...(attachment.size === undefined ? {} : { size: attachment.size }),
      },
    );
    if (admission.kind === 'refused') return { kind: 'refused' };
    const { release } = admission;
    try {
      const got = await download(this.#d.download, attachment, admission.maxBytes);
      if (!got.ok) return { kind: 'part', part: got, release };
      const file = await this.#d.files.receive(conversationKey(base), got.file);
      await admission.stored(file.size);
      return { kind: 'part', part: { ok: true, file }, release };
    } catch (error) {
      await release();
      if (error instanceof FileRejected)
        return { kind: 'part', part: { ok: false, reason: error.reason }, release: nothing };
      if (error instanceof DownloadFailed) {
        this.#d.logger.warn({ err: error }, 'file download failed');
        return { kind: 'failed' };
      }
      throw error;
    }
  }

  async #emitAlbum(album: Album<AlbumContext>): Promise<void> {
    try {
      // Named by its first file too: with webhooks, replicas may each collect part of an album,
      // and each part must count (the same part again, redelivered, is still the same event).
      const { base, firstMessageId } = album.context;
      const eventId = `album:${album.groupId}:${String(firstMessageId)}`;
      // Good files count even when others of the album were refused: the refusals come after.
      if (album.files.length > 0)
        await this.#handle(base, eventId, { kind: 'files', files: album.files });
      if (album.rejected.length > 0)
        await this.#handle(base, `${eventId}:refused`, {
          kind: 'files',
          files: [],
          rejected: album.rejected,
        });
    } catch (error) {
      this.#d.logger.error({ err: error }, 'handing on an album failed');
    }
  }

  async #handle(base: EventBase, eventId: string, input: InboundInput): Promise<void> {
    await this.#d.sink().handle({ ...base, eventId, input });
  }

  async #notice(base: EventBase, key: string): Promise<void> {
    await this.#d.sender.notice(base.chatId, this.#d.i18n.t(this.#lang(base), text(key)));
  }

  #lang(base: EventBase): Language {
    return pickLanguage(base.languageHint, this.#d.defaultLanguage);
  }

  /** Answers a callback query once: quietly, or with a short alert. */
  async #answer(query: CallbackQuery, alert?: string): Promise<void> {
    try {
      await this.#d.api.answerCallbackQuery(
        query.id,
        alert === undefined ? {} : { text: alert, show_alert: true },
      );
    } catch (error) {
      this.#d.logger.debug({ err: error }, 'could not answer a callback query');
    }
  }
}

function baseOf(from: User, chatId: string): EventBase {
  return {
    platform: 'telegram',
    userId: String(from.id),
    chatId,
    ...(from.language_code === undefined ? {} : { languageHint: from.language_code }),
  };
}

function filesInput(parts: readonly AlbumPart[]): InboundInput {
  const files = parts.flatMap((p) => (p.ok ? [p.file] : []));
  const rejected = parts.flatMap((p) => (p.ok ? [] : [p.reason]));
  return rejected.length > 0 ? { kind: 'files', files, rejected } : { kind: 'files', files };
}
