/**
 * The staff room's rules, as pure logic over a recording port: which commands count (listed staff,
 * encrypted, from a cross-signed device), when case details may be posted (encrypted room, only
 * staff in it or invited), and what a process without the private key says instead. Each refusal
 * is one localised sentence, and the desk is not asked for details that could not be posted. The
 * same rules against a real Synapse: staff-room-trust.test.ts.
 */
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import {
  MatrixStaffRoom,
  type RoomAudience,
  type SenderProof,
  type StaffMessage,
} from '../../../src/adapters/matrix/staff-room.ts';
import { newCaseRef } from '../../../src/bot/case-ref.ts';
import { Translator } from '../../../src/bot/i18n.ts';
import { StaffRoster } from '../../../src/staff/roster.ts';
import { FakeDesk } from './harness/fake-desk.ts';

const STAFF = '@ben:example.org';
const COLLEAGUE = '@cem:example.org';
const CASE = newCaseRef();
const i18n = Translator.create();
const t = (key: string, params?: Record<string, string>) =>
  i18n.t('de', { key, ...(params ? { params } : {}) });

function room(options: { audience?: RoomAudience; canRead?: boolean } = {}) {
  const sent: StaffMessage[] = [];
  /** Accounts whose changed identity waits for `!trust`. */
  const changed = new Set<string>();
  const accepted: string[] = [];
  const desk = new FakeDesk([STAFF], { canRead: options.canRead ?? true });
  const staffRoom = new MatrixStaffRoom({
    port: {
      roomId: () => Promise.resolve('!staff:example.org'),
      send: (_room, message) => {
        sent.push(message);
        return Promise.resolve();
      },
      audience: () => Promise.resolve(options.audience ?? 'staff-only'),
      displayName: () => 'Ben',
      acceptIdentity: (userId) => {
        accepted.push(userId);
        return Promise.resolve(changed.delete(userId));
      },
    },
    roster: new StaffRoster({ matrix: [STAFF, COLLEAGUE] }),
    desk,
    i18n,
    language: 'de',
    logger: pino({ level: 'silent' }),
  });
  const say = async (body: string, proof: SenderProof = 'verified', sender = STAFF) => {
    await staffRoom.handle({
      roomId: '!staff:example.org',
      eventId: `$${String(sent.length)}`,
      sender,
      body,
      proof: () => Promise.resolve(proof),
    });
    return sent.at(-1)?.body;
  };
  return { say, desk, sent, changed, accepted };
}

describe('Matrix staff room rules', () => {
  it('takes commands only encrypted, from a cross-signed device of listed staff', async () => {
    const { say, desk } = room();
    expect(await say(`!claim ${CASE}`, 'unencrypted')).toBe(t('staff:refused.unencrypted-command'));
    expect(await say(`!show ${CASE}`, 'unverified')).toBe(t('staff:refused.unverified-device'));
    expect(await say('!help', 'unverified')).toBe(t('staff:refused.unverified-device'));
    expect(await say(`!show ${CASE}`, 'verified', '@eve:example.org')).toBe(
      t('staff:refused.not-staff', { list: 'MATRIX_STAFF_USER_IDS' }),
    );
    expect(desk.calls).toEqual([]);
    expect(await say(`!claim ${CASE}`)).toBe(t('staff:done.claim', { caseRef: CASE }));
    expect(desk.calls.map((c) => c.op)).toEqual(['claim']);
  });

  it('posts case details only to an encrypted room of staff, and never asks the desk otherwise', async () => {
    for (const [audience, key] of [
      ['outsiders', 'staff:refused.room-outsiders'],
      ['unencrypted', 'staff:refused.room-unencrypted'],
    ] as const) {
      const { say, desk, sent } = room({ audience });
      expect(await say(`!show ${CASE}`)).toBe(t(key, { list: 'MATRIX_STAFF_USER_IDS' }));
      expect(desk.calls).toEqual([]);
      expect(sent.map((m) => m.body).join('\n')).not.toContain('DETAIL-MARKER');
      // Commands that post nothing of the case still work there.
      expect(await say(`!claim ${CASE}`)).toBe(t('staff:done.claim', { caseRef: CASE }));
    }
    const { say } = room();
    expect(await say(`!show ${CASE}`)).toContain('DETAIL-MARKER');
  });

  it('says where the case can be read when the process holds no private key', async () => {
    const { say } = room({ canRead: false });
    const answer = await say(`!show ${CASE}`);
    expect(answer).toBe(t('staff:refused.show-elsewhere', { caseRef: CASE }));
    expect(answer).toContain(`npm run staff -- show ${CASE}`);
  });

  it('refuses an account whose cross-signing changed until a colleague accepts it with !trust', async () => {
    const { say, desk, changed, accepted } = room();
    changed.add(COLLEAGUE);
    expect(await say(`!claim ${CASE}`, 'identity-changed', COLLEAGUE)).toBe(
      t('staff:refused.identity-changed', { userId: COLLEAGUE, p: '!' }),
    );
    // The changed account cannot accept itself: its own command is refused like any other.
    expect(await say(`!trust ${COLLEAGUE}`, 'identity-changed', COLLEAGUE)).toBe(
      t('staff:refused.identity-changed', { userId: COLLEAGUE, p: '!' }),
    );
    expect(await say('!trust @eve:example.org')).toBe(
      t('staff:refused.trust-not-staff', {
        userId: '@eve:example.org',
        list: 'MATRIX_STAFF_USER_IDS',
      }),
    );
    expect(await say('!trust eve')).toBe(t('staff:refused.bad-user', { p: '!' }));
    expect(accepted).toEqual([]);
    expect(await say(`!trust ${COLLEAGUE}`)).toBe(t('staff:trusted', { userId: COLLEAGUE }));
    expect(await say(`!trust ${COLLEAGUE}`)).toBe(t('staff:trustUnchanged', { userId: COLLEAGUE }));
    expect(accepted).toEqual([COLLEAGUE, COLLEAGUE]);
    expect(desk.calls).toEqual([]);
  });

  it('answers ordinary talk with nothing and does not even check its sender', async () => {
    const { say, sent } = room();
    let asked = false;
    await say('Ich übernehme das.', 'verified');
    expect(sent).toEqual([]);
    const staffRoom = new MatrixStaffRoom({
      port: {
        roomId: () => Promise.resolve(undefined),
        send: () => Promise.resolve(),
        audience: () => Promise.resolve('staff-only'),
        displayName: () => 'Ben',
        acceptIdentity: () => Promise.resolve(false),
      },
      roster: new StaffRoster({ matrix: [STAFF] }),
      i18n,
      language: 'de',
      logger: pino({ level: 'silent' }),
    });
    await staffRoom.handle({
      roomId: '!staff:example.org',
      eventId: '$talk',
      sender: STAFF,
      body: 'Guten Morgen',
      proof: () => {
        asked = true;
        return Promise.resolve('verified');
      },
    });
    expect(asked).toBe(false);
  });
});
