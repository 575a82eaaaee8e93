/**
 * A valid report for tests of the staff side: a letter with an insult in Hessen, no files. Each
 * test overrides what it is about.
 */
import { reportSchema, type Report } from '../../src/flows/intake/report.ts';
import {
  REPORT_JOB_VERSION,
  reportContext,
  type ReportJob,
  type ReportPayload,
} from '../../src/queue/reports-queue.ts';
import { sealJson } from '../../src/staff/seal.ts';

export function sampleReport(caseRef: string, overrides: Partial<Report> = {}): Report {
  return reportSchema.parse({
    v: 1,
    caseRef,
    submittedAt: '2026-11-22T10:00:00.000Z',
    language: 'de',
    urgent: false,
    danger: 'no',
    role: 'council',
    kinds: ['insult'],
    channel: 'letter',
    platform: null,
    link: null,
    when: { kind: 'date', date: '2026-11-20' },
    state: 'HE',
    municipality: null,
    description: 'Ein beleidigender Brief.',
    evidence: { files: [], links: [] },
    perpetrator: 'unknown',
    police: 'no',
    fileNumber: null,
    family: 'no',
    help: ['record'],
    contact: 'chat',
    contactValue: null,
    strafantragDeadline: '2027-02-20',
    reminder: false,
    ...overrides,
  });
}

/** A report job as the bot queues it on "send": the report and the address, sealed to `publicKey`. */
export function reportJob(caseRef: string, payload: ReportPayload, publicKey: string): ReportJob {
  return {
    v: REPORT_JOB_VERSION,
    caseRef,
    urgent: false,
    queuedAt: new Date().toISOString(),
    sealed: sealJson(payload, publicKey, reportContext(caseRef)),
  };
}
