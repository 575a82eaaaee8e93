/**
 * Crash at every step, through Telegram: the real program with the Telegram channel, against the
 * Bot API emulator (telegram-test-api behind test/support/bot-api-proxy.ts, which keeps an
 * unconfirmed update for the next process as Telegram does), is killed with SIGKILL at each input
 * of a whole intake and the case chat after it – once right after the input was queued, once
 * right after the answer was saved – and restarted. The person, tapping and typing in the
 * emulator's client, must see exactly what an uncrashed run shows, in the same order; no step
 * asked twice, one report.
 */
import { describe, expect, it } from 'vitest';
import { parseCaseRef } from '../../src/bot/case-ref.ts';
import { StateSeal } from '../../src/bot/state-seal.ts';
import { ReportsQueue } from '../../src/queue/reports-queue.ts';
import { generateStaffKeyPair } from '../../src/staff/seal.ts';
import { TOKEN, type BotMessage } from '../adapters/telegram/harness.ts';
import {
  compareTranscripts,
  crashEnv,
  exitWithin,
  releaseLock,
  shown,
  stopGently,
  useTelegramCrashRig,
} from '../support/crash-runs.ts';
import { reportFigures } from '../support/figures.ts';
import { INTAKE_AND_CASE_CHAT } from '../support/intake-script.ts';
import { useJsonl, type JsonlProcess } from '../support/jsonl-process.ts';
import { useTestRedis } from '../support/redis.ts';
import { staffCli } from '../support/staff-cli.ts';
import { settled, TelegramPerson } from '../support/telegram-person.ts';
import { eventually } from '../support/wait.ts';

/** What each run types and taps: the intake, the submission and the case chat after it. */
const SCRIPT = INTAKE_AND_CASE_CHAT;
const CASE_REF = /\b[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]\b/;

const redis = useTestRedis('crash_tg');
const start = useJsonl();
const rig = useTelegramCrashRig('lotse-crash-tg-');

/** The case reference the person was told (the first one in the chat), or ''. */
function caseRefIn(messages: readonly BotMessage[]): string {
  for (const m of messages) {
    const ref = parseCaseRef(CASE_REF.exec(m.text)?.[0] ?? '');
    if (ref !== undefined) return ref;
  }
  return '';
}

/** The chat without the random case reference. */
function transcript(messages: readonly BotMessage[]): string[] {
  const ref = caseRefIn(messages);
  return messages.map((m) => (ref === '' ? shown(m) : shown(m).replaceAll(ref, '#')));
}

