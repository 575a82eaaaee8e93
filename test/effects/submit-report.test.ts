import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/bot/logger.ts';
import type { InboundEvent } from '../../src/bot/types.ts';
import { SUBMITTED_FILE_TTL, submitReport } from '../../src/effects/submit-report.ts';
import {
  REPORT_JOB_VERSION,
  reportContext,
  type ReportJob,
  type ReportPayload,
} from '../../src/queue/reports-queue.ts';
import { generateStaffKeyPair, openJson } from '../../src/staff/seal.ts';
import { sampleReport } from '../support/reports.ts';

const keys = generateStaffKeyPair();
const now = new Date('2026-11-30T10:00:00.000Z');
const event: InboundEvent = {
  platform: 'telegram',
  userId: '42',
  chatId: '4242',
  eventId: 'ev-1',
  input: { kind: 'choice', id: 'send' },
};
const file = {
  name: 'drohbrief.jpg',
  mime: 'image/jpeg',
  size: 3,
  sha256: 'a'.repeat(64),
  receivedAt: now.toISOString(),
  ref: 'file-1',
};
const report = sampleReport('WR52-APAW-WWA6-7', {
  urgent: true,
  danger: 'yes',
  description: 'Ein Drohbrief im Briefkasten.',
  evidence: { files: [file], links: [] },
});

/** The ports on memory, with a log of what happened in which order. */
function memoryPorts(replicated: () => Promise<void> = () => Promise.resolve()) {
  const steps: string[] = [];
  const jobs: ReportJob[] = [];
  const kept: [string, string, number][] = [];
  const ports = {
    cases: {
      track: (conv: string, caseRef: string, at: Date) => {
        steps.push(`track ${conv} ${caseRef} ${at.toISOString()}`);
        return Promise.resolve();
      },
    },
    convId: (key: string) => `conv(${key})`,
    reports: {
      submit: (job: ReportJob) => {
        steps.push(`submit ${job.caseRef}`);
        jobs.push(job);
        return Promise.resolve();
      },
    },
    files: {
      keep: (owner: string, id: string, seconds: number) => {
        steps.push(`keep ${id}`);
        kept.push([owner, id, seconds]);
        return Promise.resolve();
      },
    },
    publicKey: keys.publicKey,
    replicated: async () => {
      steps.push('replicated');
      await replicated();
    },
    clock: () => now,
    logger: createLogger('silent'),
  };
  return { ports, steps, jobs, kept };
}

describe('submitReport', () => {
  it('notes the case under the conversation first, then queues it sealed with the reply address', async () => {
    const { ports, steps, jobs } = memoryPorts();
    await submitReport(ports, event, { caseRef: report.caseRef, urgent: true, report });
    expect(steps).toEqual([
      `track conv(telegram:42) ${report.caseRef} ${now.toISOString()}`,
      `submit ${report.caseRef}`,
      'keep file-1',
      'replicated',
    ]);
    const job = jobs[0]!;
    expect(job).toMatchObject({
      v: REPORT_JOB_VERSION,
      caseRef: report.caseRef,
      urgent: true,
      queuedAt: now.toISOString(),
    });
    expect(job.sealed).not.toContain('Drohbrief');
    const opened = openJson(job.sealed, keys.privateKey, reportContext(report.caseRef));
    expect(opened as ReportPayload).toEqual({
      report,
      address: { platform: 'telegram', userId: '42', chatId: '4242' },
    });
  });

  it('keeps the report’s files beyond the draft’s expiry, for the worker', async () => {
    const { ports, kept } = memoryPorts();
    await submitReport(ports, event, { caseRef: report.caseRef, urgent: true, report });
    expect(kept).toEqual([['telegram:42', 'file-1', SUBMITTED_FILE_TTL]]);
  });

  it('keeps no file of something that is no report', async () => {
    const { ports, kept, jobs } = memoryPorts();
    await submitReport(ports, event, { caseRef: 'X', urgent: false, report: { evidence: 'no' } });
    expect(jobs).toHaveLength(1);
    expect(kept).toEqual([]);
  });

  it('fails when the replicas do not confirm, so that sending can be tried again', async () => {
    const { ports } = memoryPorts(() => Promise.reject(new Error('only 0 of 1 replicas')));
    await expect(
      submitReport(ports, event, { caseRef: report.caseRef, urgent: true, report }),
    ).rejects.toThrow('only 0 of 1 replicas');
  });
});
