/**
 * Staff replies sealed in their outbound jobs, on real Redis: the staff side (a worker holding only
 * the bot public key) queues a reply while no bot runs, and its text is in no value under the
 * prefix, BullMQ's job data included; then the bot (holding the bot private key) starts and the
 * person receives exactly the reply. A box sealed to the old key opens with the ring `new,old`; a
 * plain job an older version queued is still delivered; a box the bot cannot open makes the reply
 * undeliverable – staff told, nothing in the log, the bot goes on.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.ts';
import { createLogger } from '../../src/bot/logger.ts';
import { loadConfig } from '../../src/config/load.ts';
import { text } from '../../src/flows/types.ts';
import type { BotKeys } from '../../src/staff/bot-keys.ts';
import type { CaseDetails } from '../../src/staff/ports.ts';
import { generateStaffKeyPair } from '../../src/staff/seal.ts';
import { outboundQueueName } from '../../src/queue/outbound.ts';
import { everythingUnder } from '../support/redis.ts';
import { PersonChat, submitCase } from '../support/staff-cases.ts';
import { useTestRedis } from '../support/redis.ts';
import { until } from '../support/wait.ts';

const redis = useTestRedis('sealed_reply');
const staffKeys = generateStaffKeyPair();
const anna = { id: 'anna', name: 'anna' };
const person = { platform: 'console', userId: 'p1', chatId: 'p1' } as const;
const logDir = mkdtempSync(join(tmpdir(), 'lotse-sealed-reply-'));

const running: App[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((a) => a.stop()));
});

/** One process of the role, on the test's prefix, logging at debug level to `log`. */
async function start(
  role: 'worker' | 'bot',
  botKeys: BotKeys,
  log: string,
  chat?: PersonChat,
  prepare?: (app: App) => void,
): Promise<App> {
  const config = loadConfig({ REDIS_KEY_PREFIX: redis.prefix, STAFF_USERS: 'anna' }, null);
  const app = createApp(config, redis.client, createLogger('debug', join(logDir, log)), {
    role,
    keys: role === 'bot' ? { publicKey: staffKeys.publicKey } : staffKeys,
    botKeys,
  });
  running.push(app);
  prepare?.(app);
  if (chat) await app.addChannel(chat);
  await app.startWorkers();
  return app;
}

/** The staff side with a claimed case of the person's. */
async function staffSide(botKeys: BotKeys, log: string) {
  const staff = await start('worker', botKeys, log);
  const caseRef = await submitCase(staff, staffKeys.publicKey, person);
  expect((await staff.desk.claim(anna, caseRef)).ok).toBe(true);
  return { staff, caseRef };
}

/** What the person sees of a staff reply: the case's reply sentence around its text. */
const asSeen = (app: App, caseRef: string, reply: string): string =>
  app.i18n.t('de', text('case:staffReply', { caseRef, text: reply }));

async function staffReplies(app: App, caseRef: string): Promise<CaseDetails['messages']> {
  const shown = await app.desk.show(anna, caseRef);
  if (!shown.ok) throw new Error(`show refused: ${shown.reason}`);
  return shown.value.messages.filter((m) => m.from === 'staff');
}

