/**
 * The desk takes a short report's details (personDetails): the case's facets move, the details are
 * kept sealed (the bot role cannot read the report), their lines join the messages, and `show`
 * gives staff the report with them in place. A queued report keeps them; a gone one does not.
 */
import { describe, expect, it } from 'vitest';
import { reportSchema, type Report } from '../../src/flows/intake/report.ts';
import type { Effect, ReportDetails } from '../../src/flows/types.ts';
import { reportContext } from '../../src/queue/reports-queue.ts';
import type { CaseRecord } from '../../src/staff/case-store.ts';
import { CaseDesk } from '../../src/staff/desk.ts';
import { StaffRoster } from '../../src/staff/roster.ts';
import { generateStaffKeyPair, sealJson } from '../../src/staff/seal.ts';
import { ConversationDriver } from '../support/conversation-driver.ts';
import { MemoryCaseStore } from '../support/memory-case-store.ts';

const keys = generateStaffKeyPair();
const anna = { id: 'anna', name: 'anna' };
const address = { platform: 'console', userId: 'p1', chatId: 'p1' } as const;

/** A short report as the core sends it, and the details of its first answered detail (role). */
function shortReport(): { report: Report; details: ReportDetails } {
  const chat = new ConversationDriver({ caseRefs: ['SHRT-0000-0000-0'] });
  chat.command('start');
  chat.choice('report');
  chat.choice('no');
  chat.choice('short');
  chat.text('Ein Drohbrief lag im Briefkasten des Rathauses.');
  chat.choice('done');
  chat.choice('chat');
  chat.choice('send');
  chat.choice('add');
  chat.choice('mayorHonorary');
  const effect = (kind: Effect['kind']) => chat.effects.find((e) => e.kind === kind);
  const submit = effect('submit-report');
  const details = effect('case-details');
  if (submit?.kind !== 'submit-report' || details?.kind !== 'case-details')
    throw new Error('no report or no details');
  return { report: reportSchema.parse(submit.report), details: details.details };
}

function record(caseRef: string, status: CaseRecord['status']): CaseRecord {
  return {
    caseRef,
    status,
    urgent: false,
    kinds: ['unknown'],
    state: 'unknown',
    role: 'unknown',
    channel: 'unknown',
    platform: 'console',
    lang: 'de',
    address,
    createdAt: '2026-11-22T10:00:00.000Z',
    updatedAt: '2026-11-22T10:00:00.000Z',
    eraseRequested: false,
    conv: 'conv-1',
  };
}

function deskWith(pending: () => boolean) {
  const cases = new MemoryCaseStore();
  const notices: string[] = [];
  const desk = new CaseDesk({
    cases,
    reports: {
      remove: () => Promise.resolve('absent'),
      pending: () => Promise.resolve(pending()),
    },
    outbound: { enqueue: () => Promise.resolve('1'), removeWhere: () => Promise.resolve(0) },
    notifier: { notify: (kind) => Promise.resolve(void notices.push(kind)) },
    reminders: { waiting: () => Promise.resolve(), removeFor: () => Promise.resolve(0) },
    publicKey: keys.publicKey,
    privateKey: keys.privateKey,
    roster: new StaffRoster({ cli: ['anna'] }),
    retentionSeconds: 90 * 86_400,
    clock: () => new Date('2026-11-23T09:00:00.000Z'),
  });
  return { desk, cases, notices };
}

describe('the desk takes details after a short report', () => {
  it('moves the case’s facets, adds the lines as a message, and shows them in place', async () => {
    const { report, details } = shortReport();
    const { desk, cases, notices } = deskWith(() => false);
    const caseRef = report.caseRef;
    cases.put(
      record(caseRef, 'new'),
      sealJson({ report, address }, keys.publicKey, reportContext(caseRef)),
    );
    expect(await desk.personDetails(caseRef, details, 'Ergänzte Angaben:\nFunktion: …')).toBe('ok');
    expect(await cases.get(caseRef)).toMatchObject({ role: 'mayorHonorary', state: 'unknown' });
    expect(cases.audit(caseRef).map((a) => a.action)).toEqual(['details', 'message']);
    expect(notices).toEqual(['message']);
    // What the detail box holds is sealed: nothing of it reads in plain.
    expect(cases.detailBoxes.get(caseRef)).not.toContain('mayorHonorary');

    const shown = await desk.show(anna, caseRef);
    if (!shown.ok) throw new Error(shown.reason);
    const seen = reportSchema.parse(shown.value.report);
    expect(seen.role).toBe('mayorHonorary');
    expect(seen.missing).not.toContain('role');
    expect(seen.missing).toContain('kinds');
    expect(shown.value.messages.map((m) => m.text)).toEqual(['Ergänzte Angaben:\nFunktion: …']);
  });

  it('keeps them beside a report still queued, and refuses them for a gone or closed one', async () => {
    const { report, details } = shortReport();
    let queued = true;
    const { desk, cases } = deskWith(() => queued);
    expect(await desk.personDetails(report.caseRef, details, '')).toBe('ok');
    expect(cases.detailBoxes.has(report.caseRef)).toBe(true);

    queued = false;
    expect(await desk.personDetails(report.caseRef, details, '')).toBe('unknown');
    expect(cases.detailBoxes.has(report.caseRef)).toBe(false);

    cases.put(
      record('CLSD-0000-0000-0', 'closed'),
      sealJson({ report, address }, keys.publicKey, reportContext('CLSD-0000-0000-0')),
    );
    expect(await desk.personDetails('CLSD-0000-0000-0', details, 'x')).toBe('closed');
    expect(cases.detailBoxes.has('CLSD-0000-0000-0')).toBe(false);
    expect(await cases.get('CLSD-0000-0000-0')).toMatchObject({ role: 'unknown' });
  });
});
