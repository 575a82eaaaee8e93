import { parseCaseRef } from '../../bot/case-ref.ts';

/** A staff command typed in the staff room. */
export type StaffCommand =
  | { readonly kind: 'claim' | 'show' | 'erase'; readonly caseRef: string }
  | { readonly kind: 'reply' | 'note'; readonly caseRef: string; readonly text: string }
  | { readonly kind: 'close'; readonly caseRef: string; readonly outcome: string }
  | { readonly kind: 'help' }
  /** Accepts a staff account's new cross-signing identity, after asking the person. */
  | { readonly kind: 'trust'; readonly userId: string }
  /** `!trust` without a Matrix user id. */
  | { readonly kind: 'bad-user' }
  /** A known command with a missing or malformed case reference. */
  | { readonly kind: 'bad-ref'; readonly command: string }
  /** `!something` that is no command of ours. */
  | { readonly kind: 'unknown'; readonly command: string };

const NAMES = ['claim', 'reply', 'note', 'close', 'show', 'erase', 'help', 'trust'] as const;
/** A Matrix user id: `@localpart:server`. */
const USER_ID = /^@[^\s:]+:\S+$/;
type Name = (typeof NAMES)[number];
const isName = (value: string): value is Name => (NAMES as readonly string[]).includes(value);

/**
 * Reads `!claim REF`, `!reply REF text`, `!note REF text`, `!close REF outcome`, `!show REF`,
 * `!erase REF`, `!trust @user:server` and `!help`; undefined for ordinary talk between staff
 * (anything not starting with "!"). Texts may span several lines; the case reference may be typed
 * in lower case.
 */
export function parseStaffCommand(body: string): StaffCommand | undefined {
  const match = /^!(\w+)(?:[ \t]+(\S+))?(?:\s+([\s\S]*))?$/.exec(body.trim());
  if (match === null) return undefined;
  const command = (match[1] ?? '').toLowerCase();
  if (!isName(command)) return { kind: 'unknown', command };
  if (command === 'help') return { kind: 'help' };
  if (command === 'trust')
    return match[2] !== undefined && USER_ID.test(match[2]) && (match[3] ?? '').trim() === ''
      ? { kind: 'trust', userId: match[2] }
      : { kind: 'bad-user' };
  const caseRef = match[2] === undefined ? undefined : parseCaseRef(match[2]);
  if (caseRef === undefined) return { kind: 'bad-ref', command };
  const rest = (match[3] ?? '').trim();
  switch (command) {
    case 'claim':
    case 'show':
    case 'erase':
      return { kind: command, caseRef };
    case 'reply':
    case 'note':
      return { kind: command, caseRef, text: rest };
    case 'close':
      return { kind: 'close', caseRef, outcome: rest };
  }
}
