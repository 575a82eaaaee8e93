/**
 * The shared channel scenarios (test/support/channel-scenarios.ts) through the Telegram channel:
 * the emulator over real HTTP, button taps for options, documents for files.
 */
import { afterEach } from 'vitest';
import { channelScenarios, type ChannelDriver } from '../../support/channel-scenarios.ts';
import { everythingUnder, useTestRedis } from '../../support/redis.ts';
import { seenOf, TelegramHarness, type TelegramUser } from './harness.ts';

const redis = useTestRedis('tgscen');
let h: TelegramHarness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

let nextUser = 500;
let nextFile = 0;

channelScenarios('Telegram', async (language) => {
  h = await TelegramHarness.start({ redis: redis.client, prefix: redis.prefix });
  const harness = h;
  const user: TelegramUser = harness.user({ userId: nextUser++, languageCode: language });
  let seenUpTo = 0;
  /** Runs an input and notes which bot messages were there before it. */
  const input = async (act: () => Promise<unknown>) => {
    seenUpTo = (await user.messages()).at(-1)?.messageId ?? 0;
    await act();
  };
  const driver: ChannelDriver = {
    sendText: (text) => input(() => user.send(text)),
    tap: (id) => input(() => user.tap(id)),
    choose: (ids) => input(() => user.choose(ids)),
    sendFile: (file) =>
      input(() => {
        const id = `file-${nextFile++}`;
        harness.files.set(id, { bytes: file.bytes });
        return user.sendContent({
          document: {
            file_id: id,
            file_unique_id: id,
            file_name: file.name,
            mime_type: file.mime,
            file_size: file.bytes.byteLength,
          },
        });
      }),
    lastQuestion: async () => {
      const last = (await user.messages()).at(-1);
      if (last === undefined) throw new Error('no message');
      const seen = seenOf(last);
      // A question answered by typing keeps no buttons; one still open shows them.
      return seen;
    },
    lastReplies: async () =>
      (await user.messages()).filter((m) => m.messageId > seenUpTo).map((m) => m.text),
    stored: () => everythingUnder(redis.client, redis.prefix),
    fetchedFiles: () => Promise.resolve(harness.callsOf('getFile').length),
  };
  return driver;
});
