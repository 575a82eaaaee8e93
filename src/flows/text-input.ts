/** Limits and clean-up for anything a person types. Pure functions. */

/** Longer raw input is refused before any other work is done on it. */
export const MAX_RAW_TEXT = 8_000;

// C0/C1 controls except tab and newline; bidi overrides and isolates that can disguise text.
const UNSAFE =
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
  /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u200E\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/g;

/**
 * Normalises typed text: CRLF to LF, unsafe control characters removed, Unicode NFC, runs of blank
 * lines shortened, outer white space trimmed. Idempotent: NFC comes after the removal, because a
 * removed character may have kept a letter and its accent apart.
 */
export function cleanText(raw: string): string {
  return raw
    .replace(/\r\n?/g, '\n')
    .replace(UNSAFE, '')
    .normalize('NFC')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Lower-case, accents folded, punctuation trimmed: for comparing a typed word with a label. */
export function foldForMatch(value: string): string {
  return value
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/ß/g, 'ss')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}
