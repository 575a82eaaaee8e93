import {
  DelayedError,
  Queue,
  UnrecoverableError,
  Worker,
  type ConnectionOptions,
  type Job,
} from 'bullmq';
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { DeliveryRefused } from '../bot/delivery.ts';
import type { Translator } from '../bot/i18n.ts';
import type { Logger } from '../bot/logger.ts';
import type { InboundEvent, Outbound, OutboundMessage, Platform } from '../bot/types.ts';
import { formatDay } from '../flows/intake/deadline.ts';
import { LANGUAGES, text } from '../flows/types.ts';
import { PENDING_STATES, removeJob } from './pending-jobs.ts';
import { replyAddressSchema, type ReplyAddress } from './reports-queue.ts';
import { openReply } from './sealed-reply.ts';

/** The BullMQ queues of messages from staff and reminders to people. */
export const OUTBOUND_QUEUE = 'outbound';

/**
 * One queue per platform: only a process that runs the person's channel takes their messages (a
 * Matrix reply never lands in a replica without the Matrix device, to fail and wait for a retry).
 */
export const outboundQueueName = (platform: Platform): string => `${OUTBOUND_QUEUE}-${platform}`;

const staffReply = { kind: z.literal('staff-reply'), caseRef: z.string() };

export const outboundJobSchema = z.object({
  v: z.literal(1),
  address: replyAddressSchema,
  lang: z.enum(LANGUAGES),
  message: z.union([
    // Sealed to the bot public key (src/queue/sealed-reply.ts): what every staff process writes.
    // At most 4,000 characters of three UTF-8 bytes each, in a box, in base64url.
    z.object({ ...staffReply, box: z.string().max(16_500) }),
    // Plain: queued by a version before the bot key, or without one (development only).
    z.object({ ...staffReply, text: z.string().max(4000) }),
    z.object({ kind: z.literal('deadline-reminder'), caseRef: z.string(), date: z.iso.date() }),
  ]),
});

export type OutboundJob = z.infer<typeof outboundJobSchema>;

/**
 * Queues messages to people. Each job has its own id; the delivery worker remembers delivered
 * ids, so a retried job is never delivered twice. Delivered jobs are removed at once, so a staff
 * reply does not stay readable in Redis.
 */
export class OutboundQueue {
  readonly #queues = new Map<Platform, Queue>();
  readonly #connection: ConnectionOptions;
  readonly #prefix: string;

  constructor(connection: ConnectionOptions, prefix: string) {
    this.#connection = connection;
    this.#prefix = prefix;
  }

  /** The queue of one platform's messages. */
  queue(platform: Platform): Queue {
    let queue = this.#queues.get(platform);
    if (queue === undefined) {
      queue = new Queue(outboundQueueName(platform), {
        connection: this.#connection,
        prefix: `${this.#prefix}:bull`,
      });
      // Its errors are the shared connection's, logged once where it was made (src/infra/redis/connect.ts);
      // without a listener BullMQ would print each one to stderr as a raw stack trace.
      queue.on('error', () => undefined);
      this.#queues.set(platform, queue);
    }
    return queue;
  }

  async enqueue(job: OutboundJob, id: string = randomUUID()): Promise<string> {
    await this.queue(job.address.platform).add(job.message.kind, job, {
      jobId: id,
      attempts: 12,
      backoff: { type: 'exponential', delay: 2_000 },
      removeOnComplete: true,
      // Given-up jobs are removed by the worker after staff were told.
      removeOnFail: { age: 86_400 },
    });
    return id;
  }

  /**
   * Removes the undelivered messages of one platform that `match` picks (a case or a person being
   * erased); returns how many. One being delivered this moment cannot be called back.
   */
  async removeWhere(platform: Platform, match: (job: OutboundJob) => boolean): Promise<number> {
    const jobs = await this.queue(platform).getJobs(PENDING_STATES);
    let removed = 0;
    for (const job of jobs) {
      const parsed = outboundJobSchema.safeParse(job.data);
      if (parsed.success && match(parsed.data)) removed += await removeJob(job);
    }
    return removed;
  }

