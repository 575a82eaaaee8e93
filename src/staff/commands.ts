import { parseCaseRef } from '../bot/case-ref.ts';

/**
 * The staff command words, the same on every staff surface – the CLI (no prefix), the Telegram
 * staff group (`/`) and the Matrix staff room (`!`). English first, German aliases beside them.
 */
export const STAFF_WORDS = {
  claim: ['claim', 'uebernehmen'],
  handback: ['handback', 'zurueckgeben'],
  reply: ['reply', 'antworten'],
  note: ['note', 'notiz'],
  close: ['close', 'schliessen', 'abschliessen'],
  show: ['show', 'zeigen'],
  erase: ['erase', 'loeschen'],
  help: ['help', 'hilfe'],
  /** Matrix only: accepts a staff account's changed cross-signing identity. */
  trust: ['trust'],
} as const;

export type StaffWord = keyof typeof STAFF_WORDS;
/** The commands that act on one case. */
export type CaseCommand = 'claim' | 'handback' | 'reply' | 'note' | 'close' | 'show' | 'erase';

const WORDS: ReadonlyMap<string, StaffWord> = new Map(
  (Object.entries(STAFF_WORDS) as [StaffWord, readonly string[]][]).flatMap(([word, aliases]) =>
    aliases.map((alias) => [alias, word] as const),
  ),
);

/** The command a word or alias stands for, e.g. `claim` for `uebernehmen`; undefined for others. */
export function staffWord(said: string): StaffWord | undefined {
  return WORDS.get(said.toLowerCase());
}

/** Where staff type commands, and with which prefix. */
export type StaffPrefix = '' | '/' | '!';

/** A staff command as typed, read. */
export type StaffCommand =
  | { readonly kind: 'claim' | 'handback' | 'show' | 'erase'; readonly caseRef: string }
  /** The reply, note or outcome: everything after the reference, line breaks kept. */
  | { readonly kind: 'reply' | 'note' | 'close'; readonly caseRef: string; readonly text: string }
  | { readonly kind: 'help' }
  /** Accepts a staff account's new cross-signing identity, after asking the person. */
  | { readonly kind: 'trust'; readonly userId: string }
  /** `trust` without a Matrix user id. */
  | { readonly kind: 'bad-user' }
  /** A case command without a case reference. */
  | { readonly kind: 'usage'; readonly command: CaseCommand }
  /** A case command with a malformed case reference. */
  | { readonly kind: 'bad-ref'; readonly command: CaseCommand }
  /** A prefixed word that is no command of ours. */
  | { readonly kind: 'unknown'; readonly command: string };

/** A Matrix user id: `@localpart:server`. */
const USER_ID = /^@[^\s:]+:\S+$/;

const escape = (prefix: StaffPrefix): string => prefix.replace(/[/!]/g, '\\$&');

/**
 * Reads a staff command: `claim REF`, `handback REF`, `reply REF text`, `note REF text`, `close REF outcome`,
 * `show REF`, `erase REF`, `trust @user:server`, `help`, or a German alias, after the surface's
 * prefix (a Telegram command may name the bot: `/reply@LotseBot`). Undefined for ordinary talk
 * between staff. Texts may span several lines; the case reference may be typed in lower case.
 */
export function parseStaffCommand(typed: string, prefix: StaffPrefix): StaffCommand | undefined {
  const bot = prefix === '/' ? '(?:@\\w+)?' : '';
  const match = new RegExp(
    `^${escape(prefix)}(\\w{1,32})${bot}(?:[ \\t]+(\\S+))?(?:\\s+([\\s\\S]*))?$`,
  ).exec(typed.trim());
  if (match === null) return undefined;
  const said = (match[1] ?? '').toLowerCase();
  const word = WORDS.get(said);
  if (word === undefined) return { kind: 'unknown', command: said };
  const argument = match[2];
  const rest = (match[3] ?? '').trim();
  if (word === 'help') return { kind: 'help' };
  if (word === 'trust')
    return argument !== undefined && USER_ID.test(argument) && rest === ''
      ? { kind: 'trust', userId: argument }
      : { kind: 'bad-user' };
  if (argument === undefined) return { kind: 'usage', command: word };
  const caseRef = parseCaseRef(argument);
  if (caseRef === undefined) return { kind: 'bad-ref', command: word };
  switch (word) {
    case 'claim':
    case 'handback':
    case 'show':
    case 'erase':
      return { kind: word, caseRef };
    case 'reply':
    case 'note':
    case 'close':
      return { kind: word, caseRef, text: rest };
  }
}
