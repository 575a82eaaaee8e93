/**
 * What the crash tests (test/reliability/crash-*.test.ts, queued-file, the Matrix crash-restart)
 * share: starting the real program with test/support/crash-at.ts preloaded, waiting for it to be
 * killed, letting the dead process's lock expire at once, stopping it gently, and comparing what a
 * person saw with what a person sees without a crash.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Redis } from 'ioredis';
import { afterEach } from 'vitest';
import { TelegramServer } from 'telegram-test-api/lib/telegramServer.js';
import { freePort, TOKEN, type BotMessage } from '../adapters/telegram/harness.ts';
import { BotApiProxy } from './bot-api-proxy.ts';
import { ROOT, type Exit, type JsonlProcess } from './jsonl-process.ts';

const CRASH_AT = pathToFileURL(join(ROOT, 'test/support/crash-at.ts')).href;

/**
 * The environment that kills the program at `point` (see crash-at.ts); none without a point. The
 * compile cache is shared: the crash tests start the program dozens of times, compiled once.
 */
export function crashEnv(point?: string): Record<string, string> {
  return {
    NODE_COMPILE_CACHE: join(tmpdir(), 'lotse-test-compile-cache'),
    ...(point === undefined ? {} : { NODE_OPTIONS: `--import ${CRASH_AT}`, LOTSE_CRASH_AT: point }),
  };
}

/** Stops the program as a service manager would; the console's input ends with it. */
export async function stopGently(bot: JsonlProcess): Promise<Exit> {
  bot.child.stdin.end();
  return bot.kill('SIGTERM');
}

/** How the program ended, or 'alive' if it still runs after `ms`. */
export function exitWithin(bot: JsonlProcess, ms = 20_000): Promise<Exit | 'alive'> {
  return Promise.race([
    bot.exited,
    new Promise<'alive'>((r) => {
      setTimeout(() => {
        r('alive');
      }, ms).unref();
    }),
  ]);
}

/** The killed process's conversation lock would expire after 10 s; the test lets it expire at once. */
export async function releaseLock(client: Redis, prefix: string, conversation: string) {
  await client.del(`${prefix}:conv:{${conversation}}:lock`);
}

const count = (list: readonly string[], item: string) => list.filter((t) => t === item).length;

/** Messages expected but missing, seen more often than expected, and whether the order held. */
export function compareTranscripts(seen: readonly string[], expected: readonly string[]) {
  let lost = 0;
  let repeated = 0;
  for (const t of new Set([...seen, ...expected])) {
    const diff = count(seen, t) - count(expected, t);
    if (diff > 0) repeated += diff;
    else lost -= diff;
  }
  const order = seen.length === expected.length && seen.every((t, i) => t === expected[i]);
  return { lost, repeated, order: order ? 'kept' : 'BROKEN' };
}

/** A Telegram message as the person sees it: the text, and the labels of the buttons under it. */
export const shown = (m: BotMessage): string =>
  m.buttons.length === 0 ? m.text : `${m.text} [${m.buttons.map((b) => b.text).join(' | ')}]`;

/**
 * For a vitest file: the Bot API emulator behind the proxy that keeps unconfirmed updates, and a
 * DATA_DIR, for one test; all removed after it.
 */
export function useTelegramCrashRig(dirPrefix: string) {
  let emulator: TelegramServer | undefined;
  let proxy: BotApiProxy | undefined;
  let dataDir: string | undefined;
  afterEach(async () => {
    if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
    dataDir = undefined;
    await proxy?.close();
    proxy = undefined;
    await emulator?.stop();
    emulator = undefined;
  });
  return async () => {
    const server = new TelegramServer({
      port: await freePort(),
      host: '127.0.0.1',
      storeTimeout: 600,
    });
    emulator = server;
    await server.start();
    const api = await BotApiProxy.start(server, TOKEN);
    proxy = api;
    dataDir = mkdtempSync(join(tmpdir(), dirPrefix));
    return { emulator: server, api, dataDir };
  };
}

/** The environment of the program with the Matrix channel as `account`, on `dataDir`. */
export function matrixEnv(options: {
  readonly homeserver: string;
  readonly account: { readonly userId: string; readonly password: string };
  readonly dataDir: string;
  readonly sessionKey: string;
  readonly staffPrivateKey: string;
}): Record<string, string> {
  return {
    DATA_DIR: options.dataDir,
    SESSION_KEY: options.sessionKey,
    STAFF_PRIVATE_KEY: options.staffPrivateKey,
    MATRIX_HOMESERVER_URL: options.homeserver,
    MATRIX_USER_ID: options.account.userId,
    MATRIX_PASSWORD: options.account.password,
  };
}
