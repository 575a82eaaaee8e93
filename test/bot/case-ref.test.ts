import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkSymbol, newCaseRef, parseCaseRef } from '../../src/bot/case-ref.ts';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** Every symbol of a reference, the check symbol included, is one of the 32 of the alphabet. */
const FORMAT =
  /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]$/;

/** The mod-37 check of references made before, written out independently of the source. */
const LEGACY = `${ALPHABET}*~$=U`;
function legacyCheck(data: string): string {
  let mod = 0n;
  for (const ch of data) mod = (mod * 32n + BigInt(ALPHABET.indexOf(ch))) % 37n;
  return LEGACY[Number(mod)] ?? '?';
}
/** True when thirteen symbols carry the current check symbol. */
const passesCheck = (s: string): boolean => checkSymbol(s.slice(0, 12)) === s.slice(12);

/** Eight bytes whose low 60 bits are the given value. */
const bytesOf = (value: bigint): Uint8Array => {
  const out = new Uint8Array(8);
  for (let i = 7; i >= 0; i--) {
    out[i] = Number(value & 0xffn);
    value >>= 8n;
  }
  return out;
};

/** The thirteen symbols of a reference (12 data, 1 check), without the dashes. */
const symbols = (ref: string): string => ref.replaceAll('-', '');
const format = (s: string): string =>
  `${s.slice(0, 4)}-${s.slice(4, 8)}-${s.slice(8, 12)}-${s.slice(12)}`;

/** Some references to test exhaustively: fixed corner cases and random ones. */
const SAMPLES = [
  newCaseRef(() => bytesOf(0n)),
  newCaseRef(() => bytesOf((1n << 60n) - 1n)),
  newCaseRef(() => bytesOf(0x0123456789abcdefn)),
  ...Array.from({ length: 25 }, () => newCaseRef()),
];

describe('newCaseRef', () => {
  it('looks like 7KQ2-9XMD-4HTR-V: 12 Crockford symbols in fours and a check symbol of the same alphabet', () => {
    for (let i = 0; i < 500; i++) expect(newCaseRef()).toMatch(FORMAT);
    expect(newCaseRef(() => bytesOf(0n))).toBe('0000-0000-0000-0');
  });

  it('uses 60 random bits: each of them changes the reference, the rest are ignored', () => {
    const zero = newCaseRef(() => bytesOf(0n));
    const seen = new Set([zero]);
    for (let bit = 0n; bit < 60n; bit++) seen.add(newCaseRef(() => bytesOf(1n << bit)));
    expect(seen.size).toBe(61);
    // The top four bits of the eight random bytes do not fit into 12 symbols and are dropped.
    for (let bit = 60n; bit < 64n; bit++) expect(newCaseRef(() => bytesOf(1n << bit))).toBe(zero);
  });

  it('reads its randomness from the source it is given, eight bytes at a time', () => {
    const asked: number[] = [];
    newCaseRef((n) => {
      asked.push(n);
      return randomBytes(n);
    });
    expect(asked).toEqual([8]);
  });

  it('does not repeat in practice', () => {
    const refs = new Set(Array.from({ length: 20_000 }, () => newCaseRef()));
    expect(refs.size).toBe(20_000);
  });
});

