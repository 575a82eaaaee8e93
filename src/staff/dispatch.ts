import type { Translator } from '../bot/i18n.ts';
import type { Logger } from '../bot/logger.ts';
import { text, type Language, type Text } from '../flows/types.ts';
import { caseDocument } from './case-document.ts';
import {
  parseStaffCommand,
  STAFF_WORDS,
  type StaffCommand,
  type StaffPrefix,
  type StaffWord,
} from './commands.ts';
import type { CaseDetails, DeskRefusal, DeskResult, StaffDesk } from './ports.ts';
import { STAFF_LISTS, StaffRoster, type StaffSurfaceName } from './roster.ts';

/**
 * Why a staff command was refused, on any surface: the desk's reasons and the surfaces' own, one
 * vocabulary worded in `staff:refused.*`.
 */
export type StaffRefusal =
  | DeskRefusal
  /** A case command with a malformed case reference. */
  | 'bad-ref'
  | 'unknown-command'
  /** `trust` without a Matrix user id. */
  | 'bad-user'
  /** This process runs no case desk. */
  | 'unavailable'
  /** Matrix: the command came unencrypted. */
  | 'unencrypted-command'
  /** Matrix: from a device its owner has not cross-signed. */
  | 'unverified-device'
  /** Matrix: the account's cross-signing identity changed since the bot first saw it. */
  | 'identity-changed'
  /** Matrix: `trust` names an account that is not staff. */
  | 'trust-not-staff'
  /** A surface without identities to accept (Telegram). */
  | 'no-trust-here'
  /** Matrix: case details withheld from a room the homeservers can read. */
  | 'room-unencrypted'
  /** Matrix: case details withheld from a room with people who are not staff. */
  | 'room-outsiders'
  /** Case details are never posted here (Telegram groups are not end-to-end encrypted). */
  | 'show-not-here'
  /** This process holds no staff private key: case details are read elsewhere. */
  | 'show-elsewhere';

/** What a staff command comes to; each surface formats it in its own way. */
export type StaffAnswer =
  /** Nothing to say (a word other bots in the room may know). */
  | { readonly kind: 'quiet' }
  | {
      readonly kind: 'done';
      readonly command: 'claim' | 'handback' | 'note' | 'reply' | 'close' | 'erase';
      readonly caseRef: string;
    }
  /** The first `erase` in a chat room: the same command again within five minutes erases. */
  | { readonly kind: 'confirm-erase'; readonly caseRef: string }
  | { readonly kind: 'details'; readonly details: CaseDetails }
  | {
      readonly kind: 'refused';
      readonly reason: StaffRefusal;
      readonly caseRef?: string;
      readonly userId?: string;
    }
  | { readonly kind: 'help' }
  /** A case command without a reference: how the commands go. */
  | { readonly kind: 'usage' }
  /** `trust` done: `changed` false when there was nothing to accept. */
  | { readonly kind: 'trusted'; readonly userId: string; readonly changed: boolean };

/**
 * A place where staff give commands. It says how commands are typed there and what the place
 * itself allows; the words, the checks, the desk calls and the wording are the same everywhere.
 */
export interface StaffSurface {
  readonly name: StaffSurfaceName;
  readonly prefix: StaffPrefix;
  /** The commands offered here, in the order help lists them. */
  readonly words: readonly StaffWord[];
  /** Chat rooms erase on the same command twice within five minutes; the CLI erases at once. */
  readonly eraseTwice: boolean;
  /** Unknown words go unanswered where other bots share the room (the Telegram group). */
  readonly quietOnUnknown: boolean;
  /** Refuses a listed account's command before it runs (Matrix: a sender not proven). */
  admit?(): Promise<StaffRefusal | undefined>;
  /** Refuses to post case details here, now; undefined when they may be posted. */
  mayShow(): Promise<StaffRefusal | undefined>;
  /** Accepts an account's changed identity; false when nothing changed. Absent: no such thing here. */
  acceptIdentity?(userId: string): Promise<boolean>;
}

/** Who gives a command: the account on its surface, and a name for the audit trail. */
export interface StaffSender {
  readonly account: string;
  readonly name: string;
}

export interface StaffCommandsDeps {
  readonly roster: StaffRoster;
  /** Where case commands go; absent in a process that runs no case desk. */
  readonly desk?: StaffDesk;
  readonly logger: Logger;
}

/**
 * The one staff command dispatcher: checks who is staff (StaffRoster), what the surface admits,
 * the command's form, and then asks the staff desk. Every surface passes its commands through
 * here and only formats the answer (answerText).
 */
export class StaffCommands {
  readonly #d: StaffCommandsDeps;
  readonly #log: Logger;

  constructor(deps: StaffCommandsDeps) {
    this.#d = deps;
    this.#log = deps.logger.child({ module: 'staff-commands' });
  }

  /** True when this process runs a case desk. */
  get hasDesk(): boolean {
    return this.#d.desk !== undefined;
  }

  /** Reads typed text on a surface; undefined for ordinary talk. */
  static read(surface: StaffSurface, typed: string): StaffCommand | undefined {
    return parseStaffCommand(typed, surface.prefix);
  }

