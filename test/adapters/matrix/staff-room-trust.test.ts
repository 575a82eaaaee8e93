/**
 * Who the Matrix staff room listens to and shows cases to, against a real Synapse. A listed staff
 * member with a cross-signed device is the only one whose commands count; each of these attempts
 * is refused with one sentence and discloses nothing of the case:
 *
 * - a command sent unencrypted into the encrypted room (as a homeserver could write it);
 * - a command from another, unverified session of the staff account (a stolen password);
 * - a forged sender: a command encrypted on an outsider's device, sent under the staff account;
 * - `!show` while someone not on the staff list is invited to the room or has joined it.
 *
 * The bot's own messages in the room carry room keys for cross-signed staff devices only: the
 * unverified session and the outsider cannot read them. Once the outsider has left, `!show` works.
 */
import { describe, expect, it } from 'vitest';
import { newCaseRef } from '../../../src/bot/case-ref.ts';
import { Translator } from '../../../src/bot/i18n.ts';
import { useTestRedis } from '../../support/redis.ts';
import { FakeDesk } from './harness/fake-desk.ts';
import { MatrixUser } from './harness/matrix-user.ts';
import { registerUser, useSynapse } from './harness/synapse.ts';
import { TestBot } from './harness/test-bot.ts';

const redis = useTestRedis('matrix_staff_trust');
const { defer } = useSynapse();

const i18n = Translator.create();
const t = (key: string, params?: Record<string, string>) =>
  i18n.t('de', { key, ...(params ? { params } : {}) });

/** What FakeDesk.show returns: a case's details. */
const DETAIL = 'DETAIL-MARKER';

function track<T extends MatrixUser>(user: T): T {
  defer(() => user.stop());
  return user;
}

