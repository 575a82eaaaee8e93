import {
  createCipheriv,
  createDecipheriv,
  createSecretKey,
  hkdfSync,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import { SESSION_KEY_PATTERN } from '../config/schema.ts';
import { fillRandom } from './random-pool.ts';

/** One key of the ring, with what is derived from it once. */
interface RingKey {
  /**
   * Names the key in a sealed value, so that opening needs no trial and error: 6 bytes, written as
   * they are (format 2) or in base64url (the text format).
   */
  readonly id: Buffer;
  readonly cipher: KeyObject;
}

/**
 * The first byte of a sealed value (format 2, binary: what Redis keeps). It is no UTF-8 text
 * start, so plain JSON (`{`) and the earlier text format (`s1.`) never begin with it.
 */
const BINARY = 0xa5;
/** The earlier text format, `s1.<key id>.<base64url body>`: still opened, never written. */
const TEXT_TAG = 's1';
const KEY_ID_BYTES = 6;
const IV_BYTES = 12;
const AUTH_TAG_BYTES = 16;
/** Tag byte, key id, nonce and authentication tag: what sealing adds to the plain text. */
const OVERHEAD = 1 + KEY_ID_BYTES + IV_BYTES + AUTH_TAG_BYTES;

const derive = (key: Buffer, info: string, bytes: number): Buffer =>
  Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), info, bytes));

/**
 * Seals what the bot keeps about an unfinished conversation (the session with its draft answers,
 * the raw events in the inbox) with a symmetric key only the bot holds: AES-256-GCM, a fresh nonce
 * per value, and the conversation and purpose as associated data, so a sealed session cannot be
 * moved to another conversation or passed off as an event. Redis sees only ciphertext.
 *
 * The key is a keyring, the current key first: values are sealed with it, and opened with whichever
 * key of the ring sealed them (a rotation: `new,old` until the old values have expired).
 *
 * A sealed value is binary – tag byte, key id, nonce, ciphertext, authentication tag, 35 bytes
 * more than the plain text – because Redis keeps bytes as they are: the earlier text format
 * (`s1.<key id>.<base64url>`, a third larger) is still opened, so values stored by an older
 * version are read and written back in the binary format at their next change. Nothing is
 * compressed: the length of a sealed value shows the length of the plain text and nothing more.
 */
export class StateSeal {
  readonly #current: RingKey;
  /** By key id in base64url (both formats name the key by the same 6 bytes). */
  readonly #byId: ReadonlyMap<string, RingKey>;
  readonly #pseudonymSecret: Buffer;

  private constructor(keys: readonly Buffer[]) {
    const ring = keys.map((key) => ({
      id: derive(key, 'lotse state key id', KEY_ID_BYTES),
      cipher: createSecretKey(derive(key, 'lotse state seal v1', 32)),
    }));
    const [current] = ring;
    const [first] = keys;
    if (current === undefined || first === undefined)
      throw new Error('the session key ring is empty');
    this.#current = current;
    this.#byId = new Map(ring.map((k) => [k.id.toString('base64url'), k]));
    this.#pseudonymSecret = derive(first, 'lotse log pseudonym v1', 32);
  }

  /** A seal from `current,older,…` (each a session key as SESSION_KEY_PATTERN describes). Throws on a malformed key. */
  static fromKeyring(ring: string): StateSeal {
    const keys = ring.split(',').map((part) => {
      const key = part.trim();
      if (!SESSION_KEY_PATTERN.test(key)) throw new Error('a session key is 32 bytes in base64');
      return Buffer.from(key, 'base64');
    });
    return new StateSeal(keys);
  }

  /** A new random session key (base64url). */
  static generateKey(): string {
    return randomBytes(32).toString('base64url');
  }

  /** True when a stored value is sealed (rather than plain JSON from before sealing), in either format. */
  static isSealed(value: string | Buffer): boolean {
    if (typeof value === 'string') return value.startsWith(`${TEXT_TAG}.`);
    return value[0] === BINARY || value.subarray(0, 3).toString('latin1') === `${TEXT_TAG}.`;
  }

  /** A secret for keyed log pseudonyms, derived from the current key (so it is never stored). */
  get pseudonymSecret(): Buffer {
    return this.#pseudonymSecret;
  }

  /** Seals `plain` for `context` (what it is and whose): `a5 | key id | nonce | ciphertext | tag`. */
  seal(plain: string, context: string): Buffer {
    const text = Buffer.from(plain, 'utf8');
    const out = Buffer.allocUnsafe(OVERHEAD + text.byteLength);
    out[0] = BINARY;
    this.#current.id.copy(out, 1);
    fillRandom(out, 1 + KEY_ID_BYTES, IV_BYTES);
    const iv = out.subarray(1 + KEY_ID_BYTES, 1 + KEY_ID_BYTES + IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#current.cipher, iv);
    cipher.setAAD(Buffer.from(context));
    let at = 1 + KEY_ID_BYTES + IV_BYTES;
    at += cipher.update(text).copy(out, at);
    at += cipher.final().copy(out, at);
    cipher.getAuthTag().copy(out, at);
    return out;
  }

  /**
   * The plain text of a value sealed for `context`, in the binary format or the earlier text one;
   * undefined when it is not sealed, was sealed by a key not in the ring, for another context, or
   * was changed.
   */
  open(sealed: string | Buffer, context: string): string | undefined {
    if (typeof sealed !== 'string' && sealed[0] === BINARY) {
      if (sealed.byteLength < OVERHEAD) return undefined;
      const id = sealed.subarray(1, 1 + KEY_ID_BYTES).toString('base64url');
      return this.#decrypt(id, sealed.subarray(1 + KEY_ID_BYTES), context);
    }
    const text = typeof sealed === 'string' ? sealed : sealed.toString('latin1');
    const [tag, id, encoded, extra] = text.split('.');
    if (tag !== TEXT_TAG || id === undefined || encoded === undefined || extra !== undefined)
      return undefined;
    return this.#decrypt(id, Buffer.from(encoded, 'base64url'), context);
  }

  /** Opens `nonce | ciphertext | tag` with the key named `id` (base64url). */
  #decrypt(id: string, body: Buffer, context: string): string | undefined {
    const key = this.#byId.get(id);
    if (key === undefined || body.byteLength < IV_BYTES + AUTH_TAG_BYTES) return undefined;
    const decipher = createDecipheriv('aes-256-gcm', key.cipher, body.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(body.subarray(body.byteLength - AUTH_TAG_BYTES));
    try {
      const plain = Buffer.concat([
        decipher.update(body.subarray(IV_BYTES, body.byteLength - AUTH_TAG_BYTES)),
        decipher.final(),
      ]);
      return plain.toString('utf8');
    } catch {
      // final() throws only when the tag does not match: changed, or sealed for another context.
      return undefined;
    }
  }
}
