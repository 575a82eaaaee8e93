import { describe, expect, it } from 'vitest';
import { MAX_MESSAGE_CHARS, splitText } from '../../../src/adapters/telegram/text-split.ts';

describe('splitting long texts', () => {
  it('leaves a text within the limit alone', () => {
    expect(splitText('kurz')).toEqual(['kurz']);
    expect(splitText('x'.repeat(MAX_MESSAGE_CHARS))).toHaveLength(1);
  });

  it('cuts at paragraph breaks, else line breaks, else spaces, and loses nothing but the break', () => {
    const paragraphs = Array.from({ length: 6 }, (_, i) => `${i}`.repeat(30)).join('\n\n');
    const parts = splitText(paragraphs, 70);
    expect(parts.every((p) => p.length <= 70)).toBe(true);
    expect(parts.join('\n\n')).toBe(paragraphs);
    const words = Array.from({ length: 40 }, (_, i) => `wort${i}`).join(' ');
    expect(splitText(words, 50).join(' ')).toBe(words);
  });

  it('never splits a surrogate pair in an endless word', () => {
    const emoji = '😀'.repeat(10);
    const parts = splitText(emoji, 5);
    expect(parts.join('')).toBe(emoji);
    expect(parts.every((p) => p.length <= 5 && !/[\uD800-\uDBFF]$/.test(p))).toBe(true);
  });
});
