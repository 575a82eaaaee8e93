/** Random bytes drawn in blocks (src/bot/random-pool.ts): never the same bytes twice. */
import { describe, expect, it } from 'vitest';
import { fillRandom, randomToken } from '../../src/bot/random-pool.ts';

describe('the random pool', () => {
  it('hands out fresh bytes across many refills: 20,000 nonces, all different', () => {
    const seen = new Set<string>();
    const nonce = Buffer.alloc(12);
    for (let i = 0; i < 20_000; i++) {
      fillRandom(nonce, 0, 12);
      seen.add(nonce.toString('hex'));
    }
    expect(seen.size).toBe(20_000);
  });

  it('writes where it is told and nowhere else', () => {
    const target = Buffer.alloc(40);
    fillRandom(target, 10, 20);
    expect(target.subarray(0, 10).every((b) => b === 0)).toBe(true);
    expect(target.subarray(30).every((b) => b === 0)).toBe(true);
    expect(target.subarray(10, 30).some((b) => b !== 0)).toBe(true);
  });

  it('is roughly uniform (a broken pool of zeros or repeats would not be)', () => {
    const counts = new Array<number>(256).fill(0);
    const chunk = Buffer.alloc(4096);
    for (let i = 0; i < 64; i++) {
      fillRandom(chunk, 0, 4096);
      for (const b of chunk) counts[b] = (counts[b] ?? 0) + 1;
    }
    // 262,144 bytes: 1,024 expected per value; ±25 % is far outside chance for a working source.
    expect(Math.min(...counts)).toBeGreaterThan(768);
    expect(Math.max(...counts)).toBeLessThan(1280);
  });

  it('makes unguessable tokens and refuses more than a block at once', () => {
    expect(randomToken(12)).toMatch(/^[\w-]{16}$/);
    expect(new Set(Array.from({ length: 1000 }, () => randomToken(12))).size).toBe(1000);
    expect(() => {
      fillRandom(Buffer.alloc(5000), 0, 5000);
    }).toThrow(RangeError);
  });
});