describe('Matrix staff room: commands and case details for verified staff only', () => {
  it('refuses unencrypted, unverified, forged and overheard requests and discloses nothing', async () => {
    const [staff, eve, outsider] = await Promise.all(
      ['staff', 'eve', 'outsider'].map(async (label) => track(await MatrixUser.create(label))),
    );
    if (staff === undefined || eve === undefined || outsider === undefined)
      throw new Error('users');
    await staff.crossSign();
    const account = await registerUser('lotse-bot', { login: false });
    const staffRoom = await staff.openGroup([account.userId]);
    const desk = new FakeDesk([staff.userId]);
    const bot = await TestBot.create({
      account,
      redis: redis.client,
      prefix: redis.prefix,
      staffRoom,
      staffUserIds: [staff.userId],
      desk,
    });
    defer(() => bot.dispose());
    await bot.start();
    await staff.membership(staffRoom, bot.userId, 'join');
    const caseRef = newCaseRef();
    const show = `!show ${caseRef}`;
    /** The bot's answer to an event, as the staff member's verified device reads it. */
    const answer = async (eventId: string) =>
      (await staff.nextMessage(staffRoom, (m) => m.replyTo === eventId, 60_000)).body;

    // 1. Unencrypted, straight to the server under the staff account.
    const clear = await staff.sendRaw(staffRoom, 'm.room.message', {
      msgtype: 'm.text',
      body: show,
    });
    expect(await answer(clear)).toBe(t('staff:refused.unencrypted-command'));

    // 2. Another session of the staff account that nobody verified.
    const stolen = track(await MatrixUser.anotherDevice(staff.account));
    await stolen.membership(staffRoom, stolen.userId, 'join');
    const fromStolen = await stolen.send(staffRoom, show);
    const refusal = await staff.nextMessage(staffRoom, (m) => m.replyTo === fromStolen, 60_000);
    expect(refusal.body).toBe(t('staff:refused.unverified-device'));
    // The room key of the bot's answer was withheld from the unverified session.
    await stolen.until(
      () => stolen.undecryptable.some((e) => e.eventId === refusal.eventId),
      60_000,
      'the refusal as undecryptable',
    );

    // 3. A forged sender: encrypted on Eve's device, sent under the staff account (as a
    // homeserver, or a thief with the staff member's access token, could).
    await staff.client.invite(staffRoom, eve.userId);
    await eve.join(staffRoom);
    await eve.membership(staffRoom, bot.userId, 'join');
    const forged = await eve.encryptOnly(staffRoom, { msgtype: 'm.text', body: show });
    await eve.leave(staffRoom);
    await staff.membership(staffRoom, eve.userId, 'leave');
    const fromForged = await staff.sendRaw(staffRoom, 'm.room.encrypted', forged);
    expect(await answer(fromForged)).toBe(t('staff:refused.unverified-device'));

    // 4. Someone not on the staff list is invited, then joins: no details while they are there.
    await staff.client.invite(staffRoom, outsider.userId);
    await staff.membership(staffRoom, outsider.userId, 'invite');
    expect(await answer(await staff.send(staffRoom, show))).toBe(
      t('staff:refused.room-outsiders', { list: 'MATRIX_STAFF_USER_IDS' }),
    );
    await outsider.join(staffRoom);
    await staff.membership(staffRoom, outsider.userId, 'join');
    const overheard = await staff.send(staffRoom, show);
    const withheld = await staff.nextMessage(staffRoom, (m) => m.replyTo === overheard, 60_000);
    expect(withheld.body).toBe(
      t('staff:refused.room-outsiders', { list: 'MATRIX_STAFF_USER_IDS' }),
    );
    await outsider.until(
      () => outsider.undecryptable.some((e) => e.eventId === withheld.eventId),
      60_000,
      'the refusal as undecryptable',
    );
    // Commands that post nothing of the case still work while they are there.
    expect(await answer(await staff.send(staffRoom, `!claim ${caseRef}`))).toBe(
      t('staff:done.claim', { caseRef }),
    );
    expect(desk.calls.map((c) => [c.op, c.actor.id])).toEqual([['claim', staff.userId]]);

    // The outsider leaves: now the verified staff device gets the details.
    await outsider.leave(staffRoom);
    await staff.membership(staffRoom, outsider.userId, 'leave');
    const details = await answer(await staff.send(staffRoom, show));
    expect(details).toContain(DETAIL);
    expect(desk.calls.map((c) => [c.op, c.actor.id])).toEqual([
      ['claim', staff.userId],
      ['show', staff.userId],
    ]);

    // Nothing of the case reached anyone else, and the bot gave its refusals to staff only.
    for (const other of [stolen, eve, outsider])
      expect(other.received.filter((m) => m.sender === bot.userId)).toEqual([]);
    expect(staff.received.filter((m) => m.body.includes(DETAIL)).map((m) => m.body)).toEqual([
      details,
    ]);
  }, 300_000);

  it('refuses a staff account whose cross-signing identity changed until a colleague accepts it', async () => {
    const [ben, cem] = await Promise.all(
      ['ben', 'cem'].map(async (label) => track(await MatrixUser.create(label))),
    );
    if (ben === undefined || cem === undefined) throw new Error('users');
    await Promise.all([ben.crossSign(), cem.crossSign()]);
    const account = await registerUser('lotse-bot', { login: false });
    const staffRoom = await ben.openGroup([account.userId, cem.userId]);
    await cem.join(staffRoom);
    const desk = new FakeDesk([ben.userId, cem.userId]);
    const bot = await TestBot.create({
      account,
      redis: redis.client,
      prefix: redis.prefix,
      staffRoom,
      staffUserIds: [ben.userId, cem.userId],
      desk,
    });
    defer(() => bot.dispose());
    await bot.start();
    await ben.membership(staffRoom, bot.userId, 'join');
    const answer = async (from: MatrixUser, body: string) => {
      const id = await from.send(staffRoom, body);
      return (await ben.nextMessage(staffRoom, (m) => m.replyTo === id, 60_000)).body;
    };
    const caseRef = newCaseRef();
    // The bot sees (and pins) Cem's identity with Cem's first command.
    expect(await answer(cem, `!claim ${caseRef}`)).toBe(t('staff:done.claim', { caseRef }));

    // Cem's identity is replaced (whoever knows the password can do that) and signs the device.
    await cem.crossSign(true);
    const refused = t('staff:refused.identity-changed', { userId: cem.userId, p: '!' });
    expect(await answer(cem, `!show ${caseRef}`)).toBe(refused);
    expect(await answer(cem, `!trust ${cem.userId}`)).toBe(refused);
    expect(desk.calls.map((c) => c.op)).toEqual(['claim']);

    // Ben asks Cem and accepts the new identity; Cem's commands count again.
    expect(await answer(ben, `!trust ${cem.userId}`)).toBe(
      t('staff:trusted', { userId: cem.userId }),
    );
    expect(await answer(cem, `!show ${caseRef}`)).toContain(DETAIL);
    expect(desk.calls.map((c) => [c.op, c.actor.id])).toEqual([
      ['claim', cem.userId],
      ['show', cem.userId],
    ]);
  }, 300_000);
});
