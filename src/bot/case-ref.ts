import { randomBytes } from 'node:crypto';

/** Crockford's base32: no I, L, O, U, so a reference survives being read aloud or typed by hand. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** Check symbols of references made before 2026-12: Crockford's mod-37 check, values 32–36. */
const LEGACY_CHECK = `${ALPHABET}*~$=U`;

/** Data characters of a reference: 12 × 5 = 60 random bits. */
const DATA_CHARS = 12;

/** Multiplication in GF(32) with the irreducible polynomial x⁵ + x² + 1. */
function gfTimes(a: number, b: number): number {
  let product = 0;
  let x = a;
  for (let y = b; y > 0; y >>= 1) {
    if (y & 1) product ^= x;
    x <<= 1;
    if (x & 32) x ^= 0b100101;
  }
  return product;
}

/** The factor of the quasigroup x ∘ y = 2·x + y; any element but 0 and 1 works. */
const FACTOR = 2;

/**
 * The check symbol of twelve data symbols, from the same alphabet (so it can be read aloud like the
 * rest). A Damm check over the quasigroup x ∘ y = 2·x + y in GF(32), which is totally
 * anti-symmetric: it catches every single wrong symbol and every swap of two neighbours, the check
 * symbol included.
 */
export function checkSymbol(data: string): string {
  let interim = 0;
  for (const ch of data) interim = gfTimes(FACTOR, interim) ^ ALPHABET.indexOf(ch);
  // The symbol c with interim ∘ c = 0; in characteristic 2, c = 2·interim.
  return ALPHABET[gfTimes(FACTOR, interim)] ?? '?';
}

/** The check symbol references had before: mod 37, so it could be `*`, `~`, `$`, `=` or `U`. */
function legacyCheckSymbol(data: string): string {
  let mod = 0n;
  for (const ch of data) mod = (mod * 32n + BigInt(ALPHABET.indexOf(ch))) % 37n;
  return LEGACY_CHECK[Number(mod)] ?? '?';
}

/**
 * A new case reference: 60 random bits in Crockford base32, grouped in fours, with a check
 * character that catches any single mistyped or swapped character, e.g. `7KQ2-9XMD-4HTR-V`.
 */
export function newCaseRef(random: (n: number) => Uint8Array = randomBytes): string {
  const bytes = random(8);
  let value = 0n;
  for (const b of bytes) value = (value << 8n) | BigInt(b);
  value &= (1n << 60n) - 1n;
  let data = '';
  for (let i = 0; i < DATA_CHARS; i++) {
    data = (ALPHABET[Number(value & 31n)] ?? '0') + data;
    value >>= 5n;
  }
  return `${data.slice(0, 4)}-${data.slice(4, 8)}-${data.slice(8, 12)}-${checkSymbol(data)}`;
}

/**
 * Reads a reference as a person may type it (lower case, spaces, O for 0, I or L for 1) and
 * returns its canonical form, or undefined when it is malformed or the check fails. References
 * made with the old mod-37 check still resolve; a typo that happens to pass that older check
 * finds no case, so the lookup stays the last guard for those.
 */
export function parseCaseRef(typed: string): string | undefined {
  const cleaned = typed
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  if (cleaned.length !== DATA_CHARS + 1) return undefined;
  const data = cleaned.slice(0, DATA_CHARS);
  const check = cleaned.slice(DATA_CHARS);
  if (!/^[0-9A-HJKMNP-TV-Z]+$/.test(data)) return undefined;
  if (checkSymbol(data) !== check && legacyCheckSymbol(data) !== check) return undefined;
  return `${data.slice(0, 4)}-${data.slice(4, 8)}-${data.slice(8, 12)}-${check}`;
}
