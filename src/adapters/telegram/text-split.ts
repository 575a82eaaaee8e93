/** Most characters (UTF-16 code units) of one Telegram text message. */
export const MAX_MESSAGE_CHARS = 4096;

/**
 * Splits a long text into messages Telegram accepts, at a paragraph break where possible, else at
 * a line break, a space, or – for one endless word – anywhere but inside a surrogate pair.
 */
export function splitText(text: string, max: number = MAX_MESSAGE_CHARS): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const window = rest.slice(0, max);
    let cut = lastBreak(window, '\n\n') ?? lastBreak(window, '\n') ?? lastBreak(window, ' ');
    if (cut === undefined) {
      cut = max;
      const code = rest.charCodeAt(cut - 1);
      if (code >= 0xd800 && code <= 0xdbff) cut--;
    }
    parts.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).replace(/^\s+/, '');
  }
  if (rest !== '' || parts.length === 0) parts.push(rest);
  return parts;
}

/** Where to cut before the last separator, if it leaves a reasonably long first part. */
function lastBreak(window: string, separator: string): number | undefined {
  const at = window.lastIndexOf(separator);
  return at >= window.length / 4 ? at : undefined;
}
