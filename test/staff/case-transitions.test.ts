/**
 * The staff desk's transitions, status × action, as one table (src/staff/case-transitions.ts): the
 * table itself, and the desk following it on a case store in memory – each action from each status
 * either moves the case where the table says, leaves it, or is refused with the table's reason and
 * changes nothing.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { evidenceFileName } from '../../src/staff/evidence-files.ts';
import { sampleReport } from '../support/reports.ts';
import { newCaseRef } from '../../src/bot/case-ref.ts';
import type { CaseRecord } from '../../src/staff/case-store.ts';
import {
  allowedFrom,
  CASE_ACTIONS,
  targetOf,
  TRANSITIONS,
  type CaseAction,
} from '../../src/staff/case-transitions.ts';
import { reportContext } from '../../src/queue/reports-queue.ts';
import { generateStaffKeyPair, sealJson } from '../../src/staff/seal.ts';
import { CaseDesk } from '../../src/staff/desk.ts';
import { CASE_STATUSES, type CaseStatus, type DeskResult } from '../../src/staff/ports.ts';
import { StaffRoster } from '../../src/staff/roster.ts';
import { MemoryCaseStore } from '../support/memory-case-store.ts';

const keys = generateStaffKeyPair();
const anna = { id: 'anna', name: 'anna' };
/** Who claimed the cases that start claimed (see `record`): the one who may hand them back. */
const ben = { id: 'ben', name: 'ben' };
const CONV = 'conv-1';
const PDF_BYTES = Buffer.from('%PDF-1.4 Drohbrief');
/** The case's one evidence file; its Lotse-made name is `01-<12 hex>.pdf`. */
const PDF = {
  name: 'brief.pdf',
  mime: 'application/pdf',
  size: PDF_BYTES.byteLength,
  sha256: createHash('sha256').update(PDF_BYTES).digest('hex'),
  receivedAt: '2026-11-22T10:00:00.000Z',
  ref: 'f1',
};
const PDF_NAME = evidenceFileName(0, PDF);

function record(caseRef: string, status: CaseStatus): CaseRecord {
  return {
    caseRef,
    status,
    urgent: false,
    kinds: ['threat'],
    state: 'BY',
    role: 'council',
    channel: 'letter',
    platform: 'console',
    lang: 'de',
    address: { platform: 'console', userId: 'p1', chatId: 'p1' },
    createdAt: '2026-11-22T10:00:00.000Z',
    updatedAt: '2026-11-22T10:00:00.000Z',
    eraseRequested: false,
    conv: CONV,
    ...(status === 'new'
      ? {}
      : { assignee: 'ben', assigneeId: 'ben', claimedAt: '2026-11-22T11:00:00.000Z' }),
  };
}

/** A desk over a memory store holding one case in the given status. */
function deskWith(status: CaseStatus) {
  const cases = new MemoryCaseStore();
  const caseRef = newCaseRef();
  cases.put(
    record(caseRef, status),
    sealJson(
      {
        report: sampleReport(caseRef, { evidence: { files: [PDF], links: [] } }),
        address: record(caseRef, status).address,
      },
      keys.publicKey,
      reportContext(caseRef),
    ),
  );
  const queued: unknown[] = [];
  const notices: string[] = [];
  const desk = new CaseDesk({
    cases,
    reports: { remove: () => Promise.resolve('absent'), pending: () => Promise.resolve(false) },
    outbound: {
      enqueue: (job) => Promise.resolve(String(queued.push(job))),
      removeWhere: () => Promise.resolve(0),
    },
    notifier: { notify: (kind) => Promise.resolve(void notices.push(kind)) },
    reminders: { waiting: () => Promise.resolve(), removeFor: () => Promise.resolve(0) },
    publicKey: keys.publicKey,
    privateKey: keys.privateKey,
    roster: new StaffRoster({ cli: ['anna', 'ben'] }),
    readFile: () => Promise.resolve(PDF_BYTES),
    retentionSeconds: 90 * 86_400,
    clock: () => new Date('2026-11-23T09:00:00.000Z'),
  });
  return { desk, cases, caseRef, queued, notices };
}

