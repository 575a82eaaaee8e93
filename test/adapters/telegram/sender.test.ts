import { describe, expect, it } from 'vitest';
import type { Api } from 'grammy';
import { MessageLog } from '../../../src/adapters/telegram/message-log.ts';
import { QuestionState } from '../../../src/adapters/telegram/question-state.ts';
import { TelegramSender } from '../../../src/adapters/telegram/sender.ts';
import { Translator } from '../../../src/bot/i18n.ts';
import { createLogger } from '../../../src/bot/logger.ts';
import type { InboundEvent, OutboundMessage } from '../../../src/bot/types.ts';
import { useTestRedis } from '../../support/redis.ts';

const redis = useTestRedis('tgsend');
const i18n = Translator.create();

/** A fake Bot API that records messages and can fail the n-th send. */
function fakeApi(failAt?: number) {
  const sent: { text: string; markup?: unknown }[] = [];
  let calls = 0;
  const api = {
    sendMessage: (_chat: string, text: string, options: { reply_markup?: unknown }) => {
      calls++;
      if (calls === failAt) return Promise.reject(new Error('network down'));
      sent.push({ text, markup: options.reply_markup });
      return Promise.resolve({ message_id: 10 + sent.length, date: 1 });
    },
    editMessageReplyMarkup: () => Promise.resolve(true),
  };
  return { api: api as unknown as Api, sent };
}

function sender(api: Api) {
  return new TelegramSender({
    api,
    redis: redis.client,
    prefix: redis.prefix,
    questions: new QuestionState(redis.client, redis.prefix, 60),
    messages: new MessageLog(redis.client, redis.prefix, 60),
    i18n,
    defaultLanguage: 'de',
    logger: createLogger('silent'),
  });
}

const event: InboundEvent = {
  platform: 'telegram',
  userId: '5',
  chatId: '5',
  eventId: '99',
  languageHint: 'en',
  input: { kind: 'text', text: 'x' },
};
const messages: OutboundMessage[] = [
  { text: 'Hint', expects: { kind: 'none' } },
  { text: 'A'.repeat(5000), expects: { kind: 'multi', options: [{ id: 'a', label: 'Eins' }] } },
];

describe('sending into a private chat', () => {
  it('splits long texts, puts the buttons on the last part and remembers the open question', async () => {
    const { api, sent } = fakeApi();
    await sender(api).deliver(event, messages);
    expect(sent.map((m) => m.text.length)).toEqual([4, 4096, 904]);
    expect(sent.map((m) => m.markup === undefined)).toEqual([true, true, false]);
    expect(JSON.stringify(sent[2]?.markup)).toContain(i18n.t('en', { key: 'telegram:multiDone' }));
    expect(await new QuestionState(redis.client, redis.prefix, 60).get('5')).toEqual({
      messageId: 13,
      kind: 'multi',
      options: [{ id: 'a', label: 'Eins' }],
      marked: [],
      lang: 'en',
    });
  });

  it('sends nothing twice when a delivery is repeated, also after a failure half-way', async () => {
    const failing = fakeApi(2);
    await expect(sender(failing.api).deliver(event, messages)).rejects.toThrow('network down');
    expect(failing.sent.map((m) => m.text.slice(0, 4))).toEqual(['Hint']);
    const retry = fakeApi();
    await sender(retry.api).deliver(event, messages);
    await sender(retry.api).deliver(event, messages);
    expect(retry.sent.map((m) => m.text.length)).toEqual([4096, 904]);
  });
});
