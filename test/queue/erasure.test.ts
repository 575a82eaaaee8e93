/**
 * "Delete my data" and staff `erase` against the real Redis and real BullMQ queues: what goes,
 * what stays for staff, and that nothing of an erased case or withdrawn report is left.
 */
import type { Job } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.ts';
import { createLogger } from '../../src/bot/logger.ts';
import { loadConfig } from '../../src/config/load.ts';
import type { Report } from '../../src/flows/intake/report.ts';
import { reportJob, sampleReport } from '../support/reports.ts';
import type { OutboundJob } from '../../src/queue/outbound.ts';
import { generateStaffKeyPair } from '../../src/staff/seal.ts';
import { keysUnder, useTestRedis } from '../support/redis.ts';
import { until } from '../support/wait.ts';

const redis = useTestRedis('erasure');
const logger = createLogger('silent');
const keys = generateStaffKeyPair();
const running: App[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((app) => app.stop()));
});

const anna = { id: 'anna', name: 'anna' };
const person = (userId: string) => ({ platform: 'console' as const, userId, chatId: userId });

function report(caseRef: string, overrides: Partial<Report> = {}): Report {
  return sampleReport(caseRef, { reminder: true, ...overrides });
}

/**
 * A worker process (it makes cases and works reminders; no messenger channel, so messages to
 * people wait in their queue as they do while the bot is away).
 */
async function worker(): Promise<App> {
  const config = loadConfig({ REDIS_KEY_PREFIX: redis.prefix, STAFF_USERS: 'anna' }, null);
  const app = createApp(config, redis.client, logger, { keys, role: 'worker' });
  running.push(app);
  await app.startWorkers();
  return app;
}

/** What the bot does on "send": notes the report under the conversation, then queues it. */
async function submit(app: App, userId: string, caseRef: string, overrides: Partial<Report> = {}) {
  await app.cases.track(app.cases.convId(`console:${userId}`), caseRef, new Date());
  await app.reports.submit(
    reportJob(
      caseRef,
      { report: report(caseRef, overrides), address: person(userId) },
      keys.publicKey,
    ),
  );
}

const reply = (userId: string, caseRef: string, text: string): OutboundJob => ({
  v: 1,
  address: person(userId),
  lang: 'de',
  message: { kind: 'staff-reply', caseRef, text },
});

/** Reminder jobs still waiting, as "kind caseRef". */
async function reminderJobs(app: App): Promise<string[]> {
  const jobs: Job[] = await app.reminders.queue.getJobs(['waiting', 'delayed', 'prioritized']);
  return jobs
    .map((job) => job.data as { kind: string; caseRef?: string })
    .filter((data) => data.caseRef !== undefined)
    .map((data) => `${data.kind} ${data.caseRef ?? ''}`)
    .sort();
}

async function outboundTexts(app: App): Promise<string[]> {
  const jobs: Job[] = await app.outbound.queue('console').getJobs(['waiting', 'delayed']);
  return jobs
    .map((job) => (job.data as OutboundJob).message)
    .map((m) => ('text' in m ? m.text : m.kind));
}

