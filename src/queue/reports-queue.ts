import { Queue, type ConnectionOptions } from 'bullmq';
import { z } from 'zod';

/** Name of the BullMQ queue that carries completed reports to the staff worker. */
export const REPORTS_QUEUE = 'reports';

/** Bumped whenever the job's shape changes. */
export const REPORT_JOB_VERSION = 1;

/** Where the person can be answered: the conversation the report came from. */
export const replyAddressSchema = z.object({
  platform: z.enum(['console', 'telegram', 'matrix']),
  userId: z.string(),
  chatId: z.string(),
});

/** A reports job. `report` is the flow's versioned Report. */
export const reportJobSchema = z.object({
  v: z.literal(REPORT_JOB_VERSION),
  caseRef: z.string(),
  urgent: z.boolean(),
  queuedAt: z.iso.datetime(),
  address: replyAddressSchema,
  report: z.unknown(),
});

export type ReportJob = z.infer<typeof reportJobSchema>;
export type ReplyAddress = z.infer<typeof replyAddressSchema>;

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
  }

  /** Queues a report once; returns false when a job with this case reference already exists. */
  async submit(job: ReportJob): Promise<boolean> {
    const added = await this.#queue.add('report', job, {
      jobId: job.caseRef,
      priority: job.urgent ? PRIORITY.urgent : PRIORITY.normal,
      attempts: 10,
      backoff: { type: 'exponential', delay: 5_000 },
      removeOnComplete: { age: 3600 },
      removeOnFail: false,
    });
    return added.id === job.caseRef && added.timestamp >= Date.parse(job.queuedAt) - 1;
  }

  /** The underlying queue, for the worker side and tests. */
  get queue(): Queue {
    return this.#queue;
  }

  async close(): Promise<void> {
    await this.#queue.close();
  }
}
