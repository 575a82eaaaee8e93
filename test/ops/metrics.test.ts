import type { Queue } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/bot/logger.ts';
import { Metrics } from '../../src/ops/metrics.ts';
import type { CaseStore } from '../../src/staff/case-store.ts';

/** The value of one sample line of the Prometheus text. */
function sample(text: string, line: string): number | undefined {
  const found = text.split('\n').find((l) => l.startsWith(`${line} `));
  return found === undefined ? undefined : Number(found.slice(line.length + 1));
}

describe('Metrics', () => {
  it('counts what the telemetry port reports, per channel', async () => {
    const metrics = new Metrics(createLogger('silent'));
    metrics.outboundRetry('telegram');
    metrics.outboundRetry('telegram');
    metrics.decryptionFailure();
    metrics.messagesOut('matrix', 3);
    metrics.step('console', 0.02);
    const text = await metrics.registry.metrics();
    expect(sample(text, 'lotse_outbound_retries_total{channel="telegram"}')).toBe(2);
    expect(sample(text, 'lotse_matrix_decryption_failures_total')).toBe(1);
    expect(sample(text, 'lotse_messages_total{channel="matrix",direction="out"}')).toBe(3);
    expect(sample(text, 'lotse_step_duration_seconds_bucket{le="0.025",channel="console"}')).toBe(
      1,
    );
    expect(sample(text, 'lotse_step_duration_seconds_bucket{le="0.01",channel="console"}')).toBe(0);
  });

  it('reads queue, case and check gauges from their sources at each scrape', async () => {
    const metrics = new Metrics(createLogger('silent'));
    const statuses = ['new', 'new', 'claimed', 'closed'];
    metrics.watch({
      reports: {
        getJobCounts: () =>
          Promise.resolve({ waiting: 1, prioritized: 2, delayed: 0, active: 1, failed: 4 }),
      } as unknown as Queue,
      cases: {
        list: () => Promise.resolve(statuses.map((status) => ({ status }))),
      } as unknown as CaseStore,
      checks: () => Promise.resolve({ redis: true, 'channel:telegram': false }),
    });
    const text = await metrics.registry.metrics();
    expect(sample(text, 'lotse_reports{state="queued"}')).toBe(3);
    expect(sample(text, 'lotse_reports{state="active"}')).toBe(1);
    expect(sample(text, 'lotse_reports{state="failed"}')).toBe(4);
    expect(sample(text, 'lotse_cases{status="new"}')).toBe(2);
    expect(sample(text, 'lotse_cases{status="waiting"}')).toBe(0);
    expect(sample(text, 'lotse_check_ok{check="channel:telegram"}')).toBe(0);
    expect(sample(text, 'lotse_check_ok{check="redis"}')).toBe(1);
  });

  it('keeps serving metrics when a source fails', async () => {
    const metrics = new Metrics(createLogger('silent'));
    metrics.watch({
      reports: {
        getJobCounts: () => Promise.reject(new Error('Redis is gone')),
      } as unknown as Queue,
      cases: { list: () => Promise.reject(new Error('Redis is gone')) } as unknown as CaseStore,
      checks: () => Promise.resolve({ redis: false }),
    });
    const text = await metrics.registry.metrics();
    expect(sample(text, 'lotse_check_ok{check="redis"}')).toBe(0);
  });
});
