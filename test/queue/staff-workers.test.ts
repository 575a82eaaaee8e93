import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.ts';
import type { ChannelAdapter } from '../../src/adapters/channel.ts';
import { createLogger } from '../../src/bot/logger.ts';
import type { InboundEvent, OutboundMessage } from '../../src/bot/types.ts';
import { loadConfig } from '../../src/config/load.ts';
import type { Report } from '../../src/flows/intake/report.ts';
import { reportJob, sampleReport } from '../support/reports.ts';
import { startOutboundWorker } from '../../src/queue/outbound.ts';
import { Reminders, startReminderWorker } from '../../src/queue/reminders.ts';
import { REPORT_JOB_VERSION } from '../../src/queue/reports-queue.ts';
import { generateStaffKeyPair } from '../../src/staff/seal.ts';
import type { CaseNotice, StaffChannel } from '../../src/staff/ports.ts';
import { useTestRedis } from '../support/redis.ts';
import { until } from '../support/wait.ts';

const redis = useTestRedis('workers');
const logger = createLogger('silent');
const keys = generateStaffKeyPair();
const running: { app?: App; workers: Worker[]; connections: Redis[] } = {
  workers: [],
  connections: [],
};
afterEach(async () => {
  await Promise.all(running.workers.splice(0).map((w) => w.close()));
  await Promise.all(running.connections.splice(0).map((c) => c.quit()));
  await running.app?.stop();
  running.app = undefined;
});

/** A console channel that records what it is asked to deliver; it can be told to fail. */
class RecordingChannel implements ChannelAdapter {
  readonly platform = 'console' as const;
  readonly delivered: { at: number; chatId: string; text: string }[] = [];
  failures = 0;
  start(): Promise<void> {
    return Promise.resolve();
  }
  stop(): Promise<void> {
    return Promise.resolve();
  }
  deliver(event: InboundEvent, messages: readonly OutboundMessage[]): Promise<void> {
    if (this.failures > 0) {
      this.failures--;
      return Promise.reject(new Error('network down'));
    }
    for (const m of messages)
      this.delivered.push({ at: Date.now(), chatId: event.chatId, text: m.text });
    return Promise.resolve();
  }
}

class RecordingStaff implements StaffChannel {
  readonly name = 'recording';
  readonly notices: CaseNotice[] = [];
  notify(notice: CaseNotice): Promise<void> {
    this.notices.push(notice);
    return Promise.resolve();
  }
}

/** A connection for a BullMQ worker (it must retry forever). */
function blocking(): Redis {
  const connection = redis.client.duplicate({ maxRetriesPerRequest: null });
  running.connections.push(connection);
  return connection;
}

function report(caseRef: string, overrides: Partial<Report> = {}): Report {
  return sampleReport(caseRef, overrides);
}

async function setup() {
  const config = loadConfig({ REDIS_KEY_PREFIX: redis.prefix, STAFF_USERS: 'anna' }, null);
  const app = createApp(config, redis.client, logger, { keys });
  running.app = app;
  const staff = new RecordingStaff();
  app.notifier.add(staff);
  const channel = new RecordingChannel();
  await app.addChannel(channel);
  return { app, staff, channel };
}

/** The console's outbound worker of `app`, stopped after the test. */
function startOutbound(app: App, options: { perChatGapMs?: number } = {}): void {
  running.workers.push(
    startOutboundWorker({
      platform: 'console',
      connection: blocking(),
      redis: redis.client,
      prefix: redis.prefix,
      outbound: app.router,
      i18n: app.i18n,
      caseOpened: (event) => app.engine.handle(event),
      logger,
      ...options,
    }),
  );
}

/** A staff reply to the console person `chatId`. */
const replyJob = (text: string, chatId: string) => ({
  v: 1 as const,
  address: { platform: 'console' as const, userId: chatId, chatId },
  lang: 'de' as const,
  message: { kind: 'staff-reply' as const, caseRef: 'AAAA-BBBB-CCCC-D', text },
});

