/**
 * What the engine remembers of a conversation between two of its messages (src/bot/recent.ts):
 * bounded in entries and in time, the oldest dropped first; and values made as they read back.
 */
import { describe, expect, it } from 'vitest';
import { asStored, Recent } from '../../src/bot/recent.ts';

describe('Recent', () => {
  it('keeps at most `max` entries, dropping the least recently written', () => {
    const recent = new Recent<number>({ max: 3 });
    for (const [i, key] of ['a', 'b', 'c'].entries()) recent.set(key, i);
    recent.set('a', 10); // written again: now the newest
    recent.set('d', 3);
    expect(recent.size).toBe(3);
    expect(recent.get('b')).toBeUndefined();
    expect([recent.get('a'), recent.get('c'), recent.get('d')]).toEqual([10, 2, 3]);
  });

  it('forgets entries older than its time bound, on reading as on writing', () => {
    let now = 0;
    const recent = new Recent<string>({ ttlMs: 1000, now: () => now });
    recent.set('old', 'x');
    now = 600;
    recent.set('new', 'y');
    now = 1001;
    expect(recent.get('old')).toBeUndefined();
    expect(recent.get('new')).toBe('y');
    expect(recent.size).toBe(1);
    now = 5000;
    recent.set('other', 'z');
    expect(recent.size).toBe(1);
  });

  it('forgets a deleted entry', () => {
    const recent = new Recent<string>();
    recent.set('a', 'x');
    recent.delete('a');
    expect(recent.get('a')).toBeUndefined();
  });
});

describe('asStored', () => {
  it('gives what reading the JSON back gives, frozen all the way down', () => {
    const value = {
      a: 1,
      gone: undefined,
      list: [{ x: 'y', gone: undefined }, 2],
      inner: { deep: { gone: undefined, kept: null } },
    };
    const stored = asStored(value);
    expect(stored).toBe(value);
    expect(stored).toStrictEqual(JSON.parse(JSON.stringify(value)));
    expect(Object.isFrozen(stored.inner.deep)).toBe(true);
    expect(Object.isFrozen(stored.list[0])).toBe(true);
    expect(() => {
      (stored.inner.deep as { kept: unknown }).kept = 1;
    }).toThrow(TypeError);
  });
});
