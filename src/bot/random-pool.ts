import { randomFillSync } from 'node:crypto';

/**
 * Random bytes for what the engine needs on every step (a nonce per sealed value, a lock token),
 * drawn from the operating system's generator in blocks of 4 KiB rather than one call per value:
 * a call for 12 bytes cost as much as sealing the value it was for. Every byte is handed out once.
 * Secrets that live long (keys, session ids) keep their own `randomBytes`.
 */
const BLOCK = 4096;
const pool = Buffer.alloc(BLOCK);
let used = BLOCK;

/** Writes `length` fresh random bytes (at most 4 KiB) into `target` at `at`. */
export function fillRandom(target: Uint8Array, at: number, length: number): void {
  if (length > BLOCK) throw new RangeError('at most 4 KiB at a time');
  if (used + length > BLOCK) {
    randomFillSync(pool);
    used = 0;
  }
  target.set(pool.subarray(used, used + length), at);
  // Spent bytes are wiped, so that none is handed out twice or lingers once used.
  pool.fill(0, used, used + length);
  used += length;
}

/** `length` fresh random bytes in base64url, for tokens that only need to be unguessable and unique. */
export function randomToken(length: number): string {
  const bytes = Buffer.allocUnsafe(length);
  fillRandom(bytes, 0, length);
  return bytes.toString('base64url');
}
