import { describe, expect, it } from 'vitest';
import { caseStatus } from '../../src/effects/case-status.ts';
import { text } from '../../src/flows/types.ts';
import type { CaseStatus } from '../../src/staff/ports.ts';

/** Cases with a status, and reports still queued for the worker. */
const ports = (known: Record<string, CaseStatus>, queued: readonly string[] = []) => ({
  cases: {
    get: (caseRef: string) =>
      Promise.resolve(known[caseRef] === undefined ? undefined : { status: known[caseRef] }),
  },
  reports: { pending: (caseRef: string) => Promise.resolve(queued.includes(caseRef)) },
});

describe('caseStatus', () => {
  it('answers with the status of a known case', async () => {
    expect(await caseStatus(ports({ 'AB12-CD34-EF56-7': 'claimed' }), 'AB12-CD34-EF56-7')).toEqual([
      text('case:status.claimed', { caseRef: 'AB12-CD34-EF56-7' }),
    ]);
  });

  it('reads a report still queued for the worker as new', async () => {
    expect(await caseStatus(ports({}, ['AB12-CD34-EF56-7']), 'AB12-CD34-EF56-7')).toEqual([
      text('case:status.new', { caseRef: 'AB12-CD34-EF56-7' }),
    ]);
  });

  it('says so when no case and no queued report has the reference', async () => {
    expect(await caseStatus(ports({}), 'ZZ99-ZZ99-ZZ99-9')).toEqual([
      text('case:status.unknown', { caseRef: 'ZZ99-ZZ99-ZZ99-9' }),
    ]);
  });
});
