/**
 * The shared channel scenarios (test/support/channel-scenarios.ts) through the console channel in
 * JSON-lines mode: the real program as a child process, the real Redis.
 */
import { randomBytes } from 'node:crypto';
import { channelScenarios, type ChannelDriver } from '../../support/channel-scenarios.ts';
import { messagesOf, useJsonl, type MessageLine } from '../../support/jsonl-process.ts';
import { everythingUnder, useTestRedis } from '../../support/redis.ts';

const redis = useTestRedis('scen');
const start = useJsonl();

channelScenarios('console JSON lines', (language) => {
  const bot = start({
    prefix: redis.prefix,
    user: `p${randomBytes(4).toString('hex')}`,
    lang: language,
  });
  let last: MessageLine[] = [];
  const send = async (line: object) => {
    last = messagesOf(await bot.send(line));
  };
  const driver: ChannelDriver = {
    sendText: (text) => send({ text }),
    tap: (id) => send({ choice: id }),
    choose: (ids) => send({ choices: ids }),
    sendFile: (file) =>
      send({
        file: {
          name: file.name,
          mime: file.mime,
          data: Buffer.from(file.bytes).toString('base64'),
        },
      }),
    lastQuestion: () => {
      const question = last.at(-1);
      if (question === undefined) return Promise.reject(new Error('no message'));
      return Promise.resolve({ text: question.text, options: question.expects.options ?? [] });
    },
    lastReplies: () => Promise.resolve(last.map((m) => m.text)),
    stored: () => everythingUnder(redis.client, redis.prefix),
  };
  return Promise.resolve(driver);
});
