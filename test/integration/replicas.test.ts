/**
 * Scaling out with real processes against one Redis: two bot replicas in Telegram webhook mode
 * (as behind the compose file's proxy) and two staff workers. Each report becomes exactly one
 * case, each staff notice is posted to the staff group once, and a Telegram update that reaches
 * both replicas (a retry after a timeout, sent to the other one) is answered once.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { TelegramServer } from 'telegram-test-api/lib/telegramServer.js';
import { SECRET_HEADER } from '../../src/adapters/telegram/webhook-server.ts';
import { StateSeal } from '../../src/bot/state-seal.ts';
import { generateStaffKeyPair } from '../../src/staff/seal.ts';
import { freePort, TOKEN } from '../adapters/telegram/harness.ts';
import { GERMAN_INTAKE, walk } from '../support/intake-script.ts';
import { useJsonl, type JsonlProcess, type MessageLine } from '../support/jsonl-process.ts';
import { useTestRedis } from '../support/redis.ts';
import { eventually, until } from '../support/wait.ts';

const redis = useTestRedis('replicas');
const start = useJsonl();
const SECRET = 'replica-secret_0123456789';
let emulator: TelegramServer | undefined;
afterEach(async () => {
  await emulator?.stop();
  emulator = undefined;
});

/** The texts the bot sent to a chat, as the emulator lists them over HTTP. */
async function chatTexts(chatId: number): Promise<string[]> {
  const client = emulator?.getClient(TOKEN, { userId: 900, chatId });
  const history = (await client?.getUpdatesHistory()) as unknown as {
    message?: { chat_id?: unknown; text?: string };
  }[];
  return history.flatMap((u) =>
    String(u.message?.chat_id) === String(chatId) ? [u.message?.text ?? ''] : [],
  );
}

/** Posts a Telegram update to a replica's webhook, as Telegram (through the proxy) does. */
function post(port: number, update: object): Promise<Response> {
  return fetch(`http://127.0.0.1:${port}/telegram/hook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [SECRET_HEADER]: SECRET },
    body: JSON.stringify(update),
  });
}

/** Sends the report at the summary and returns its case reference. */
async function send(bot: JsonlProcess, user: string): Promise<string> {
  const lines = await bot.send({ choice: 'send', user });
  const ref = lines.find((l): l is MessageLine => l.type === 'message' && l.case !== undefined);
  if (ref?.case === undefined) throw new Error(`no case reference for ${user}`);
  return ref.case;
}

describe('two bot replicas and two workers against one Redis', () => {
  it('make each report exactly one case and post each staff notice once', async () => {
    emulator = new TelegramServer({ port: await freePort(), host: '127.0.0.1', storeTimeout: 600 });
    await emulator.start();
    const keys = generateStaffKeyPair();
    const sessionKey = StateSeal.generateKey();
    const telegram = {
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: emulator.config.apiURL,
      TELEGRAM_WEBHOOK_URL: 'https://lotse.example.org/telegram/hook',
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      TELEGRAM_STAFF_CHAT_ID: '-1001',
      TELEGRAM_STAFF_USER_IDS: '900',
    };
    const ports = [await freePort(), await freePort()];
    const bots = ports.map((port) =>
      start({
        prefix: redis.prefix,
        args: ['--role', 'bot'],
        env: {
          ...telegram,
          TELEGRAM_WEBHOOK_PORT: String(port),
          STAFF_PUBLIC_KEY: keys.publicKey,
          // Both replicas seal conversations with the same key.
          SESSION_KEY: sessionKey,
        },
      }),
    );
    const workers = [0, 1].map(() =>
      start({
        prefix: redis.prefix,
        args: ['--role', 'worker'],
        env: { ...telegram, STAFF_PRIVATE_KEY: keys.privateKey },
      }),
    );
    // Both replicas' webhook servers listen (a GET with the secret gets 405 once they do).
    for (const port of ports)
      await until(async () => {
        try {
          const probe = await fetch(`http://127.0.0.1:${port}/telegram/hook`, {
            headers: { [SECRET_HEADER]: SECRET },
          });
          return probe.status === 405;
        } catch {
          return false;
        }
      }, 30_000);

    // Four people, two on each replica; each presses "send" twice (a double tap).
    const refs: string[] = [];
    for (const [index, user] of ['p1', 'p2', 'p3', 'p4'].entries()) {
      const bot = bots[index % 2]!;
      await walk(
        bot,
        GERMAN_INTAKE.map((line) => ({ ...line, user })),
      );
      refs.push(await send(bot, user));
      await bot.send({ choice: 'send', user });
    }
    expect(new Set(refs).size).toBe(4);

    // One case per report, whichever worker took it.
    const cases = await eventually(
      () => redis.client.keys(`${redis.prefix}:case:{*}`),
      (found) => found.length >= 4,
    );
    await sleep(1_000);
    expect((await redis.client.keys(`${redis.prefix}:case:{*}`)).sort()).toEqual(
      refs.map((ref) => `${redis.prefix}:case:{${ref}}`).sort(),
    );
    expect(cases).toHaveLength(4);

    // Four processes relay the feed to the staff group; each "new case" notice is there once.
    const group = await eventually(
      () => chatTexts(-1001),
      (texts) => refs.every((ref) => texts.some((t) => t.includes(`Neuer Fall ${ref}`))),
    );
    await sleep(1_500);
    const settled = await chatTexts(-1001);
    for (const ref of refs)
      expect(settled.filter((t) => t.includes(`Neuer Fall ${ref}`))).toHaveLength(1);
    expect(settled).toHaveLength(group.length);

    // One update delivered to both replicas is answered once.
    const update = {
      update_id: 5001,
      message: {
        message_id: 5001,
        date: Math.floor(Date.now() / 1000),
        chat: { id: 4242, type: 'private', first_name: 'Wera' },
        from: { id: 4242, is_bot: false, first_name: 'Wera', language_code: 'de' },
        text: '/start',
        entities: [{ type: 'bot_command', offset: 0, length: 6 }],
      },
    };
    const answers = await Promise.all(ports.map((port) => post(port, update)));
    expect(answers.map((r) => r.status)).toEqual([200, 200]);
    const texts = await eventually(
      () => chatTexts(4242),
      (sent) => sent.includes('Was möchten Sie tun?'),
    );
    await sleep(1_000);
    expect((await chatTexts(4242)).filter((t) => t === 'Was möchten Sie tun?')).toHaveLength(1);
    expect(texts.length).toBeGreaterThan(0);

    for (const process of [...bots, ...workers])
      expect((await process.kill('SIGTERM')).code).toBe(0);
  }, 180_000);
});
