/**
 * Crash at every point of the staff reply path: staff reply in the staff CLI, and the real program
 * that delivers the reply through the outbound queue to the person's Telegram chat (the emulator,
 * behind test/support/bot-api-proxy.ts) is killed with SIGKILL at each point of that path – the
 * job taken, the message sent but not marked, marked but the conversation not told, everything
 * done but the job not completed – and started again. The person must get each reply exactly
 * once, and their answer to it must reach the case, as without a crash.
 */
import { describe, expect, it } from 'vitest';
import { newCaseRef } from '../../src/bot/case-ref.ts';
import { StateSeal } from '../../src/bot/state-seal.ts';
import { OutboundQueue, outboundQueueName } from '../../src/queue/outbound.ts';
import { ReportsQueue } from '../../src/queue/reports-queue.ts';
import { generateStaffKeyPair } from '../../src/staff/seal.ts';
import { TOKEN, type BotMessage } from '../adapters/telegram/harness.ts';
import {
  crashEnv,
  exitWithin,
  shown,
  stopGently,
  useTelegramCrashRig,
} from '../support/crash-runs.ts';
import { reportFigures } from '../support/figures.ts';
import { useJsonl, type JsonlProcess } from '../support/jsonl-process.ts';
import { madeCase } from '../support/made-case.ts';
import { useTestRedis } from '../support/redis.ts';
import { reportJob, sampleReport } from '../support/reports.ts';
import { staffCli } from '../support/staff-cli.ts';
import { settled, TelegramPerson } from '../support/telegram-person.ts';
import { eventually } from '../support/wait.ts';

/** The points of the outbound path (test/support/crash-at.ts); none: the reference. */
const POINTS = [
  'none',
  'outbound-taken',
  'outbound-sent',
  'outbound-marked',
  'outbound-done',
] as const;

const redis = useTestRedis('crash_out');
const start = useJsonl();
const rig = useTelegramCrashRig('lotse-crash-out-');

describe('kill -9 at every point of the staff reply path', () => {
  it('delivers each reply once, and the answer to it reaches the case', async () => {
    const { emulator, api, dataDir } = await rig();
    const keys = generateStaffKeyPair();
    const env = {
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: api.apiRoot(),
      STAFF_PRIVATE_KEY: keys.privateKey,
      STAFF_USERS: 'anna',
      SESSION_KEY: StateSeal.generateKey(),
      DATA_DIR: dataDir,
    };
    const cli = { ...env, REDIS_KEY_PREFIX: redis.prefix, STAFF_USER: 'anna' };
    const run = (crashAt?: string): JsonlProcess =>
      start({
        prefix: redis.prefix,
        env: {
          ...env,
          ...crashEnv(crashAt),
        },
      });
    const person = new TelegramPerson(emulator, api, 701);
    const outbound = new OutboundQueue(redis.client, redis.prefix);
    const queue = outbound.queue('telegram');
    /** Waits until the chat shows what `done` wants and the conversation rests. */
    const chatUntil = async (done: (messages: BotMessage[]) => boolean, what: string) => {
      const ok = await eventually(
        async () =>
          done(await person.messages()) &&
          (await settled(redis.client, redis.prefix, 'telegram:701')),
        (yes) => yes,
        20_000,
      );
      if (!ok) throw new Error(`${what}: ${JSON.stringify((await person.messages()).at(-1))}`);
    };
    /** Types or taps and waits for the answer. */
    const say = async (line: object) => {
      const n = (await person.messages()).length;
      await person.play(line);
      await chatUntil((m) => m.length > n, JSON.stringify(line));
    };

    // A report of the person's (as the intake queues it), made into a case and claimed; the
    // person is at the menu.
    const caseRef = newCaseRef();
    const reports = new ReportsQueue(redis.client, redis.prefix);
    await reports.submit(
      reportJob(
        caseRef,
        {
          report: sampleReport(caseRef),
          address: { platform: 'telegram', userId: '701', chatId: '701' },
        },
        keys.publicKey,
      ),
    );
    await reports.close();
    let bot = run();
    await madeCase(redis.client, redis.prefix, keys.privateKey, caseRef);
    expect((await staffCli(['claim', caseRef], cli)).code).toBe(0);
    await say({ command: 'start' });

    const jobs = `${redis.prefix}:bull:${outboundQueueName('telegram')}`;
    const segments: string[][] = [];
    const figures: string[] = [];
    for (const [index, point] of POINTS.entries()) {
      const reply = `Antwort Nummer ${index} vom Büro.`;
      const thanks = `Danke für Antwort ${index}.`;
      const from = (await person.messages()).length;
      let before = '';
      if (point !== 'none') {
        expect(await stopGently(bot)).toEqual({ code: 0, signal: null });
        bot = run(point);
      }
      expect((await staffCli(['reply', caseRef, reply], cli)).code).toBe(0);
      if (point !== 'none') {
        const exit = await exitWithin(bot);
        expect(exit, `${point}: ${bot.stderr.slice(-800)}`).toMatchObject({ signal: 'SIGKILL' });
        // Killed where it should be: before the message went out, or after.
        const out = (await person.messages()).filter((m) => m.text.includes(reply)).length;
        expect(out, `${point}: the reply on screen before the restart`).toBe(
          point === 'outbound-taken' ? 0 : 1,
        );
        before = `${out}× before the restart, `;
        // The killed worker's job lock would expire after 30 s and BullMQ's stalled check (every
        // 30 s) would give the job to the next worker; the test lets that time pass at once.
        for (const id of await redis.client.lrange(`${jobs}:active`, 0, -1)) {
          await redis.client.del(`${jobs}:${id}:lock`);
          await redis.client.sadd(`${jobs}:stalled`, id);
        }
        await redis.client.del(`${jobs}:stalled-check`);
        bot = run();
      }
      // The reply arrives, and nothing of it is left in the queue to come again.
      await chatUntil((m) => m.some((x) => x.text.includes(reply)), `${point}: no reply`);
      const left = await eventually(
        async () => {
          const counts = await queue.getJobCounts('active', 'wait', 'delayed', 'prioritized');
          return Object.values(counts).reduce((a, b) => a + b, 0);
        },
        (n) => n === 0,
      );
      expect(left, `${point}: jobs left in the outbound queue`).toBe(0);
      // The person answers: it goes to the case, as after any staff reply.
      await say({ text: thanks });
      await say({ text: '/menu' });
      const chat = (await person.messages()).slice(from);
      const times = chat.filter((m) => m.text.includes(reply)).length;
      figures.push(`${point}: reply seen ${before}${times}× in all, ${chat.length} messages`);
      segments.push(
        chat.map((m) =>
          shown(m).replaceAll(caseRef, '#').replaceAll(reply, 'REPLY').replaceAll(thanks, 'THANKS'),
        ),
      );
      expect(times, point).toBe(1);
    }
    expect(await stopGently(bot)).toEqual({ code: 0, signal: null });
    await outbound.close();

    // Every segment reads as the one without a crash, and the case holds every answer.
    for (const [index, segment] of segments.entries())
      expect(segment, POINTS[index]).toEqual(segments[0]);
    const shownCase = (await staffCli(['show', caseRef], cli)).stdout;
    const reached = POINTS.filter((_, i) => shownCase.includes(`Danke für Antwort ${i}.`)).length;
    figures.push(
      `kill -9 at ${POINTS.length - 1} points of the staff reply path: ${reached}/${POINTS.length} answers to a reply in the case`,
    );
    reportFigures('crash, staff reply', figures);
    expect(reached).toBe(POINTS.length);
  }, 240_000);
});
