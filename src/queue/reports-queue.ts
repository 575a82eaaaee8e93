import { Queue, type ConnectionOptions } from 'bullmq';
import { z } from 'zod';
import { MESSENGERS } from '../bot/types.ts';
import { removeJob } from './pending-jobs.ts';

/** Name of the BullMQ queue that carries completed reports to the staff worker. */
export const REPORTS_QUEUE = 'reports';

/** Bumped whenever the job's shape changes. */
export const REPORT_JOB_VERSION = 2;

/** Where the person can be answered: the conversation the report came from. */
export const replyAddressSchema = z.object({
  platform: z.enum(MESSENGERS),
  userId: z.string(),
  chatId: z.string(),
});

/** What is sealed in a report job: the report and where to answer. */
export const reportPayloadSchema = z.object({
  report: z.unknown(),
  address: replyAddressSchema,
});

/**
 * A reports job. Only the case reference, urgency and time are readable; the report and the
 * reply address are sealed to the staff key (context `report:<caseRef>`).
 */
export const reportJobSchema = z.object({
  v: z.literal(REPORT_JOB_VERSION),
  caseRef: z.string(),
  urgent: z.boolean(),
  queuedAt: z.iso.datetime(),
  sealed: z.string(),
});

export type ReportJob = z.infer<typeof reportJobSchema>;
export type ReportPayload = z.infer<typeof reportPayloadSchema>;
export type ReplyAddress = z.infer<typeof replyAddressSchema>;

/** The context a report's sealed box is bound to. */
export const reportContext = (caseRef: string): string => `report:${caseRef}`;

/** BullMQ priorities: lower is sooner. Every job gets one, so urgent ones really go first. */
const PRIORITY = { urgent: 1, normal: 10 } as const;

/**
 * The producer side of the hand-over to staff. The job id is the case reference, so a repeated
 * submission (a second confirm, a redelivered message, a retry after a crash) never makes a second
 * report.
 */
export class ReportsQueue {
  readonly #queue: Queue;

  constructor(connection: ConnectionOptions, prefix: string) {
    this.#queue = new Queue(REPORTS_QUEUE, { connection, prefix: `${prefix}:bull` });
    // Its errors are the shared connection's, logged once where it was made (src/infra/redis/connect.ts);
    // without a listener BullMQ would print each one to stderr as a raw stack trace.
    this.#queue.on('error', () => undefined);
  }

  /** Queues a report once (BullMQ ignores a second add with the same job id). */
  async submit(job: ReportJob): Promise<void> {
    await this.#queue.add('report', job, {
      jobId: job.caseRef,
      priority: job.urgent ? PRIORITY.urgent : PRIORITY.normal,
      attempts: 10,
      backoff: { type: 'exponential', delay: 5_000 },
      removeOnComplete: true,
      // A job that cannot be read is kept aside for staff (`npm run staff -- failed`).
      removeOnFail: false,
    });
  }

  /**
   * Removes a report that is still waiting (or kept aside): `held` when the worker holds it this
   * moment (it then finds the report withdrawn, see CaseStore.withdraw).
   */
  async remove(caseRef: string): Promise<'removed' | 'absent' | 'held'> {
    const job = await this.#queue.getJob(caseRef);
    if (job === undefined) return 'absent';
    return (await removeJob(job)) === 1 ? 'removed' : 'held';
  }

  /** True while the report is queued or being worked on, i.e. before its case exists. */
  async pending(caseRef: string): Promise<boolean> {
    const job = await this.#queue.getJob(caseRef);
    if (job === undefined) return false;
    const state = await job.getState();
    return state !== 'completed' && state !== 'failed' && state !== 'unknown';
  }

  /** The underlying queue, for the worker side and tests. */
  get queue(): Queue {
    return this.#queue;
  }

  async close(): Promise<void> {
    await this.#queue.close();
  }
}
