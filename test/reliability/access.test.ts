/**
 * Access: staff commands from people who are not staff – in the staff CLI's desk, in the Telegram
 * staff group (a member who is not staff, a forged Claim button, commands in a private chat), in
 * the Matrix staff room (a member who is not staff, forged and look-alike sender ids) –, guessed
 * and foreign case references, and a person writing to someone else's case. Every attempt is
 * refused, nothing about a case is disclosed, and nothing stored changes: counted.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChannelAdapter } from '../../src/adapters/channel.ts';
import {
  MatrixStaffRoom,
  type SenderProof,
  type StaffMessage,
} from '../../src/adapters/matrix/staff-room.ts';
import { createApp, type App } from '../../src/app.ts';
import { newCaseRef } from '../../src/bot/case-ref.ts';
import type { InboundEvent, InboundInput, OutboundMessage } from '../../src/bot/types.ts';
import { loadConfig } from '../../src/config/load.ts';
import { generateStaffKeyPair } from '../../src/staff/seal.ts';
import { StaffRoster } from '../../src/staff/roster.ts';
import { TelegramHarness } from '../adapters/telegram/harness.ts';
import { reportFigures } from '../support/figures.ts';
import { GERMAN_INTAKE, MARKER } from '../support/intake-script.ts';
import { useTestRedis } from '../support/redis.ts';

/** Every case value and every session under the prefix, to compare before and after. */
async function caseState(redis: Redis, prefix: string): Promise<Map<string, string>> {
  const state = new Map<string, string>();
  for (const pattern of [`${prefix}:case*`, `${prefix}:conv:*:session`]) {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      cursor = next;
      for (const key of keys) {
        const type = await redis.type(key);
        const value =
          type === 'string'
            ? ((await redis.getBuffer(key))?.toString('base64') ?? null)
            : type === 'hash'
              ? JSON.stringify(Object.entries(await redis.hgetall(key)).sort())
              : type === 'list'
                ? JSON.stringify(await redis.lrange(key, 0, -1))
                : type === 'set'
                  ? JSON.stringify((await redis.smembers(key)).sort())
                  : type === 'zset'
                    ? JSON.stringify(await redis.zrange(key, '0', '-1', 'WITHSCORES'))
                    : type;
        state.set(key, value ?? '');
      }
    } while (cursor !== '0');
  }
  return state;
}

interface Said {
  readonly userId: string;
  readonly messages: readonly OutboundMessage[];
}

