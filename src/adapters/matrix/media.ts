import { createDecipheriv, createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/**
 * An encrypted attachment's `file` object (client-server spec, "Sending encrypted attachments"):
 * AES-256-CTR with the key as a JWK, a 128-bit counter block and the SHA-256 of the ciphertext.
 */
export const encryptedFileSchema = z.object({
  url: z.string().startsWith('mxc://'),
  key: z.object({
    kty: z.literal('oct'),
    alg: z.literal('A256CTR'),
    k: z.string().min(1),
    ext: z.literal(true).optional(),
    key_ops: z.array(z.string()).optional(),
  }),
  iv: z.string().min(1),
  hashes: z.object({ sha256: z.string().min(1) }),
  v: z.literal('v2'),
});

export type EncryptedFile = z.infer<typeof encryptedFileSchema>;

/** Where an attachment's bytes are: plain media, or encrypted media with its key. */
export type MediaSource =
  | { readonly kind: 'plain'; readonly mxc: string }
  | { readonly kind: 'encrypted'; readonly file: EncryptedFile };

/** Why an attachment could not be had; the channel turns it into a file rejection or a log line. */
export class MediaError extends Error {
  override readonly name = 'MediaError';
  readonly reason: 'tooLarge' | 'damaged' | 'unavailable';
  constructor(reason: MediaError['reason'], message: string) {
    super(message);
    this.reason = reason;
  }
}

export interface MediaClient {
  readonly homeserverUrl: string;
  readonly accessToken: () => string;
  readonly fetch: typeof globalThis.fetch;
}

/** Downloads an attachment (at most `maxBytes`, else MediaError tooLarge) and decrypts it. */
export async function fetchMedia(
  client: MediaClient,
  source: MediaSource,
  maxBytes: number,
): Promise<Uint8Array> {
  const mxc = source.kind === 'plain' ? source.mxc : source.file.url;
  const bytes = await download(client, mxc, maxBytes);
  return source.kind === 'plain' ? bytes : decryptAttachment(bytes, source.file);
}

/** Decrypts an encrypted attachment after checking its hash. Throws MediaError damaged. */
export function decryptAttachment(ciphertext: Uint8Array, file: EncryptedFile): Uint8Array {
  const expected = fromBase64(file.hashes.sha256);
  const actual = createHash('sha256').update(ciphertext).digest();
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual))
    throw new MediaError('damaged', 'attachment hash mismatch');
  const key = fromBase64(file.key.k);
  const iv = fromBase64(file.iv);
  if (key.length !== 32 || iv.length !== 16)
    throw new MediaError('damaged', 'attachment key or iv of the wrong length');
  const decipher = createDecipheriv('aes-256-ctr', key, iv);
  return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
}

/** Standard or URL-safe base64, padded or not. */
function fromBase64(value: string): Buffer {
  return Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
}

const MXC = /^mxc:\/\/([^/]+)\/([^/?#]+)$/;

async function download(client: MediaClient, mxc: string, maxBytes: number): Promise<Uint8Array> {
  const match = MXC.exec(mxc);
  if (match?.[1] === undefined || match[2] === undefined)
    throw new MediaError('unavailable', 'not an mxc:// URL');
  const [server, mediaId] = [encodeURIComponent(match[1]), encodeURIComponent(match[2])];
  const base = client.homeserverUrl.replace(/\/+$/, '');
  // Authenticated media (Matrix 1.11) first; older servers only know the unauthenticated path.
  let response = await get(client, `${base}/_matrix/client/v1/media/download/${server}/${mediaId}`);
  if (response.status === 404 || response.status === 405 || response.status === 400) {
    await response.body?.cancel();
    response = await get(client, `${base}/_matrix/media/v3/download/${server}/${mediaId}`);
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new MediaError('unavailable', `media download answered ${String(response.status)}`);
  }
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel();
    throw new MediaError('tooLarge', 'attachment larger than allowed');
  }
  return readCapped(response, maxBytes);
}

function get(client: MediaClient, url: string): Promise<Response> {
  return client.fetch(url, {
    headers: { authorization: `Bearer ${client.accessToken()}` },
    signal: AbortSignal.timeout(120_000),
  });
}

async function readCapped(response: Response, maxBytes: number): Promise<Uint8Array> {
  const reader = response.body?.getReader();
  if (reader === undefined) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = (await reader.read()) as {
      done: boolean;
      value?: Uint8Array;
    };
    if (done || value === undefined) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new MediaError('tooLarge', 'attachment larger than allowed');
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
