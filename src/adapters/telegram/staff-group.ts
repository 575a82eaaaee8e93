import type { Api } from 'grammy';
import type { CallbackQuery, Message, User } from 'grammy/types';
import { parseCaseRef } from '../../bot/case-ref.ts';
import type { Translator } from '../../bot/i18n.ts';
import type { Logger } from '../../bot/logger.ts';
import type { Language } from '../../bot/types.ts';
import { text, type Text } from '../../flows/types.ts';
import type { DeskResult, StaffActor, StaffDesk } from '../../queue/staff-ports.ts';
import { echoAnswer } from './answer-echo.ts';
import { parseCallbackData } from './callback-data.ts';
import type { SeenUpdates } from './seen-updates.ts';

type Action = 'claim' | 'reply' | 'note' | 'close' | 'erase';

/** Staff commands, in English and German. */
const ACTIONS: Readonly<Record<string, Action>> = {
  claim: 'claim',
  uebernehmen: 'claim',
  reply: 'reply',
  antworten: 'reply',
  note: 'note',
  notiz: 'note',
  close: 'close',
  schliessen: 'close',
  abschliessen: 'close',
  erase: 'erase',
};

/** A staff command as typed: `/reply@LotseBot 7KQ2-9XMD-4HTR-V Guten Tag …`. */
export interface StaffCommand {
  readonly action: Action;
  readonly caseRef?: string;
  /** The reply, note or outcome: everything after the reference, line breaks kept. */
  readonly rest: string;
}

export function parseStaffCommand(typed: string): StaffCommand | undefined {
  const match = /^\/([a-z_]{1,32})(?:@\w+)?(?:\s+(\S+))?(?:\s+([\s\S]*))?$/i.exec(typed.trim());
  const action = match?.[1] === undefined ? undefined : ACTIONS[match[1].toLowerCase()];
  if (match === null || action === undefined) return undefined;
  return {
    action,
    ...(match[2] === undefined ? {} : { caseRef: match[2] }),
    rest: (match[3] ?? '').trim(),
  };
}

export interface StaffGroupDeps {
  readonly api: Api;
  readonly chatId: string;
  /** Telegram user ids of staff members. */
  readonly userIds: ReadonlySet<string>;
  /** Where staff actions go; absent when this process has no case desk. */
  readonly desk?: StaffDesk;
  readonly seen: SeenUpdates;
  readonly i18n: Translator;
  readonly lang: Language;
  readonly logger: Logger;
}

/**
 * The staff group: commands and Claim buttons from the listed staff accounts reach the staff desk;
 * everyone else gets a short refusal and changes nothing. Nothing about a case is shown here beyond
 * what the desk's answers say; the details stay in the staff tool.
 */
export class StaffGroup {
  readonly #d: StaffGroupDeps;

  constructor(deps: StaffGroupDeps) {
    this.#d = deps;
  }

  async onMessage(message: Message, updateId: number): Promise<void> {
    const from = message.from;
    if (from === undefined || from.is_bot || message.text === undefined) return;
    const command = parseStaffCommand(message.text);
    if (command === undefined) return;
    // Staff actions are not idempotent (a note, a reply): a second delivery does nothing.
    if (!(await this.#d.seen.first(updateId))) return;
    const say = (value: Text) => this.#reply(message, this.#t(value));
    if (!this.#d.userIds.has(String(from.id))) {
      this.#d.logger.info({ action: command.action }, 'staff command from a stranger refused');
      await say(text('telegram:staff.notStaff'));
      return;
    }
    const desk = this.#d.desk;
    if (desk === undefined) return say(text('telegram:staff.unavailable'));
    if (command.caseRef === undefined) return say(text('telegram:staff.usage'));
    const caseRef = parseCaseRef(command.caseRef);
    if (caseRef === undefined) return say(refusal('unknown-case'));
    if (command.action !== 'claim' && command.action !== 'erase' && command.rest === '')
      return say(refusal('empty'));
    const actor = actorOf(from);
    const result = await this.#run(() => {
      switch (command.action) {
        case 'claim':
          return desk.claim(actor, caseRef);
        case 'reply':
          return desk.reply(actor, caseRef, command.rest);
        case 'note':
          return desk.note(actor, caseRef, command.rest);
        case 'close':
          return desk.close(actor, caseRef, command.rest);
        case 'erase':
          return desk.erase(actor, caseRef);
      }
    });
    if (result === undefined) return say(text('telegram:staff.failed'));
    this.#d.logger.info({ action: command.action, ok: result.ok }, 'staff command');
    await say(
      !result.ok
        ? refusal(result.reason)
        : result.value === 'confirm'
          ? text('telegram:staff.confirmErase', { caseRef })
          : text(`telegram:staff.done.${command.action}`, { caseRef }),
    );
  }

  async onCallback(query: CallbackQuery, updateId: number): Promise<void> {
    const data = parseCallbackData(query.data);
    const message = query.message;
    if (data?.kind !== 'claim' || message === undefined)
      return this.#answer(query, this.#t(text('telegram:stale')));
    if (!this.#d.userIds.has(String(query.from.id)))
      return this.#answer(query, this.#t(text('telegram:staff.notStaff')));
    const desk = this.#d.desk;
    if (desk === undefined) return this.#answer(query, this.#t(text('telegram:staff.unavailable')));
    if (!(await this.#d.seen.first(updateId))) return this.#answer(query);
    const actor = actorOf(query.from);
    const caseRef = data.caseRef;
    const result = await this.#run(() => desk.claim(actor, caseRef));
    if (result === undefined) return this.#answer(query, this.#t(text('telegram:staff.failed')));
    this.#d.logger.info({ action: 'claim', ok: result.ok, via: 'button' }, 'staff command');
    if (!result.ok) return this.#answer(query, this.#t(refusal(result.reason)));
    await this.#answer(query, this.#t(text('telegram:staff.done.claim', { caseRef })), false);
    const line = this.#t(text('telegram:staff.claimedBy', { name: actor.name }));
    await echoAnswer(this.#d.api, message, line, this.#d.logger);
  }

  /** Runs a desk call; undefined when it failed (logged). */
  async #run<T>(call: () => Promise<DeskResult<T>>): Promise<DeskResult<T> | undefined> {
    try {
      return await call();
    } catch (error) {
      this.#d.logger.error({ err: error }, 'staff desk call failed');
      return undefined;
    }
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

const refusal = (reason: string): Text => text(`telegram:staff.refused.${reason}`);

/** Who acts, for the desk and its audit trail: `telegram:<user id>` and a readable name. */
function actorOf(user: User): StaffActor {
  const name =
    user.username !== undefined
      ? `@${user.username}`
      : [user.first_name, user.last_name].filter(Boolean).join(' ');
  return { id: `telegram:${user.id}`, name };
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
      (['claim', 'reply', 'note', 'close', 'erase'] as const).map((command) => ({
        command,
        description: i18n.t(lang, text(`telegram:staff.commands.${command}`)),
      })),
      { scope: { type: 'chat', chat_id: chatId } },
    );
  } catch (error) {
    logger.warn({ err: error }, 'could not register the staff commands');
  }
}
