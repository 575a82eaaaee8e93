import type { CaseRecord } from '../staff/case-store.ts';
import type { NoticeKind } from '../staff/ports.ts';

/** What telling staff about an undeliverable message touches. */
export interface UndeliverablePorts {
  readonly cases: { get(caseRef: string): Promise<CaseRecord | undefined> };
  readonly notifier: { notify(kind: NoticeKind, record: CaseRecord, at: string): Promise<void> };
  readonly clock: () => Date;
}

/**
 * A staff reply or a reminder that could not be delivered to the person: the staff of its case
 * get an `undeliverable` notice. A case erased meanwhile is gone, and nobody is told.
 */
export async function undeliverable(ports: UndeliverablePorts, caseRef: string): Promise<void> {
  const record = await ports.cases.get(caseRef);
  if (record) await ports.notifier.notify('undeliverable', record, ports.clock().toISOString());
}
