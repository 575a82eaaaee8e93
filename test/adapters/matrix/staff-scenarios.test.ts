/**
 * The shared staff scenarios (test/support/staff-scenarios.ts) in the Matrix staff room on a real
 * Synapse: a staff member with a cross-signed session types `!` commands in the encrypted room;
 * the desk is a real app's, whose workers make cases of reports and deliver staff replies.
 */
import { afterAll, beforeAll } from 'vitest';
import { createApp, type App } from '../../../src/app.ts';
import { createLogger } from '../../../src/bot/logger.ts';
import { loadConfig } from '../../../src/config/load.ts';
import { generateStaffKeyPair } from '../../../src/staff/seal.ts';
import { StaffRoster } from '../../../src/staff/roster.ts';
import { TestRedis, uniquePrefix } from '../../support/redis.ts';
import { PersonChat, submitCase } from '../../support/staff-cases.ts';
import { staffScenarios, type StaffSurfaceDriver } from '../../support/staff-scenarios.ts';
import { MatrixUser } from './harness/matrix-user.ts';
import { ensureSynapse, registerUser } from './harness/synapse.ts';
import { TestBot } from './harness/test-bot.ts';

const keys = generateStaffKeyPair();
let redis: TestRedis | undefined;
let app: App | undefined;
let bot: TestBot | undefined;
const people: MatrixUser[] = [];
let driver: StaffSurfaceDriver | undefined;

beforeAll(async () => {
  await ensureSynapse();
  redis = new TestRedis(uniquePrefix('matrix_staff_scenarios'));
  const [staff, stranger] = await Promise.all([
    MatrixUser.create('staff'),
    MatrixUser.create('stranger'),
  ]);
  people.push(staff, stranger);
  // Staff work from a session they have cross-signed, as Element sets it up.
  await staff.crossSign();
  const account = await registerUser('lotse-bot', { login: false });
  // Only the bot is invited: case details are shown while nobody but staff is in the room.
  const room = await staff.openGroup([account.userId]);

  const config = loadConfig({ REDIS_KEY_PREFIX: redis.prefix }, null);
  const running = createApp(config, redis.client, createLogger('silent'), {
    keys,
    roster: new StaffRoster({ matrix: [staff.userId] }),
  });
  app = running;
  const person = new PersonChat();
  await running.addChannel(person);
  await running.startWorkers();

  bot = await TestBot.create({
    account,
    redis: redis.client,
    prefix: redis.prefix,
    staffRoom: room,
    staffUserIds: [staff.userId],
    desk: running.desk,
  });
  await bot.start();
  await staff.membership(room, bot.userId, 'join');

  /** Sends a command and reads the bot's answer to it, as staff see it in the room. */
  const command = async (who: MatrixUser, words: readonly string[]) => {
    const id = await who.send(room, `!${words.join(' ')}`);
    return (await staff.nextMessage(room, (m) => m.replyTo === id)).body;
  };
  let strangerIn = false;
  driver = {
    name: 'matrix',
    prefix: '!',
    eraseTwice: true,
    showsDetails: true,
    newCase: () =>
      submitCase(running, keys.publicKey, { platform: 'console', userId: 'p1', chatId: 'p1' }),
    staff: (words) => command(staff, words),
    stranger: async (words) => {
      // Someone a staff member let into the room, who is not on the staff list.
      if (!strangerIn) {
        await staff.client.invite(room, stranger.userId);
        await stranger.join(room);
        await staff.membership(room, stranger.userId, 'join');
        strangerIn = true;
      }
      return command(stranger, words);
    },
    status: async (caseRef) => (await running.cases.get(caseRef))?.status,
    personSaw: () => Promise.resolve([...person.texts]),
  };
}, 15 * 60_000);

afterAll(async () => {
  await Promise.all(people.splice(0).map((p) => p.stop()));
  await bot?.dispose();
  await app?.stop();
  await redis?.cleanup();
});

staffScenarios('Matrix staff room', () => {
  if (driver === undefined) throw new Error('the Matrix driver did not start');
  return driver;
});
