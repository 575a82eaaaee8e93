import { createHash, randomBytes } from 'node:crypto';
import type { FileRef, FileRejection } from '../flows/types.ts';

/** A file as an adapter received it, before it is checked and stored. */
export interface IncomingFile {
  readonly name: string;
  readonly mime: string;
  readonly bytes: Uint8Array;
}

export type { FileRejection };

/** A file outside the limits; the core explains the reason to the person. */
export class FileRejected extends Error {
  override readonly name = 'FileRejected';
  readonly reason: FileRejection;
  constructor(reason: FileRejection) {
    super(`file rejected: ${reason}`);
    this.reason = reason;
  }
}

/** Most bytes one evidence file may have (Telegram's Bot API serves up to 20 MB). */
export const MAX_FILE_BYTES = 20 * 1024 * 1024;

/** Types accepted as evidence: pictures, documents, audio and video people use as proof. */
export const ALLOWED_MIME = new Set([
  'image/jpeg',
  'image/png',
  'image/webp',
  'image/gif',
  'image/heic',
  'application/pdf',
  'text/plain',
  'audio/ogg',
  'audio/mpeg',
  'audio/mp4',
  'video/mp4',
  'message/rfc822',
]);

/** Checks a file against the limits. Throws FileRejected. */
export function checkFile(file: IncomingFile): void {
  if (file.bytes.byteLength === 0) throw new FileRejected('empty');
  if (file.bytes.byteLength > MAX_FILE_BYTES) throw new FileRejected('tooLarge');
  if (!ALLOWED_MIME.has(file.mime.toLowerCase().split(';')[0]?.trim() ?? ''))
    throw new FileRejected('type');
}

// eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
const UNSAFE_NAME = /[\u0000-\u001F\u007F<>:"|?*]/g;

/** A file name safe to show and to save: no path, no control characters, bounded length. */
export function safeFileName(name: string): string {
  const base = name.split(/[\\/]/).pop()?.replace(UNSAFE_NAME, '_').trim() ?? '';
  return (base === '' || base === '.' || base === '..' ? 'file' : base).slice(0, 120);
}

/** Where received files are kept until the report is handed over. */
export interface FileVault {
  put(owner: string, bytes: Uint8Array): Promise<string>;
}

/** Checks, hashes and stores files for one conversation. */
export class FileIntake {
  readonly #vault: FileVault;
  readonly #clock: () => Date;

  constructor(vault: FileVault, clock: () => Date = () => new Date()) {
    this.#vault = vault;
    this.#clock = clock;
  }

  async receive(owner: string, file: IncomingFile): Promise<FileRef> {
    checkFile(file);
    const sha256 = createHash('sha256').update(file.bytes).digest('hex');
    const ref = await this.#vault.put(owner, file.bytes);
    return {
      name: safeFileName(file.name),
      mime: file.mime.toLowerCase(),
      size: file.bytes.byteLength,
      sha256,
      receivedAt: this.#clock().toISOString(),
      ref,
    };
  }
}

/** A random id for a stored file. */
export const newFileId = (): string => randomBytes(16).toString('base64url');