describe('access', () => {
  const redis = useTestRedis('access');
  const apps: App[] = [];
  let harness: TelegramHarness | undefined;
  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
    await Promise.all(apps.splice(0).map((a) => a.stop()));
  });

  it('refuses every attempt of someone not entitled, discloses nothing and changes nothing', async () => {
    const keys = generateStaffKeyPair();
    const config = loadConfig(
      { REDIS_KEY_PREFIX: redis.prefix, STAFF_USERS: 'anna', RATE_LIMIT_MESSAGES: '1000' },
      null,
    );
    const said: Said[] = [];
    const recorder: ChannelAdapter = {
      platform: 'console',
      start: () => Promise.resolve(),
      stop: () => Promise.resolve(),
      deliver: (event, messages) => {
        said.push({ userId: event.userId, messages });
        return Promise.resolve();
      },
    };
    const app = createApp(config, redis.connection(), pino({ level: 'silent' }), {
      keys,
      roster: new StaffRoster({ cli: ['anna'], telegram: ['900'], matrix: ['@anna:example.org'] }),
    });
    apps.push(app);
    await app.addChannel(recorder);
    await app.startWorkers();
    const send = (userId: string, input: InboundInput) => {
      const event: InboundEvent = {
        platform: 'console',
        userId,
        chatId: userId,
        eventId: randomUUID(),
        input,
      };
      return app.engine.handle(event);
    };
    const asInput = (l: object): InboundInput => {
      const line = l as Record<string, unknown>;
      if (typeof line['text'] === 'string') return { kind: 'text', text: line['text'] };
      if (typeof line['choice'] === 'string') return { kind: 'choice', id: line['choice'] };
      if (Array.isArray(line['choices']))
        return { kind: 'choices', ids: line['choices'] as string[] };
      if (typeof line['command'] === 'string') return { kind: 'command', command: 'start' };
      return { kind: 'text', text: 'Fertig' };
    };
    // Two people report; staff claims the first case.
    const refs: string[] = [];
    for (const person of ['alice', 'bob']) {
      for (const line of [...GERMAN_INTAKE.filter((l) => !('file' in l)), { choice: 'send' }])
        await send(person, asInput(line));
      const ref = said
        .filter((s) => s.userId === person)
        .flatMap((s) => s.messages)
        .find((m) => m.caseRef)?.caseRef;
      if (ref === undefined) throw new Error(`no case for ${person}`);
      refs.push(ref);
    }
    const [aliceRef = '', bobRef = ''] = refs;
    for (let i = 0; i < 100 && (await app.cases.list()).length < 2; i++)
      await new Promise((r) => setTimeout(r, 100));
    expect((await app.desk.claim({ id: 'anna', name: 'anna' }, aliceRef)).ok).toBe(true);
    const before = await caseState(redis.client, redis.prefix);

    let attempts = 0;
    let refused = 0;
    const disclosed: string[] = [];
    const check = (surface: string, ok: boolean, shown: string) => {
      attempts++;
      if (!ok) refused++;
      if (shown.includes(MARKER) || shown.includes('Instagram') || shown.includes('instagram.com'))
        disclosed.push(surface);
    };

    // 1. The desk itself (staff CLI, and behind every staff surface): strangers and forged ids.
    const strangers = [
      'mallory',
      'ANNA',
      'anna ',
      '',
      'telegram:901',
      'telegram:',
      '@anna:evil.org',
      '@ANNA:example.org',
      'matrix:@anna:example.org',
    ];
    const guessed = [newCaseRef(), newCaseRef(), newCaseRef()];
    const allRefs = [aliceRef, bobRef, ...guessed, 'ZZZZ', '', '../../x', aliceRef.toLowerCase()];
    for (const id of strangers)
      for (const ref of allRefs) {
        const actor = { id, name: id };
        for (const result of [
          await app.desk.claim(actor, ref),
          await app.desk.note(actor, ref, 'Notiz'),
          await app.desk.reply(actor, ref, 'Antwort'),
          await app.desk.close(actor, ref, 'zu'),
          await app.desk.show(actor, ref),
          await app.desk.erase(actor, ref),
          await app.desk.eraseNow(actor, ref),
        ])
          check('desk', result.ok, JSON.stringify(result));
      }
    // Staff with guessed references: unknown, and nothing is made.
    for (const ref of guessed) {
      const anna = { id: 'anna', name: 'anna' };
      for (const result of [
        await app.desk.claim(anna, ref),
        await app.desk.note(anna, ref, 'Notiz'),
        await app.desk.reply(anna, ref, 'Antwort'),
        await app.desk.show(anna, ref),
        await app.desk.erase(anna, ref),
      ])
        check('desk, guessed reference', result.ok, JSON.stringify(result));
    }

    // 2. The Matrix staff room: members who are not staff, look-alike ids; the real desk.
    const roomSaid: StaffMessage[] = [];
    const room = new MatrixStaffRoom({
      port: {
        roomId: () => Promise.resolve('!staff:example.org'),
        send: (_room, message) => {
          roomSaid.push(message);
          return Promise.resolve();
        },
        audience: () => Promise.resolve('staff-only' as const),
        displayName: (_room, user) => user,
        acceptIdentity: () => Promise.resolve(false),
      },
      roster: new StaffRoster({ matrix: ['@anna:example.org'] }),
      desk: app.desk,
      i18n: app.i18n,
      language: 'de',
      logger: pino({ level: 'silent' }),
    });
    // Every refusal of a staff surface starts with the same word ("Abgelehnt: …", staff.json).
    const REFUSED = `${app.i18n.t('de', { key: 'staff:refused.closed' }).split(':')[0] ?? ''}:`;
    const refusal = (answer: string) => answer.startsWith(REFUSED);
    // Strangers from verified devices, and a staff member's id forged (unencrypted, from an
    // unverified device, or with a changed identity).
    const senders: [string, SenderProof][] = [
      ['@mallory:example.org', 'verified'],
      ['@anna:evil.org', 'verified'],
      ['@ANNA:example.org', 'verified'],
      ['@anna:example.org ', 'verified'],
      ['anna', 'verified'],
      ['@anna:example.org', 'unencrypted'],
      ['@anna:example.org', 'unverified'],
      ['@anna:example.org', 'identity-changed'],
    ];
    for (const [sender, proof] of senders)
      for (const ref of [aliceRef, bobRef, guessed[0] ?? ''])
        for (const body of [
          `!claim ${ref}`,
          `!show ${ref}`,
          `!note ${ref} x`,
          `!reply ${ref} x`,
          `!close ${ref} x`,
          `!erase ${ref}`,
        ]) {
          const count = roomSaid.length;
          await room.handle({
            roomId: '!staff:example.org',
            eventId: randomUUID(),
            sender,
            body,
            proof: () => Promise.resolve(proof),
          });
          const answer = roomSaid
            .slice(count)
            .map((m) => m.body)
            .join('\n');
          check('matrix staff room', !refusal(answer), answer);
        }

    // 3. The person: someone else's case named in the chat, staff commands, a status question.
    const bobSaid = said.length;
    const aliceMessages = await app.cases.messages(aliceRef);
    for (const typed of [
      `Zu Fall ${aliceRef}: bitte an mich`,
      aliceRef,
      `/claim ${aliceRef}`,
      `/show ${aliceRef}`,
      `!show ${aliceRef}`,
      `/status ${aliceRef}`,
    ]) {
      await send('bob', { kind: 'text', text: typed });
      attempts++;
      if ((await app.cases.messages(aliceRef)).length === aliceMessages.length) refused++;
    }
    await send('bob', { kind: 'choice', id: aliceRef });
    attempts++;
    if ((await app.cases.messages(aliceRef)).length === aliceMessages.length) refused++;
    const toBob = said
      .slice(bobSaid)
      .flatMap((s) => s.messages.map((m) => m.text))
      .join('\n');
    // Never the other case's status (Alice's case is claimed: that would say so).
    if (toBob.includes(`Fall ${aliceRef}:`) || toBob.includes(MARKER)) disclosed.push('person');

    // 4. Telegram: a member of the staff group who is not staff, a forged Claim button, and the
    //    same commands in a private chat; the app's real desk.
    harness = await TelegramHarness.start({
      redis: redis.client,
      prefix: redis.prefix,
      staff: { chatId: '-1001', userIds: ['900'] },
      appDesk: true,
    });
    const stranger = harness.user({ userId: 901, chatId: -1001, type: 'supergroup' });
    const privateChat = harness.user({ userId: 902 });
    for (const ref of [aliceRef, bobRef]) {
      for (const command of [
        `/claim ${ref}`,
        `/reply ${ref} Hallo`,
        `/note ${ref} x`,
        `/close ${ref} x`,
        `/erase ${ref}`,
      ]) {
        await stranger.send(command);
        const answer = (await stranger.messages()).at(-1)?.text ?? '';
        check('telegram staff group', !refusal(answer), answer);
        await privateChat.send(command);
        const reply = (await privateChat.messages()).at(-1)?.text ?? '';
        check('telegram private chat', reply.includes(ref), reply);
      }
      const sent = harness.calls.length;
      await stranger.callback(`s:${ref}`, (await stranger.messages()).at(-1)!);
      const alert = harness.calls.slice(sent).find((c) => c.method === 'answerCallbackQuery');
      check(
        'telegram forged button',
        !refusal(typeof alert?.payload['text'] === 'string' ? alert.payload['text'] : ''),
        JSON.stringify(alert?.payload ?? {}),
      );
    }

    // What the people changed of their own: Bob's session and his own case (his messages went
    // there), the session of the person in the Telegram private chat.
    const ownChanges = [':conv:{console:bob}', `:case:{${bobRef}}`, ':conv:{telegram:902}'];
    const after = await caseState(redis.client, redis.prefix);
    const changed = [...new Set([...before.keys(), ...after.keys()])].filter(
      (k) => !ownChanges.some((own) => k.includes(own)) && before.get(k) !== after.get(k),
    );
    reportFigures('access', [
      `${attempts} attempts (desk, Matrix staff room, Telegram staff group, private chat and forged button, a person at someone else's case): ${refused} refused, ${disclosed.length} disclosed anything, ${changed.length} stored values changed`,
    ]);
    expect(disclosed).toEqual([]);
    expect(changed).toEqual([]);
    expect(refused).toBe(attempts);
  }, 120_000);
});
