import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Passphrases of staff accounts, hashed with scrypt (memory-hard: 32 MiB per hash at N=2^15, r=8,
 * so guessing in bulk is slow on any hardware). The stored form names its parameters, so that a
 * later raise of N still reads the hashes made before it.
 */

/** log2 of scrypt's cost N. */
const LOG_N = 15;
const R = 8;
const P = 1;
const SALT_BYTES = 32;
const HASH_BYTES = 32;

/** The shortest passphrase accepted (a few words, not a PIN). */
export const MIN_PASSPHRASE_LENGTH = 12;
/** The longest passphrase accepted: a longer one only costs the server time. */
export const MAX_PASSPHRASE_LENGTH = 1024;

function derive(passphrase: string, salt: Buffer, logN: number, r: number, p: number) {
  const options: ScryptOptions = { N: 2 ** logN, r, p, maxmem: 256 * r * 2 ** logN };
  return new Promise<Buffer>((resolve, reject) => {
    scrypt(passphrase.normalize('NFC'), salt, HASH_BYTES, options, (error, key) => {
      if (error) reject(error);
      else resolve(key);
    });
  });
}

/** The stored form `scrypt$logN$r$p$salt$hash` (base64url). */
export async function hashPassphrase(passphrase: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(passphrase, salt, LOG_N, R, P);
  return ['scrypt', LOG_N, R, P, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

/** True when the passphrase matches the stored hash; a damaged hash matches nothing. */
export async function verifyPassphrase(passphrase: string, stored: string): Promise<boolean> {
  const [scheme, logN, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || salt === undefined || hash === undefined) return false;
  const expected = Buffer.from(hash, 'base64url');
  const [n, rr, pp] = [Number(logN), Number(r), Number(p)];
  if (![n, rr, pp].every(Number.isInteger) || n < 10 || n > 20 || rr < 1 || pp < 1) return false;
  if (passphrase.length > MAX_PASSPHRASE_LENGTH) return false;
  const actual = await derive(passphrase, Buffer.from(salt, 'base64url'), n, rr, pp);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** Why a new passphrase is refused, or undefined when it is fine. */
export function passphraseProblem(
  passphrase: string,
  repeated: string,
): 'too-short' | 'too-long' | 'mismatch' | undefined {
  if (passphrase !== repeated) return 'mismatch';
  if (characters(passphrase) < MIN_PASSPHRASE_LENGTH) return 'too-short';
  if (passphrase.length > MAX_PASSPHRASE_LENGTH) return 'too-long';
  return undefined;
}

/** Characters as people count them (an emoji or an accented letter is one). */
function characters(value: string): number {
  return Array.from(new Intl.Segmenter().segment(value)).length;
}
