import type { Logger } from '../bot/logger.ts';
import { conversationKey, type InboundEvent } from '../bot/types.ts';
import { reportSchema } from '../flows/intake/report.ts';
import { REPORT_JOB_VERSION, reportContext, type ReportJob } from '../queue/reports-queue.ts';
import { sealJson } from '../staff/seal.ts';

const DAY = 86_400;
/** How long a submitted report's files wait for the worker at most. */
export const SUBMITTED_FILE_TTL = 30 * DAY;

/** What handing a report over touches. */
export interface SubmitReportPorts {
  /** Notes the reference under the conversation (CaseStore.track), so erasure finds it. */
  readonly cases: { track(conv: string, caseRef: string, now: Date): Promise<void> };
  readonly convId: (conversationKey: string) => string;
  /** The reports queue; idempotent by the case reference. */
  readonly reports: { submit(job: ReportJob): Promise<void> };
  readonly files: { keep(owner: string, id: string, seconds: number): Promise<void> };
  /** The staff public key the report is sealed to. */
  readonly publicKey: string;
  /** Resolves once enough replicas hold every write so far; throws when they do not. */
  readonly replicated: () => Promise<void>;
  readonly clock: () => Date;
  readonly logger: Logger;
}

export interface SubmittedReport {
  readonly caseRef: string;
  readonly urgent: boolean;
  readonly report: unknown;
}

/**
 * Hands a completed report to staff: notes the reference under the conversation first (so "delete
 * my data" finds it wherever it is), queues it sealed with the reply address, and keeps its files
 * beyond the draft's expiry until the worker moves them to the case. With replicas, the person is
 * told "sent" only once they hold the report; otherwise this throws and sending can be tried again.
 */
export async function submitReport(
  ports: SubmitReportPorts,
  event: InboundEvent,
  submitted: SubmittedReport,
): Promise<void> {
  const { platform, userId, chatId } = event;
  const key = conversationKey(event);
  await ports.cases.track(ports.convId(key), submitted.caseRef, ports.clock());
  await ports.reports.submit({
    v: REPORT_JOB_VERSION,
    caseRef: submitted.caseRef,
    urgent: submitted.urgent,
    queuedAt: ports.clock().toISOString(),
    sealed: sealJson(
      { report: submitted.report, address: { platform, userId, chatId } },
      ports.publicKey,
      reportContext(submitted.caseRef),
    ),
  });
  const parsed = reportSchema.safeParse(submitted.report);
  for (const file of parsed.success ? parsed.data.evidence.files : []) {
    await ports.files.keep(key, file.ref, SUBMITTED_FILE_TTL);
  }
  await ports.replicated();
  ports.logger.info({ module: 'reports', urgent: submitted.urgent }, 'report queued');
}
