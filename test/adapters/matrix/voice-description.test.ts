/**
 * A voice message at the description on Matrix, against a real Synapse: the length Element
 * declares for a voice message (MSC3245) reaches the summary, and another file at that step is
 * answered with the hint and the same question before anything is downloaded.
 */
import { describe, expect, it } from 'vitest';
import { useTestRedis } from '../../support/redis.ts';
import { botChat } from './harness/bot-chat.ts';
import { walk } from './harness/matrix-user.ts';
import { useSynapse } from './harness/synapse.ts';

const redis = useTestRedis('matrix_voice');
const { defer } = useSynapse();

describe('Matrix channel: a voice message at the description', () => {
  // One bot and one chat for both checks: each start and each message costs seconds on a loaded
  // Synapse, so the test gets the time a long walk may need there. (`info.duration` of a recording
  // is read the same way; the parsing unit tests in inbound.test.ts hold both forms.)
  it('names the length of an Element voice message (MSC3245) in the summary; another file is refused undownloaded', async () => {
    const { bot, anna, room, hello, downloads } = await botChat(
      {
        redis: redis.client,
        prefix: redis.prefix,
      },
      defer,
    );
    const t = (key: string) => bot.i18n.t('de', { key });
    const asked = await walk(
      anna,
      room,
      [{ command: 'start' }, { choice: 'report' }, { choice: 'no' }, { choice: 'short' }],
      hello.at(-1),
    );
    expect(asked?.body).toContain(t('intake:description.prompt'));

    const pdf = await anna.replies(
      await anna.sendFile(room, {
        name: 'brief.pdf',
        mime: 'application/pdf',
        bytes: Buffer.from('%PDF-1.7 not a voice'),
      }),
    );
    expect(pdf.map((m) => m.body).join('\n')).toContain(t('common:invalid.expectedVoice'));
    expect(pdf.at(-1)?.body).toContain(t('intake:description.prompt'));
    expect(downloads()).toBe(0);

    const evidence = await anna.replies(
      await anna.sendFile(room, {
        name: 'Voice message.ogg',
        mime: 'audio/ogg',
        bytes: Buffer.from('OggS a voice message'),
        voiceMs: 42_300,
        voice: true,
      }),
    );
    expect(downloads()).toBe(1);
    const summary = await walk(
      anna,
      room,
      [{ choice: 'done' }, { choice: 'chat' }],
      evidence.at(-1),
    );
    expect(summary?.body).toContain('Sprachnachricht (0:42)');
  }, 120_000);
});
