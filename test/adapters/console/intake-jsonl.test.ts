import { Queue } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCaseRef } from '../../../src/bot/case-ref.ts';
import { reportSchema } from '../../../src/flows/intake/report.ts';
import { REPORTS_QUEUE, reportJobSchema } from '../../../src/queue/reports-queue.ts';
import {
  questionOf,
  useJsonl,
  type JsonlProcess,
  type MessageLine,
} from '../../support/jsonl-process.ts';
import { useTestRedis } from '../../support/redis.ts';

const redis = useTestRedis('intake');
const start = useJsonl();
let queue: Queue | undefined;
afterEach(async () => {
  await queue?.close();
  queue = undefined;
});

/** Sends each line in turn and returns the last question. */
async function walk(bot: JsonlProcess, lines: readonly object[]): Promise<MessageLine> {
  let last: MessageLine | undefined;
  for (const line of lines) last = questionOf(await bot.send(line));
  if (last === undefined) throw new Error('no lines');
  return last;
}

const GERMAN_INTAKE = [
  { command: 'start' },
  { choice: 'report' },
  { choice: 'no' },
  { choice: 'agree' },
  { text: '1' },
  { choices: ['threat', 'hateOnline'] },
  { choice: 'online' },
  { text: 'Instagram' },
  { text: 'https://instagram.com/p/abc' },
  { text: 'gestern' },
  { text: 'Bayern' },
  { choice: 'skip' },
  { text: 'Drohung unter meinem Beitrag. MARKER-4711' },
  {
    file: {
      name: 'shot.png',
      mime: 'image/png',
      data: Buffer.from('png bytes').toString('base64'),
    },
  },
  { text: 'Fertig' },
  { choice: 'known' },
  { choice: 'no' },
  { choice: 'no' },
  { text: '2' },
  { choice: 'chat' },
  { choice: 'remind' },
];

describe('incident intake over the console JSON-lines channel', () => {
  it('submits exactly one report to the BullMQ queue and shows its case reference', async () => {
    const bot = start({ prefix: redis.prefix, user: 'mayor' });
    const summary = await walk(bot, GERMAN_INTAKE);
    expect(summary.expects.kind).toBe('confirm');
    expect(summary.text).toContain('MARKER-4711');

    const sent = await bot.send({ choice: 'send' });
    const confirmation = sent.find(
      (l): l is MessageLine => l.type === 'message' && l.case !== undefined,
    );
    expect(confirmation).toBeDefined();
    const caseRef = confirmation?.case ?? '';
    expect(parseCaseRef(caseRef)).toBe(caseRef);
    expect(confirmation?.text).toContain(caseRef);
    // A second confirm (a double tap) makes no second report.
    await bot.send({ choice: 'send' });
    expect(await bot.close()).toBe(0);

    queue = new Queue(REPORTS_QUEUE, {
      connection: redis.connection(),
      prefix: `${redis.prefix}:bull`,
    });
    const jobs = await queue.getJobs(['prioritized', 'waiting']);
    expect(jobs).toHaveLength(1);
    const job = reportJobSchema.parse(jobs[0]?.data);
    expect(jobs[0]?.id).toBe(caseRef);
    expect(job.address).toEqual({ platform: 'console', userId: 'mayor', chatId: 'mayor' });
    const report = reportSchema.parse(job.report);
    expect(report).toMatchObject({
      caseRef,
      platform: 'instagram',
      state: 'BY',
      role: 'mayorFull',
      reminder: true,
    });
    expect(report.evidence.files).toHaveLength(1);
    expect(report.evidence.files[0]?.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('runs in English and gives urgent reports the higher priority', async () => {
    const bot = start({ prefix: redis.prefix, user: 'councillor', lang: 'en' });
    const summary = await walk(bot, [
      { command: 'start' },
      { choice: 'report' },
      { choice: 'yes' },
      { choice: 'continue' },
      { choice: 'agree' },
      { choice: 'council' },
      { choices: ['physical'] },
      { choice: 'inPerson' },
      { text: 'today' },
      { text: 'Saxony' },
      { text: 'Leipzig' },
      { text: 'Someone pushed me at the market stall.' },
      { choice: 'done' },
      { choice: 'unknown' },
      { choice: 'planned' },
      { choice: 'no' },
      { choices: ['callBack'] },
      { choice: 'none' },
      { choice: 'noRemind' },
    ]);
    expect(summary.text).toContain('Please check your answers');
    const sent = await bot.send({ choice: 'send' });
    const confirmation = sent.find(
      (l): l is MessageLine => l.type === 'message' && l.case !== undefined,
    );
    expect(confirmation?.text).toContain('urgent');
    expect(await bot.close()).toBe(0);

    queue = new Queue(REPORTS_QUEUE, {
      connection: redis.connection(),
      prefix: `${redis.prefix}:bull`,
    });
    const [job] = await queue.getJobs(['prioritized', 'waiting']);
    expect(job?.opts.priority).toBe(1);
    expect(reportJobSchema.parse(job?.data).urgent).toBe(true);
  });

  it('goes on at the same question after kill -9 and a restart', async () => {
    const first = start({ prefix: redis.prefix, user: 'volunteer' });
    const asked = await walk(first, GERMAN_INTAKE.slice(0, 7));
    expect(asked.text).toContain('Plattform');
    await first.kill('SIGKILL');

    const second = start({ prefix: redis.prefix, user: 'volunteer' });
    // The platform question is still the open one: its answer is accepted.
    const next = await walk(second, [{ choice: 'telegram' }]);
    expect(next.text).toContain('Link');
    expect(await second.close()).toBe(0);
  });
});
