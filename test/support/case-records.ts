/**
 * Plain case fields for tests that seed cases without a report: what the report worker makes of a
 * report (an insult online in Bavaria, through the console), with any field overridden.
 */
import type { CaseRecord, NewCase } from '../../src/staff/case-store.ts';

/** A new case's record as the report worker writes it, created now unless `fields` say when. */
export function newCaseRecord(
  caseRef: string,
  fields: Partial<NewCase['record']> = {},
): NewCase['record'] {
  return {
    caseRef,
    urgent: false,
    kinds: ['insult'],
    state: 'BY',
    role: 'council',
    channel: 'online',
    platform: 'console',
    lang: 'de',
    address: { platform: 'console', userId: `u-${caseRef}`, chatId: `c-${caseRef}` },
    createdAt: new Date().toISOString(),
    conv: `conv-${caseRef}`,
    ...fields,
  };
}

/** A case as the store holds it: new, last changed when it was created, unless `fields` say. */
export function caseRecord(caseRef: string, fields: Partial<CaseRecord> = {}): CaseRecord {
  const record = newCaseRecord(caseRef, fields);
  return {
    ...record,
    status: 'new',
    updatedAt: record.createdAt,
    eraseRequested: false,
    ...fields,
  };
}

/** A case as the report worker makes it, for the store's `create` (its sealed report not opened). */
export function seededCase(caseRef: string, fields: Partial<NewCase['record']> = {}): NewCase {
  return { record: newCaseRecord(caseRef, fields), sealed: 'not-opened-here', actor: 'worker' };
}
