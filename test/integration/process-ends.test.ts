/**
 * Every process ends by itself, within a bound, with one sentence: the real bot (`src/main.ts`)
 * and the real staff CLI, with standard input left open as in a terminal or a script.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { StateSeal } from '../../src/bot/state-seal.ts';
import { generateStaffKeyPair } from '../../src/staff/seal.ts';
import { questionOf, ROOT, useJsonl, type JsonlProcess } from '../support/jsonl-process.ts';
import { freePort, hasRedisServer, startOwnRedis, type OwnRedis } from '../support/own-redis.ts';
import { useTestRedis } from '../support/redis.ts';
import { staffCli, startStaffCli } from '../support/staff-cli.ts';
import { until } from '../support/wait.ts';

const redis = useTestRedis('ends');
const start = useJsonl();

/**
 * How long a refusal may take: starting Node and loading the program, on a busy machine. Before
 * the fix these processes never ended.
 */
const REFUSAL_MS = 10_000;
/** The stop bound the tests configure (SHUTDOWN_TIMEOUT_SECONDS). */
const SHUTDOWN_SECONDS = 1;
/** What a bounded stop may take beyond its bound: the final exit and a busy machine. */
const SLACK_MS = 5_000;

/** Resolves with the exit and how long it took from now; fails when it takes longer than `ms`. */
async function endsWithin(bot: JsonlProcess, ms: number) {
  const since = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => {
      resolve('late');
    }, ms);
  });
  const exit = await Promise.race([bot.exited, late]);
  clearTimeout(timer);
  if (exit === 'late') throw new Error(`the process still ran after ${ms} ms; ${bot.stderr}`);
  return { ...exit, ms: Date.now() - since };
}

/** The last non-empty line a process wrote to stderr. */
const lastLine = (stderr: string) => stderr.trim().split('\n').at(-1);

describe('a refusal at start-up ends the process at once', () => {
  const mine = generateStaffKeyPair();
  const other = generateStaffKeyPair();

  it('staff CLI, a public key that does not belong to the private key', async () => {
    const result = await staffCli(
      ['show', 'ABC-DEF'],
      {
        REDIS_KEY_PREFIX: redis.prefix,
        STAFF_PUBLIC_KEY: other.publicKey,
        STAFF_PRIVATE_KEY: mine.privateKey,
        STAFF_USERS: 'ben',
        STAFF_USER: 'ben',
      },
      { stdinOpen: true, timeoutMs: REFUSAL_MS },
    );
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe('STAFF_PUBLIC_KEY does not belong to the staff private key');
  });

  it('staff CLI, a key file that is missing', async () => {
    const result = await staffCli(
      ['list'],
      {
        REDIS_KEY_PREFIX: redis.prefix,
        STAFF_PRIVATE_KEY_FILE: '/nonexistent/lotse-staff-key.json',
        STAFF_USERS: 'ben',
        STAFF_USER: 'ben',
      },
      { stdinOpen: true, timeoutMs: REFUSAL_MS },
    );
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(
      'STAFF_PRIVATE_KEY_FILE: /nonexistent/lotse-staff-key.json does not exist',
    );
  });

  it('staff CLI, Redis unreachable', async () => {
    const port = await freePort();
    const result = await staffCli(
      ['list'],
      {
        REDIS_URL: `redis://127.0.0.1:${port}`,
        REDIS_KEY_PREFIX: redis.prefix,
        STAFF_PRIVATE_KEY: mine.privateKey,
        STAFF_USERS: 'ben',
        STAFF_USER: 'ben',
      },
      { stdinOpen: true, timeoutMs: REFUSAL_MS },
    );
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toMatch(/^Redis does not answer at redis:\/\/127\.0\.0\.1:\d+/);
  });

  it('bot, a public key that does not belong to the private key', async () => {
    const bot = start({
      prefix: redis.prefix,
      env: { STAFF_PUBLIC_KEY: other.publicKey, STAFF_PRIVATE_KEY: mine.privateKey },
    });
    const exit = await endsWithin(bot, REFUSAL_MS);
    expect(exit.code).toBe(1);
    expect(lastLine(bot.stderr)).toBe(
      'lotse: STAFF_PUBLIC_KEY does not belong to the staff private key',
    );
  });

  it('bot, the worker role without the private key', async () => {
    const bot = start({
      prefix: redis.prefix,
      args: ['--role', 'worker'],
      env: { STAFF_PUBLIC_KEY: mine.publicKey },
    });
    const exit = await endsWithin(bot, REFUSAL_MS);
    expect(exit.code).toBe(1);
    expect(lastLine(bot.stderr)).toMatch(/^lotse: the worker role reads reports: set /);
  });

  it('bot, Redis unreachable', async () => {
    const port = await freePort();
    const bot = start({
      prefix: redis.prefix,
      env: { REDIS_URL: `redis://127.0.0.1:${port}`, REDIS_AUTOSTART: 'false' },
    });
    const exit = await endsWithin(bot, REFUSAL_MS);
    expect(exit.code).toBe(1);
    expect(lastLine(bot.stderr)).toMatch(/^lotse: Redis does not answer at /);
  });
});

