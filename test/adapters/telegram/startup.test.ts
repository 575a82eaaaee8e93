/**
 * The real program with TELEGRAM_BOT_TOKEN set: the Telegram channel starts beside the console
 * one, and a token Telegram refuses stops start-up with one sentence.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { TelegramServer } from 'telegram-test-api/lib/telegramServer.js';
import { questionOf, useJsonl } from '../../support/jsonl-process.ts';
import { useTestRedis } from '../../support/redis.ts';
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

describe('npm start with TELEGRAM_BOT_TOKEN', () => {
  it('runs the Telegram channel beside the console and keeps running after the console input ends', async () => {
    emulator = new TelegramServer({ port: await freePort(), host: '127.0.0.1', storeTimeout: 600 });
    await emulator.start();
    const bot = start({
      prefix: redis.prefix,
      env: { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: emulator.config.apiURL },
    });
    expect(questionOf(await bot.send({ command: 'start' })).expects.kind).toBe('choice');
    bot.child.stdin.end();

    const client = emulator.getClient(TOKEN, { userId: 77, chatId: 77 });
    await client.sendCommand(client.makeCommand('/start'));
    let texts: string[] = [];
    for (let i = 0; i < 200 && texts.length < 2; i++) {
      await sleep(50);
      const history = (await client.getUpdatesHistory()) as unknown as {
        message?: { chat_id?: unknown; text?: string };
      }[];
      texts = history.flatMap((u) =>
        String(u.message?.chat_id) === '77' ? [u.message?.text ?? ''] : [],
      );
    }
    expect(texts.at(-1)).toBe('Was möchten Sie tun?');
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
      env: { TELEGRAM_BOT_TOKEN: '42:refused', TELEGRAM_API_ROOT: `http://127.0.0.1:${port}` },
    });
    const exit = await bot.exited;
    expect(exit.code).toBe(1);
    expect(bot.stderr.trim()).toBe(
      'lotse: Telegram does not accept TELEGRAM_BOT_TOKEN: copy the bot token again from @BotFather.',
    );
  });
});
