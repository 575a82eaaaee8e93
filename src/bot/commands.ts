import { foldForMatch } from '../flows/text-input.ts';
import { COMMANDS, type CommandName } from './types.ts';

/** Slash commands in both languages (Telegram style: /hilfe, /help@LotseBot). */
const SLASH: Readonly<Record<string, CommandName>> = {
  start: 'start',
  menu: 'menu',
  menue: 'menu',
  help: 'help',
  hilfe: 'help',
  cancel: 'cancel',
  abbrechen: 'cancel',
  language: 'language',
  sprache: 'language',
  delete: 'delete',
  loeschen: 'delete',
  loschen: 'delete',
  back: 'back',
  zurueck: 'back',
  zuruck: 'back',
  status: 'status',
  stand: 'status',
};

/** Whole messages that mean a command without a slash (folded: no accents, lower case). */
const WORDS: Readonly<Record<string, CommandName>> = {
  menu: 'menu',
  hauptmenu: 'menu',
  hilfe: 'help',
  help: 'help',
  abbrechen: 'cancel',
  cancel: 'cancel',
  zuruck: 'back',
  zurueck: 'back',
  back: 'back',
  status: 'status',
};

export type TextCommand =
  | { readonly kind: 'command'; readonly command: CommandName }
  | { readonly kind: 'unknown-command' }
  | { readonly kind: 'none' };

/** Recognises a global command typed as text. */
export function recogniseCommand(typed: string): TextCommand {
  const trimmed = typed.trim();
  if (trimmed.length > 64) return { kind: 'none' };
  const slash = /^\/([\p{L}_]+)(?:@\w+)?(?:\s.*)?$/u.exec(trimmed);
  if (slash) {
    const command = lookUp(SLASH, foldForMatch(slash[1] ?? ''));
    return command === undefined ? { kind: 'unknown-command' } : { kind: 'command', command };
  }
  const word = lookUp(WORDS, foldForMatch(trimmed));
  return word === undefined ? { kind: 'none' } : { kind: 'command', command: word };
}

/** A table's own entry only: "constructor" or "toString" typed by a person is no command. */
function lookUp(
  table: Readonly<Record<string, CommandName>>,
  key: string,
): CommandName | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/** True for a command name of the protocol. */
export const isCommand = (value: string): value is CommandName =>
  (COMMANDS as readonly string[]).includes(value);
