/**
 * A short report's details in the case store, on real Redis: one step keeps them sealed, moves the
 * case's facets and the statistics of the month the case was made in, and writes the audit line;
 * a report not yet a case keeps them beside it; a closed case refuses them; erasing takes them.
 */
import { describe, expect, it } from 'vitest';
import { CaseStore, type NewCase } from '../../src/staff/case-store.ts';
import { facetsOf } from '../../src/staff/case-facets.ts';
import { allowedFrom } from '../../src/staff/case-transitions.ts';
import { useTestRedis } from '../support/redis.ts';

const redis = useTestRedis('case_details');
const OPEN = allowedFrom('details');
const at = (iso: string) => ({ at: iso, actor: 'person', action: 'details' });

/** A short report made into a case in October, its details still unknown. */
function shortCase(caseRef: string): NewCase {
  return {
    actor: 'system',
    sealed: 'sealed-report',
    record: {
      caseRef,
      ...facetsOf({ urgent: false }),
      kinds: ['unknown'],
      platform: 'console',
      lang: 'de',
      address: { platform: 'console', userId: 'p', chatId: 'p' },
      createdAt: '2026-10-31T22:30:00.000Z',
      conv: 'conv-1',
    },
  };
}

describe('details of a short report in the case store', () => {
  it('move the facets and the counters of the case’s month, once per change', async () => {
    const cases = new CaseStore(redis.client, redis.prefix);
    expect(await cases.create(shortCase('R1'))).toBe('created');
    const october = async () => (await cases.stats('2026-10', '2026-11')).get('2026-10');
    expect(await october()).toMatchObject({ 'role:unknown': 1, 'kind:unknown': 1 });

    // November now: the counters stay October's, where the case was counted.
    const role = facetsOf({ role: 'council', kinds: null, urgent: false });
    expect(await cases.details('R1', OPEN, 'box-1', role, at('2026-11-02T08:00:00.000Z'))).toBe(
      'ok',
    );
    expect(await cases.get('R1')).toMatchObject({ role: 'council', state: 'unknown' });
    expect(await october()).toMatchObject({ 'role:council': 1, 'kind:unknown': 1 });
    expect(await october()).not.toHaveProperty('role:unknown');

    const more = facetsOf({
      role: 'council',
      kinds: ['threat', 'physical'],
      channel: 'letter',
      urgent: true,
    });
    expect(await cases.details('R1', OPEN, 'box-2', more, at('2026-11-02T08:05:00.000Z'))).toBe(
      'ok',
    );
    // The same details again change nothing.
    await cases.details('R1', OPEN, 'box-2', more, at('2026-11-02T08:06:00.000Z'));
    expect(await cases.get('R1')).toMatchObject({
      kinds: ['threat', 'physical'],
      channel: 'letter',
      urgent: true,
      updatedAt: '2026-11-02T08:06:00.000Z',
    });
    expect(await october()).toEqual({
      total: 1,
      'state:unknown': 1,
      'role:council': 1,
      'channel:letter': 1,
      'platform:console': 1,
      'kind:threat': 1,
      'kind:physical': 1,
      urgent: 1,
    });
    expect((await cases.stats('2026-11', '2026-11')).size).toBe(0);
    expect(await cases.detailsOf('R1')).toBe('box-2');
    expect((await cases.audit('R1')).map((a) => a.action)).toEqual([
      'created',
      'details',
      'details',
      'details',
    ]);
  });

  it('keeps them beside a report that is no case yet, refuses a closed case, and erases them with it', async () => {
    const cases = new CaseStore(redis.client, redis.prefix);
    const facets = facetsOf({ role: 'council', urgent: false });
    expect(await cases.details('R2', OPEN, 'box', facets, at('2026-11-02T08:00:00.000Z'))).toBe(
      'kept',
    );
    expect(await cases.detailsOf('R2')).toBe('box');
    await cases.dropDetails('R2');
    expect(await cases.detailsOf('R2')).toBeUndefined();

    await cases.create(shortCase('R3'));
    await cases.transition('R3', ['new'], 'closed', {
      at: '2026-11-01T00:00:00.000Z',
      actor: 'x',
      action: 'close',
    });
    expect(await cases.details('R3', OPEN, 'box', facets, at('2026-11-02T08:00:00.000Z'))).toEqual({
      from: 'closed',
    });
    expect(await cases.detailsOf('R3')).toBeUndefined();
    expect(await cases.get('R3')).toMatchObject({ role: 'unknown' });

    await cases.create(shortCase('R4'));
    await cases.details('R4', OPEN, 'box', facets, at('2026-11-02T08:00:00.000Z'));
    await cases.erase('R4', 'conv-1', new Date('2026-11-03T00:00:00.000Z'));
    expect(await cases.detailsOf('R4')).toBeUndefined();
  });
});
