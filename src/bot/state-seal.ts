import {
  createCipheriv,
  createDecipheriv,
  createSecretKey,
  hkdfSync,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import { SESSION_KEY_PATTERN } from '../config/schema.ts';

/** One key of the ring, with what is derived from it once. */
interface RingKey {
  /** Names the key in a sealed value, so that opening needs no trial and error. */
  readonly id: string;
  readonly cipher: KeyObject;
}

/** The version tag every sealed value starts with; plain JSON never does. */
const TAG = 's1';
const IV_BYTES = 12;
const AUTH_TAG_BYTES = 16;

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
 */
export class StateSeal {
  readonly #current: RingKey;
  readonly #byId: ReadonlyMap<string, RingKey>;
  readonly #pseudonymSecret: Buffer;

  private constructor(keys: readonly Buffer[]) {
    const ring = keys.map((key) => ({
      id: derive(key, 'lotse state key id', 6).toString('base64url'),
      cipher: createSecretKey(derive(key, 'lotse state seal v1', 32)),
    }));
    const [current] = ring;
    const [first] = keys;
    if (current === undefined || first === undefined)
      throw new Error('the session key ring is empty');
    this.#current = current;
    this.#byId = new Map(ring.map((k) => [k.id, k]));
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

  /** True when a stored value is sealed (rather than plain JSON from before sealing). */
  static isSealed(value: string): boolean {
    return value.startsWith(`${TAG}.`);
  }

  /** A secret for keyed log pseudonyms, derived from the current key (so it is never stored). */
  get pseudonymSecret(): Buffer {
    return this.#pseudonymSecret;
  }

  /** Seals `plain` for `context` (what it is and whose): `s1.<key id>.<nonce|ciphertext|tag>`. */
  seal(plain: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#current.cipher, iv);
    cipher.setAAD(Buffer.from(context));
    const body = Buffer.concat([
      iv,
      cipher.update(plain, 'utf8'),
      cipher.final(),
      cipher.getAuthTag(),
    ]);
    return `${TAG}.${this.#current.id}.${body.toString('base64url')}`;
  }

  /**
   * The plain text of a value sealed for `context`; undefined when it is not sealed, was sealed by
   * a key not in the ring, for another context, or was changed.
   */
  open(sealed: string, context: string): string | undefined {
    const [tag, id, encoded, extra] = sealed.split('.');
    if (tag !== TAG || id === undefined || encoded === undefined || extra !== undefined)
      return undefined;
    const key = this.#byId.get(id);
    const body = Buffer.from(encoded, 'base64url');
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