  async close(): Promise<void> {
    await Promise.all([...this.#queues.values()].map((queue) => queue.close()));
  }
}

export interface OutboundWorkerDeps {
  /** The platform whose messages this worker delivers (its channel runs in this process). */
  readonly platform: Platform;
  readonly connection: ConnectionOptions;
  readonly redis: Redis;
  readonly prefix: string;
  readonly outbound: Outbound;
  readonly i18n: Translator;
  /** Tells the conversation that a staff reply arrived (its next messages go to the case). */
  readonly caseOpened: (event: InboundEvent) => Promise<void>;
  readonly logger: Logger;
  /**
   * The bot private key (a keyring `current,older,…` in a rotation) that opens sealed staff
   * replies; without it a sealed reply is undeliverable. Plain ones are delivered either way.
   */
  readonly botPrivateKey?: string;
  /** Gap between two messages to one chat (Telegram allows about one per second). */
  readonly perChatGapMs?: number;
  /**
   * Told when a staff reply reached the person's channel, with the job's id (the reply's message
   * id): its delivery status becomes `sent`.
   */
  readonly delivered?: (caseRef: string, jobId: string) => Promise<void>;
  /**
   * Told when a message could not be delivered after every retry (staff should know), with the
   * job's id and the channel's last error message.
   */
  readonly undeliverable?: (caseRef: string, jobId: string, reason: string) => Promise<void>;
}

// KEYS: the chat's next free time   ARGV: now (ms), gap (ms)
const RESERVE_SLOT = `
local now = tonumber(ARGV[1])
local gap = tonumber(ARGV[2])
local slot = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
redis.call('SET', KEYS[1], slot + gap, 'PX', slot + gap - now + 1000)
return slot
`;

/**
 * Delivers outbound jobs through the channel of the person's platform: at most one message per
 * chat per gap, retried with backoff on errors, never twice. Each job reserves its chat's next
 * free slot once and waits for it, delayed, outside the queue: so a hundred messages to one chat
 * pass the queue twice each and never stand in front of another chat's message. The overall rate
 * is the channel's business (Telegram's throttle holds 30 a second in the process).
 */
export function startOutboundWorker(deps: OutboundWorkerDeps): Worker {
  const log = deps.logger.child({ module: 'outbound', platform: deps.platform });
  const gap = deps.perChatGapMs ?? 1_000;
  const worker = new Worker(
    outboundQueueName(deps.platform),
    async (job: Job, token?: string) => {
      const parsed = outboundJobSchema.safeParse(job.data);
      if (!parsed.success) {
        log.error({ job: job.id }, 'damaged outbound job dropped');
        return;
      }
      const { address, lang, message } = parsed.data;
      const event = eventFor(address, `outbound:${String(job.id)}`);
      // A staff reply opens the person's case chat, so that their answer goes to the case. Told
      // after the message went out, and again whenever the job runs again (a worker died before
      // it finished): the engine takes the same event once.
      const tellConversation = async () => {
        if (message.kind === 'staff-reply')
          await deps.caseOpened({
            ...event,
            input: { kind: 'case-opened', caseRef: message.caseRef },
          });
      };
      const sentKey = `${deps.prefix}:outbound:sent:${String(job.id)}`;
      // Delivered before, and the status perhaps not written then: written now (it is idempotent),
      // and the conversation told again (the engine takes the same event once).
      if ((await deps.redis.exists(sentKey)) === 1) {
        if (message.kind === 'staff-reply') await deps.delivered?.(message.caseRef, String(job.id));
        await tellConversation();
        return;
      }
      // Rendered (a sealed reply opened) before a slot is taken: a box this bot cannot open fails
      // for good at once, and staff are told it is undeliverable (SealedReplyUnreadable is final).
      const rendered: OutboundMessage =
        message.kind === 'staff-reply'
          ? {
              text: deps.i18n.t(
                lang,
                text('case:staffReply', {
                  caseRef: message.caseRef,
                  text:
                    'box' in message
                      ? openReply(message.box, deps.botPrivateKey, message.caseRef, String(job.id))
                      : message.text,
                }),
              ),
              expects: { kind: 'text' },
            }
          : {
              text: deps.i18n.t(
                lang,
                text('case:deadlineReminder', {
                  caseRef: message.caseRef,
                  date: formatDay(message.date, lang),
                }),
              ),
              expects: { kind: 'none' },
            };
      const chat = `${address.platform}:${address.chatId}`;
      const slot = await reserveSlot(deps, chat, job, gap);
      if (slot > Date.now()) {
        await job.moveToDelayed(slot, token);
        throw new DelayedError();
      }
      // The slot is the plan; the pace key holds the gap exactly, whatever the delays on the way.
      const paceKey = `${deps.prefix}:outbound:pace:{${chat}}`;
      if ((await deps.redis.set(paceKey, '1', 'PX', gap, 'NX')) === null) {
        const wait = Math.max(await deps.redis.pttl(paceKey), 1);
        await job.moveToDelayed(Date.now() + wait, token);
        throw new DelayedError();
      }
      await deps.outbound.deliver(event, [rendered]);
      await deps.redis.set(sentKey, '1', 'EX', 7 * 86_400);
      await deps.redis.del(slotKeyOf(deps.prefix, job));
      if (message.kind === 'staff-reply') await deps.delivered?.(message.caseRef, String(job.id));
      await tellConversation();
      log.info({ job: job.id, kind: message.kind, platform: address.platform }, 'delivered');
    },
    {
      connection: deps.connection,
      prefix: `${deps.prefix}:bull`,
      concurrency: 8,
    },
  );
  worker.on('failed', (job, error) => {
    log.warn(
      { job: job?.id, reason: error.message, attempts: job?.attemptsMade },
      'outbound delivery failed',
    );
    if (job === undefined || !gaveUp(job, error)) return;
    // Given up: staff are told, and the message (it may hold a staff reply) does not stay in Redis.
    const parsed = outboundJobSchema.safeParse(job.data);
    void (async () => {
      try {
        if (parsed.success)
          await deps.undeliverable?.(parsed.data.message.caseRef, String(job.id), error.message);
        await job.remove();
      } catch (failure) {
        log.error({ err: failure, job: job.id }, 'could not report an undeliverable message');
      }
    })();
  });
  worker.on('error', (error) => {
    log.error({ err: { name: error.name, message: error.message } }, 'outbound worker error');
  });
  return worker;
}

/**
 * True when a failed delivery will not be tried again: every attempt is spent, or the channel said
 * the failure is final (it refused the message for good, e.g. the person blocked the bot, or threw
 * BullMQ's UnrecoverableError).
 */
export function gaveUp(job: Pick<Job, 'attemptsMade' | 'opts'>, error: Error): boolean {
  return (
    error instanceof UnrecoverableError ||
    error instanceof DeliveryRefused ||
    job.attemptsMade >= (job.opts.attempts ?? 1)
  );
}

/**
 * The time from which the job may be delivered: the slot it reserved in its chat before (kept
 * beside the job), or the chat's next free slot, reserved now.
 */
async function reserveSlot(
  deps: Pick<OutboundWorkerDeps, 'redis' | 'prefix'>,
  chat: string,
  job: Job,
  gap: number,
): Promise<number> {
  const slotKey = slotKeyOf(deps.prefix, job);
  const kept = await deps.redis.get(slotKey);
  if (kept !== null) return Number(kept);
  const slot = Number(
    await deps.redis.eval(
      RESERVE_SLOT,
      1,
      `${deps.prefix}:outbound:next:{${chat}}`,
      Date.now(),
      gap,
    ),
  );
  await deps.redis.set(slotKey, String(slot), 'EX', 7 * 86_400);
  return slot;
}

/** Where a job keeps the slot it reserved. */
const slotKeyOf = (prefix: string, job: Job): string => `${prefix}:outbound:slot:${String(job.id)}`;

function eventFor(address: ReplyAddress, eventId: string): InboundEvent {
  return { ...address, eventId, input: { kind: 'hello' } };
}
