import { randomBytes } from 'node:crypto';

/** Crockford's base32: no I, L, O, U, so a reference survives being read aloud or typed by hand. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** Crockford's check symbols for values 32–36. */
const CHECK = `${ALPHABET}*~$=U`;

/** Data characters of a reference: 12 × 5 = 60 random bits. */
const DATA_CHARS = 12;

function checkSymbol(data: string): string {
  let mod = 0n;
  for (const ch of data) mod = (mod * 32n + BigInt(ALPHABET.indexOf(ch))) % 37n;
  return CHECK[Number(mod)] ?? '?';
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
 * returns its canonical form, or undefined when it is malformed or the check fails.
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
  if (checkSymbol(data) !== check) return undefined;
  return `${data.slice(0, 4)}-${data.slice(4, 8)}-${data.slice(8, 12)}-${check}`;
}
