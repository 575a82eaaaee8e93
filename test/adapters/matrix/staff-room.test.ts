/**
 * The Matrix staff room against a real Synapse: case notices arrive encrypted, staff commands reach
 * the StaffDesk (a recording fake here), a staff reply reaches the reporter's encrypted chat, and
 * people who are not staff are refused. Who counts as staff: staff-room-trust.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { newCaseRef } from '../../../src/bot/case-ref.ts';
import { useTestRedis } from '../../support/redis.ts';
import { FakeDesk } from './harness/fake-desk.ts';
import { MatrixUser } from './harness/matrix-user.ts';
import { registerUser, useSynapse } from './harness/synapse.ts';
import { TestBot } from './harness/test-bot.ts';

const redis = useTestRedis('matrix_staff');
const { defer } = useSynapse();

async function user(label: string): Promise<MatrixUser> {
  const created = await MatrixUser.create(label);
  defer(() => created.stop());
  return created;
}

describe('Matrix staff room', () => {
  it('posts notices, takes commands from staff only and shows details in the encrypted room', async () => {
    const [staff, stranger, anna] = await Promise.all([
      user('staff'),
      user('stranger'),
      user('anna'),
    ]);
    // Staff work from a session they have cross-signed, as Element sets it up.
    await staff.crossSign();
    const account = await registerUser('lotse-bot', { login: false });
    const staffRoom = await staff.openGroup([account.userId, stranger.userId]);
    await stranger.join(staffRoom);
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
    const channel = await bot.start();
    await staff.membership(staffRoom, bot.userId, 'join');

    // The reporter's chat, where a staff reply shows up.
    const dm = await anna.openDirectChat(bot.userId);
    await anna.nextBatch(dm);
    desk.onReply = (caseRef, text) =>
      channel.deliver(
        {
          platform: 'matrix',
          userId: anna.userId,
          chatId: dm,
          eventId: `outbound:${caseRef}`,
          input: { kind: 'hello' },
        },
        [
          {
            text: `Nachricht der Ansprechstelle zu Ihrem Fall ${caseRef}:\n\n${text}`,
            expects: { kind: 'text' },
          },
        ],
      );

    const caseRef = newCaseRef();
    await channel.staffChannel.notify({
      kind: 'new',
      caseRef,
      urgent: true,
      kinds: ['threat', 'hateOnline'],
      state: 'BY',
      status: 'new',
      at: new Date().toISOString(),
    });
    const notice = await staff.nextMessage(staffRoom, (m) => m.body.includes(caseRef));
    expect(notice.encrypted).toBe(true);
    expect(notice.msgtype).toBe('m.notice');
    expect(notice.body).toContain('Neuer Fall');
    expect(notice.body).toContain('DRINGEND');
    expect(notice.body).toContain('Drohung, Hass im Netz');
    expect(notice.body).toContain('Bayern');

    const answerTo = async (who: MatrixUser, body: string) => {
      const id = await who.send(staffRoom, body);
      return (await staff.nextMessage(staffRoom, (m) => m.replyTo === id)).body;
    };

    expect(await answerTo(staff, `!claim ${caseRef.toLowerCase()}`)).toBe(
      `Fall ${caseRef} übernommen.`,
    );
    expect(await answerTo(staff, `!reply ${caseRef} Guten Tag,\nwir rufen Sie heute an.`)).toBe(
      `Antwort zu Fall ${caseRef} wird zugestellt.`,
    );
    const delivered = await anna.replies(`outbound:${caseRef}`);
    expect(delivered[0]?.body).toContain('wir rufen Sie heute an.');
    expect(delivered[0]?.encrypted).toBe(true);

    expect(await answerTo(staff, `!close ${caseRef} erledigt`)).toBe(
      'Abgelehnt: Bitte übernehmen Sie den Fall zuerst.',
    );
    expect(await answerTo(staff, '!claim 1234')).toBe(
      'Abgelehnt: Das ist keine gültige Fallnummer.',
    );
    expect(await answerTo(stranger, `!claim ${caseRef}`)).toBe(
      'Abgelehnt: Ihr Konto steht nicht in MATRIX_STAFF_USER_IDS.',
    );
    // Case details only once nobody but staff is in the room.
    await stranger.leave(staffRoom);
    await staff.membership(staffRoom, stranger.userId, 'leave');
    const details = await answerTo(staff, `!show ${caseRef}`);
    expect(details).toContain('DETAIL-MARKER <b>');
    expect(details).toContain('Rückruf vereinbart');
    const html = (await staff.nextMessage(staffRoom, (m) => m.body === details)).html ?? '';
    expect(html).toContain('DETAIL-MARKER &lt;b&gt;');

    expect(desk.calls.map((c) => [c.op, c.actor.id, c.caseRef, 'text' in c ? c.text : ''])).toEqual(
      [
        ['claim', staff.userId, caseRef, ''],
        ['reply', staff.userId, caseRef, 'Guten Tag,\nwir rufen Sie heute an.'],
        ['close', staff.userId, caseRef, 'erledigt'],
        ['show', staff.userId, caseRef, ''],
      ],
    );

    // Talk between staff gets no answer; a restart replays nothing.
    await staff.send(staffRoom, 'Ich übernehme das.');
    await bot.stop();
    await bot.start();
    expect(await answerTo(staff, '!help')).toContain('!claim');
    expect(desk.calls).toHaveLength(4);
  });
});
