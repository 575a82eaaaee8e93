import type { InlineKeyboardButton, InlineKeyboardMarkup } from 'grammy/types';
import { DONE_DATA, pickData, toggleData } from './callback-data.ts';

/** An option as the engine renders it: id and label in the person's language. */
export interface ButtonOption {
  readonly id: string;
  readonly label: string;
}

/** Labels up to this many characters may share a row with a short neighbour (phone width). */
export const SHORT_LABEL = 18;

/** The mark in front of a chosen option of a several-choice question. */
export const MARK = '✓ ';

/** An empty keyboard: sent in an edit, it removes the buttons of a message. */
export const NO_KEYBOARD: InlineKeyboardMarkup = { inline_keyboard: [] };

/** Lays buttons out: two in a row when both labels are short, otherwise one per row. */
export function layout(buttons: readonly InlineKeyboardButton[]): InlineKeyboardButton[][] {
  const rows: InlineKeyboardButton[][] = [];
  for (let i = 0; i < buttons.length; i++) {
    const here = buttons[i];
    if (here === undefined) continue;
    const next = buttons[i + 1];
    if (next !== undefined && isShort(here.text) && isShort(next.text)) {
      rows.push([here, next]);
      i++;
    } else rows.push([here]);
  }
  return rows;
}

/** Counted in UTF-16 units: a few emoji more or less do not matter for a row's width. */
const isShort = (label: string): boolean => label.length <= SHORT_LABEL;

/** One button per option; a tap picks it (choice, confirm, shortcuts beside a typed answer). */
export function pickKeyboard(options: readonly ButtonOption[]): InlineKeyboardMarkup {
  return {
    inline_keyboard: layout(
      options.map((o, i) => ({ text: o.label, callback_data: pickData(o.id, i) })),
    ),
  };
}

/**
 * A several-choice keyboard: each option toggles its mark, one per row so that the marks line up;
 * a last row sends the marked options.
 */
export function multiKeyboard(
  options: readonly ButtonOption[],
  marked: ReadonlySet<string>,
  doneLabel: string,
): InlineKeyboardMarkup {
  return {
    inline_keyboard: [
      ...options.map((o, i) => [
        {
          text: marked.has(o.id) ? `${MARK}${o.label}` : o.label,
          callback_data: toggleData(o.id, i),
        },
      ]),
      [{ text: doneLabel, callback_data: DONE_DATA }],
    ],
  };
}
