/**
 * Redis crash and Redis restart with the append-only file (appendfsync everysec, as
 * docker-compose.yml and the autostarted Redis run it): every report a person was told had arrived
 * is still there afterwards, a draft in progress goes on at its step, and the running program
 * carries on without a restart of its own, and stops cleanly afterwards, also while its connections
 * still wait to reconnect. Runs on a redis-server of its own (never the shared one).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { TelegramServer } from 'telegram-test-api/lib/telegramServer.js';
import { afterEach, describe, expect, it } from 'vitest';
import { StateSeal } from '../../src/bot/state-seal.ts';
import { CaseStore } from '../../src/staff/case-store.ts';
import { ReportsQueue } from '../../src/queue/reports-queue.ts';
import { generateStaffKeyPair } from '../../src/staff/seal.ts';
import { freePort, TOKEN } from '../adapters/telegram/harness.ts';
import { reportFigures } from '../support/figures.ts';
import { GERMAN_INTAKE, walk } from '../support/intake-script.ts';
import { messagesOf, useJsonl, type JsonlProcess } from '../support/jsonl-process.ts';
import { RestartableRedis } from '../support/restartable-redis.ts';

const PREFIX = 'lotse-aof';
const PEOPLE = 4;

/** Walks the whole intake and sends it; the case reference the person was told. */
async function report(bot: JsonlProcess, user: string): Promise<string> {
  await walk(
    bot,
    GERMAN_INTAKE.map((line) => ({ ...line, user })),
  );
  const sent = messagesOf(await bot.send({ user, choice: 'send' }));
  const ref = sent.find((m) => m.case !== undefined)?.case;
  if (ref === undefined) throw new Error('no confirmation');
  return ref;
}

describe('Redis crash and restart with the append-only file', () => {
  const start = useJsonl();
  let own: RestartableRedis | undefined;
  afterEach(async () => {
    await own?.crash();
    own = undefined;
  });

  for (const how of ['crash', 'restart'] as const) {
    it(`keeps every confirmed report across a Redis ${how}`, async () => {
      own = await RestartableRedis.start([
        '--appendonly',
        'yes',
        '--appendfsync',
        'everysec',
        '--save',
        '',
      ]);
      const keys = generateStaffKeyPair();
      const bot = start({
        prefix: PREFIX,
        user: 'p0',
        env: {
          REDIS_URL: own.url,
          STAFF_PRIVATE_KEY: keys.privateKey,
          DATA_DIR: mkdtempSync(join(tmpdir(), 'lotse-aof-')),
        },
        replyTimeoutMs: 30_000,
        logLevel: 'info',
      });
      const told: string[] = [];
      for (let i = 0; i < PEOPLE; i++) told.push(await report(bot, `p${i}`));
      // Someone half-way through: their draft must go on at the same step.
      const halfway = GERMAN_INTAKE.slice(0, 10).map((line) => ({ ...line, user: 'draft' }));
      await walk(bot, halfway);
      // … and the Redis process dies (or is restarted) right after the last confirmation.
      if (how === 'crash') await own.crash();
      else await own.stop();
      await own.restart();

      // The program carries on: the draft continues at its step, a new report goes through.
      const rest = GERMAN_INTAKE.slice(10).map((line) => ({ ...line, user: 'draft' }));
      await walk(bot, rest);
      const after = messagesOf(await bot.send({ user: 'draft', choice: 'send' }));
      const draftRef = after.find((m) => m.case !== undefined)?.case;
      expect(draftRef).toBeDefined();
      told.push(draftRef ?? '');

      const redis = own.connect();
      const reports = new ReportsQueue(redis, PREFIX);
      const cases = new CaseStore(redis, PREFIX);
      const found: string[] = [];
      for (const ref of told)
        if ((await cases.get(ref)) !== undefined || (await reports.pending(ref))) found.push(ref);
      await reports.close();
      redis.disconnect();
      // The program ends cleanly: its queue workers close though their connections went through
      // the restart (src/infra/redis/closable.ts).
      const closed = await bot.close(20_000);
      reportFigures(`redis ${how}`, [
        `${PEOPLE} reports confirmed before the ${how === 'crash' ? 'kill -9 of Redis' : 'Redis restart'}, 1 draft across it: ${found.length}/${told.length} reports found afterwards, ${told.length - found.length} lost; program stop ${closed === 0 ? 'clean' : `exit ${String(closed)}`}`,
      ]);
      expect(found).toEqual(told);
      expect(bot.stderr).not.toContain('stopped before everything finished');
      expect(closed).toBe(0);
    }, 120_000);
  }

  it('stops cleanly right after Redis came back, its connections still waiting to reconnect', async () => {
    own = await RestartableRedis.start(['--appendonly', 'yes', '--save', '']);
    // With the Telegram staff group (on the emulator) the program relays the staff feed too.
    const emulator = new TelegramServer({ port: await freePort(), host: '127.0.0.1' });
    await emulator.start();
    try {
      const bot = start({
        prefix: PREFIX,
        user: 'p0',
        env: {
          REDIS_URL: own.url,
          STAFF_PRIVATE_KEY: generateStaffKeyPair().privateKey,
          SESSION_KEY: StateSeal.generateKey(),
          DATA_DIR: mkdtempSync(join(tmpdir(), 'lotse-aof-')),
          TELEGRAM_BOT_TOKEN: TOKEN,
          TELEGRAM_API_ROOT: emulator.config.apiURL,
          TELEGRAM_STAFF_CHAT_ID: '-1001',
          TELEGRAM_STAFF_USER_IDS: '900',
        },
        logLevel: 'info',
      });
      await walk(bot, GERMAN_INTAKE.slice(0, 2));
      await own.crash();
      // Down long enough that the connections wait a while between their attempts …
      await sleep(3_000);
      await own.restart();
      // … and stopped before they tried again. Closing a queue worker or the feed relay whose
      // connection waits to reconnect used to wait for an `end` event that never came, and the
      // bounded stop cut the program off with exit code 1.
      const exit = await bot.kill('SIGTERM');
      reportFigures('redis stop', [
        `program with the Telegram staff group stopped right after a kill -9 and restart of Redis: ${exit.code === 0 ? 'clean' : `exit ${String(exit.code)}`}`,
      ]);
      expect(bot.stderr).not.toContain('stopped before everything finished');
      expect(exit).toEqual({ code: 0, signal: null });
    } finally {
      await emulator.stop();
    }
  }, 60_000);
});