/** Runs one action the way the desk offers it: "ok", or the desk's refusal. */
async function act(
  desk: CaseDesk,
  action: Exclude<CaseAction, 'answered'>,
  caseRef: string,
): Promise<string> {
  const of = (result: DeskResult<unknown>) => (result.ok ? 'ok' : result.reason);
  switch (action) {
    case 'claim':
      return of(await desk.claim(anna, caseRef));
    case 'hand-back':
      return of(await desk.handBack(ben, caseRef));
    case 'note':
      return of(await desk.note(anna, caseRef, 'Rückruf vereinbart'));
    case 'reply':
      return of(await desk.reply(ben, caseRef, 'Wir melden uns.'));
    case 'close':
      return of(await desk.close(ben, caseRef, 'An die Polizei verwiesen.'));
    case 'show':
      return of(await desk.show(anna, caseRef));
    case 'file':
      return of(await desk.evidenceFile(anna, caseRef, PDF_NAME));
    case 'referral':
      return of(await desk.referral(anna, caseRef, 'police'));
    case 'message':
      return desk.personMessage(caseRef, 'Danke!');
    case 'details':
      return desk.personDetails(
        caseRef,
        { fields: { role: 'council' }, missing: ['kinds'], urgent: false },
        '',
      );
    case 'erase-request': {
      const erasure = await desk.erasePerson(
        { platform: 'console', userId: 'p1', chatId: 'p1' },
        CONV,
      );
      return erasure.flagged === 1 ? 'ok' : erasure.erased === 1 ? 'erased' : 'refused';
    }
  }
}

