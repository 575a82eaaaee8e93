/** Text someone else wrote is printed with control, format and bidi characters escaped (item 5). */
import { describe, expect, it } from 'vitest';
import { printable } from '../../src/bot/printable.ts';

describe('printable', () => {
  it('escapes escape sequences, C1 controls, bidi and zero-width characters as \\uXXXX', () => {
    expect(printable('a\u001b[2Jb')).toBe('a\\u001b[2Jb');
    expect(printable('\u009b31m')).toBe('\\u009b31m');
    expect(printable('x\u202ey\u2066z\u200b')).toBe('x\\u202ey\\u2066z\\u200b');
    expect(printable('\u0000\u007f')).toBe('\\u0000\\u007f');
    // A format character beyond the BMP (a tag character) becomes its two UTF-16 units.
    expect(printable('\u{e0041}')).toBe('\\udb40\\udc41');
  });

  it('keeps line feeds and tabs only where a text may have lines', () => {
    expect(printable('eins\nzwei\tdrei\r')).toBe('eins\\u000azwei\\u0009drei\\u000d');
    expect(printable('eins\nzwei\tdrei\r', { lines: true })).toBe('eins\nzwei\tdrei\\u000d');
  });

  it('leaves ordinary text alone, umlauts, emoji and right-to-left letters included', () => {
    const text = 'Grüße 😀 – שלום „Zitat“';
    expect(printable(text)).toBe(text);
  });

  it('stays valid JSON when applied to a JSON text', () => {
    const json = JSON.stringify({ name: 'a\u202eb\u0085c', emoji: '😀' });
    expect(JSON.parse(printable(json))).toEqual({ name: 'a\u202eb\u0085c', emoji: '😀' });
  });
});
