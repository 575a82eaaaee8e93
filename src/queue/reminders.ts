import { Queue, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { Logger } from '../bot/logger.ts';
import { reminderDay } from '../flows/intake/deadline.ts';
import type { Report } from '../flows/intake/report.ts';
import { rewriteAppendOnlyFile } from './aof-rewrite.ts';
import type { CaseStore } from '../staff/case-store.ts';
import type { OutboundQueue } from './outbound.ts';
import { PENDING_STATES, removeJob } from './pending-jobs.ts';
import type { StaffNotifier } from '../staff/notifier.ts';

/** The BullMQ queue of deferred jobs: staff reminders and the person's deadline reminder. */
export const REMINDERS_QUEUE = 'reminders';

/** How often an unclaimed case is announced again at most. */
const MAX_UNCLAIMED_ROUNDS = 48;

const reminderSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('unclaimed'), caseRef: z.string(), round: z.number().int() }),
  z.object({ kind: z.literal('waiting'), caseRef: z.string(), since: z.string() }),
  z.object({ kind: z.literal('deadline'), caseRef: z.string(), date: z.iso.date() }),
  z.object({ kind: z.literal('maintenance') }),
  z.object({ kind: z.literal('aof-rewrite') }),
]);
type Reminder = z.infer<typeof reminderSchema>;

/** The reminders that belong to a case. */
export type CaseReminderKind = Exclude<Reminder['kind'], 'maintenance' | 'aof-rewrite'>;

export interface ReminderTimes {
  readonly unclaimedMs: number;
  readonly waitingMs: number;
}

/** When a deadline reminder is due: 09:00 Berlin time (08:00 UTC as a safe morning) on its day. */
export function deadlineReminderAt(deadline: string): number {
  return Date.parse(`${reminderDay(deadline)}T08:00:00Z`);
}

/**
 * Schedules reminders as delayed jobs with ids that make a second schedule a no-op (BullMQ job
 * ids may not contain a colon).
 */
export class Reminders {
  readonly #queue: Queue;
  readonly #times: ReminderTimes;
  readonly #clock: () => Date;

  constructor(
    connection: ConnectionOptions,
    prefix: string,
    times: ReminderTimes,
    clock: () => Date = () => new Date(),
  ) {
    this.#queue = new Queue(REMINDERS_QUEUE, { connection, prefix: `${prefix}:bull` });
    // Its errors are the shared connection's, logged once where it was made (src/infra/redis/connect.ts);
    // without a listener BullMQ would print each one to stderr as a raw stack trace.
    this.#queue.on('error', () => undefined);
    this.#times = times;
    this.#clock = clock;
  }