describe('case transitions', () => {
  it('are one table: where each action leads from each status, or why it is refused', () => {
    const cell = (action: CaseAction, status: CaseStatus) => {
      const c = TRANSITIONS[action][status];
      return c.kind === 'to' ? `→ ${c.status}` : c.kind === 'stays' ? '=' : `✗ ${c.reason}`;
    };
    const table = Object.fromEntries(
      CASE_ACTIONS.map((a) => [a, CASE_STATUSES.map((s) => `${s} ${cell(a, s)}`)]),
    );
    expect(table).toEqual({
      claim: [
        'new → claimed',
        'claimed ✗ already-claimed',
        'waiting ✗ already-claimed',
        'closed ✗ closed',
      ],
      'hand-back': ['new ✗ not-claimed', 'claimed → new', 'waiting → new', 'closed ✗ closed'],
      note: ['new =', 'claimed =', 'waiting =', 'closed ✗ closed'],
      reply: ['new ✗ not-claimed', 'claimed → waiting', 'waiting → waiting', 'closed ✗ closed'],
      close: ['new → closed', 'claimed → closed', 'waiting → closed', 'closed ✗ closed'],
      show: ['new =', 'claimed =', 'waiting =', 'closed ='],
      file: ['new =', 'claimed =', 'waiting =', 'closed ='],
      referral: ['new =', 'claimed =', 'waiting =', 'closed ='],
      message: ['new =', 'claimed =', 'waiting =', 'closed ✗ closed'],
      details: ['new =', 'claimed =', 'waiting =', 'closed ✗ closed'],
      answered: [
        'new ✗ not-claimed',
        'claimed ✗ already-claimed',
        'waiting → claimed',
        'closed ✗ closed',
      ],
      'erase-request': ['new =', 'claimed =', 'waiting =', 'closed ✗ closed'],
    });
    // Each action leads to one status from every status it may start from (one atomic step).
    expect(CASE_ACTIONS.map((a) => [a, allowedFrom(a), targetOf(a)])).toEqual([
      ['claim', ['new'], 'claimed'],
      ['hand-back', ['claimed', 'waiting'], 'new'],
      ['note', ['new', 'claimed', 'waiting'], undefined],
      ['reply', ['claimed', 'waiting'], 'waiting'],
      ['close', ['new', 'claimed', 'waiting'], 'closed'],
      ['show', ['new', 'claimed', 'waiting', 'closed'], undefined],
      ['file', ['new', 'claimed', 'waiting', 'closed'], undefined],
      ['referral', ['new', 'claimed', 'waiting', 'closed'], undefined],
      ['message', ['new', 'claimed', 'waiting'], undefined],
      ['details', ['new', 'claimed', 'waiting'], undefined],
      ['answered', ['waiting'], 'claimed'],
      ['erase-request', ['new', 'claimed', 'waiting'], undefined],
    ]);
  });

  const cells = CASE_ACTIONS.filter((a) => a !== 'answered').flatMap((action) =>
    CASE_STATUSES.map((status) => [action, status] as const),
  );

  it.each(cells)('the desk follows the table: %s from %s', async (action, status) => {
    const { desk, cases, caseRef } = deskWith(status);
    const outcome = await act(desk, action, caseRef);
    const cell = TRANSITIONS[action][status];
    const after = await cases.get(caseRef);
    // Asked to erase their data, the person's closed cases are erased rather than flagged.
    if (action === 'erase-request' && status === 'closed') {
      expect(outcome).toBe('erased');
      expect(after).toBeUndefined();
      return;
    }
    if (cell.kind === 'refused') {
      expect(outcome).toBe(cell.reason);
      expect(after?.status).toBe(status);
      expect(cases.audit(caseRef)).toEqual([]);
      return;
    }
    expect(outcome).toBe('ok');
    let expected = cell.kind === 'to' ? cell.status : status;
    // The person's message hands a case that waited for them back to staff.
    if (action === 'message' && expected === 'waiting') {
      const answered = TRANSITIONS.answered.waiting;
      if (answered.kind === 'to') expected = answered.status;
    }
    expect(after?.status).toBe(expected);
    expect(cases.audit(caseRef).map((line) => line.action)).toEqual(
      action === 'message' && status === 'waiting' ? ['message', 'answered'] : [action],
    );
  });

  it.each(['claimed', 'waiting'] as const)(
    'keeps a %s case its assignee’s: a colleague’s reply or close is refused, a note is not',
    async (status) => {
      const { desk, cases, caseRef } = deskWith(status);
      const before = await cases.get(caseRef);
      expect(await desk.reply(anna, caseRef, 'Hallo')).toEqual({
        ok: false,
        reason: 'not-assignee',
      });
      expect(await desk.close(anna, caseRef, 'erledigt')).toEqual({
        ok: false,
        reason: 'not-assignee',
      });
      expect(await cases.get(caseRef)).toEqual(before);
      expect(cases.audit(caseRef)).toEqual([]);
      expect((await desk.note(anna, caseRef, 'Kollegin informiert')).ok).toBe(true);
    },
  );

  it('lets only the assignee hand a case back, which clears the claim and tells staff', async () => {
    const { desk, cases, caseRef, notices } = deskWith('waiting');
    const before = await cases.get(caseRef);
    expect(await desk.handBack(anna, caseRef)).toEqual({ ok: false, reason: 'not-assignee' });
    expect(await cases.get(caseRef)).toEqual(before);
    expect(cases.audit(caseRef)).toEqual([]);
    expect(await desk.handBack(ben, newCaseRef())).toEqual({ ok: false, reason: 'unknown-case' });
    expect(await desk.handBack(ben, caseRef)).toEqual({ ok: true, value: undefined });
    const after = await cases.get(caseRef);
    expect(after?.status).toBe('new');
    expect(after?.assignee).toBeUndefined();
    expect(after?.assigneeId).toBeUndefined();
    expect(after?.claimedAt).toBeUndefined();
    expect(cases.audit(caseRef)).toEqual([
      { at: '2026-11-23T09:00:00.000Z', actor: 'ben', action: 'hand-back' },
    ]);
    expect(notices).toEqual(['unclaimed']);
    // Anyone may claim it now, and the new assignee is the one who may give it back.
    expect((await desk.claim(anna, caseRef)).ok).toBe(true);
    expect((await cases.get(caseRef))?.assigneeId).toBe('anna');
    expect(await desk.handBack(ben, caseRef)).toEqual({ ok: false, reason: 'not-assignee' });
    expect((await desk.handBack(anna, caseRef)).ok).toBe(true);
  });

  it('refuses an unknown case, someone not on the staff list and an empty text, changing nothing', async () => {
    const { desk, cases, caseRef, queued } = deskWith('claimed');
    expect(await desk.claim(anna, newCaseRef())).toEqual({ ok: false, reason: 'unknown-case' });
    expect(await desk.reply({ id: 'mallory', name: 'mallory' }, caseRef, 'Hallo')).toEqual({
      ok: false,
      reason: 'not-staff',
    });
    expect(await desk.note(anna, caseRef, '  ')).toEqual({ ok: false, reason: 'empty' });
    expect(cases.audit(caseRef)).toEqual([]);
    expect(queued).toEqual([]);
  });

  it('goes through a case’s life: claim, reply, the person answers, close, erased after retention', async () => {
    const { desk, cases, caseRef, queued, notices } = deskWith('new');
    expect((await desk.claim(anna, caseRef)).ok).toBe(true);
    expect((await desk.reply(anna, caseRef, 'Wir melden uns.')).ok).toBe(true);
    expect(queued).toHaveLength(1);
    expect((await cases.get(caseRef))?.status).toBe('waiting');
    expect(await desk.personMessage(caseRef, 'Danke!')).toBe('ok');
    expect((await cases.get(caseRef))?.status).toBe('claimed');
    expect((await desk.close(anna, caseRef, 'Erledigt.')).ok).toBe(true);
    expect(cases.expiresIn(caseRef)).toBe(90 * 86_400);
    expect(await desk.personMessage(caseRef, 'Noch etwas.')).toBe('closed');
    expect(notices).toEqual(['claimed', 'message', 'closed']);
    // Erasing in a chat room takes the same command twice; then the case is gone.
    expect(await desk.erase(anna, caseRef)).toEqual({ ok: true, value: 'confirm' });
    expect(await desk.erase(anna, caseRef)).toEqual({ ok: true, value: 'erased' });
    expect(await cases.get(caseRef)).toBeUndefined();
  });
});
