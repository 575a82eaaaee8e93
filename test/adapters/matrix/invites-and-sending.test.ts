/**
 * Invitations and sending against a real Synapse: group rooms are declined, a direct chat that
 * turns out to have more people is left; a rate-limited send waits as long as the server asks, and
 * a send whose answer got lost is retried with the same transaction id, so it arrives once.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTestRedis } from '../../support/redis.ts';
import { MatrixUser, typed } from './harness/matrix-user.ts';
import { registerUser, SYNAPSE_URL, useSynapse } from './harness/synapse.ts';
import { TestBot } from './harness/test-bot.ts';

const redis = useTestRedis('matrix_invites');
const { defer } = useSynapse();

async function user(label: string): Promise<MatrixUser> {
  const created = await MatrixUser.create(label);
  defer(() => created.stop());
  return created;
}

async function bot(fetchFn?: typeof globalThis.fetch, rateLimit?: number): Promise<TestBot> {
  const account = await registerUser('lotse-bot', { login: false });
  const created = await TestBot.create({
    account,
    redis: redis.client,
    prefix: redis.prefix,
    ...(fetchFn === undefined ? {} : { fetch: fetchFn }),
    ...(rateLimit === undefined ? {} : { rateLimit }),
  });
  defer(() => created.dispose());
  await created.start();
  return created;
}

describe('Matrix invitations', () => {
  it('declines a group room, and leaves a direct chat with more than one other person', async () => {
    const lotse = await bot();
    const [stranger, other] = await Promise.all([user('stranger'), user('other')]);

    const group = await stranger.openGroup([lotse.userId, other.userId]);
    await stranger.membership(group, lotse.userId, 'leave');

    const crowded = await stranger.openDirectChat(lotse.userId);
    await stranger.client.invite(crowded, other.userId);
    await other.join(crowded);
    await stranger.membership(crowded, lotse.userId, 'leave');
    const notice = await stranger.nextMessage(crowded, (m) => m.sender === lotse.userId);
    expect(notice.body).toContain('nur in Direktnachrichten');
    expect(lotse.handled.filter((e) => e.chatId === group || e.chatId === crowded)).toEqual([]);
  });

  it('counts its "direct chats only" notice against the rate limit of whoever invited it', async () => {
    const lotse = await bot(undefined, 1);
    const [stranger, other] = await Promise.all([user('stranger'), user('other')]);
    const crowded = async () => {
      const { room_id } = await stranger.client.createRoom({
        is_direct: true,
        invite: [lotse.userId, other.userId],
      });
      await stranger.membership(room_id, lotse.userId, 'leave');
      return room_id;
    };
    // One after the other: the first is told, the second gets the slow-down, the third nothing.
    const rooms = [await crowded(), await crowded(), await crowded()];
    await new Promise((r) => setTimeout(r, 1_000));
    const said = (room: string) =>
      stranger.received.filter((m) => m.roomId === room).map((m) => m.body);
    const t = (key: string) => lotse.i18n.t('de', { key });
    expect(rooms.map(said)).toEqual([[t('matrix:directOnly')], [t('common:rateLimited')], []]);
    expect(lotse.admissions.map((a) => [a.sender.userId, a.admitted])).toEqual([
      [stranger.userId, true],
      [stranger.userId, false],
      [stranger.userId, false],
    ]);
  });
});

describe('Matrix direct chats', () => {
  it('leaves and forgets a direct chat the person has left', async () => {
    const lotse = await bot();
    const anna = await user('anna');
    const dm = await anna.openDirectChat(lotse.userId);
    await anna.nextBatch(dm);
    const { accessToken } = await lotse.session();
    const joined = async () => {
      const response = await fetch(`${SYNAPSE_URL}/_matrix/client/v3/joined_rooms`, {
        headers: { authorization: `Bearer ${accessToken}` },
      });
      return ((await response.json()) as { joined_rooms: string[] }).joined_rooms;
    };
    expect(await joined()).toContain(dm);
    await anna.client.leave(dm);
    const deadline = Date.now() + 20_000;
    while ((await joined()).includes(dm) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 200));
    expect(await joined()).not.toContain(dm);
  });

  it('on "delete my data" says goodbye, leaves the person`s direct chats and forgets the rooms', async () => {
    const lotse = await bot();
    const berta = await user('berta');
    // An older direct chat of the same person: their conversation spans both.
    const older = await berta.openDirectChat(lotse.userId);
    await berta.nextBatch(older);
    const dm = await berta.openDirectChat(lotse.userId);
    await berta.nextBatch(dm);
    const confirm = await berta.say(dm, '/loeschen');
    const last = await berta.say(dm, typed({ choice: 'yes' }, confirm.at(-1)));
    expect(last.map((m) => m.body)).toEqual([
      lotse.i18n.t('de', { key: 'common:delete.done' }),
      lotse.i18n.t('de', { key: 'matrix:farewell' }),
    ]);
    // The bot left both; its list of rooms (rooms.json) names neither.
    await berta.membership(dm, lotse.userId, 'leave');
    await berta.membership(older, lotse.userId, 'leave');
    await lotse.stop();
    const marks = await readFile(join(lotse.dataDir, 'matrix', 'rooms.json'), 'utf8');
    expect(marks).not.toContain(dm);
    expect(marks).not.toContain(older);
    expect(marks).not.toContain(berta.userId);
  });
});

describe('Matrix sending', () => {
  it('honours 429 retry_after_ms and never sends a retried message twice', async () => {
    const sends: { path: string; outcome: string; at: number }[] = [];
    const flaky: typeof globalThis.fetch = async (input, init) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      if (init?.method === 'PUT' && url.includes('/send/m.room.encrypted/')) {
        const path = new URL(url).pathname;
        const n = sends.length;
        if (n === 0) {
          sends.push({ path, outcome: '429', at: Date.now() });
          return new Response(
            JSON.stringify({
              errcode: 'M_LIMIT_EXCEEDED',
              error: 'slow down',
              retry_after_ms: 700,
            }),
            { status: 429, headers: { 'content-type': 'application/json' } },
          );
        }
        if (n === 1) {
          // The server takes the message, but its answer never arrives.
          await fetch(input, init);
          sends.push({ path, outcome: 'lost', at: Date.now() });
          throw new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } });
        }
        sends.push({ path, outcome: 'ok', at: Date.now() });
      }
      return fetch(input, init);
    };
    const lotse = await bot(flaky);
    const anna = await user('anna');
    const dm = await anna.openDirectChat(lotse.userId);
    const hello = await anna.nextBatch(dm);

    // The whole greeting arrived, so each send resolved before the next began.
    expect(hello.length).toBe(hello[0]?.batch?.count);
    // The first message: refused with 429, sent after the wait the server asked for, its answer
    // lost; then either sent again under the same transaction id or confirmed by its echo.
    const firstPath = sends[0]?.path;
    const first = sends.filter((s) => s.path === firstPath).map((s) => s.outcome);
    expect(first.slice(0, 2)).toEqual(['429', 'lost']);
    expect(first.length).toBeLessThanOrEqual(3);
    expect((sends[1]?.at ?? 0) - (sends[0]?.at ?? 0)).toBeGreaterThanOrEqual(650);
    // Each message arrived once.
    const parts = anna.received.map((m) => `${m.batch?.of ?? m.eventId}/${String(m.batch?.index)}`);
    expect(new Set(parts).size).toBe(parts.length);
  });
});
