import { createHash, randomBytes } from 'node:crypto';
import type { FileRef, FileRejection } from '../flows/types.ts';

/** A file as an adapter received it, before it is checked and stored. */
export interface IncomingFile {
  readonly name: string;
  readonly mime: string;
  readonly bytes: Uint8Array;
  /** Length in seconds of a voice message or recording, as the messenger declares it. */
  readonly seconds?: number;
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

/**
 * Types accepted as evidence – pictures, documents, audio and video people use as proof – with the
 * extension a saved copy gets (the person's own file name never becomes a path).
 */
export const EVIDENCE_TYPES: ReadonlyMap<string, string> = new Map([
  ['image/jpeg', 'jpg'],
  ['image/png', 'png'],
  ['image/webp', 'webp'],
  ['image/gif', 'gif'],
  ['image/heic', 'heic'],
  ['application/pdf', 'pdf'],
  ['text/plain', 'txt'],
  ['audio/ogg', 'ogg'],
  ['audio/mpeg', 'mp3'],
  ['audio/mp4', 'm4a'],
  ['video/mp4', 'mp4'],
  ['message/rfc822', 'eml'],
]);

/** The media types accepted as evidence. */
export const ALLOWED_MIME: ReadonlySet<string> = new Set(EVIDENCE_TYPES.keys());

/** Messengers' spellings of types Lotse knows under another name. */
const MEDIA_TYPE_ALIASES: ReadonlyMap<string, string> = new Map([
  ['image/jpg', 'image/jpeg'],
  ['audio/mp3', 'audio/mpeg'],
  ['audio/x-m4a', 'audio/mp4'],
  ['audio/m4a', 'audio/mp4'],
]);

/** `type/subtype` as RFC 6838 allows it (restricted names), lower case. */
const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/;

/** What an unusable declaration becomes: a type no check accepts. */
export const UNKNOWN_MEDIA_TYPE = 'application/octet-stream';

/**
 * A declared media type reduced to its `type/subtype` token, lower case, with known aliases
 * resolved: parameters and anything else a sender appended (a Matrix `mimetype` can carry
 * terminal escape sequences) are dropped; a declaration that is no media type becomes
 * `application/octet-stream`.
 */
export function mediaType(declared: string): string {
  const token = declared.split(';', 1)[0]?.trim().toLowerCase() ?? '';
  if (!MEDIA_TYPE.test(token)) return UNKNOWN_MEDIA_TYPE;
  return MEDIA_TYPE_ALIASES.get(token) ?? token;
}

/** Checks a file against the limits. Throws FileRejected. */
export function checkFile(file: IncomingFile): void {
  if (file.bytes.byteLength === 0) throw new FileRejected('empty');
  if (file.bytes.byteLength > MAX_FILE_BYTES) throw new FileRejected('tooLarge');
  if (!ALLOWED_MIME.has(mediaType(file.mime))) throw new FileRejected('type');
}

/**
 * Characters a file name loses: controls (C0, DEL, C1), format characters (bidi overrides and
 * isolates, zero-width characters …), line and paragraph separators and lone surrogates.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;

/** Most characters of a file name kept as text. */
export const MAX_FILE_NAME_CHARS = 120;

/**
 * A declared file name cleaned where it enters: the last path segment only, without invisible
 * and control characters, NFC, at most 120 characters. It stays text for the case document; a
 * saved copy gets a name Lotse makes (src/staff/evidence-files.ts).
 */
export function cleanFileName(name: string): string {
  const base = (name.split(/[\\/]/).pop() ?? '').normalize('NFC').replace(INVISIBLE, '').trim();
  const short = Array.from(base).slice(0, MAX_FILE_NAME_CHARS).join('').trim();
  return short === '' || short === '.' || short === '..' ? 'file' : short;
}

/** Where received files are kept until the report is handed over. */
export interface FileVault {
  put(owner: string, bytes: Uint8Array): Promise<string>;
}

/**
 * Checks, hashes and stores files for one conversation. Every channel's files pass here, so the
 * declared name and type are cleaned here too, whatever an adapter did before.
 */
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
      name: cleanFileName(file.name),
      mime: mediaType(file.mime),
      size: file.bytes.byteLength,
      sha256,
      receivedAt: this.#clock().toISOString(),
      ...(file.seconds !== undefined && Number.isInteger(file.seconds) && file.seconds >= 0
        ? { seconds: file.seconds }
        : {}),
      ref,
    };
  }
}

/** A random id for a stored file. */
export const newFileId = (): string => randomBytes(16).toString('base64url');