describe('kill -9 at every step of the Telegram channel', () => {
  it('shows every answer once and in order, asks no step twice and makes one report', async () => {
    const { emulator, api, dataDir } = await rig();
    const keys = generateStaffKeyPair();
    const common = {
      TELEGRAM_BOT_TOKEN: TOKEN,
      STAFF_PRIVATE_KEY: keys.privateKey,
      STAFF_USERS: 'anna',
      SESSION_KEY: StateSeal.generateKey(),
      DATA_DIR: dataDir,
    };
    /** One person, one lane of the proxy and one key prefix per run: the runs never meet. */
    const lane = (name: string, userId: number) => {
      api.route(userId, name);
      const prefix = `${redis.prefix}_${name}`;
      const person = new TelegramPerson(emulator, api, userId);
      const run = (crashAt?: string): JsonlProcess =>
        start({
          prefix,
          env: {
            ...common,
            TELEGRAM_API_ROOT: api.apiRoot(name),
            // Fifty-odd starts of the program: compiled once, not each time.
            ...crashEnv(crashAt),
          },
        });
      /** Waits until the person has at least `n` messages and the conversation rests. */
      const seen = async (n: number) => {
        const ok = await eventually(
          async () =>
            (await person.messages()).length >= n &&
            (await settled(redis.client, prefix, `telegram:${userId}`)),
          (done) => done,
          20_000,
        );
        if (!ok)
          throw new Error(`${name}: fewer than ${n} messages: ${(await person.messages()).length}`);
      };
      return { name, prefix, person, run, seen, userId };
    };
    // The reference: the same script without a crash, run beside the crash runs and ahead of them.
    const ref = lane('ref', 601);
    /** How many messages the person has seen before each step, as soon as the reference knows. */
    const before = SCRIPT.map(() => Promise.withResolvers<number>());
    const referenceRun = (async () => {
      const reference = ref.run();
      for (const [step, line] of SCRIPT.entries()) {
        const n = (await ref.person.messages()).length;
        before[step]?.resolve(n);
        await ref.person.play(line);
        await ref.seen(n + 1);
      }
      expect(await stopGently(reference)).toEqual({ code: 0, signal: null });
      return ref.person.messages();
    })();
    // A failed reference fails the test, not the crash runs' waiting.
    referenceRun.catch((error: unknown) => {
      for (const b of before) b.reject(error);
    });

    // The two crash runs at once, each in its lane.
    const crashRun = async (point: 'received' | 'saved', userId: number) => {
      const run = lane(point, userId);
      const processes: JsonlProcess[] = [];
      for (const [step, line] of SCRIPT.entries()) {
        const bot = run.run(point);
        processes.push(bot);
        // Like a person, wait for the answer to the last step (the restarted process sends it).
        await run.seen(await before[step]!.promise);
        await run.person.play(line);
        // Every input reaches the store, so the process dies there.
        const exit = await exitWithin(bot);
        expect(
          exit,
          `${point}, step ${JSON.stringify(line).slice(0, 80)}: ${bot.stderr.slice(-800)}`,
        ).toMatchObject({ signal: 'SIGKILL' });
        await releaseLock(redis.client, run.prefix, `telegram:${userId}`);
      }
      const last = run.run();
      processes.push(last);
      await run.seen((await referenceRun).length);
      expect(await stopGently(last)).toEqual({ code: 0, signal: null });
      return { ...run, processes, chat: await run.person.messages() };
    };
    // Both to the end, so that a failing one leaves no process starting after the test.
    const settledRuns = await Promise.allSettled([
      crashRun('received', 602),
      crashRun('saved', 603),
    ]);
    const referenceChat = await referenceRun;
    const crashed = settledRuns.map((r) => {
      if (r.status === 'rejected') throw r.reason;
      return r.value;
    });
    const expected = transcript(referenceChat);
    expect(expected.length).toBeGreaterThan(SCRIPT.length);

    const figures: string[] = [];
    for (const run of crashed) {
      const seen = transcript(run.chat);
      const { lost, repeated, order } = compareTranscripts(seen, expected);
      figures.push(
        `kill -9 ${run.name} at ${SCRIPT.length} steps (${run.processes.length} processes): ${seen.length}/${expected.length} messages seen, ${lost} lost, ${repeated} repeated, order ${order}`,
      );
      expect(seen).toEqual(expected);
    }

    // One report per run, under the reference the person was told: made into a case, or still in
    // the queue (a worker killed while it worked leaves the job to the next worker).
    let made = 0;
    let stranger = 0;
    for (const run of [{ ...ref, chat: referenceChat }, ...crashed]) {
      const told = caseRefIn(run.chat);
      expect(told, run.name).not.toBe('');
      const reports = new ReportsQueue(redis.client, run.prefix);
      const cli = { ...common, REDIS_KEY_PREFIX: run.prefix, STAFF_USER: 'anna' };
      const listed = await eventually(
        async () => JSON.parse((await staffCli(['list', '--json'], cli)).stdout) as object[],
        (cases) => cases.length > 0,
        5_000,
      );
      const cases = listed.map((c) => (c as { caseRef: string }).caseRef);
      const queued = (await reports.queue.getJobs()).map((job) => job.id ?? '');
      await reports.close();
      const refs = [...new Set([...cases, ...queued])];
      made += refs.length;
      stranger += refs.filter((r) => r !== told).length;
      expect(refs, run.name).toEqual([told]);
    }
    figures.push(
      `reports: ${made} for 3 runs, ${stranger} not told to anyone; ${api.redelivered} updates handed to a process again`,
    );
    reportFigures('crash, telegram', figures);
    // 53 starts of the program: one to three minutes on the development machine, with its load.
  }, 600_000);
});
