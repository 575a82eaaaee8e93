import type { Message } from 'grammy/types';
import { describe, expect, it } from 'vitest';
import { attachmentOf } from '../../../src/adapters/telegram/attachments.ts';
import { reportSchema } from '../../../src/flows/intake/report.ts';
import type { Effect } from '../../../src/flows/types.ts';
import { ConversationDriver, fileRef } from '../../support/conversation-driver.ts';

type Submit = Extract<Effect, { kind: 'submit-report' }>;

/** Start → short way → the description, in the given language. */
function toDescription(language: 'de' | 'en'): ConversationDriver {
  const chat = new ConversationDriver({ language });
  chat.command('start');
  chat.choice('report');
  chat.choice('no');
  chat.choice('short');
  expect(chat.step).toBe('intake.description');
  return chat;
}

const voice = { ...fileRef(7, 'audio/ogg'), name: 'voice-7.ogg', seconds: 42 };

describe('a voice message at the description', () => {
  for (const [language, line] of [
    ['de', 'Beschreibung: Sprachnachricht (0:42)'],
    ['en', 'voice message (0:42)'],
  ] as const)
    it(`is taken as the description and kept as evidence with its hash (${language})`, () => {
      const chat = toDescription(language);
      chat.files(voice);
      expect(chat.step).toBe('intake.evidence');
      chat.choice('done');
      chat.choice('chat');
      expect(chat.step).toBe('intake.summary');
      expect(chat.said).toContain(line);
      chat.choice('send');
      const submit = chat.effects.find((e): e is Submit => e.kind === 'submit-report');
      const report = reportSchema.parse(submit?.report);
      expect(report.voiceSeconds).toBe(42);
      expect(report.evidence.files).toEqual([voice]);
      expect(report.evidence.files[0]?.sha256).toBe(voice.sha256);
    });

  it('refuses a file that is no voice message, and asks again', () => {
    const chat = toDescription('de');
    chat.files(fileRef(1));
    expect(chat.step).toBe('intake.description');
    expect(chat.said).toContain('geschriebene Antwort oder eine Sprachnachricht');
    chat.text('Jetzt doch geschrieben: ein Drohanruf.');
    expect(chat.step).toBe('intake.evidence');
  });

  it('reads the length of a Telegram voice message', () => {
    const message = {
      message_id: 5,
      date: 0,
      chat: { id: 1, type: 'private', first_name: 'A' },
      voice: { file_id: 'v', file_unique_id: 'u', duration: 42, mime_type: 'audio/ogg' },
    } as Message;
    expect(attachmentOf(message)).toMatchObject({ mime: 'audio/ogg', seconds: 42 });
  });
});
