/**
 * Handing a case back on the real case store (Redis): only the staff member who claimed it may, in
 * one atomic step with the status check; the claim goes, the audit trail names who did it.
 */
import { describe, expect, it } from 'vitest';
import { submitCase, useStaffApp } from '../support/staff-cases.ts';

const { keys, start } = useStaffApp('handback', 'anna,ben');

const anna = { id: 'anna', name: 'Anna Berg' };
const ben = { id: 'ben', name: 'Ben Kurz' };

describe('hand back', () => {
  it('is the assignee’s alone; the case is new again, its claim gone, the audit trail says who', async () => {
    const app = await start();
    const caseRef = await submitCase(app, keys.publicKey, {
      platform: 'console',
      userId: 'p1',
      chatId: 'p1',
    });
    expect(await app.desk.handBack(anna, caseRef)).toEqual({ ok: false, reason: 'not-claimed' });
    expect((await app.desk.claim(anna, caseRef)).ok).toBe(true);
    expect((await app.desk.reply(anna, caseRef, 'Wir melden uns.')).ok).toBe(true);
    const claimed = await app.cases.get(caseRef);
    expect(claimed).toMatchObject({ status: 'waiting', assignee: 'Anna Berg', assigneeId: 'anna' });

    // Someone else – even with the same display name – cannot give it back; nothing changes.
    expect(await app.desk.handBack(ben, caseRef)).toEqual({ ok: false, reason: 'not-assignee' });
    expect(await app.desk.handBack({ id: 'ben', name: 'Anna Berg' }, caseRef)).toEqual({
      ok: false,
      reason: 'not-assignee',
    });
    expect(await app.cases.get(caseRef)).toEqual(claimed);

    expect(await app.desk.handBack(anna, caseRef)).toEqual({ ok: true, value: undefined });
    const back = await app.cases.get(caseRef);
    expect(back?.status).toBe('new');
    for (const field of ['assignee', 'assigneeId', 'claimedAt', 'waitingSince'] as const)
      expect(back?.[field]).toBeUndefined();
    expect((await app.cases.audit(caseRef)).map((a) => [a.action, a.actor])).toEqual([
      ['created', 'system'],
      ['claim', 'anna'],
      ['reply', 'anna'],
      ['hand-back', 'anna'],
    ]);
    expect((await app.desk.claim(ben, caseRef)).ok).toBe(true);
    expect((await app.cases.get(caseRef))?.assigneeId).toBe('ben');
  });

  it('lets a case claimed before assignee ids were kept be handed back by its assignee’s name', async () => {
    const app = await start();
    const caseRef = await submitCase(app, keys.publicKey, {
      platform: 'console',
      userId: 'p2',
      chatId: 'p2',
    });
    // As an older version claimed: the assignee's name only.
    await app.cases.transition(
      caseRef,
      ['new'],
      'claimed',
      { at: new Date().toISOString(), actor: 'Anna Berg', action: 'claim' },
      { assignee: 'Anna Berg', claimedAt: new Date().toISOString() },
    );
    expect(await app.desk.handBack(ben, caseRef)).toEqual({ ok: false, reason: 'not-assignee' });
    expect((await app.desk.handBack(anna, caseRef)).ok).toBe(true);
    expect((await app.cases.get(caseRef))?.status).toBe('new');
  });
});
