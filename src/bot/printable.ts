/**
 * Characters that must not reach a terminal or a document as they are: controls (C0, DEL, C1 –
 * escape sequences start with ESC or CSI), format characters (bidi overrides and isolates that
 * reorder what follows, zero-width characters), line and paragraph separators and lone surrogates.
 */
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;

/** `\uXXXX` for each UTF-16 unit: readable, and valid inside a JSON string too. */
const escaped = (char: string): string =>
  Array.from(
    { length: char.length },
    (_, i) => `\\u${char.charCodeAt(i).toString(16).padStart(4, '0')}`,
  ).join('');

/**
 * Text someone else wrote, made safe to print in the staff CLI and the case document: every
 * control, format and bidi character is shown as `\uXXXX` instead of acting on the terminal or the
 * reading order. With `lines`, line feeds and tabs stay (a description has paragraphs); otherwise
 * they are escaped too, so a value cannot start a line of its own.
 */
export function printable(value: string, options: { readonly lines?: boolean } = {}): string {
  return value.replace(UNPRINTABLE, (char) =>
    options.lines === true && (char === '\n' || char === '\t') ? char : escaped(char),
  );
}