describe('staff replies sealed in their outbound jobs', () => {
  it('wait sealed while no bot runs; the bot opens and delivers exactly the reply', async () => {
    const bot = generateStaffKeyPair();
    const { staff, caseRef } = await staffSide({ publicKey: bot.publicKey }, 'staff-1.log');
    const reply = 'Wir rufen Sie morgen um 10 Uhr an. SEALED-REPLY-4711 – äöü 🙂';
    expect((await staff.desk.reply(anna, caseRef, reply)).ok).toBe(true);

    // Waiting, with no bot: the job is there, its text readable nowhere under the prefix.
    const waiting = await staff.outbound.queue('console').getJobs(['waiting']);
    expect(waiting).toHaveLength(1);
    const data = JSON.stringify(waiting[0]?.data);
    expect(data).toContain('"box":');
    expect(data).not.toContain('"text":');
    const stored = await everythingUnder(redis.client, redis.prefix);
    expect(stored).toContain(outboundQueueName('console'));
    expect(stored).not.toContain('SEALED-REPLY-4711');
    expect(stored).not.toContain('morgen um 10');

    const chat = new PersonChat();
    const botApp = await start('bot', bot, 'bot-1.log', chat);
    await until(() => chat.texts.length > 0, 20_000);
    expect(chat.texts).toEqual([asSeen(botApp, caseRef, reply)]);
    await until(async () => (await staffReplies(staff, caseRef))[0]?.delivery?.status === 'sent');
    // Nothing of it in any log, at debug level.
    for (const log of ['staff-1.log', 'bot-1.log'])
      expect(readFileSync(join(logDir, log), 'utf8')).not.toContain('SEALED-REPLY-4711');
  });

  it('opens a reply sealed to the old key with the ring new,old (a rotation)', async () => {
    const old = generateStaffKeyPair();
    const renewed = generateStaffKeyPair();
    const { staff, caseRef } = await staffSide({ publicKey: old.publicKey }, 'staff-2.log');
    expect((await staff.desk.reply(anna, caseRef, 'Vor dem Schlüsselwechsel.')).ok).toBe(true);
    const chat = new PersonChat();
    const ring = `${renewed.privateKey},${old.privateKey}`;
    const botApp = await start(
      'bot',
      { publicKey: renewed.publicKey, privateKey: ring },
      'bot-2.log',
      chat,
    );
    await until(() => chat.texts.length > 0, 20_000);
    expect(chat.texts).toEqual([asSeen(botApp, caseRef, 'Vor dem Schlüsselwechsel.')]);
  });

  it('still delivers a plain reply an older version queued', async () => {
    const bot = generateStaffKeyPair();
    const { staff, caseRef } = await staffSide({ publicKey: bot.publicKey }, 'staff-3.log');
    const record = await staff.cases.get(caseRef);
    if (record === undefined) throw new Error('no case');
    await staff.outbound.enqueue({
      v: 1,
      address: record.address,
      lang: record.lang,
      message: { kind: 'staff-reply', caseRef, text: 'Aus der alten Version.' },
    });
    const chat = new PersonChat();
    const botApp = await start('bot', bot, 'bot-3.log', chat);
    await until(() => chat.texts.length > 0, 20_000);
    expect(chat.texts).toEqual([asSeen(botApp, caseRef, 'Aus der alten Version.')]);
  });

  it('without a bot key (development): replies go plain, and the log says so once, when it happens', async () => {
    const { staff, caseRef } = await staffSide({}, 'staff-plain.log');
    const log = () => readFileSync(join(logDir, 'staff-plain.log'), 'utf8');
    // Starting says nothing: only queuing a reply plain does (a tool that never replies is quiet).
    expect(log()).not.toContain('queued PLAIN');
    for (const reply of ['Erste Antwort.', 'Zweite Antwort.'])
      expect((await staff.desk.reply(anna, caseRef, reply)).ok).toBe(true);
    expect(log().split('queued PLAIN')).toHaveLength(2);
    expect(log()).not.toContain('Erste Antwort');
    const chat = new PersonChat();
    const botApp = await start('bot', {}, 'bot-plain.log', chat);
    await until(() => chat.texts.length > 1, 20_000);
    expect(chat.texts).toEqual([
      asSeen(botApp, caseRef, 'Erste Antwort.'),
      asSeen(botApp, caseRef, 'Zweite Antwort.'),
    ]);
  });

  it('makes a reply the bot cannot open undeliverable: staff told, no content logged, no crash', async () => {
    const bot = generateStaffKeyPair();
    const stranger = generateStaffKeyPair();
    const { staff, caseRef } = await staffSide({ publicKey: stranger.publicKey }, 'staff-4.log');
    expect((await staff.desk.reply(anna, caseRef, 'UNOPENABLE-4711 bitte melden')).ok).toBe(true);
    const chat = new PersonChat();
    const notices: string[] = [];
    const botApp = await start('bot', bot, 'bot-4.log', chat, (app) => {
      app.notifier.add({
        name: 'recording',
        notify: (notice) => Promise.resolve(void notices.push(notice.kind)),
      });
    });
    await until(
      async () => (await staffReplies(staff, caseRef))[0]?.delivery?.status === 'undeliverable',
      20_000,
    );
    const [reply] = await staffReplies(staff, caseRef);
    expect(reply?.text).toBe('UNOPENABLE-4711 bitte melden');
    expect(reply?.delivery?.reason).toBe(
      "the reply's sealed box does not open with this bot's key (BOT_PRIVATE_KEY_FILE)",
    );
    await until(() => notices.includes('undeliverable'));
    // Removed from the queue, nothing delivered; the bot goes on and delivers the next reply.
    await until(async () => (await botApp.outbound.queue('console').getJobCounts()).failed === 0);
    expect(chat.texts).toEqual([]);
    const sealedRight = await start('worker', { publicKey: bot.publicKey }, 'staff-4b.log');
    expect((await sealedRight.desk.reply(anna, caseRef, 'Zweiter Versuch.')).ok).toBe(true);
    await until(() => chat.texts.length > 0, 20_000);
    expect(chat.texts).toEqual([asSeen(botApp, caseRef, 'Zweiter Versuch.')]);
    for (const log of ['staff-4.log', 'staff-4b.log', 'bot-4.log'])
      expect(readFileSync(join(logDir, log), 'utf8')).not.toContain('UNOPENABLE-4711');
  });
});
