import { text, type Text } from '../flows/types.ts';
import type { CaseStatus } from '../staff/ports.ts';

/** Where a case's status is looked up. */
export interface CaseStatusPorts {
  readonly cases: { get(caseRef: string): Promise<{ readonly status: CaseStatus } | undefined> };
  /** Whether a report is still queued for the worker (ReportsQueue.pending). */
  readonly reports: { pending(caseRef: string): Promise<boolean> };
}

/**
 * One sentence with the case's status; a report still queued for the worker has arrived and
 * reads as new; otherwise no such case is known.
 */
export async function caseStatus(
  ports: CaseStatusPorts,
  caseRef: string,
): Promise<readonly Text[]> {
  const record = await ports.cases.get(caseRef);
  const status = record?.status ?? ((await ports.reports.pending(caseRef)) ? 'new' : 'unknown');
  return [text(`case:status.${status}`, { caseRef })];
}
