/**
 * A test bot of its own against Synapse, started, that counts the media it downloads, and a person
 * (anna) in an encrypted direct chat with it who has the greeting: the set-up of the Matrix file
 * tests, which show that some files are refused before they are fetched.
 */
import { MatrixUser, type BotMessage } from './matrix-user.ts';
import { registerUser } from './synapse.ts';
import { TestBot, type TestBotOptions } from './test-bot.ts';

export interface BotChat {
  readonly bot: TestBot;
  readonly anna: MatrixUser;
  readonly room: string;
  /** The bot's first messages in the chat. */
  readonly hello: BotMessage[];
  /** How many media downloads the bot has made so far. */
  readonly downloads: () => number;
}

export async function botChat(
  options: Omit<TestBotOptions, 'account' | 'fetch'>,
  defer: (step: () => Promise<unknown>) => void,
): Promise<BotChat> {
  let downloads = 0;
  const account = await registerUser('lotse-bot', { login: false });
  const bot = await TestBot.create({
    ...options,
    account,
    fetch: (input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      if (url.includes('/download/')) downloads++;
      return globalThis.fetch(input, init);
    },
  });
  defer(() => bot.dispose());
  await bot.start();
  const anna = await MatrixUser.create('anna');
  defer(() => anna.stop());
  const room = await anna.openDirectChat(bot.userId);
  const hello = await anna.nextBatch(room);
  return { bot, anna, room, hello, downloads: () => downloads };
}
