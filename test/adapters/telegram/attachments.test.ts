import { describe, expect, it } from 'vitest';
import type { Message } from 'grammy/types';
import { attachmentOf } from '../../../src/adapters/telegram/attachments.ts';

const message = (extra: Record<string, unknown>) =>
  ({ message_id: 9, date: 0, chat: { id: 1, type: 'private' }, ...extra }) as unknown as Message;

describe('attachments', () => {
  it('takes the largest size of a photo', () => {
    expect(
      attachmentOf(
        message({
          photo: [
            { file_id: 'small', file_unique_id: 's', width: 90, height: 90, file_size: 900 },
            { file_id: 'large', file_unique_id: 'l', width: 1280, height: 720, file_size: 90_000 },
            { file_id: 'medium', file_unique_id: 'm', width: 320, height: 320, file_size: 9000 },
          ],
        }),
      ),
    ).toEqual({ fileId: 'large', size: 90_000, mime: 'image/jpeg', name: 'photo-9.jpg' });
  });

  it('reads type and name of documents, voice, audio and video', () => {
    expect(
      attachmentOf(
        message({
          document: {
            file_id: 'd',
            file_unique_id: 'd',
            file_name: 'a.pdf',
            mime_type: 'application/pdf',
          },
        }),
      ),
    ).toEqual({ fileId: 'd', mime: 'application/pdf', name: 'a.pdf' });
    expect(
      attachmentOf(message({ voice: { file_id: 'v', file_unique_id: 'v', duration: 3 } }))?.mime,
    ).toBe('audio/ogg');
    expect(
      attachmentOf(
        message({
          audio: { file_id: 'a', file_unique_id: 'a', duration: 3, mime_type: 'audio/x-m4a' },
        }),
      )?.mime,
    ).toBe('audio/mp4');
    expect(
      attachmentOf(
        message({ video: { file_id: 'x', file_unique_id: 'x', width: 1, height: 1, duration: 1 } }),
      )?.mime,
    ).toBe('video/mp4');
    expect(attachmentOf(message({ text: 'hallo' }))).toBeUndefined();
  });

  it('cleans the declared name and type of a document: no path, controls or bidi; a bare type', () => {
    expect(
      attachmentOf(
        message({
          document: {
            file_id: 'd',
            file_unique_id: 'd',
            file_name: 'a/../../bin/\u202efdp.exe\u0000.pdf',
            mime_type: 'Application/PDF; name="\u001b[2J"',
          },
        }),
      ),
    ).toEqual({ fileId: 'd', mime: 'application/pdf', name: 'fdp.exe.pdf' });
    expect(
      attachmentOf(
        message({
          audio: {
            file_id: 'a',
            file_unique_id: 'a',
            duration: 3,
            file_name: '\u2066\u2069',
            mime_type: 'audio/mpeg\u001b[31m',
          },
        }),
      ),
    ).toEqual({ fileId: 'a', mime: 'application/octet-stream', name: 'file', seconds: 3 });
  });
});
