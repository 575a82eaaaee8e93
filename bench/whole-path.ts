/**
 * The whole path, outside the engine: start-up of the real program to its first answer, and a
 * Telegram update posted to the real webhook server until the answer leaves the process (the
 * Bot API answered by a transformer where the network would be).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import type { Transformer } from 'grammy';
import type { Message } from 'grammy/types';
import { Redis } from 'ioredis';
import { TelegramChannel } from '../src/adapters/telegram/telegram-channel.ts';
import { SECRET_HEADER } from '../src/adapters/telegram/webhook-server.ts';
import { createApp } from '../src/app.ts';
import { createLogger } from '../src/bot/logger.ts';
import { StateSeal } from '../src/bot/state-seal.ts';
import { benchConfig } from './support/config.ts';
import { percentiles, type Percentiles } from './support/measure.ts';

const ROOT = resolve(import.meta.dirname, '..');

/** ms from spawning `node src/main.ts --jsonl` to its first answer (the console is ready then). */
async function startOnce(url: string, prefix: string): Promise<number> {
  const dataDir = mkdtempSync(join(tmpdir(), 'lotse-bench-'));
  const t0 = performance.now();
  const child = spawn(process.execPath, ['src/main.ts', '--jsonl'], {
    cwd: ROOT,
    env: {
      PATH: process.env['PATH'],
      REDIS_URL: url,
      REDIS_KEY_PREFIX: prefix,
      REDIS_AUTOSTART: 'false',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
    },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  try {
    child.stdin.write(`${JSON.stringify({ command: 'start' })}\n`);
    for await (const line of createInterface({ input: child.stdout })) {
      if (line.includes('"idle"')) return performance.now() - t0;
    }
    throw new Error('the program ended without answering');
  } finally {
    child.stdin.end();
    await new Promise((done) => child.once('exit', done));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The median of `runs` start-ups. */
export async function measureStartup(url: string, prefix: string, runs: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await startOnce(url, `${prefix}-start${i}`));
  return percentiles(times).p50;
}

const BOT = {
  id: 42,
  is_bot: true,
  first_name: 'Lotse',
  username: 'lotse_bench_bot',
  can_join_groups: false,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
  has_topics_enabled: false,
  allows_users_to_create_topics: false,
  can_manage_bots: false,
  supports_join_request_queries: false,
} as const;

export interface WebhookPath extends Percentiles {
  readonly updates: number;
}

/**
 * `people` people each send `/start` and two answers to the real webhook server, a few at once;
 * measured is each update from the POST to its first sendMessage call.
 */
export async function measureWebhook(
  url: string,
  prefix: string,
  people: number,
): Promise<WebhookPath> {
  const config = benchConfig(url, prefix);
  const logger = createLogger('silent');
  const redis = new Redis(url, { maxRetriesPerRequest: null });
  const app = createApp(config, redis, logger, { sessionKey: StateSeal.generateKey() });
  const waiting = new Map<number, () => void>();
  let messageId = 0;
  const telegram: Transformer = (_prev, method, payload) => {
    let result: unknown = true;
    if (method === 'getMe') result = BOT;
    if (method === 'sendMessage') {
      const { chat_id: chat, text } = payload as { chat_id: number | string; text: string };
      const chatId = Number(chat);
      waiting.get(chatId)?.();
      waiting.delete(chatId);
      result = {
        message_id: ++messageId,
        date: Math.floor(Date.now() / 1000),
        chat: { id: chatId, type: 'private', first_name: 'Wera' },
        text,
      } satisfies Message.TextMessage;
    }
    return Promise.resolve({ ok: true, result } as never);
  };
  const secret = 'bench-webhook-secret-0123456789';
  const channel = new TelegramChannel({
    token: '42:BENCH',
    mode: {
      kind: 'webhook',
      url: 'https://bench.invalid/telegram',
      secret,
      port: 0,
      host: '127.0.0.1',
    },
    redis,
    prefix,
    retentionSeconds: 86_400,
    files: app.files,
    i18n: app.i18n,
    logger,
    defaultLanguage: 'de',
    limits: {
      global: { perSecond: 100_000, burst: 100_000 },
      privateChat: { perSecond: 1000, burst: 100 },
      groupChat: { perSecond: 1000, burst: 100 },
    },
    transformers: [telegram],
  });
  const latencies: number[] = [];
  try {
    await app.addChannel(channel);
    const hook = `http://127.0.0.1:${channel.webhookPort ?? 0}/telegram`;
    let updateId = 0;
    const post = async (chatId: number, text: string) => {
      const id = ++updateId;
      const answered = new Promise<void>((done, fail) => {
        const timer = setTimeout(() => {
          fail(new Error(`no answer to update ${id} within 10 s`));
        }, 10_000);
        waiting.set(chatId, () => {
          clearTimeout(timer);
          done();
        });
      });
      const t0 = performance.now();
      const response = await fetch(hook, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [SECRET_HEADER]: secret },
        body: JSON.stringify({
          update_id: id,
          message: {
            message_id: id,
            date: Math.floor(Date.now() / 1000),
            chat: { id: chatId, type: 'private', first_name: 'Wera' },
            from: { id: chatId, is_bot: false, first_name: 'Wera', language_code: 'de' },
            text,
            ...(text.startsWith('/')
              ? { entities: [{ type: 'bot_command', offset: 0, length: text.length }] }
              : {}),
          },
        }),
      });
      await answered;
      latencies.push(performance.now() - t0);
      if (!response.ok) throw new Error(`webhook answered ${response.status}`);
    };
    // Warm-up, not measured.
    await post(1, '/start');
    latencies.length = 0;
    const lanes = 8;
    await Promise.all(
      Array.from({ length: lanes }, async (_, lane) => {
        for (let p = lane; p < people; p += lanes) {
          const chatId = 5_000_000 + p;
          for (const text of ['/start', '1', '2']) await post(chatId, text);
        }
      }),
    );
    return { ...percentiles(latencies), updates: latencies.length };
  } finally {
    await app.stop();
    await redis.quit();
  }
}