  /** Runs a command of a sender on a surface. Desk failures are thrown (the surface decides). */
  async run(
    surface: StaffSurface,
    sender: StaffSender,
    command: StaffCommand,
  ): Promise<StaffAnswer> {
    if (command.kind === 'unknown' && surface.quietOnUnknown) return { kind: 'quiet' };
    const answer = await this.#run(surface, sender, command);
    this.#log.info(
      {
        surface: surface.name,
        command: command.kind,
        answer: answer.kind,
        ...(answer.kind === 'refused' ? { reason: answer.reason } : {}),
      },
      'staff command',
    );
    return answer;
  }

  async #run(
    surface: StaffSurface,
    sender: StaffSender,
    command: StaffCommand,
  ): Promise<StaffAnswer> {
    const refuse = (reason: StaffRefusal, caseRef?: string): StaffAnswer => ({
      kind: 'refused',
      reason,
      ...(caseRef === undefined ? {} : { caseRef }),
    });
    if (!this.#d.roster.has(surface.name, sender.account)) return refuse('not-staff');
    const barred = await surface.admit?.();
    if (barred !== undefined) return { kind: 'refused', reason: barred, userId: sender.account };
    switch (command.kind) {
      case 'help':
        return { kind: 'help' };
      case 'unknown':
        return refuse('unknown-command');
      case 'usage':
        return { kind: 'usage' };
      case 'bad-ref':
        return refuse('bad-ref');
      case 'bad-user':
        return surface.acceptIdentity === undefined ? refuse('no-trust-here') : refuse('bad-user');
      case 'trust':
        return this.#trust(surface, command.userId);
      default:
    }
    const desk = this.#d.desk;
    if (desk === undefined) return refuse('unavailable');
    const actor = { id: StaffRoster.actorId(surface.name, sender.account), name: sender.name };
    const { caseRef } = command;
    let result: DeskResult<'confirm' | 'erased' | undefined>;
    switch (command.kind) {
      case 'claim':
        result = await desk.claim(actor, caseRef);
        break;
      case 'handback':
        result = await desk.handBack(actor, caseRef);
        break;
      case 'note':
      case 'reply':
      case 'close':
        if (command.text === '') return refuse('empty', caseRef);
        result = await desk[command.kind](actor, caseRef, command.text);
        break;
      case 'show': {
        // Asked before the desk: details that could not be posted are never opened.
        const withheld = await surface.mayShow();
        if (withheld !== undefined) return refuse(withheld, caseRef);
        const shown = await desk.show(actor, caseRef);
        if (shown.ok) return { kind: 'details', details: shown.value };
        // A public-facing process holds no private key: say where the case can be read.
        return refuse(
          shown.reason === 'no-key' && surface.name !== 'cli' ? 'show-elsewhere' : shown.reason,
          caseRef,
        );
      }
      case 'erase':
        result = surface.eraseTwice
          ? await desk.erase(actor, caseRef)
          : await desk.eraseNow(actor, caseRef);
        break;
    }
    if (!result.ok) return refuse(result.reason, caseRef);
    if (result.value === 'confirm') return { kind: 'confirm-erase', caseRef };
    return { kind: 'done', command: command.kind, caseRef };
  }

  async #trust(surface: StaffSurface, userId: string): Promise<StaffAnswer> {
    if (surface.acceptIdentity === undefined) return { kind: 'refused', reason: 'no-trust-here' };
    if (!this.#d.roster.has(surface.name, userId))
      return { kind: 'refused', reason: 'trust-not-staff', userId };
    return { kind: 'trusted', userId, changed: await surface.acceptIdentity(userId) };
  }
}

/** An answer in words, as staff read it on that surface (details: the case document). */
export function answerText(
  answer: Exclude<StaffAnswer, { kind: 'quiet' }>,
  surface: Pick<StaffSurface, 'name' | 'prefix' | 'words'>,
  i18n: Translator,
  lang: Language,
): string {
  const t = (value: Text) => i18n.t(lang, value);
  const p = surface.prefix;
  switch (answer.kind) {
    case 'done':
      return t(text(`staff:done.${answer.command}`, { caseRef: answer.caseRef }));
    case 'confirm-erase':
      return t(text('staff:confirmErase', { caseRef: answer.caseRef, p }));
    case 'details':
      return caseDocument(answer.details, lang, i18n);
    case 'refused':
      return t(
        text(`staff:refused.${answer.reason}`, {
          caseRef: answer.caseRef ?? '',
          userId: answer.userId ?? '',
          list: STAFF_LISTS[surface.name],
          p,
        }),
      );
    case 'help':
      return [
        t(text('staff:help.title')),
        ...surface.words.map((word) => t(text(`staff:help.${word}`, { p }))),
      ].join('\n');
    case 'usage':
      return t(text('staff:usage', { p }));
    case 'trusted':
      return t(
        text(answer.changed ? 'staff:trusted' : 'staff:trustUnchanged', { userId: answer.userId }),
      );
  }
}

/** Every staff word, in help's order. */
export const ALL_STAFF_WORDS = Object.keys(STAFF_WORDS) as StaffWord[];
