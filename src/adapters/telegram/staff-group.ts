import type { Api } from 'grammy';
import type { CallbackQuery, Message, User } from 'grammy/types';
import type { Translator } from '../../bot/i18n.ts';
import type { Logger } from '../../bot/logger.ts';
import type { Language } from '../../bot/types.ts';
import { text, type Text } from '../../flows/types.ts';
import type { StaffCommand } from '../../staff/commands.ts';
import {
  answerText,
  StaffCommands,
  type StaffAnswer,
  type StaffSurface,
} from '../../staff/dispatch.ts';
import type { StaffDesk } from '../../staff/ports.ts';
import type { StaffRoster } from '../../staff/roster.ts';
import { echoAnswer } from './answer-echo.ts';
import { parseCallbackData } from './callback-data.ts';
import type { SeenUpdates } from './seen-updates.ts';

/**
 * The staff group as a staff surface: `/` commands; no case details (a Telegram group is not
 * end-to-end encrypted); erasing takes the same command twice; `/words` of other bots in the group
 * go unanswered.
 */
export const TELEGRAM_STAFF_SURFACE: StaffSurface = {
  name: 'telegram',
  prefix: '/',
  words: ['claim', 'handback', 'reply', 'note', 'close', 'show', 'erase', 'help'],
  eraseTwice: true,
  quietOnUnknown: true,
  mayShow: () => Promise.resolve('show-not-here'),
};

export interface StaffGroupDeps {
  readonly api: Api;
  readonly chatId: string;
  /** Who is staff. */
  readonly roster: StaffRoster;
  /** Where staff actions go; absent when this process has no case desk. */
  readonly desk?: StaffDesk;
  readonly seen: SeenUpdates;
  readonly i18n: Translator;
  readonly lang: Language;
  readonly logger: Logger;
}

/**
 * The staff group: commands and Claim buttons go through the staff commands (src/staff/dispatch.ts);
 * this class only reads Telegram updates and formats the answers. Nothing about a case is shown
 * here beyond what the answers say; the details stay in the staff tool.
 */
export class StaffGroup {
  readonly #d: StaffGroupDeps;
  readonly #commands: StaffCommands;

  constructor(deps: StaffGroupDeps) {
    this.#d = deps;
    this.#commands = new StaffCommands({
      roster: deps.roster,
      ...(deps.desk === undefined ? {} : { desk: deps.desk }),
      logger: deps.logger,
    });
  }

  async onMessage(message: Message, updateId: number): Promise<void> {
    const from = message.from;
    if (from === undefined || from.is_bot || message.text === undefined) return;
    const command = StaffCommands.read(TELEGRAM_STAFF_SURFACE, message.text);
    if (command === undefined) return;
    // Staff actions are not idempotent (a note, a reply): a second delivery does nothing.
    if (!(await this.#d.seen.first(updateId))) return;
    const answer = await this.#run(from, command);
    if (answer.kind === 'quiet') return;
    await this.#reply(message, this.#say(answer));
  }

  async onCallback(query: CallbackQuery, updateId: number): Promise<void> {
    const data = parseCallbackData(query.data);
    const message = query.message;
    if (data?.kind !== 'claim' || message === undefined)
      return this.#answer(query, this.#t(text('telegram:stale')));
    if (!(await this.#d.seen.first(updateId))) return this.#answer(query);
    const answer = await this.#run(query.from, { kind: 'claim', caseRef: data.caseRef });
    if (answer.kind === 'quiet') return this.#answer(query);
    if (answer.kind !== 'done') return this.#answer(query, this.#say(answer));
    await this.#answer(query, this.#say(answer), false);
    const line = this.#t(text('telegram:staff.claimedBy', { name: nameOf(query.from) }));
    await echoAnswer(this.#d.api, message, line, this.#d.logger);
  }

  /** Runs a command; a failed desk call is logged and answered with one sentence. */
  async #run(user: User, command: StaffCommand): Promise<StaffAnswer | { kind: 'failed' }> {
    try {
      return await this.#commands.run(
        TELEGRAM_STAFF_SURFACE,
        { account: String(user.id), name: nameOf(user) },
        command,
      );
    } catch (error) {
      this.#d.logger.error({ err: error }, 'staff desk call failed');
      return { kind: 'failed' };
    }
  }

  #say(answer: Exclude<StaffAnswer, { kind: 'quiet' }> | { kind: 'failed' }): string {
    if (answer.kind === 'failed') return this.#t(text('staff:deskFailed'));
    return answerText(answer, TELEGRAM_STAFF_SURFACE, this.#d.i18n, this.#d.lang);
  }

  async #reply(message: Message, body: string): Promise<void> {
    await this.#d.api.sendMessage(this.#d.chatId, body, {
      reply_parameters: { message_id: message.message_id, allow_sending_without_reply: true },
      link_preview_options: { is_disabled: true },
    });
  }

  async #answer(query: CallbackQuery, note?: string, alert = true): Promise<void> {
    try {
      await this.#d.api.answerCallbackQuery(
        query.id,
        note === undefined ? {} : { text: note, show_alert: alert },
      );
    } catch (error) {
      this.#d.logger.debug({ err: error }, 'could not answer a callback query');
    }
  }

  #t(value: Text): string {
    return this.#d.i18n.t(this.#d.lang, value);
  }
}

/** A readable name for the audit trail: the @username, or first and last name. */
function nameOf(user: User): string {
  return user.username !== undefined
    ? `@${user.username}`
    : [user.first_name, user.last_name].filter(Boolean).join(' ');
}

/** Registers the staff commands for the staff group's menu. A failure is logged, not fatal. */
export async function registerStaffCommands(
  api: Api,
  chatId: string,
  i18n: Translator,
  lang: Language,
  logger: Logger,
): Promise<void> {
  try {
    await api.setMyCommands(
      (['claim', 'handback', 'reply', 'note', 'close', 'erase'] as const).map((command) => ({
        command,
        description: i18n.t(lang, text(`telegram:staff.commands.${command}`)),
      })),
      { scope: { type: 'chat', chat_id: chatId } },
    );
  } catch (error) {
    logger.warn({ err: error }, 'could not register the staff commands');
  }
}
