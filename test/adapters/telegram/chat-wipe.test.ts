import { describe, expect, it } from 'vitest';
import type { Api } from 'grammy';
import { DELETABLE_SECONDS, wipeChat } from '../../../src/adapters/telegram/chat-wipe.ts';
import { MESSAGE_LOG_MAX, MessageLog } from '../../../src/adapters/telegram/message-log.ts';
import { QuestionState } from '../../../src/adapters/telegram/question-state.ts';
import { TelegramSender } from '../../../src/adapters/telegram/sender.ts';
import { Translator } from '../../../src/bot/i18n.ts';
import { createLogger } from '../../../src/bot/logger.ts';
import { useTestRedis } from '../../support/redis.ts';

const redis = useTestRedis('tgwipe');
const i18n = Translator.create();
const NOW = new Date('2026-11-22T10:00:00Z');
const nowSeconds = NOW.getTime() / 1000;

/** A fake Bot API: message 3 is gone already; everything else deletes. */
function fakeApi() {
  const deleted: number[] = [];
  const sent: string[] = [];
  const api = {
    deleteMessage: (_chat: string, id: number) => {
      if (id === 3) return Promise.reject(new Error('Bad Request: message to delete not found'));
      deleted.push(id);
      return Promise.resolve(true);
    },
    sendMessage: (_chat: string, text: string) => {
      sent.push(text);
      return Promise.resolve({ message_id: 100 + sent.length, date: nowSeconds });
    },
  };
  return { api: api as unknown as Api, deleted, sent };
}

describe('deleting a chat`s messages', () => {
  it('deletes what is younger than 48 hours and explains the rest', async () => {
    const logger = createLogger('silent');
    const messages = new MessageLog(redis.client, redis.prefix, 3600);
    const questions = new QuestionState(redis.client, redis.prefix, 3600);
    const { api, deleted, sent } = fakeApi();
    const sender = new TelegramSender({
      api,
      redis: redis.client,
      prefix: redis.prefix,
      questions,
      messages,
      i18n,
      defaultLanguage: 'de',
      logger,
    });
    await messages.add('42', [
      { messageId: 1, at: nowSeconds - DELETABLE_SECONDS - 60 },
      { messageId: 2, at: nowSeconds - 3600 },
      { messageId: 3, at: nowSeconds - 60 },
      { messageId: 4, at: nowSeconds - 1 },
    ]);
    await questions.set('42', { messageId: 4, kind: 'pick', options: [], marked: [] });

    const result = await wipeChat(
      { api, messages, questions, sender, i18n, logger, clock: () => NOW },
      '42',
      'en',
    );
    expect(result).toEqual({ deleted: 2, old: 1, failed: 1 });
    expect(deleted).toEqual([4, 2]);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toContain(i18n.t('en', { key: 'telegram:wipe.done', params: { count: 2 } }));
    expect(sent[0]).toContain(i18n.t('en', { key: 'telegram:wipe.old', params: { count: 1 } }));
    expect(sent[0]).toContain(i18n.t('en', { key: 'telegram:wipe.failed', params: { count: 1 } }));
    expect(await questions.get('42')).toBeUndefined();
    // The log now holds only the explanation, for a later wipe.
    expect((await messages.takeAll('42')).map((m) => m.messageId)).toEqual([101]);
  });
});

describe('the message log of a chat', () => {
  it('keeps the newest ids only, so that a flood cannot grow it without end', async () => {
    const messages = new MessageLog(redis.client, redis.prefix, 3600);
    const flood = Array.from({ length: MESSAGE_LOG_MAX + 250 }, (_, n) => ({
      messageId: n + 1,
      at: nowSeconds - 3600 + n,
    }));
    for (let i = 0; i < flood.length; i += 100) await messages.add('77', flood.slice(i, i + 100));
    const kept = await messages.takeAll('77');
    expect(kept).toHaveLength(MESSAGE_LOG_MAX);
    expect(kept[0]?.messageId).toBe(251);
    expect(kept.at(-1)?.messageId).toBe(MESSAGE_LOG_MAX + 250);
  });
});
