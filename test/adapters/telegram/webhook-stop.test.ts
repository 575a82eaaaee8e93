/**
 * SIGTERM while the real program (`npm start` in webhook mode) handles a webhook request: the
 * update in hand is finished when it can be within SHUTDOWN_TIMEOUT_SECONDS, and the process exits
 * within that bound when it cannot (a Telegram that does not answer). The Bot API is the emulator,
 * reached through a small proxy on real HTTP that can hold back the bot's sendMessage calls.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { TelegramServer } from 'telegram-test-api/lib/telegramServer.js';
import { SECRET_HEADER } from '../../../src/adapters/telegram/webhook-server.ts';
import { StateSeal } from '../../../src/bot/state-seal.ts';
import { generateStaffKeyPair } from '../../../src/staff/seal.ts';
import { useJsonl, type JsonlProcess } from '../../support/jsonl-process.ts';
import { useTestRedis } from '../../support/redis.ts';
import { until } from '../../support/wait.ts';
import { freePort, textUpdate, TOKEN } from './harness.ts';

const redis = useTestRedis('tgstop');
const start = useJsonl();
const SECRET = 'webhook-stop-secret_0123456789';
const SHUTDOWN_SECONDS = 1;
/** What a bounded stop may take beyond its bound: the final exit and a busy machine. */
const SLACK_MS = 5_000;

let emulator: TelegramServer | undefined;
let proxy: HoldingProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
  await emulator?.stop();
  emulator = undefined;
});

/** Forwards Bot API calls to the emulator; sendMessage waits `delayMs` first (Infinity: for ever). */
class HoldingProxy {
  delayMs = 0;
  /** sendMessage calls that arrived while a delay was set. */
  held = 0;
  readonly #server: Server;
  readonly #target: string;
  readonly #open = new Set<ServerResponse>();

  private constructor(target: string) {
    this.#target = target;
    this.#server = createServer((request, response) => {
      void this.#forward(request, response);
    });
  }

  static async start(target: string): Promise<HoldingProxy> {
    const proxy = new HoldingProxy(target);
    await new Promise<void>((resolve) => proxy.#server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    for (const response of this.#open) response.destroy();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) =>
      this.#server.close(() => {
        resolve();
      }),
    );
  }

  async #forward(request: IncomingMessage, response: ServerResponse): Promise<void> {
    this.#open.add(response);
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of request as AsyncIterable<Buffer>) chunks.push(chunk);
      if (request.url?.endsWith('/sendMessage') === true && this.delayMs > 0) {
        this.held++;
        if (this.delayMs === Infinity) return;
        await new Promise((resolve) => setTimeout(resolve, this.delayMs));
      }
      const answer = await fetch(`${this.#target}${request.url ?? '/'}`, {
        method: request.method ?? 'GET',
        headers: { 'content-type': request.headers['content-type'] ?? 'application/json' },
        ...(chunks.length > 0 ? { body: Buffer.concat(chunks) } : {}),
      });
      response
        .writeHead(answer.status, { 'content-type': 'application/json' })
        .end(Buffer.from(await answer.arrayBuffer()));
    } catch {
      if (!response.headersSent) response.writeHead(502).end();
    } finally {
      this.#open.delete(response);
    }
  }
}

/** Starts the program in webhook mode; resolves once its webhook server answers. */
async function startBot(
  shutdownSeconds = SHUTDOWN_SECONDS,
): Promise<{ bot: JsonlProcess; post: (body: object) => Promise<number> }> {
  emulator = new TelegramServer({ port: await freePort(), host: '127.0.0.1', storeTimeout: 600 });
  await emulator.start();
  proxy = await HoldingProxy.start(emulator.config.apiURL);
  const port = await freePort();
  const bot = start({
    prefix: redis.prefix,
    logLevel: 'info',
    env: {
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: proxy.url,
      TELEGRAM_WEBHOOK_URL: 'https://lotse.example.org/telegram/hook',
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      TELEGRAM_WEBHOOK_PORT: String(port),
      SHUTDOWN_TIMEOUT_SECONDS: String(shutdownSeconds),
      // Keys fail closed with a messenger configured.
      STAFF_PRIVATE_KEY: generateStaffKeyPair().privateKey,
      SESSION_KEY: StateSeal.generateKey(),
    },
  });
  const hook = `http://127.0.0.1:${port}/telegram/hook`;
  // Without the secret: 401 once the server listens.
  await until(
    () =>
      fetch(hook, { method: 'POST', body: '{}' }).then(
        (r) => r.status === 401,
        () => false,
      ),
    20_000,
  );
  const post = (body: object) =>
    fetch(hook, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [SECRET_HEADER]: SECRET },
      body: JSON.stringify(body),
    }).then(
      (r) => r.status,
      // The connection closed without an answer: Telegram delivers the update again.
      () => 0,
    );
  return { bot, post };
}

/** The exit of the process, failing when it runs longer than `ms`. */
async function exitWithin(bot: JsonlProcess, ms: number) {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => {
      resolve('late');
    }, ms);
  });
  const exit = await Promise.race([bot.exited, late]);
  clearTimeout(timer);
  if (exit === 'late') throw new Error(`the process still ran after ${ms} ms; ${bot.stderr}`);
  return exit;
}

describe('SIGTERM during a webhook request', () => {
  it('finishes the update in hand within the bound, answers it, and exits 0', async () => {
    const { bot, post } = await startBot();
    proxy!.delayMs = 300;
    const answered = post(textUpdate(21, 401, '/start'));
    await until(() => proxy!.held > 0);
    bot.child.kill('SIGTERM');
    expect(await answered).toBe(200);
    expect((await exitWithin(bot, SHUTDOWN_SECONDS * 1000 + SLACK_MS)).code).toBe(0);
    expect(bot.stderr).not.toContain('stopped before everything finished');
  });

  it('exits within the bound when Telegram does not answer, and says in one line what was left', async () => {
    const { bot, post } = await startBot();
    proxy!.delayMs = Infinity;
    const answered = post(textUpdate(22, 402, '/start'));
    await until(() => proxy!.held > 0);
    const signalled = Date.now();
    bot.child.kill('SIGTERM');
    const exit = await exitWithin(bot, SHUTDOWN_SECONDS * 1000 + SLACK_MS);
    expect(exit.code).toBe(1);
    expect(Date.now() - signalled).toBeGreaterThanOrEqual(SHUTDOWN_SECONDS * 1000 - 100);
    // Not answered 200, so Telegram delivers the update again.
    expect(await answered).not.toBe(200);
    const cut = bot.stderr
      .split('\n')
      .filter((line) => line.includes('stopped before everything finished'));
    expect(cut).toHaveLength(1);
    expect(JSON.parse(cut[0] ?? '{}')).toMatchObject({
      unfinished: ['channels and workers', 'redis'],
      timeoutSeconds: SHUTDOWN_SECONDS,
    });
  });

  it('a second SIGTERM ends it at once', async () => {
    const { bot, post } = await startBot(60);
    proxy!.delayMs = Infinity;
    void post(textUpdate(23, 403, '/start'));
    await until(() => proxy!.held > 0);
    bot.child.kill('SIGTERM');
    await until(() => bot.stderr.includes('"msg":"stopping"'));
    bot.child.kill('SIGTERM');
    const exit = await exitWithin(bot, SLACK_MS);
    expect(exit.code).toBe(143);
    expect(bot.stderr).toContain('stopping cut short by a second signal');
  });
});
