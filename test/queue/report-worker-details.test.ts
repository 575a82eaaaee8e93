/**
 * The report worker and a short report's details, on real Redis and BullMQ: details the person
 * added while the report waited are counted from the start, and details that arrive between the
 * worker reading them and making the case (the race a lagging worker has) are taken in right
 * after – nothing the person added is lost.
 */
import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/bot/logger.ts';
import type { ReportDetails } from '../../src/flows/types.ts';
import { Reminders } from '../../src/queue/reminders.ts';
import { startReportWorker } from '../../src/queue/report-worker.ts';
import { ReportsQueue } from '../../src/queue/reports-queue.ts';
import { facetsOf } from '../../src/staff/case-facets.ts';
import { CaseStore, type CreateResult, type NewCase } from '../../src/staff/case-store.ts';
import { allowedFrom } from '../../src/staff/case-transitions.ts';
import { StaffNotifier } from '../../src/staff/notifier.ts';
import { sealDetails } from '../../src/staff/report-details.ts';
import { generateStaffKeyPair } from '../../src/staff/seal.ts';
import { reportJob, sampleReport } from '../support/reports.ts';
import { useTestRedis } from '../support/redis.ts';
import { until } from '../support/wait.ts';

const redis = useTestRedis('worker_details');
const logger = createLogger('silent');
const keys = generateStaffKeyPair();
const closing: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const close of closing.splice(0).reverse()) await close();
});

/** A short report: role, kinds, channel and Land not given. */
const shortReport = (caseRef: string) =>
  sampleReport(caseRef, {
    role: null,
    kinds: null,
    channel: null,
    state: null,
    missing: ['role', 'kinds', 'channel', 'state'],
  });

const given = (fields: Record<string, unknown>, urgent = false): ReportDetails => ({
  fields: { role: null, kinds: null, channel: null, state: null, ...fields },
  missing: ['role', 'kinds', 'channel', 'state'].filter((id) => fields[id] === undefined),
  urgent,
});

/** Runs a report worker over `cases` and queues one short report. */
async function work(cases: CaseStore, caseRef: string): Promise<void> {
  const connection = (): Redis => {
    const c = redis.client.duplicate({ maxRetriesPerRequest: null });
    closing.push(() => c.quit());
    return c;
  };
  const reminders = new Reminders(connection(), redis.prefix, { unclaimedMs: 1e9, waitingMs: 1e9 });
  const worker: Worker = startReportWorker({
    connection: connection(),
    redis: redis.client,
    prefix: redis.prefix,
    privateKey: keys.privateKey,
    cases,
    notifier: new StaffNotifier(logger),
    reminders,
    logger,
  });
  closing.push(() => worker.close());
  const queue = new ReportsQueue(connection(), redis.prefix);
  closing.push(() => queue.queue.close());
  await queue.submit(
    reportJob(
      caseRef,
      {
        report: shortReport(caseRef),
        address: { platform: 'console', userId: 'p1', chatId: 'p1' },
      },
      keys.publicKey,
    ),
  );
  await until(async () => (await cases.get(caseRef)) !== undefined);
}

const month = () => new Date().toISOString().slice(0, 7);

describe('the report worker and a short report’s details', () => {
  it('makes the case with details given while the report waited', async () => {
    const cases = new CaseStore(redis.client, redis.prefix);
    const caseRef = 'WAIT-0000-0000-1';
    const details = given({ role: 'council', kinds: ['threat', 'physical'] }, true);
    const box = sealDetails(caseRef, details, new Date().toISOString(), keys.publicKey);
    const at = { at: new Date().toISOString(), actor: 'person', action: 'details' };
    expect(
      await cases.details(
        caseRef,
        allowedFrom('details'),
        box,
        facetsOf({ ...details.fields, urgent: true }),
        at,
      ),
    ).toBe('kept');
    await work(cases, caseRef);
    expect(await cases.get(caseRef)).toMatchObject({
      role: 'council',
      kinds: ['threat', 'physical'],
      channel: 'unknown',
      urgent: true,
    });
    const counted = (await cases.stats(month(), month())).get(month());
    expect(counted).toMatchObject({
      'role:council': 1,
      'kind:physical': 1,
      'channel:unknown': 1,
      urgent: 1,
    });
    expect(counted).not.toHaveProperty('role:unknown');
  });

  it('takes in details that arrive between reading them and making the case', async () => {
    const caseRef = 'RACE-0000-0000-1';
    /** A store in which the person's details land just before the case is made. */
    class LateDetails extends CaseStore {
      override async create(input: NewCase): Promise<CreateResult> {
        const details = given({ role: 'deputy', channel: 'letter' });
        const at = new Date().toISOString();
        await this.details(
          caseRef,
          allowedFrom('details'),
          sealDetails(caseRef, details, at, keys.publicKey),
          facetsOf({ ...details.fields, urgent: false }),
          { at, actor: 'person', action: 'details' },
        );
        return super.create(input);
      }
    }
    const cases = new LateDetails(redis.client, redis.prefix);
    await work(cases, caseRef);
    await until(async () => (await cases.get(caseRef))?.role === 'deputy');
    expect(await cases.get(caseRef)).toMatchObject({ role: 'deputy', channel: 'letter' });
    const counted = (await cases.stats(month(), month())).get(month());
    expect(counted).toMatchObject({ 'role:deputy': 1, 'channel:letter': 1, 'kind:unknown': 1 });
    expect(counted).not.toHaveProperty('role:unknown');
    expect((await cases.audit(caseRef)).map((a) => a.action)).toEqual(['created', 'details']);
  });
});
