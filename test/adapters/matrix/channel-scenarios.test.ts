/**
 * The shared channel scenarios (test/support/channel-scenarios.ts) on Matrix: each person opens an
 * encrypted direct chat with one bot, answers by typing numbers and words, and sends encrypted files.
 */
import { afterAll, beforeAll } from 'vitest';
import { renderNotice } from '../../../src/adapters/matrix/render.ts';
import type { Language } from '../../../src/flows/types.ts';
import {
  channelScenarios,
  type ChannelDriver,
  type Question,
} from '../../support/channel-scenarios.ts';
import { everythingUnder, TestRedis, uniquePrefix } from '../../support/redis.ts';
import { MatrixUser, typed, type BotMessage } from './harness/matrix-user.ts';
import { ensureSynapse, registerUser } from './harness/synapse.ts';
import { TestBot } from './harness/test-bot.ts';

let redis: TestRedis | undefined;
/** Attachments the bot has downloaded from the homeserver so far. */
let downloads = 0;
let bot: TestBot | undefined;
const people: MatrixUser[] = [];

beforeAll(async () => {
  await ensureSynapse();
  redis = new TestRedis(uniquePrefix('matrix_scenarios'));
  const account = await registerUser('lotse-bot', { login: false });
  bot = await TestBot.create({
    account,
    redis: redis.client,
    prefix: redis.prefix,
    // Counts media downloads, to show which files were never fetched.
    fetch: (input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      if (url.includes('/media/download/') || url.includes('/media/v3/download/')) downloads++;
      return globalThis.fetch(input, init);
    },
  });
  await bot.start();
}, 15 * 60_000);

afterAll(async () => {
  await Promise.all(people.splice(0).map((p) => p.stop()));
  await bot?.dispose();
  await redis?.cleanup();
});

/** The message's text without the options list the channel adds below it. */
function textOf(message: BotMessage): string {
  const expects = message.expects;
  if (expects?.options === undefined || expects.options.length === 0) return message.body;
  const list = renderNotice({ text: '', expects } as Parameters<typeof renderNotice>[0]).body;
  return message.body.endsWith(list) ? message.body.slice(0, -list.length) : message.body;
}

class MatrixDriver implements ChannelDriver {
  readonly #person: MatrixUser;
  readonly #bot: string;
  #room: string;
  #last: BotMessage[];

  constructor(person: MatrixUser, bot: string, room: string, greeting: BotMessage[]) {
    this.#person = person;
    this.#bot = bot;
    this.#room = room;
    this.#last = greeting;
  }

  /** After "delete my data" the bot has left the chat: a new direct chat starts afresh. */
  async reopen(): Promise<string[]> {
    await this.#person.membership(this.#room, this.#bot, 'leave');
    this.#room = await this.#person.openDirectChat(this.#bot);
    this.#last = await this.#person.nextBatch(this.#room);
    return this.lastReplies();
  }

  async sendText(text: string): Promise<void> {
    this.#last = await this.#person.say(this.#room, text);
  }

  async tap(optionId: string): Promise<void> {
    await this.sendText(typed({ choice: optionId }, this.#last.at(-1)));
  }

  async choose(optionIds: readonly string[]): Promise<void> {
    await this.sendText(typed({ choices: [...optionIds] }, this.#last.at(-1)));
  }

  async sendFile(file: { name: string; mime: string; bytes: Uint8Array }): Promise<void> {
    this.#last = await this.#person.replies(await this.#person.sendFile(this.#room, file));
  }

  lastQuestion(): Promise<Question> {
    const question = this.#last.at(-1);
    if (question === undefined) return Promise.reject(new Error('no message yet'));
    return Promise.resolve({ text: textOf(question), options: question.expects?.options ?? [] });
  }

  lastReplies(): Promise<string[]> {
    return Promise.resolve(this.#last.map(textOf));
  }

  stored(): Promise<string> {
    if (redis === undefined) return Promise.reject(new Error('no Redis'));
    return everythingUnder(redis.client, redis.prefix);
  }

  fetchedFiles(): Promise<number> {
    return Promise.resolve(downloads);
  }
}

channelScenarios('Matrix (encrypted direct chat)', async (language: Language) => {
  if (bot === undefined) throw new Error('the bot did not start');
  const person = await MatrixUser.create('person');
  people.push(person);
  const room = await person.openDirectChat(bot.userId);
  const driver = new MatrixDriver(person, bot.userId, room, await person.nextBatch(room));
  if (language !== 'de') {
    await driver.sendText('/sprache');
    await driver.tap(language);
  }
  return driver;
});