describe('erasure', () => {
  it('"delete my data" erases closed cases, withdraws queued reports, flags open cases and cancels what waits for the person', async () => {
    const app = await worker();
    await submit(app, 'p1', 'AAAA-CCCC-EEEE-1');
    await submit(app, 'p1', 'BBBB-DDDD-FFFF-2');
    await submit(app, 'p2', 'OTHE-RPER-SONX-3');
    await until(async () => (await app.cases.list()).length === 3);
    await until(
      async () => (await reminderJobs(app)).filter((j) => j.startsWith('deadline')).length === 3,
    );
    expect((await app.desk.close(anna, 'AAAA-CCCC-EEEE-1', 'beraten')).ok).toBe(true);
    expect((await app.desk.close(anna, 'OTHE-RPER-SONX-3', 'beraten')).ok).toBe(true);
    // A report still queued: the worker is held back.
    await app.reports.queue.pause();
    await submit(app, 'p1', 'QQQQ-UUUU-EEEE-4');
    // Staff replies that have not reached the person yet, and one to someone else.
    await app.outbound.enqueue(reply('p1', 'BBBB-DDDD-FFFF-2', 'REPLY-TO-P1'));
    await app.outbound.enqueue(reply('p2', 'OTHE-RPER-SONX-3', 'REPLY-TO-P2'));

    const erased = await app.desk.erasePerson(person('p1'), app.cases.convId('console:p1'));

    expect(erased).toMatchObject({ withdrawn: 1, erased: 1, flagged: 1, messages: 1 });
    // The closed case is gone with every key; the queued report is gone from the queue.
    expect(await keysUnder(redis.client, `${redis.prefix}:case:{AAAA-CCCC-EEEE-1}`)).toEqual([]);
    expect(await app.reports.queue.getJob('QQQQ-UUUU-EEEE-4')).toBeUndefined();
    // The open case stays for staff, flagged, with its staff reminder; no message or deadline
    // reminder waits for the person any more.
    expect((await app.cases.get('BBBB-DDDD-FFFF-2'))?.eraseRequested).toBe(true);
    expect(await reminderJobs(app)).toEqual([
      'deadline OTHE-RPER-SONX-3',
      'unclaimed BBBB-DDDD-FFFF-2',
      'unclaimed OTHE-RPER-SONX-3',
    ]);
    expect(await outboundTexts(app)).toEqual(['REPLY-TO-P2']);
    // Another person's closed case is untouched.
    expect((await app.cases.get('OTHE-RPER-SONX-3'))?.status).toBe('closed');
    // The index now knows only the open case.
    expect(await app.cases.refsOf(app.cases.convId('console:p1'), new Date())).toEqual([
      'BBBB-DDDD-FFFF-2',
    ]);
    // Staff erase the flagged case: nothing of the person is left but the anonymous counts.
    expect((await app.desk.eraseNow(anna, 'BBBB-DDDD-FFFF-2')).ok).toBe(true);
    const left = await keysUnder(redis.client, redis.prefix);
    expect(left.filter((k) => /AAAA-CCCC|BBBB-DDDD|QQQQ-UUUU/.test(k))).toEqual([]);
    expect(left.filter((k) => k.includes(app.cases.convId('console:p1')))).toEqual([]);
  });

  it('drops a report the person withdrew while the worker held it, with its moved files', async () => {
    const app = await worker();
    await app.reports.queue.pause();
    const file = {
      name: 'brief.png',
      mime: 'image/png',
      size: 4,
      sha256: '0'.repeat(64),
      receivedAt: '2026-11-22T10:00:00.000Z',
      ref: 'file-1',
    };
    const draftFile = `${redis.prefix}:conv:{console:p1}:file:file-1`;
    await redis.client.set(draftFile, 'sealed bytes');
    await submit(app, 'p1', 'WWWW-IIII-TTTT-5', { evidence: { files: [file], links: [] } });
    // The person's erase marks the report between the worker's start and the case's creation.
    await app.cases.withdraw('WWWW-IIII-TTTT-5');
    await app.reports.queue.resume();
    await until(
      async () =>
        (await app.reports.queue.getJobCounts('waiting', 'active', 'prioritized')).prioritized ===
        0,
    );
    await until(async () => (await redis.client.exists(draftFile)) === 0);
    // The worker moves the files first and erases what it moved once it finds the report
    // withdrawn: wait for that, not for a guessed time.
    await until(async () =>
      (await keysUnder(redis.client, redis.prefix)).every((k) => !k.includes('WWWW')),
    );
    expect(await app.cases.get('WWWW-IIII-TTTT-5')).toBeUndefined();
    expect(await keysUnder(redis.client, `${redis.prefix}:case:{WWWW-IIII-TTTT-5}`)).toEqual([]);
    expect((await app.cases.list()).map((c) => c.caseRef)).toEqual([]);
    // The worker cleared the withdrawal mark and the index entry too.
    expect((await keysUnder(redis.client, redis.prefix)).filter((k) => k.includes('WWWW'))).toEqual(
      [],
    );
  });

  it('staff erase removes the case’s reminders and the messages waiting for the person', async () => {
    const app = await worker();
    await submit(app, 'p1', 'EEEE-RRRR-AAAA-6');
    await submit(app, 'p1', 'KKKK-EEEE-PPPP-7');
    await until(async () => (await reminderJobs(app)).length === 4);
    expect((await app.desk.claim(anna, 'EEEE-RRRR-AAAA-6')).ok).toBe(true);
    expect((await app.desk.reply(anna, 'EEEE-RRRR-AAAA-6', 'REPLY-ERASED')).ok).toBe(true);
    await app.outbound.enqueue(reply('p1', 'KKKK-EEEE-PPPP-7', 'REPLY-KEPT'));
    expect(await reminderJobs(app)).toContain('waiting EEEE-RRRR-AAAA-6');

    expect((await app.desk.eraseNow(anna, 'EEEE-RRRR-AAAA-6')).ok).toBe(true);

    expect((await reminderJobs(app)).filter((j) => j.includes('EEEE-RRRR-AAAA-6'))).toEqual([]);
    expect(await reminderJobs(app)).toEqual([
      'deadline KKKK-EEEE-PPPP-7',
      'unclaimed KKKK-EEEE-PPPP-7',
    ]);
    expect(await outboundTexts(app)).toEqual(['REPLY-KEPT']);
    expect(await keysUnder(redis.client, `${redis.prefix}:case:{EEEE-RRRR-AAAA-6}`)).toEqual([]);
  });

  it('keeps a conversation’s index while a case is open and lets it expire with the last closed one', async () => {
    const app = await worker();
    await submit(app, 'p1', 'IIII-NNNN-DDDD-8');
    await submit(app, 'p1', 'XXXX-PPPP-IIII-9');
    await until(async () => (await app.cases.list()).length === 2);
    const index = `${redis.prefix}:conv-refs:${app.cases.convId('console:p1')}`;
    expect(await redis.client.ttl(index)).toBe(-1);
    await app.desk.close(anna, 'IIII-NNNN-DDDD-8', 'erledigt');
    expect(await redis.client.ttl(index)).toBe(-1);
    await app.desk.close(anna, 'XXXX-PPPP-IIII-9', 'erledigt');
    const ttl = await redis.client.ttl(index);
    expect(ttl).toBeGreaterThan(90 * 86_400 - 60);
    expect(ttl).toBeLessThanOrEqual(90 * 86_400);
  });
});
