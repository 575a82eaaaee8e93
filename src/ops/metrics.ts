import type { Queue } from 'bullmq';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Logger } from '../bot/logger.ts';
import type { Telemetry } from '../bot/telemetry.ts';
import type { Platform } from '../bot/types.ts';
import type { CaseStore } from '../staff/case-store.ts';
import { CASE_STATUSES } from '../staff/ports.ts';

/** Where the gauges read their values at each scrape. */
export interface MetricSources {
  /** The reports queue (BullMQ). */
  readonly reports: Queue;
  /** The case store, counted by status. */
  readonly cases: CaseStore;
  /** The readiness checks, as 1 (ok) or 0 per check. */
  readonly checks: () => Promise<Readonly<Record<string, boolean>>>;
}

/**
 * Lotse's Prometheus metrics (prom-client), in a registry of its own. Counters and the step
 * histogram are fed through {@link Telemetry}; queue, case and check gauges are read at each scrape
 * from the sources given to `watch`. Labels carry channel names, states and statuses only – never a person.
 */
export class Metrics implements Telemetry {
  readonly registry = new Registry();
  readonly #messages: Counter<'channel' | 'direction'>;
  readonly #steps: Histogram<'channel'>;
  readonly #rateLimited: Counter<'channel'>;
  readonly #retries: Counter<'channel'>;
  readonly #undecryptable: Counter;
  #sources: MetricSources | undefined;

  constructor(logger: Logger) {
    const log = logger.child({ module: 'metrics' });
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.#messages = new Counter({
      name: 'lotse_messages_total',
      help: 'Messages per channel: in from people, out to people.',
      labelNames: ['channel', 'direction'],
      registers,
    });
    this.#steps = new Histogram({
      name: 'lotse_step_duration_seconds',
      help: 'Time to handle one step of a conversation (core and effects, before replies are sent).',
      labelNames: ['channel'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.#rateLimited = new Counter({
      name: 'lotse_rate_limited_total',
      help: 'Messages held back by the per-person rate limit.',
      labelNames: ['channel'],
      registers,
    });
    this.#retries = new Counter({
      name: 'lotse_outbound_retries_total',
      help: 'Outgoing messages (staff replies, reminders) that failed and are tried again.',
      labelNames: ['channel'],
      registers,
    });
    this.#undecryptable = new Counter({
      name: 'lotse_matrix_decryption_failures_total',
      help: 'Matrix messages that stayed undecryptable.',
      registers,
    });
    // Gauges read at scrape time; a failed read keeps the last values and is logged.
    const read = async (what: string, work: (sources: MetricSources) => Promise<void>) => {
      const sources = this.#sources;
      if (sources === undefined) return;
      try {
        await work(sources);
      } catch (error) {
        log.warn({ err: error, what }, 'reading a metric failed');
      }
    };
    new Gauge({
      name: 'lotse_reports',
      help: 'Reports in the queue to the staff worker: queued (waiting, delayed), active, failed (kept aside for staff).',
      labelNames: ['state'],
      registers,
      async collect() {
        await read('reports', async (sources) => {
          const c = await sources.reports.getJobCounts(
            'waiting',
            'prioritized',
            'delayed',
            'active',
            'failed',
          );
          this.set({ state: 'queued' }, (c.waiting ?? 0) + (c.prioritized ?? 0) + (c.delayed ?? 0));
          this.set({ state: 'active' }, c.active ?? 0);
          this.set({ state: 'failed' }, c.failed ?? 0);
        });
      },
    });
    new Gauge({
      name: 'lotse_cases',
      help: 'Cases by status.',
      labelNames: ['status'],
      registers,
      async collect() {
        await read('cases', async (sources) => {
          const counts = new Map<string, number>(CASE_STATUSES.map((s) => [s, 0]));
          for (const record of await sources.cases.list())
            counts.set(record.status, (counts.get(record.status) ?? 0) + 1);
          for (const [status, count] of counts) this.set({ status }, count);
        });
      },
    });
    new Gauge({
      name: 'lotse_check_ok',
      help: 'Readiness checks: 1 when ok, 0 when not (redis, started, channel:NAME, worker:QUEUE).',
      labelNames: ['check'],
      registers,
      async collect() {
        await read('checks', async (sources) => {
          this.reset();
          for (const [check, ok] of Object.entries(await sources.checks()))
            this.set({ check }, ok ? 1 : 0);
        });
      },
    });
  }

  /** Where the gauges read from, once the process has its queues and checks. */
  watch(sources: MetricSources): void {
    this.#sources = sources;
  }

  messageIn(platform: Platform): void {
    this.#messages.inc({ channel: platform, direction: 'in' });
  }

  messagesOut(platform: Platform, count: number): void {
    this.#messages.inc({ channel: platform, direction: 'out' }, count);
  }

  step(platform: Platform, seconds: number): void {
    this.#steps.observe({ channel: platform }, seconds);
  }

  rateLimited(platform: Platform): void {
    this.#rateLimited.inc({ channel: platform });
  }

  outboundRetry(platform: Platform): void {
    this.#retries.inc({ channel: platform });
  }

  decryptionFailure(): void {
    this.#undecryptable.inc();
  }
}