  async #add(reminder: Reminder, id: string, delayMs: number): Promise<void> {
    await this.#queue.add(reminder.kind, reminder, {
      jobId: id,
      delay: Math.max(0, delayMs),
      attempts: 5,
      backoff: { type: 'exponential', delay: 10_000 },
      removeOnComplete: true,
      removeOnFail: { age: 30 * 86_400 },
    });
  }

  /** A new case: staff are told again while nobody claims it; the person's deadline reminder. */
  async caseCreated(caseRef: string, report: Report): Promise<void> {
    await this.unclaimed(caseRef, 1);
    if (report.reminder && report.strafantragDeadline !== null) {
      const at = deadlineReminderAt(report.strafantragDeadline);
      await this.#add(
        { kind: 'deadline', caseRef, date: report.strafantragDeadline },
        `deadline-${caseRef}`,
        at - this.#clock().getTime(),
      );
    }
  }

  async unclaimed(caseRef: string, round: number): Promise<void> {
    await this.#add(
      { kind: 'unclaimed', caseRef, round },
      `unclaimed-${caseRef}-${round}`,
      this.#times.unclaimedMs,
    );
  }

  /** Staff answered and now wait for the person: remind the assignee if nothing comes back. */
  async waiting(caseRef: string, since: string): Promise<void> {
    await this.#add(
      { kind: 'waiting', caseRef, since },
      `waiting-${caseRef}-${Date.parse(since)}`,
      this.#times.waitingMs,
    );
  }

  /**
   * Daily housekeeping (drops erased cases from the index), and the rewrite of Redis's
   * append-only file every `aofRewriteMs` (src/queue/aof-rewrite.ts).
   */
  async scheduleMaintenance(aofRewriteMs: number): Promise<void> {
    await this.#queue.upsertJobScheduler(
      'maintenance',
      { every: 86_400_000 },
      { name: 'maintenance', data: { kind: 'maintenance' } },
    );
    await this.#queue.upsertJobScheduler(
      'aof-rewrite',
      { every: aofRewriteMs },
      {
        name: 'aof-rewrite',
        data: { kind: 'aof-rewrite' },
        opts: { attempts: 3, backoff: { type: 'exponential', delay: 60_000 } },
      },
    );
  }

  /**
   * Removes the waiting reminders of these cases (of the given kinds, else all); returns how many.
   * One being worked on right now stays: it checks its case first and finds it gone.
   */
  async removeFor(
    caseRefs: ReadonlySet<string>,
    kinds: readonly CaseReminderKind[] = ['unclaimed', 'waiting', 'deadline'],
  ): Promise<number> {
    if (caseRefs.size === 0) return 0;
    const jobs = await this.#queue.getJobs(PENDING_STATES);
    let removed = 0;
    for (const job of jobs) {
      const parsed = reminderSchema.safeParse(job.data);
      if (!parsed.success || !('caseRef' in parsed.data)) continue;
      if (!caseRefs.has(parsed.data.caseRef) || !kinds.includes(parsed.data.kind)) continue;
      removed += await removeJob(job);
    }
    return removed;
  }

  get queue(): Queue {
    return this.#queue;
  }

  async close(): Promise<void> {
    await this.#queue.close();
  }
}

export interface ReminderWorkerDeps {
  readonly connection: ConnectionOptions;
  /** A plain connection, for the append-only file rewrite. */
  readonly redis: Redis;
  readonly prefix: string;
  readonly cases: CaseStore;
  readonly notifier: StaffNotifier;
  readonly reminders: Reminders;
  readonly outbound: OutboundQueue;
  readonly logger: Logger;
  readonly clock?: () => Date;
}

/** Works due reminders: each checks the case first, so a reminder for a case that moved on does nothing. */
export function startReminderWorker(deps: ReminderWorkerDeps): Worker {
  const log = deps.logger.child({ module: 'reminders' });
  const clock = deps.clock ?? (() => new Date());
  const worker = new Worker(
    REMINDERS_QUEUE,
    async (job: Job) => {
      const parsed = reminderSchema.safeParse(job.data);
      if (!parsed.success) {
        log.error({ job: job.id }, 'damaged reminder dropped');
        return;
      }
      const reminder = parsed.data;
      const now = clock().toISOString();
      if (reminder.kind === 'maintenance') {
        const open = await deps.cases.list();
        log.info({ cases: open.length }, 'maintenance done');
        return;
      }
      if (reminder.kind === 'aof-rewrite') {
        await rewriteAppendOnlyFile(deps.redis, log);
        return;
      }
      const record = await deps.cases.get(reminder.caseRef);
      if (record === undefined) return;
      switch (reminder.kind) {
        case 'unclaimed':
          if (record.status !== 'new') return;
          await deps.notifier.notify('unclaimed', record, now);
          if (reminder.round < MAX_UNCLAIMED_ROUNDS)
            await deps.reminders.unclaimed(record.caseRef, reminder.round + 1);
          return;
        case 'waiting':
          if (record.status === 'waiting' && record.waitingSince === reminder.since)
            await deps.notifier.notify('waiting-long', record, now);
          return;
        case 'deadline':
          // The person asked for it: sent while the case exists, closed or not.
          await deps.outbound.enqueue(
            {
              v: 1,
              address: record.address,
              lang: record.lang,
              message: { kind: 'deadline-reminder', caseRef: record.caseRef, date: reminder.date },
            },
            `deadline-${record.caseRef}`,
          );
          return;
      }
    },
    { connection: deps.connection, prefix: `${deps.prefix}:bull`, concurrency: 2 },
  );
  worker.on('error', (error) => {
    log.error({ err: { name: error.name, message: error.message } }, 'reminder worker error');
  });
  return worker;
}