async function submit(app: App, caseRef: string, overrides: Partial<Report> = {}): Promise<void> {
  await app.reports.submit(
    reportJob(
      caseRef,
      {
        report: report(caseRef, overrides),
        address: { platform: 'console', userId: 'p1', chatId: 'p1' },
      },
      keys.publicKey,
    ),
  );
}

const anna = { id: 'anna', name: 'anna' };

describe('staff workers', () => {
  it('makes one case of a report delivered twice and keeps a damaged job aside', async () => {
    const { app, staff } = await setup();
    await app.startWorkers();
    await submit(app, 'AAAA-BBBB-CCCC-D');
    await until(async () => (await app.cases.get('AAAA-BBBB-CCCC-D')) !== undefined);
    // At-least-once: the same report again (job removed after completion) makes no second case.
    await submit(app, 'AAAA-BBBB-CCCC-D');
    await app.reports.queue.add('report', { v: 99, nonsense: true }, { jobId: 'damaged-1' });
    await app.reports.queue.add(
      'report',
      {
        v: REPORT_JOB_VERSION,
        caseRef: 'EEEE-FFFF-GGGG-H',
        urgent: false,
        queuedAt: new Date().toISOString(),
        sealed: 'AAAA',
      },
      { jobId: 'EEEE-FFFF-GGGG-H' },
    );
    await until(async () => (await app.reports.queue.getFailed()).length === 2);
    const failed = await app.reports.queue.getFailed();
    expect(failed.map((j) => j.failedReason).sort()).toEqual([
      'damaged reports job: not of a known version',
      'the report cannot be decrypted with this staff key (wrong STAFF_PRIVATE_KEY?)',
    ]);
    expect(await app.cases.list()).toHaveLength(1);
    expect(staff.notices.filter((n) => n.kind === 'new')).toHaveLength(1);
    expect(JSON.stringify(staff.notices)).not.toContain('beleidigender');
  });

  it('announces an unclaimed case again until it is claimed', async () => {
    const { app, staff } = await setup();
    // Only a reminder worker with reminders every 150 ms runs in this test.
    const fast = new Reminders(redis.client, redis.prefix, { unclaimedMs: 150, waitingMs: 150 });
    running.workers.push(
      startReminderWorker({
        connection: blocking(),
        redis: redis.client,
        prefix: redis.prefix,
        cases: app.cases,
        notifier: app.notifier,
        reminders: fast,
        outbound: app.outbound,
        logger,
      }),
    );
    await app.cases.create({
      actor: 'system',
      sealed: 'x',
      record: {
        caseRef: 'HHHH-JJJJ-KKKK-M',
        urgent: false,
        kinds: ['threat'],
        state: 'SN',
        role: 'council',
        channel: 'letter',
        platform: 'console',
        lang: 'de',
        address: { platform: 'console', userId: 'p1', chatId: 'p1' },
        createdAt: new Date().toISOString(),
        conv: 'c1',
      },
    });
    await fast.unclaimed('HHHH-JJJJ-KKKK-M', 1);
    await until(() => staff.notices.filter((n) => n.kind === 'unclaimed').length >= 2);
    expect((await app.desk.claim(anna, 'HHHH-JJJJ-KKKK-M')).ok).toBe(true);
    const count = staff.notices.filter((n) => n.kind === 'unclaimed').length;
    await new Promise((r) => setTimeout(r, 600));
    expect(staff.notices.filter((n) => n.kind === 'unclaimed').length).toBeLessThanOrEqual(
      count + 1,
    );

    // Waiting for the person too long reminds the assignee; an outdated reminder does nothing.
    const since = '2026-11-01T10:00:00.000Z';
    await app.cases.transition(
      'HHHH-JJJJ-KKKK-M',
      ['claimed'],
      'waiting',
      { at: since, actor: 'anna', action: 'reply' },
      { waitingSince: since },
    );
    await fast.waiting('HHHH-JJJJ-KKKK-M', '2026-10-01T10:00:00.000Z');
    await fast.waiting('HHHH-JJJJ-KKKK-M', since);
    await until(() => staff.notices.some((n) => n.kind === 'waiting-long'));
    await new Promise((r) => setTimeout(r, 300));
    expect(staff.notices.filter((n) => n.kind === 'waiting-long')).toHaveLength(1);
    await fast.close();
  });

  it('sends the person the Strafantrag reminder they asked for', async () => {
    const { app, channel } = await setup();
    await app.startWorkers();
    // The deadline is close: the reminder (two weeks before) is due at once.
    const soon = new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10);
    await submit(app, 'SSSS-TTTT-VVVV-W', { reminder: true, strafantragDeadline: soon });
    await until(() => channel.delivered.length > 0);
    expect(channel.delivered).toHaveLength(1);
    expect(channel.delivered[0]?.chatId).toBe('p1');
    expect(channel.delivered[0]?.text).toContain('Erinnerung zu Ihrem Fall SSSS-TTTT-VVVV-W');
  });

  it('delivers staff replies once each, one per second per chat, retrying failures', async () => {
    const { app, channel } = await setup();
    channel.failures = 1;
    startOutbound(app, { perChatGapMs: 400 });
    const job = (text: string, chatId = 'p1') => replyJob(text, chatId);
    await app.outbound.enqueue(job('eins'), 'j1');
    await app.outbound.enqueue(job('zwei'), 'j2');
    await app.outbound.enqueue(job('andere'), 'j3');
    await app.outbound.enqueue(job('fremd', 'p2'), 'j4');
    // The same job id again is the same message: not delivered twice.
    await app.outbound.enqueue(job('eins'), 'j1');
    await until(() => channel.delivered.length >= 4, 20_000);
    await new Promise((r) => setTimeout(r, 500));
    const toP1 = channel.delivered.filter((d) => d.chatId === 'p1');
    expect(toP1).toHaveLength(3);
    expect(channel.delivered.filter((d) => d.text.includes('eins'))).toHaveLength(1);
    for (let i = 1; i < toP1.length; i++) {
      expect((toP1[i]?.at ?? 0) - (toP1[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual(350);
    }
    expect(toP1[0]?.text).toContain('Nachricht der Ansprechstelle');
  });

  it('opens the case chat when a reply marked sent runs again (its worker died before it finished)', async () => {
    const { app, channel } = await setup();
    await app.startWorkers();
    await submit(app, 'AAAA-BBBB-CCCC-D');
    await until(async () => (await app.cases.get('AAAA-BBBB-CCCC-D')) !== undefined);
    // The person is at the menu; a worker sent the reply, marked it and died before telling the
    // conversation; the job runs again.
    await app.engine.handle({
      platform: 'console',
      userId: 'p1',
      chatId: 'p1',
      eventId: 'menu',
      input: { kind: 'command', command: 'menu' },
    });
    await redis.client.set(`${redis.prefix}:outbound:sent:again`, '1');
    await app.outbound.enqueue(replyJob('schon zugestellt', 'p1'), 'again');
    await until(async () => (await app.outbound.queue('console').getJob('again')) === undefined);
    expect(channel.delivered.filter((d) => d.text.includes('schon zugestellt'))).toHaveLength(0);
    // The person's answer to the reply goes to the case, not to the menu.
    const before = channel.delivered.length;
    await app.engine.handle({
      platform: 'console',
      userId: 'p1',
      chatId: 'p1',
      eventId: 'answer',
      input: { kind: 'text', text: 'Danke für die Antwort.' },
    });
    expect(
      channel.delivered
        .slice(before)
        .map((d) => d.text)
        .join('\n'),
    ).toContain('beim Fall angekommen');
  });

  it('never lets one chat`s backlog of replies hold up another chat`s', async () => {
    const { app, channel } = await setup();
    startOutbound(app);
    const job = replyJob;
    // 150 replies to one person: two and a half minutes at one a second.
    await app.outbound.queue('console').addBulk(
      Array.from({ length: 150 }, (_, n) => ({
        name: 'staff-reply',
        data: job(`Nachricht ${String(n)}`, 'busy'),
        opts: { jobId: `busy-${String(n)}` },
      })),
    );
    const queuedAt = Date.now();
    await app.outbound.enqueue(job('für die andere Person', 'other'), 'other-1');
    await until(() => channel.delivered.some((d) => d.chatId === 'other'), 20_000);
    const other = channel.delivered.find((d) => d.chatId === 'other');
    // Before, each early job went round the queue again under a 30-a-second limiter: the other
    // person waited behind all 150 (five seconds and more).
    expect((other?.at ?? Infinity) - queuedAt).toBeLessThan(2_500);
    expect(channel.delivered.filter((d) => d.chatId === 'busy').length).toBeLessThanOrEqual(4);
  });

  it('flags open cases when the person asks to erase their data', async () => {
    const { app, staff } = await setup();
    await app.startWorkers();
    await submit(app, 'NNNN-PPPP-QQQQ-R');
    await until(async () => (await app.cases.get('NNNN-PPPP-QQQQ-R')) !== undefined);
    const erased = await app.desk.erasePerson(
      { platform: 'console', userId: 'p1', chatId: 'p1' },
      app.cases.convId('console:p1'),
    );
    expect(erased).toMatchObject({ flagged: 1, erased: 0, withdrawn: 0 });
    expect((await app.cases.get('NNNN-PPPP-QQQQ-R'))?.eraseRequested).toBe(true);
    expect(staff.notices.map((n) => n.kind)).toContain('erase-request');
    expect((await app.cases.audit('NNNN-PPPP-QQQQ-R')).map((a) => a.action)).toEqual([
      'created',
      'erase-request',
    ]);
  });

  it('leaves a message for another platform to the process that runs that channel', async () => {
    const { app, channel } = await setup();
    await app.startWorkers();
    const address = (platform: 'console' | 'matrix') => ({
      platform,
      userId: '@p:example.org',
      chatId: '!room:example.org',
    });
    const reply = (platform: 'console' | 'matrix', text: string) => ({
      v: 1 as const,
      address: address(platform),
      lang: 'de' as const,
      message: { kind: 'staff-reply' as const, caseRef: 'AAAA-BBBB-CCCC-D', text },
    });
    await app.outbound.enqueue(reply('matrix', 'für Matrix'), 'm1');
    await app.outbound.enqueue(reply('console', 'für die Konsole'), 'c1');
    await until(() => channel.delivered.length > 0);
    await new Promise((r) => setTimeout(r, 500));
    expect(channel.delivered.map((d) => d.text.includes('für die Konsole'))).toEqual([true]);
    // This process has no Matrix channel: the Matrix reply waits, untried, for one that has.
    const waiting = await app.outbound.queue('matrix').getJobCounts('waiting', 'failed', 'delayed');
    expect(waiting).toEqual({ waiting: 1, failed: 0, delayed: 0 });
    const job = await app.outbound.queue('matrix').getJob('m1');
    expect(job?.attemptsMade).toBe(0);
  });

  it('erases a case from a chat room only when the same staff member asks twice', async () => {
    const { app, staff } = await setup();
    await app.startWorkers();
    await submit(app, 'EEEE-FFFF-GGGG-H');
    await until(async () => (await app.cases.get('EEEE-FFFF-GGGG-H')) !== undefined);
    const mallory = { id: 'mallory', name: 'mallory' };
    expect(await app.desk.erase(mallory, 'EEEE-FFFF-GGGG-H')).toEqual({
      ok: false,
      reason: 'not-staff',
    });
    expect(await app.desk.erase(anna, 'EEEE-FFFF-GGGG-H')).toEqual({ ok: true, value: 'confirm' });
    expect(await app.cases.get('EEEE-FFFF-GGGG-H')).toBeDefined();
    expect(await app.desk.erase(anna, 'EEEE-FFFF-GGGG-H')).toEqual({ ok: true, value: 'erased' });
    expect(await app.cases.get('EEEE-FFFF-GGGG-H')).toBeUndefined();
    expect(staff.notices.map((n) => n.kind)).toContain('erased');
    expect(await app.desk.erase(anna, 'EEEE-FFFF-GGGG-H')).toEqual({
      ok: false,
      reason: 'unknown-case',
    });
  });
});
