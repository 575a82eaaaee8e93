/**
 * The real program with TELEGRAM_BOT_TOKEN set: the Telegram channel starts beside the console
 * one, and a token Telegram refuses stops start-up with one sentence.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { TelegramServer } from 'telegram-test-api/lib/telegramServer.js';
import { StateSeal } from '../../../src/bot/state-seal.ts';
import { generateStaffKeyPair } from '../../../src/staff/seal.ts';
import { GERMAN_INTAKE, walk } from '../../support/intake-script.ts';
import { questionOf, useJsonl, type MessageLine } from '../../support/jsonl-process.ts';
import { useTestRedis } from '../../support/redis.ts';
import { staffCli } from '../../support/staff-cli.ts';
import { eventually } from '../../support/wait.ts';
import { freePort, TOKEN } from './harness.ts';

const redis = useTestRedis('tgmain');
const start = useJsonl();
let emulator: TelegramServer | undefined;
let refusing: Server | undefined;
afterEach(async () => {
  await emulator?.stop();
  emulator = undefined;
  await new Promise<void>((resolve) => {
    if (refusing === undefined) resolve();
    else
      refusing.close(() => {
        resolve();
      });
  });
  refusing = undefined;
});

/** The texts the bot sent to a chat, as the emulator lists them over HTTP. */
async function chatTexts(
  client: ReturnType<TelegramServer['getClient']>,
  chatId: number,
): Promise<string[]> {
  const history = (await client.getUpdatesHistory()) as unknown as {
    message?: { chat_id?: unknown; text?: string };
  }[];
  return history.flatMap((u) =>
    String(u.message?.chat_id) === String(chatId) ? [u.message?.text ?? ''] : [],
  );
}

describe('npm start with TELEGRAM_BOT_TOKEN', () => {
  // With a messenger configured the program needs a session key.
  const SESSION_KEY = StateSeal.generateKey();
  it('runs the Telegram channel beside the console and keeps running after the console input ends', async () => {
    emulator = new TelegramServer({ port: await freePort(), host: '127.0.0.1', storeTimeout: 600 });
    await emulator.start();
    const bot = start({
      prefix: redis.prefix,
      env: {
        TELEGRAM_BOT_TOKEN: TOKEN,
        TELEGRAM_API_ROOT: emulator.config.apiURL,
        STAFF_PRIVATE_KEY: generateStaffKeyPair().privateKey,
        SESSION_KEY,
      },
    });
    expect(questionOf(await bot.send({ command: 'start' })).expects.kind).toBe('choice');
    bot.child.stdin.end();

    const client = emulator.getClient(TOKEN, { userId: 77, chatId: 77 });
    await client.sendCommand(client.makeCommand('/start'));
    const texts = await eventually(
      () => chatTexts(client, 77),
      (sent) => sent.length >= 2,
      10_000,
    );
    expect(texts.at(-1)).toBe('Was möchten Sie tun?');
    expect((await bot.kill('SIGTERM')).code).toBe(0);
  });

  it('posts the notices of a separate worker and of the staff CLI to the staff group, each once', async () => {
    emulator = new TelegramServer({ port: await freePort(), host: '127.0.0.1', storeTimeout: 600 });
    await emulator.start();
    const keys = generateStaffKeyPair();
    const telegram = {
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: emulator.config.apiURL,
      TELEGRAM_STAFF_CHAT_ID: '-1001',
      TELEGRAM_STAFF_USER_IDS: '900',
      SESSION_KEY,
    };
    const bot = start({
      prefix: redis.prefix,
      user: 'mayor',
      args: ['--role', 'bot'],
      env: { ...telegram, STAFF_PUBLIC_KEY: keys.publicKey },
    });
    const worker = start({
      prefix: redis.prefix,
      args: ['--role', 'worker'],
      env: { ...telegram, STAFF_PRIVATE_KEY: keys.privateKey },
    });
    await walk(bot, GERMAN_INTAKE);
    const sent = await bot.send({ choice: 'send' });
    const caseRef =
      sent.find((l): l is MessageLine => l.type === 'message' && l.case !== undefined)?.case ?? '';
    const client = emulator.getClient(TOKEN, { userId: 900, chatId: -1001 });
    const staffGroup = (wanted: string): Promise<string[]> =>
      eventually(
        () => chatTexts(client, -1001),
        (sent) => sent.some((t) => t.includes(wanted)),
      );
    // The worker opened the case.
    expect((await staffGroup(`Neuer Fall ${caseRef}`)).join('\n')).toContain(caseRef);
    // A claim in the staff CLI reaches the group too.
    const claimed = await staffCli(['claim', caseRef], {
      REDIS_KEY_PREFIX: redis.prefix,
      STAFF_PRIVATE_KEY: keys.privateKey,
      STAFF_USERS: 'ben',
      STAFF_USER: 'ben',
    });
    expect(claimed.code).toBe(0);
    await staffGroup(`Fall ${caseRef} ist übernommen.`);
    // Both processes relay the feed to the group; each notice was posted once.
    await sleep(500);
    const texts = (await staffGroup(`Fall ${caseRef} ist übernommen.`)).filter((t) =>
      t.includes(caseRef),
    );
    expect(texts).toHaveLength(2);
    expect(texts[0]).toContain(`Neuer Fall ${caseRef}`);
    expect(texts[1]).toContain(`Fall ${caseRef} ist übernommen.`);
    expect((await worker.kill('SIGTERM')).code).toBe(0);
    expect((await bot.kill('SIGTERM')).code).toBe(0);
  });

  it('stops with one sentence when Telegram refuses the token', async () => {
    refusing = createServer((_request, response) => {
      response
        .writeHead(401, { 'content-type': 'application/json' })
        .end(JSON.stringify({ ok: false, error_code: 401, description: 'Unauthorized' }));
    });
    await new Promise<void>((resolve) => refusing?.listen(0, '127.0.0.1', resolve));
    const port = (refusing.address() as AddressInfo).port;
    const bot = start({
      prefix: redis.prefix,
      logLevel: 'silent',
      env: {
        TELEGRAM_BOT_TOKEN: '42:refused',
        TELEGRAM_API_ROOT: `http://127.0.0.1:${port}`,
        STAFF_PRIVATE_KEY: generateStaffKeyPair().privateKey,
        SESSION_KEY,
      },
    });
    const exit = await bot.exited;
    expect(exit.code).toBe(1);
    expect(bot.stderr.trim()).toBe(
      'lotse: Telegram does not accept TELEGRAM_BOT_TOKEN: copy the bot token again from @BotFather.',
    );
  });
});
