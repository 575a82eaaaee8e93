import {
  ALLOWED_MIME,
  cleanFileName,
  MAX_FILE_BYTES,
  mediaType,
  UNKNOWN_MEDIA_TYPE,
} from '../../bot/files.ts';
import type { FileRejection } from '../../bot/files.ts';
import { encryptedFileSchema, type MediaSource } from './media.ts';

/** What a person's m.room.message asks of the channel. */
export type MessageInput =
  | { readonly kind: 'text'; readonly text: string }
  | {
      readonly kind: 'media';
      readonly name: string;
      readonly mime: string;
      /** The size the sender's client declared (`info.size`), when it did. */
      readonly size?: number;
      /** The length in seconds of a voice message or recording, when the client declared it. */
      readonly seconds?: number;
      readonly source: MediaSource;
    }
  /** An attachment refused from its description alone, before any download. */
  | { readonly kind: 'refused'; readonly reason: FileRejection }
  /** Not for the conversation: notices of other bots, edits, reactions, unknown types. */
  | { readonly kind: 'ignore'; readonly why: string };

const MEDIA_TYPES = new Set(['m.image', 'm.file', 'm.audio', 'm.video']);

/** MIME types guessed from the file name when a client sends none. */
const MIME_BY_EXT: Readonly<Record<string, string>> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  gif: 'image/gif',
  heic: 'image/heic',
  pdf: 'application/pdf',
  txt: 'text/plain',
  ogg: 'audio/ogg',
  mp3: 'audio/mpeg',
  m4a: 'audio/mp4',
  mp4: 'video/mp4',
  eml: 'message/rfc822',
};

/** The type guessed from a file name's extension (own keys only: `x.constructor` guesses nothing). */
function byExtension(name: string): string {
  const ext = name.split('.').pop()?.toLowerCase() ?? '';
  return (Object.hasOwn(MIME_BY_EXT, ext) ? MIME_BY_EXT[ext] : undefined) ?? UNKNOWN_MEDIA_TYPE;
}

/**
 * Reads the content of a (decrypted) m.room.message: text (m.text, m.emote), an attachment
 * (m.image, m.file, m.audio, m.video; plain or encrypted) checked against the evidence limits by
 * its declared size and type, or something to ignore.
 */
export function readMessage(content: Readonly<Record<string, unknown>>): MessageInput {
  const msgtype = content['msgtype'];
  const relates = content['m.relates_to'] as { rel_type?: unknown } | undefined;
  if (relates?.rel_type === 'm.replace') return { kind: 'ignore', why: 'edit' };
  if (msgtype === 'm.notice') return { kind: 'ignore', why: 'notice' };
  const body = typeof content['body'] === 'string' ? content['body'] : '';
  if (msgtype === 'm.text' || msgtype === 'm.emote') {
    const isReply =
      typeof (relates as { 'm.in_reply_to'?: unknown } | undefined)?.['m.in_reply_to'] === 'object';
    return { kind: 'text', text: isReply ? stripReplyFallback(body) : body };
  }
  if (typeof msgtype !== 'string' || !MEDIA_TYPES.has(msgtype))
    return { kind: 'ignore', why: 'type' };

  const info = (content['info'] ?? {}) as { size?: unknown; mimetype?: unknown };
  // What the sender declares is cleaned here: a name without path, control or bidi characters, a
  // bare `type/subtype` (a mimetype can carry terminal escape sequences).
  const name = cleanFileName(
    typeof content['filename'] === 'string' && content['filename'] !== ''
      ? content['filename']
      : body !== ''
        ? body
        : 'file',
  );
  const mime =
    typeof info.mimetype === 'string' && info.mimetype.trim() !== ''
      ? mediaType(info.mimetype)
      : byExtension(name);
  if (typeof info.size === 'number' && info.size > MAX_FILE_BYTES)
    return { kind: 'refused', reason: 'tooLarge' };
  if (!ALLOWED_MIME.has(mime)) return { kind: 'refused', reason: 'type' };

  const size =
    typeof info.size === 'number' && Number.isSafeInteger(info.size) && info.size >= 0
      ? { size: info.size }
      : {};
  const seconds = durationOf(content);
  const declared = { ...size, ...(seconds === undefined ? {} : { seconds }) };
  const file = encryptedFileSchema.safeParse(content['file']);
  if (file.success)
    return {
      kind: 'media',
      name,
      mime,
      ...declared,
      source: { kind: 'encrypted', file: file.data },
    };
  const url = content['url'];
  if (typeof url === 'string' && url.startsWith('mxc://'))
    return { kind: 'media', name, mime, ...declared, source: { kind: 'plain', mxc: url } };
  return { kind: 'refused', reason: 'empty' };
}

/** The longest length believed (a day): a declared duration is the sender's word, not the file's. */
const MAX_SECONDS = 86_400;

/**
 * The length in whole seconds of an audio or video attachment, as the sender's client declares it
 * in milliseconds: `info.duration` (m.audio, m.video), or for a voice message (MSC3245,
 * `org.matrix.msc3245.voice`) the extensible-event audio part `org.matrix.msc1767.audio.duration`.
 * Anything else – missing, negative, not a number, absurdly long – gives no length.
 */
function durationOf(content: Readonly<Record<string, unknown>>): number | undefined {
  const ms = (value: unknown): number | undefined =>
    typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
  const info = content['info'];
  const audio = content['org.matrix.msc1767.audio'];
  const declared =
    ms(
      typeof info === 'object' && info !== null
        ? (info as { duration?: unknown }).duration
        : undefined,
    ) ??
    ms(
      typeof audio === 'object' && audio !== null
        ? (audio as { duration?: unknown }).duration
        : undefined,
    );
  if (declared === undefined) return undefined;
  const seconds = Math.round(declared / 1000);
  return seconds <= MAX_SECONDS ? seconds : undefined;
}

/** Removes the quoted "> <@user> …" lines that rich replies put before the answer. */
export function stripReplyFallback(body: string): string {
  const lines = body.split('\n');
  let i = 0;
  while (i < lines.length && lines[i]?.startsWith('>')) i++;
  if (i > 0 && lines[i] === '') i++;
  return lines.slice(i).join('\n');
}