describe('parseCaseRef', () => {
  it('accepts every reference it made, as it is', () => {
    for (const ref of SAMPLES) expect(parseCaseRef(ref)).toBe(ref);
  });

  it('tolerates lower case, spaces, missing dashes and the look-alikes O, I and L', () => {
    const ref = newCaseRef(() => bytesOf(0x0010_0001_0000_0101n));
    expect(ref).toMatch(/0/);
    expect(ref).toMatch(/1/);
    const variants = [
      ref.toLowerCase(),
      symbols(ref),
      symbols(ref).toLowerCase(),
      ref.replaceAll('-', ' '),
      `  ${ref.replaceAll('-', ' - ')}  `,
      ref.replaceAll('0', 'O'),
      ref.replaceAll('0', 'o'),
      ref.replaceAll('1', 'I'),
      ref.replaceAll('1', 'l'),
      ref.replaceAll('1', 'L'),
      ref.split('').join(' '),
    ];
    for (const typed of variants) expect(parseCaseRef(typed), typed).toBe(ref);
  });

  it.each([
    '',
    'ABCD',
    '0000-0000-0000',
    '0000-0000-0000-00',
    '0000-0000-0000-0-0',
    'ÄBCD-0000-0000-0',
    'U000-0000-0000-0',
    '0000_0000_0000_0',
  ])('refuses the malformed %j', (typed) => {
    expect(parseCaseRef(typed)).toBeUndefined();
  });

  it('catches every single-symbol substitution (exhaustively for the samples)', () => {
    let tried = 0;
    for (const ref of SAMPLES) {
      const s = symbols(ref);
      for (let i = 0; i < s.length; i++) {
        for (const c of ALPHABET) {
          if (c === s[i]) continue;
          const typo = s.slice(0, i) + c + s.slice(i + 1);
          tried++;
          expect(passesCheck(typo), `${ref} → ${format(typo)}`).toBe(false);
        }
      }
    }
    expect(tried).toBe(SAMPLES.length * 13 * 31);
  });

  it('catches every swap of two neighbouring symbols, the check symbol included', () => {
    for (const ref of SAMPLES) {
      const s = symbols(ref);
      for (let i = 0; i + 1 < s.length; i++) {
        if (s[i] === s[i + 1]) continue;
        const swapped = s.slice(0, i) + (s[i + 1] ?? '') + (s[i] ?? '') + s.slice(i + 2);
        expect(passesCheck(swapped), `${ref} → ${format(swapped)}`).toBe(false);
      }
    }
  });

  it('catches substitutions and swaps in thousands of random references', () => {
    for (let n = 0; n < 2_000; n++) {
      const s = symbols(newCaseRef());
      const i = n % 13;
      const c = ALPHABET[(ALPHABET.indexOf(s[i] ?? '0') + 1 + (n % 31)) % 32] ?? '0';
      expect(passesCheck(s.slice(0, i) + c + s.slice(i + 1))).toBe(false);
      if (i < 12 && s[i] !== s[i + 1]) {
        const swapped = s.slice(0, i) + (s[i + 1] ?? '') + (s[i] ?? '') + s.slice(i + 2);
        expect(passesCheck(swapped)).toBe(false);
      }
    }
  });

  it('refuses a mistyped reference unless the typo happens to pass the old check', () => {
    let refused = 0;
    let tried = 0;
    for (const ref of SAMPLES) {
      const s = symbols(ref);
      for (let i = 0; i < s.length; i++)
        for (const c of ALPHABET) {
          if (c === s[i]) continue;
          const typo = s.slice(0, i) + c + s.slice(i + 1);
          tried++;
          if (parseCaseRef(format(typo)) === undefined) refused++;
          // What gets through is a valid old-style reference (it finds no case in the store).
          else expect(legacyCheck(typo.slice(0, 12))).toBe(typo.slice(12));
        }
    }
    expect(refused / tried).toBeGreaterThan(0.95);
  });
});

describe('references made with the old check symbol', () => {
  /** Old references whose check symbol was each of the five extra symbols, and a plain one. */
  const legacyRefs = ['*', '~', '$', '=', 'U', 'K'].map((symbol) => {
    for (let n = 1n; ; n++) {
      const data = symbols(newCaseRef(() => bytesOf(n * 0x9e3779b97f4an))).slice(0, 12);
      if (legacyCheck(data) === symbol && checkSymbol(data) !== symbol)
        return format(data + symbol);
    }
  });

  it('still resolve, as written and as typed loosely', () => {
    expect(legacyRefs.map((ref) => ref.slice(-1))).toEqual(['*', '~', '$', '=', 'U', 'K']);
    for (const ref of legacyRefs) {
      expect(parseCaseRef(ref), ref).toBe(ref);
      expect(parseCaseRef(symbols(ref).toLowerCase()), ref).toBe(ref);
    }
  });

  it('are no longer made: new check symbols come from the alphabet only', () => {
    for (let n = 0; n < 5_000; n++) expect(newCaseRef()).toMatch(FORMAT);
  });
});
