/**
 * The compact callback data behind Lotse's inline buttons. Telegram allows at most 64 bytes, so a
 * button names an option by its short id (`c:yes`) or, for an id too long, by its position
 * (`c#3`). What a button means is decided only against the question it belongs to.
 */

/** Most bytes of callback data Telegram accepts. */
export const MAX_CALLBACK_BYTES = 64;

/** An option of the question a button belongs to: by id, or by position when the id is long. */
export type OptionRef = { readonly id: string } | { readonly index: number };

export type CallbackData =
  /** Pick one option (choice, confirm, a shortcut beside a typed answer). */
  | { readonly kind: 'pick'; readonly option: OptionRef }
  /** Mark or unmark an option of a several-choice question. */
  | { readonly kind: 'toggle'; readonly option: OptionRef }
  /** Send the marked options of a several-choice question. */
  | { readonly kind: 'done' }
  /** Staff group: claim a case. */
  | { readonly kind: 'claim'; readonly caseRef: string };

const bytes = (value: string): number => Buffer.byteLength(value, 'utf8');

function optionData(prefix: 'c' | 't', id: string, index: number): string {
  const byId = `${prefix}:${id}`;
  return bytes(byId) <= MAX_CALLBACK_BYTES ? byId : `${prefix}#${index}`;
}

/** The data of a button that picks the option at `index` with `id`. */
export const pickData = (id: string, index: number): string => optionData('c', id, index);

/** The data of a toggle button of a several-choice question. */
export const toggleData = (id: string, index: number): string => optionData('t', id, index);

/** The data of the "done" button of a several-choice question. */
export const DONE_DATA = 'd';

/** The data of a staff group's Claim button. */
export function claimData(caseRef: string): string {
  const data = `s:${caseRef}`;
  if (bytes(data) > MAX_CALLBACK_BYTES) throw new Error('case reference too long for a button');
  return data;
}

/** Reads callback data; undefined for anything Lotse never sends (forged or from an old version). */
export function parseCallbackData(data: string | undefined): CallbackData | undefined {
  if (data === undefined || data === '' || bytes(data) > MAX_CALLBACK_BYTES) return undefined;
  if (data === DONE_DATA) return { kind: 'done' };
  const match = /^([cts])([:#])(.+)$/s.exec(data);
  if (match === null) return undefined;
  const [, kind, separator, rest = ''] = match;
  if (kind === 's') return separator === ':' ? { kind: 'claim', caseRef: rest } : undefined;
  let option: OptionRef;
  if (separator === '#') {
    if (!/^\d{1,3}$/.test(rest)) return undefined;
    option = { index: Number(rest) };
  } else option = { id: rest };
  return kind === 'c' ? { kind: 'pick', option } : { kind: 'toggle', option };
}

/** The offered option a button names, or undefined when the question has no such option. */
export function resolveOption<O extends { readonly id: string }>(
  options: readonly O[],
  ref: OptionRef,
): O | undefined {
  return 'id' in ref ? options.find((o) => o.id === ref.id) : options[ref.index];
}
