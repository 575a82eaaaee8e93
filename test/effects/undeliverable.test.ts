import { describe, expect, it } from 'vitest';
import { undeliverable } from '../../src/effects/undeliverable.ts';
import type { CaseRecord } from '../../src/staff/case-store.ts';
import type { NoticeKind } from '../../src/staff/ports.ts';

const now = new Date('2026-11-30T10:00:00.000Z');
const record: CaseRecord = {
  caseRef: 'WR52-APAW-WWA6-7',
  status: 'waiting',
  urgent: false,
  kinds: ['threat'],
  state: 'BY',
  role: 'council',
  channel: 'letter',
  platform: 'telegram',
  lang: 'de',
  address: { platform: 'telegram', userId: '42', chatId: '42' },
  createdAt: '2026-11-22T10:00:00.000Z',
  updatedAt: '2026-11-22T10:00:00.000Z',
  eraseRequested: false,
  conv: 'conv-1',
  assignee: 'ben',
  claimedAt: '2026-11-22T11:00:00.000Z',
};

/** A case store holding `known`, and a notifier that records its notices. */
function memoryPorts(known: readonly CaseRecord[]) {
  const notices: [NoticeKind, string, string][] = [];
  const ports = {
    cases: { get: (caseRef: string) => Promise.resolve(known.find((c) => c.caseRef === caseRef)) },
    notifier: {
      notify: (kind: NoticeKind, r: CaseRecord, at: string) => {
        notices.push([kind, r.caseRef, at]);
        return Promise.resolve();
      },
    },
    clock: () => now,
  };
  return { ports, notices };
}

describe('undeliverable', () => {
  it('tells the staff of the case that a message could not be delivered', async () => {
    const { ports, notices } = memoryPorts([record]);
    await undeliverable(ports, record.caseRef);
    expect(notices).toEqual([['undeliverable', record.caseRef, now.toISOString()]]);
  });

  it('tells nobody about a case that is gone', async () => {
    const { ports, notices } = memoryPorts([]);
    await undeliverable(ports, record.caseRef);
    expect(notices).toEqual([]);
  });
});
