/**
 * The Matrix channel end to end against a real Synapse: a person opens an encrypted direct chat
 * with the bot and completes an intake; the bot restarts mid-intake (same device, keys from disk)
 * and the conversation goes on; a message sent while the bot is down is decrypted and answered
 * once after the restart.
 */
import { describe, expect, it } from 'vitest';
import { parseCaseRef } from '../../../src/bot/case-ref.ts';
import { GERMAN_INTAKE, MARKER } from '../../support/intake-script.ts';
import { useTestRedis } from '../../support/redis.ts';
import { MatrixUser, typed, walk, type BotMessage } from './harness/matrix-user.ts';
import { devicesOf, registerUser, useSynapse } from './harness/synapse.ts';
import { TestBot } from './harness/test-bot.ts';

const redis = useTestRedis('matrix');
const { defer } = useSynapse();

async function setUp(): Promise<{
  bot: TestBot;
  anna: MatrixUser;
  room: string;
  hello: BotMessage[];
}> {
  const account = await registerUser('lotse-bot', { login: false });
  const bot = await TestBot.create({ account, redis: redis.client, prefix: redis.prefix });
  defer(() => bot.dispose());
  await bot.start();
  const anna = await MatrixUser.create('anna');
  defer(() => anna.stop());
  const room = await anna.openDirectChat(bot.userId);
  const hello = await anna.nextBatch(room);
  return { bot, anna, room, hello };
}

describe('Matrix channel: encrypted direct chat', () => {
  it('greets after joining and completes an intake with a case reference', async () => {
    const { bot, anna, room, hello } = await setUp();
    expect(hello.every((m) => m.encrypted && m.msgtype === 'm.notice')).toBe(true);
    const menu = hello.at(-1);
    expect(menu?.expects?.kind).toBe('choice');
    expect(menu?.body).toMatch(/\n1\. /);
    expect(menu?.html).toContain('<ol><li>');

    const summary = await walk(anna, room, GERMAN_INTAKE, menu);
    expect(summary?.expects?.kind).toBe('confirm');
    expect(summary?.body).toContain(MARKER);

    const sent = await anna.say(room, typed({ choice: 'send' }, summary));
    const confirmation = sent.find((m) => m.caseRef !== undefined);
    const caseRef = confirmation?.caseRef ?? '';
    expect(parseCaseRef(caseRef)).toBe(caseRef);
    expect(confirmation?.body).toContain(caseRef);
    expect(bot.effects.filter((e) => e.kind === 'submit-report')).toHaveLength(1);
    // The attachment was downloaded, decrypted and stored as the file it was.
    const stored = [...bot.vault.files.values()];
    expect(stored).toHaveLength(1);
    expect(Buffer.from(stored[0]?.bytes ?? []).toString()).toBe(`png bytes ${MARKER}`);
    expect(stored[0]?.owner).toBe(`matrix:${anna.userId}`);
  });

  it('keeps its device across restarts and answers a message sent while it was down, once', async () => {
    const { bot, anna, room, hello } = await setUp();
    const { deviceId, accessToken } = await bot.session();
    const platform = await walk(anna, room, GERMAN_INTAKE.slice(0, 7), hello.at(-1));
    expect(platform?.body).toContain('Plattform');

    // A restart mid-intake: same device, and the encrypted conversation goes on.
    await bot.stop();
    await bot.start();
    expect((await bot.session()).deviceId).toBe(deviceId);
    const link = await walk(anna, room, GERMAN_INTAKE.slice(7, 8), platform);
    expect(link?.body).toContain('Link');

    // Written while the bot is down: decrypted and answered after the next start.
    await bot.stop();
    const whileDown = await anna.send(room, 'https://instagram.com/p/abc');
    await bot.start();
    const when = (await anna.replies(whileDown)).at(-1);
    expect(when?.body).toContain('Wann');
    expect(when?.encrypted).toBe(true);

    const summary = await walk(anna, room, GERMAN_INTAKE.slice(9), when);
    expect(summary?.expects?.kind).toBe('confirm');
    expect(summary?.body).toContain(MARKER);

    // One device for all starts; every event went to the engine once, and got one set of replies.
    expect(await devicesOf(accessToken)).toEqual([deviceId]);
    const ids = bot.handled.map((e) => e.eventId);
    expect(new Set(ids).size).toBe(ids.length);
    const parts = anna.received.map((m) => `${m.batch?.of ?? m.eventId}/${String(m.batch?.index)}`);
    expect(new Set(parts).size).toBe(parts.length);
  });
});
