/** The inbox's selection: filters over plain case fields and the order staff work in. */
import { describe, expect, it } from 'vitest';
import type { CaseRecord } from '../../src/staff/case-store.ts';
import { inboxQuery, parseInboxFilter, selectCases } from '../../src/staff/inbox.ts';
import { caseRecord } from '../support/case-records.ts';

const NOW = new Date('2026-11-30T12:00:00Z');
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3_600_000).toISOString();

/** A case created and last changed an hour ago, unless `fields` say otherwise. */
const record = (caseRef: string, fields: Partial<CaseRecord>): CaseRecord =>
  caseRecord(caseRef, { createdAt: hoursAgo(1), updatedAt: hoursAgo(1), ...fields });

const CASES = [
  record('AAAA-BBBB-CCCC-D', { createdAt: hoursAgo(2) }),
  record('EEEE-FFFF-GGGG-H', { urgent: true, createdAt: hoursAgo(30), state: 'NW' }),
  record('JJJJ-KKKK-MMMM-N', { status: 'claimed', assignee: 'Ben', kinds: ['threat', 'insult'] }),
  record('PPPP-QQQQ-RRRR-S', { status: 'closed', urgent: true, createdAt: hoursAgo(0.5) }),
  record('TTTT-VVVV-WWWW-X', {
    status: 'waiting',
    createdAt: hoursAgo(24 * 10),
    kinds: ['threat'],
  }),
];
const refs = (filter: Record<string, string>) =>
  selectCases(CASES, parseInboxFilter(filter), NOW).map((c) => c.caseRef.slice(0, 4));

describe('the inbox selection', () => {
  it('puts open urgent cases first, then the newest; closed ones last', () => {
    expect(refs({})).toEqual(['EEEE', 'JJJJ', 'AAAA', 'TTTT', 'PPPP']);
  });

  it('filters by status, urgency, Land, kind, age and assignee', () => {
    expect(refs({ status: 'open' })).toEqual(['EEEE', 'JJJJ', 'AAAA', 'TTTT']);
    expect(refs({ status: 'closed' })).toEqual(['PPPP']);
    expect(refs({ urgent: '1' })).toEqual(['EEEE', 'PPPP']);
    expect(refs({ urgent: '0', state: 'BY' })).toEqual(['JJJJ', 'AAAA', 'TTTT']);
    expect(refs({ kind: 'threat' })).toEqual(['JJJJ', 'TTTT']);
    expect(refs({ age: 'day' })).toEqual(['JJJJ', 'AAAA', 'PPPP']);
    expect(refs({ age: 'week', status: 'open' })).toEqual(['EEEE', 'JJJJ', 'AAAA']);
    expect(refs({ assignee: 'Ben' })).toEqual(['JJJJ']);
    expect(refs({ assignee: '-', status: 'new' })).toEqual(['EEEE', 'AAAA']);
  });

  it('finds a case by part of its number, any case, with or without dashes', () => {
    expect(refs({ q: 'jjjjkkkk' })).toEqual(['JJJJ']);
    expect(refs({ q: ' MMMM-N ' })).toEqual(['JJJJ']);
    expect(refs({ q: 'nothing-like-it' })).toEqual([]);
  });

  it('drops unknown values instead of failing, and writes a filter back as a query', () => {
    const filter = parseInboxFilter({ status: '<script>', urgent: 'yes', age: 'forever', q: '' });
    expect(filter).toEqual({});
    const query = inboxQuery(parseInboxFilter({ status: 'open', urgent: '0', q: 'x'.repeat(100) }));
    expect(query.get('status')).toBe('open');
    expect(query.get('urgent')).toBe('0');
    expect(query.get('q')).toHaveLength(64);
  });
});
