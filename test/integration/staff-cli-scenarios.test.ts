/**
 * The shared staff scenarios (test/support/staff-scenarios.ts) on the staff CLI: each command is a
 * real `npm run staff` process on the real Redis; reports become cases through this test's worker,
 * and staff replies reach the person through its outbound worker.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { createApp, type App } from '../../src/app.ts';
import { createLogger } from '../../src/bot/logger.ts';
import { loadConfig } from '../../src/config/load.ts';
import { generateStaffKeyPair } from '../../src/staff/seal.ts';
import { TestRedis, uniquePrefix } from '../support/redis.ts';
import { PersonChat, submitCase } from '../support/staff-cases.ts';
import { staffCli } from '../support/staff-cli.ts';
import { staffScenarios, type StaffSurfaceDriver } from '../support/staff-scenarios.ts';

const keys = generateStaffKeyPair();
let redis: TestRedis | undefined;
let app: App | undefined;
let driver: StaffSurfaceDriver | undefined;

beforeAll(async () => {
  redis = new TestRedis(uniquePrefix('staff_cli_scenarios'));
  const config = loadConfig({ REDIS_KEY_PREFIX: redis.prefix, STAFF_USERS: 'anna' }, null);
  const running = createApp(config, redis.client, createLogger('silent'), { keys });
  app = running;
  const person = new PersonChat();
  await running.addChannel(person);
  await running.startWorkers();
  const env = {
    REDIS_KEY_PREFIX: redis.prefix,
    STAFF_PRIVATE_KEY: keys.privateKey,
    STAFF_USERS: 'anna',
    DATA_DIR: mkdtempSync(join(tmpdir(), 'lotse-staff-scenarios-')),
    // The answer is all the suite reads: no warnings about unrelated settings beside it.
    LOG_LEVEL: 'error',
  };
  const run = async (user: string, words: readonly string[]) => {
    const result = await staffCli(words, { ...env, STAFF_USER: user });
    return `${result.stdout}${result.stderr}`.trim();
  };
  driver = {
    name: 'cli',
    prefix: '',
    eraseTwice: false,
    showsDetails: true,
    newCase: () =>
      submitCase(running, keys.publicKey, { platform: 'console', userId: 'p1', chatId: 'p1' }),
    staff: (words) => run('anna', words),
    stranger: (words) => run('mallory', words),
    status: async (caseRef) => (await running.cases.get(caseRef))?.status,
    personSaw: () => Promise.resolve([...person.texts]),
  };
});

afterAll(async () => {
  await app?.stop();
  await redis?.cleanup();
});

staffScenarios('staff CLI', () => {
  if (driver === undefined) throw new Error('the CLI driver did not start');
  return driver;
});
