import { describe, expect, it } from 'vitest';
import { REPORT_JOB_VERSION, ReportsQueue, type ReportJob } from '../../src/queue/reports-queue.ts';
import { useTestRedis } from '../support/redis.ts';

const redis = useTestRedis('reports');

describe('ReportsQueue', () => {
  it('queues a case reference once and gives urgent reports the higher priority', async () => {
    const reports = new ReportsQueue(redis.connection(), redis.prefix);
    try {
      const job = (caseRef: string, urgent: boolean): ReportJob => ({
        v: REPORT_JOB_VERSION,
        caseRef,
        urgent,
        queuedAt: new Date().toISOString(),
        sealed: 'x',
      });
      await reports.submit(job('AAAA-AAAA-AAAA-A', false));
      await reports.submit(job('AAAA-AAAA-AAAA-A', false));
      await reports.submit(job('BBBB-BBBB-BBBB-B', true));
      const jobs = await reports.queue.getJobs(['prioritized', 'waiting']);
      expect(jobs.map((j) => j.id).sort()).toEqual(['AAAA-AAAA-AAAA-A', 'BBBB-BBBB-BBBB-B']);
      const priority = (id: string): number =>
        jobs.find((j) => j.id === id)?.opts.priority ?? Number.NaN;
      expect(priority('BBBB-BBBB-BBBB-B')).toBeLessThan(priority('AAAA-AAAA-AAAA-A'));
    } finally {
      await reports.close();
    }
  });
});
