/**
 * The case store the staff desk needs (DeskCases), in memory, for unit tests of the desk and its
 * transition table. It moves a case as the Redis script does: the status must be one of those
 * allowed, else the answer names the status it was in; a move adds a line to the audit trail.
 */
import type { CaseFacets } from '../../src/staff/case-facets.ts';
import type {
  AuditEntry,
  CaseRecord,
  TransitionOptions,
  TransitionResult,
} from '../../src/staff/case-store.ts';
import type { CaseStatus } from '../../src/staff/ports.ts';
import type { DeskCases } from '../../src/staff/desk.ts';

interface StoredCase {
  record: CaseRecord;
  sealed: string;
  notes: string[];
  messages: string[];
  deliveries: Record<string, string>;
  audit: AuditEntry[];
  /** Seconds until it expires, once closed. */
  expiresIn?: number;
}

export class MemoryCaseStore implements DeskCases {
  readonly #cases = new Map<string, StoredCase>();
  readonly #confirmations = new Set<string>();
  /** Reports the person withdrew before they became cases. */
  readonly withdrawn = new Set<string>();

  /** Puts a case in the given status, as if it had got there. */
  put(record: CaseRecord, sealed: string): void {
    this.#cases.set(record.caseRef, {
      record,
      sealed,
      notes: [],
      messages: [],
      deliveries: {},
      audit: [],
    });
  }

  audit(caseRef: string): AuditEntry[] {
    return [...(this.#cases.get(caseRef)?.audit ?? [])];
  }

  expiresIn(caseRef: string): number | undefined {
    return this.#cases.get(caseRef)?.expiresIn;
  }

  get(caseRef: string): Promise<CaseRecord | undefined> {
    const stored = this.#cases.get(caseRef);
    return Promise.resolve(stored === undefined ? undefined : { ...stored.record });
  }

  transition(
    caseRef: string,
    allowed: readonly CaseStatus[],
    to: CaseStatus | undefined,
    audit: AuditEntry,
    fields: Record<string, string> = {},
    options: TransitionOptions = {},
  ): Promise<TransitionResult> {
    const stored = this.#cases.get(caseRef);
    if (stored === undefined) return Promise.resolve('unknown');
    if (!allowed.includes(stored.record.status))
      return Promise.resolve({ from: stored.record.status });
    const guard = options.assignee;
    if (guard !== undefined) {
      const { assigneeId, assignee } = stored.record;
      if (
        assigneeId === undefined
          ? assignee !== undefined && assignee !== guard.name
          : assigneeId !== guard.id
      )
        return Promise.resolve('not-assignee');
    }
    const { eraseRequested, ...rest } = fields;
    const removed = new Set(options.remove ?? []);
    const kept = Object.fromEntries(
      Object.entries(stored.record).filter(([field]) => !removed.has(field)),
    ) as CaseRecord;
    stored.record = {
      ...kept,
      ...rest,
      ...(to === undefined ? {} : { status: to }),
      ...(eraseRequested === undefined ? {} : { eraseRequested: eraseRequested === '1' }),
      updatedAt: audit.at,
    };
    stored.audit.push(audit);
    return Promise.resolve('ok');
  }

  /** A short report's sealed details, by reference (kept also beside a report not yet a case). */
  readonly detailBoxes = new Map<string, string>();

  details(
    caseRef: string,
    allowed: readonly CaseStatus[],
    sealed: string,
    facets: CaseFacets,
    audit: AuditEntry,
  ): Promise<TransitionResult | 'kept'> {
    const stored = this.#cases.get(caseRef);
    if (stored === undefined) {
      this.detailBoxes.set(caseRef, sealed);
      return Promise.resolve('kept');
    }
    if (!allowed.includes(stored.record.status))
      return Promise.resolve({ from: stored.record.status });
    this.detailBoxes.set(caseRef, sealed);
    stored.record = { ...stored.record, ...facets, kinds: [...facets.kinds], updatedAt: audit.at };
    stored.audit.push(audit);
    return Promise.resolve('ok');
  }

  detailsOf(caseRef: string): Promise<string | undefined> {
    return Promise.resolve(this.detailBoxes.get(caseRef));
  }

  dropDetails(caseRef: string): Promise<void> {
    this.detailBoxes.delete(caseRef);
    return Promise.resolve();
  }

  addNote(caseRef: string, sealed: string): Promise<void> {
    this.#cases.get(caseRef)?.notes.push(sealed);
    return Promise.resolve();
  }

  addMessage(caseRef: string, sealed: string): Promise<void> {
    this.#cases.get(caseRef)?.messages.push(sealed);
    return Promise.resolve();
  }

  setDelivery(caseRef: string, messageId: string, sealed: string, add: boolean): Promise<boolean> {
    const stored = this.#cases.get(caseRef);
    if (stored === undefined || (!add && stored.deliveries[messageId] === undefined))
      return Promise.resolve(false);
    stored.deliveries[messageId] = sealed;
    return Promise.resolve(true);
  }

  deliveries(caseRef: string): Promise<Record<string, string>> {
    return Promise.resolve({ ...this.#cases.get(caseRef)?.deliveries });
  }

  sealed(caseRef: string): Promise<string | undefined> {
    return Promise.resolve(this.#cases.get(caseRef)?.sealed);
  }

  notes(caseRef: string): Promise<string[]> {
    return Promise.resolve([...(this.#cases.get(caseRef)?.notes ?? [])]);
  }

  messages(caseRef: string): Promise<string[]> {
    return Promise.resolve([...(this.#cases.get(caseRef)?.messages ?? [])]);
  }

  expire(caseRef: string, _conv: string, seconds: number, _now: Date): Promise<void> {
    const stored = this.#cases.get(caseRef);
    if (stored !== undefined) stored.expiresIn = seconds;
    return Promise.resolve();
  }

  erase(caseRef: string, _conv: string, _now: Date): Promise<void> {
    this.#cases.delete(caseRef);
    this.detailBoxes.delete(caseRef);
    return Promise.resolve();
  }

  withdraw(caseRef: string): Promise<void> {
    this.withdrawn.add(caseRef);
    return Promise.resolve();
  }

  untrack(conv: string, caseRef: string, now: Date): Promise<void> {
    return this.erase(caseRef, conv, now);
  }

  repeated(what: string): Promise<boolean> {
    if (this.#confirmations.delete(what)) return Promise.resolve(true);
    this.#confirmations.add(what);
    return Promise.resolve(false);
  }

  /** The references of the conversation's cases, closed ones included (until they expire). */
  refsOf(conv: string, _now: Date): Promise<string[]> {
    return Promise.resolve(
      [...this.#cases.values()].filter((c) => c.record.conv === conv).map((c) => c.record.caseRef),
    );
  }
}
