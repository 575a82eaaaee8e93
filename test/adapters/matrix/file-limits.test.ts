/**
 * Limits come before work on Matrix, against a real Synapse: at the evidence step of an encrypted
 * direct chat, a file that does not fit the report's byte budget is refused by its declared size
 * before the bot downloads it; one that fits is downloaded and kept.
 */
import { describe, expect, it } from 'vitest';
import { RedisFileGate } from '../../../src/infra/redis/file-gate.ts';
import { GERMAN_INTAKE } from '../../support/intake-script.ts';
import { useTestRedis } from '../../support/redis.ts';
import { botChat } from './harness/bot-chat.ts';
import { walk } from './harness/matrix-user.ts';
import { useSynapse } from './harness/synapse.ts';

const redis = useTestRedis('matrix_files');
const { defer } = useSynapse();

/** The script up to and including the description: the next question asks for evidence. */
const TO_EVIDENCE = GERMAN_INTAKE.slice(
  0,
  GERMAN_INTAKE.findIndex((line) => 'file' in line),
);

describe('Matrix channel: file limits before download', () => {
  it('refuses a file over the report`s budget by its declared size, without downloading it', async () => {
    const { bot, anna, room, hello, downloads } = await botChat(
      {
        redis: redis.client,
        prefix: redis.prefix,
        files: {
          budgetBytes: 1024 * 1024,
          gate: new RedisFileGate(redis.client, redis.prefix, 100),
        },
      },
      defer,
    );
    const evidence = await walk(anna, room, TO_EVIDENCE, hello.at(-1));
    expect(evidence?.body).toContain(bot.i18n.t('de', { key: 'intake:evidence.prompt' }));

    const t = (key: string, params?: Record<string, number>) =>
      bot.i18n.t('de', { key, ...(params ? { params } : {}) });
    const send = async (name: string, kb: number) =>
      anna.replies(
        await anna.sendFile(room, {
          name,
          mime: 'application/pdf',
          bytes: Buffer.alloc(kb * 1024, 1),
        }),
      );
    const fits = await send('fits.pdf', 700);
    expect(fits.at(-1)?.body).toContain(
      bot.i18n.t('de', {
        key: 'intake:evidence.status',
        params: {
          files: { key: 'intake:count.files', params: { count: 1 } },
          links: { key: 'intake:count.links', params: { count: 0 } },
        },
      }),
    );
    expect(downloads()).toBe(1);
    const over = await send('over.pdf', 400);
    expect(over.map((m) => m.body)).toEqual([t('common:file.budget')]);
    // Not fetched, not kept.
    expect(downloads()).toBe(1);
    expect(bot.vault.files.size).toBe(1);
  });
});
