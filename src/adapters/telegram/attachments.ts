import type { Message } from 'grammy/types';
import { cleanFileName, mediaType } from '../../bot/files.ts';

/** A file attached to a Telegram message, before it is downloaded. */
export interface Attachment {
  readonly fileId: string;
  /** As Telegram reports it; checked against the limit before anything is downloaded. */
  readonly size?: number;
  /** The declared type as a bare `type/subtype` token. */
  readonly mime: string;
  /** The declared name, cleaned (no path, no control or bidi characters). */
  readonly name: string;
  /** Length in seconds of a voice message or audio file, as Telegram reports it. */
  readonly seconds?: number;
}

/**
 * The evidence file of a message: a photo (its largest size), a document, a voice message, an audio
 * file, a video or a round video message. Undefined when the message carries none of these.
 */
export function attachmentOf(message: Message): Attachment | undefined {
  const id = message.message_id;
  const size = (s: number | undefined) => (s === undefined ? {} : { size: s });
  if (message.photo !== undefined && message.photo.length > 0) {
    const largest = message.photo.reduce((a, b) =>
      (b.file_size ?? b.width * b.height) > (a.file_size ?? a.width * a.height) ? b : a,
    );
    return {
      fileId: largest.file_id,
      ...size(largest.file_size),
      mime: 'image/jpeg',
      name: `photo-${id}.jpg`,
    };
  }
  if (message.document !== undefined) {
    const d = message.document;
    return {
      fileId: d.file_id,
      ...size(d.file_size),
      mime: mediaType(d.mime_type ?? 'application/octet-stream'),
      name: cleanFileName(d.file_name ?? `document-${id}`),
    };
  }
  if (message.voice !== undefined) {
    const v = message.voice;
    return {
      fileId: v.file_id,
      ...size(v.file_size),
      mime: mediaType(v.mime_type ?? 'audio/ogg'),
      name: `voice-${id}.ogg`,
      seconds: v.duration,
    };
  }
  if (message.audio !== undefined) {
    const a = message.audio;
    return {
      fileId: a.file_id,
      ...size(a.file_size),
      mime: mediaType(a.mime_type ?? 'audio/mpeg'),
      name: cleanFileName(a.file_name ?? `audio-${id}.mp3`),
      seconds: a.duration,
    };
  }
  if (message.video !== undefined) {
    const v = message.video;
    return {
      fileId: v.file_id,
      ...size(v.file_size),
      mime: mediaType(v.mime_type ?? 'video/mp4'),
      name: cleanFileName(v.file_name ?? `video-${id}.mp4`),
    };
  }
  if (message.video_note !== undefined) {
    const v = message.video_note;
    return { fileId: v.file_id, ...size(v.file_size), mime: 'video/mp4', name: `video-${id}.mp4` };
  }
  return undefined;
}
