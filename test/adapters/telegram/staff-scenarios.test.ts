/**
 * The shared staff scenarios (test/support/staff-scenarios.ts) in the Telegram staff group: staff
 * type `/` commands in the emulated group over real HTTP; the app's own desk and workers make
 * cases of reports and deliver staff replies into the person's chat.
 */
import { afterAll, beforeAll } from 'vitest';
import { generateStaffKeyPair } from '../../../src/staff/seal.ts';
import { TestRedis, uniquePrefix } from '../../support/redis.ts';
import { submitCase } from '../../support/staff-cases.ts';
import { staffScenarios, type StaffSurfaceDriver } from '../../support/staff-scenarios.ts';
import { TelegramHarness, type TelegramUser } from './harness.ts';

const keys = generateStaffKeyPair();
let redis: TestRedis | undefined;
let h: TelegramHarness | undefined;
let driver: StaffSurfaceDriver | undefined;

/** Types a command in the group and reads the bot's answer (the group's last message). */
async function command(who: TelegramUser, words: readonly string[]): Promise<string> {
  await who.send(`/${words.join(' ')}`);
  return (await who.messages()).at(-1)?.text ?? '';
}

beforeAll(async () => {
  redis = new TestRedis(uniquePrefix('tg_staff_scenarios'));
  const harness = await TelegramHarness.start({
    redis: redis.client,
    prefix: redis.prefix,
    staff: { chatId: '-1001', userIds: ['900'] },
    appDesk: true,
    keys,
  });
  h = harness;
  const person = harness.user({ userId: 208 });
  await person.send('/start');
  const anna = harness.user({ userId: 900, chatId: -1001, type: 'supergroup', userName: 'anna' });
  const mallory = harness.user({ userId: 901, chatId: -1001, type: 'supergroup' });
  driver = {
    name: 'telegram',
    prefix: '/',
    eraseTwice: true,
    showsDetails: false,
    newCase: () =>
      submitCase(harness.app, keys.publicKey, {
        platform: 'telegram',
        userId: '208',
        chatId: '208',
      }),
    staff: (words) => command(anna, words),
    stranger: (words) => command(mallory, words),
    status: async (caseRef) => (await harness.app.cases.get(caseRef))?.status,
    personSaw: async () => (await person.messages()).map((m) => m.text),
  };
}, 60_000);

afterAll(async () => {
  await h?.stop();
  await redis?.cleanup();
});

staffScenarios('Telegram staff group', () => {
  if (driver === undefined) throw new Error('the Telegram driver did not start');
  return driver;
});
