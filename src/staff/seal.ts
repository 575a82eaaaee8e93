import {
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  randomBytes,
  type KeyObject,
} from 'node:crypto';

/**
 * Sealed boxes for everything staff will read: X25519 key agreement with a fresh key pair per
 * message, HKDF-SHA256, ChaCha20-Poly1305. Whoever holds only the public key (the public-facing bot)
 * can seal but never open. All from node:crypto.
 *
 * Format (base64url): version 1 | ephemeral public key (32) | nonce (12) | tag (16) | ciphertext.
 * The context (e.g. "report:7KQ2-…") is authenticated, so a box cannot be moved to another case.
 */
const VERSION = 1;
const INFO = Buffer.from('lotse-seal-v1');

/** A staff key pair as base64url strings of the raw 32-byte keys. */
export interface StaffKeyPair {
  readonly publicKey: string;
  readonly privateKey: string;
}

/** A sealed box could not be opened: wrong key, damaged or moved. */
export class SealError extends Error {
  override readonly name = 'SealError';
}

/** Makes a new staff key pair. */
export function generateStaffKeyPair(): StaffKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('x25519');
  return {
    publicKey: rawPublic(publicKey).toString('base64url'),
    privateKey: rawPrivate(privateKey).toString('base64url'),
  };
}

/** The public key belonging to a private key (of a keyring: to its first, current key). */
export function publicKeyOf(privateKey: string): string {
  const current = privateKey.split(',')[0] ?? '';
  return rawPublic(createPublicKey(privateKeyObject(current))).toString('base64url');
}

// Raw keys through JWK: exporting an X25519 public key as DER took as long as the key agreement.
function rawPublic(key: KeyObject): Buffer {
  const x = key.export({ format: 'jwk' }).x;
  if (x === undefined) throw new Error('not an X25519 public key');
  return Buffer.from(x, 'base64url');
}

function rawPrivate(key: KeyObject): Buffer {
  const d = key.export({ format: 'jwk' }).d;
  if (d === undefined) throw new Error('not an X25519 private key');
  return Buffer.from(d, 'base64url');
}

function publicKeyObject(raw: string | Buffer): KeyObject {
  const bytes = typeof raw === 'string' ? Buffer.from(raw, 'base64url') : raw;
  if (bytes.length !== 32) throw new SealError('an X25519 public key has 32 bytes');
  return createPublicKey({
    key: { kty: 'OKP', crv: 'X25519', x: bytes.toString('base64url') },
    format: 'jwk',
  });
}

/**
 * The configured keys as key objects, made once per key rather than for every box (reading a key
 * cost as much as the key agreement itself). A handful at most: the staff key and its rotation.
 */
const recipients = new Map<string, { readonly key: KeyObject; readonly raw: Buffer }>();
const owners = new Map<string, { readonly key: KeyObject; readonly publicRaw: Buffer }>();
const KEYS_REMEMBERED = 16;

function recipientOf(publicKey: string): { readonly key: KeyObject; readonly raw: Buffer } {
  let known = recipients.get(publicKey);
  if (known === undefined) {
    const key = publicKeyObject(publicKey);
    known = { key, raw: rawPublic(key) };
    if (recipients.size >= KEYS_REMEMBERED) recipients.clear();
    recipients.set(publicKey, known);
  }
  return known;
}

function ownerOf(privateKey: string): { readonly key: KeyObject; readonly publicRaw: Buffer } {
  let known = owners.get(privateKey);
  if (known === undefined) {
    const key = privateKeyObject(privateKey);
    known = { key, publicRaw: rawPublic(createPublicKey(key)) };
    if (owners.size >= KEYS_REMEMBERED) owners.clear();
    owners.set(privateKey, known);
  }
  return known;
}

/** DER prefix of a PKCS#8 X25519 private key; the raw 32 bytes follow (RFC 8410). */
const PKCS8_X25519 = Buffer.from('302e020100300506032b656e04220420', 'hex');

function privateKeyObject(raw: string): KeyObject {
  const d = Buffer.from(raw, 'base64url');
  if (d.length !== 32) throw new SealError('an X25519 private key has 32 bytes');
  return createPrivateKey({ key: Buffer.concat([PKCS8_X25519, d]), format: 'der', type: 'pkcs8' });
}

function boxKey(shared: Buffer, ephemeral: Buffer, recipient: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', shared, Buffer.concat([ephemeral, recipient]), INFO, 32));
}

/** Seals bytes to the staff public key. */
export function seal(plain: Uint8Array, publicKey: string, context: string): string {
  const { key: recipient, raw: recipientRaw } = recipientOf(publicKey);
  const eph = generateKeyPairSync('x25519');
  const ephRaw = rawPublic(eph.publicKey);
  const key = boxKey(
    diffieHellman({ privateKey: eph.privateKey, publicKey: recipient }),
    ephRaw,
    recipientRaw,
  );
  const nonce = randomBytes(12);
  const cipher = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 });
  cipher.setAAD(Buffer.from(context), { plaintextLength: plain.byteLength });
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([Buffer.of(VERSION), ephRaw, nonce, cipher.getAuthTag(), body]).toString(
    'base64url',
  );
}

/**
 * Opens a sealed box with the staff private key – or a keyring, `current,older,…` (a rotation):
 * each key is tried in turn. Throws SealError when none opens it.
 */
export function open(box: string, privateKey: string, context: string): Buffer {
  const keys = privateKey.split(',');
  for (const key of keys.slice(0, -1)) {
    try {
      return openWith(box, key, context);
    } catch (error) {
      if (!(error instanceof SealError)) throw error;
    }
  }
  return openWith(box, keys.at(-1) ?? '', context);
}

function openWith(box: string, privateKey: string, context: string): Buffer {
  const bytes = Buffer.from(box, 'base64url');
  if (bytes.length < 1 + 32 + 12 + 16 || bytes[0] !== VERSION)
    throw new SealError('not a sealed box of a known version');
  const ephRaw = bytes.subarray(1, 33);
  const nonce = bytes.subarray(33, 45);
  const tag = bytes.subarray(45, 61);
  const body = bytes.subarray(61);
  try {
    const { key: priv, publicRaw: recipientRaw } = ownerOf(privateKey);
    const key = boxKey(
      diffieHellman({ privateKey: priv, publicKey: publicKeyObject(ephRaw) }),
      ephRaw,
      recipientRaw,
    );
    const decipher = createDecipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 });
    decipher.setAAD(Buffer.from(context), { plaintextLength: body.byteLength });
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch (error) {
    if (error instanceof SealError) throw error;
    throw new SealError(
      'the sealed box could not be opened (wrong key, damaged, or another context)',
    );
  }
}

/** Seals a JSON value. */
export const sealJson = (value: unknown, publicKey: string, context: string): string =>
  seal(Buffer.from(JSON.stringify(value)), publicKey, context);

/** Opens a sealed JSON value (unvalidated: parse it with its schema). */
export const openJson = (box: string, privateKey: string, context: string): unknown =>
  JSON.parse(open(box, privateKey, context).toString('utf8')) as unknown;