describe('a signal during start-up', () => {
  it('ends the process at once, also while Telegram keeps it waiting', async () => {
    // A Bot API that takes requests and never answers: start-up waits for getMe.
    const held: ServerResponse[] = [];
    const silent = createServer((_request, response) => held.push(response));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const port = (silent.address() as AddressInfo).port;
      const bot = start({
        prefix: redis.prefix,
        env: {
          TELEGRAM_BOT_TOKEN: '42:silent',
          TELEGRAM_API_ROOT: `http://127.0.0.1:${port}`,
          // Keys fail closed with a messenger configured: these let start-up reach getMe.
          STAFF_PRIVATE_KEY: generateStaffKeyPair().privateKey,
          SESSION_KEY: StateSeal.generateKey(),
          SHUTDOWN_TIMEOUT_SECONDS: '60',
        },
      });
      await until(() => held.length > 0, 20_000);
      bot.child.kill('SIGTERM');
      const exit = await endsWithin(bot, SLACK_MS);
      expect(exit).toMatchObject({ code: 143, signal: null });
    } finally {
      for (const response of held) response.destroy();
      silent.closeAllConnections();
      await new Promise<void>((resolve) =>
        silent.close(() => {
          resolve();
        }),
      );
    }
  });
});

/**
 * Ways to run a program on a Node too old for Lotse: this Node, told it is 20.11, and the
 * machine's own Node when it is an old one (Debian's is 20).
 */
const oldNodes: { name: string; argv: string[] }[] = [
  {
    name: 'a Node that says it is 20.11',
    argv: [
      process.execPath,
      '--import',
      `data:text/javascript,Object.defineProperty(process.versions,'node',{value:'20.11.0'})`,
    ],
  },
  ...(() => {
    try {
      const version = execFileSync('/usr/bin/node', ['--version'], { encoding: 'utf8' }).trim();
      const [major = 0, minor = 0] = version.slice(1).split('.').map(Number);
      const old = major < 22 || (major === 22 && minor < 18);
      return old ? [{ name: `the machine's Node ${version}`, argv: ['/usr/bin/node'] }] : [];
    } catch {
      return [];
    }
  })(),
];

describe.each(oldNodes)('on $name', ({ argv }) => {
  it.each(['bin/lotse.mjs', 'bin/staff.mjs'])(
    '%s refuses at once with one sentence',
    async (program) => {
      const [node = process.execPath, ...flags] = argv;
      const child = spawn(node, [...flags, program, 'list'], {
        cwd: ROOT,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      const timer = setTimeout(() => child.kill('SIGKILL'), REFUSAL_MS);
      const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
      clearTimeout(timer);
      expect(code).toBe(1);
      expect(stderr.trim()).toMatch(/^lotse: Node \S+ is too old; Lotse needs Node 24 LTS/);
      expect(stderr.trim().split('\n')).toHaveLength(1);
    },
  );
});

describe('a staff command ends when its work is done', () => {
  const keys = generateStaffKeyPair();
  const env = () => ({
    REDIS_KEY_PREFIX: redis.prefix,
    STAFF_PRIVATE_KEY: keys.privateKey,
    STAFF_USERS: 'ben',
    STAFF_USER: 'ben',
  });

  it('list, with standard input left open', async () => {
    const result = await staffCli(['list', '--json'], env(), {
      stdinOpen: true,
      timeoutMs: REFUSAL_MS,
    });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([]);
  });

  it('feed --follow waits, and ends on SIGTERM', async () => {
    const running = startStaffCli(['feed', '--follow'], env(), { stdinOpen: true });
    // It still waits a while later…
    const early = await Promise.race([
      running.result.then(() => 'ended'),
      new Promise((resolve) => setTimeout(resolve, 2_000, 'waiting')),
    ]);
    expect(early).toBe('waiting');
    // …and ends on the signal, with its work done.
    const signalled = Date.now();
    running.child.kill('SIGTERM');
    const result = await running.result;
    expect(result.code).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(SHUTDOWN_SECONDS * 1000 + SLACK_MS);
  });
});

describe.skipIf(!hasRedisServer)('a stop whose Redis is gone', () => {
  let own: OwnRedis | undefined;
  afterEach(async () => {
    await own?.stop();
    own = undefined;
  });

  it('Redis killed during a conversation, then end of input: ends within the bound, one line says what was left', async () => {
    own = await startOwnRedis();
    const bot = start({
      prefix: 'ends',
      logLevel: 'warn',
      env: {
        REDIS_URL: own.url,
        SHUTDOWN_TIMEOUT_SECONDS: String(SHUTDOWN_SECONDS),
      },
    });
    expect(questionOf(await bot.send({ command: 'start' })).expects.kind).toBe('choice');
    await own.kill();
    // The line in hand cannot be handled: the person is told, nothing crashes.
    const reply = await bot.send({ choice: 'report' }, 20_000);
    expect(reply.at(-1)).toEqual({ type: 'idle' });
    const closing = Date.now();
    bot.child.stdin.end();
    const exit = await endsWithin(bot, SHUTDOWN_SECONDS * 1000 + SLACK_MS);
    expect(exit.code).toBe(1);
    expect(Date.now() - closing).toBeGreaterThanOrEqual(SHUTDOWN_SECONDS * 1000 - 100);
    // The log stays JSON lines through the outage: no raw stack traces of a library.
    const lines = bot.stderr.split('\n').filter((line) => line !== '');
    expect(lines.filter((line) => !line.startsWith('{"level":'))).toEqual([]);
    const cut = lines.filter((line) => line.includes('stopped before everything finished'));
    expect(cut).toHaveLength(1);
    expect(JSON.parse(cut[0] ?? '{}')).toMatchObject({
      level: 40,
      timeoutSeconds: SHUTDOWN_SECONDS,
      unfinished: expect.arrayContaining(['redis']) as unknown,
    });
  });
});
