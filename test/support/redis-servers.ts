/**
 * Private redis-server processes (plain, replicas, sentinels) for tests that must configure, kill or fail over a Redis: each on
 * a free port, in a temporary folder of its own, stopped (and its folder removed) after the test.
 * The shared Redis at 127.0.0.1:6379 is never touched.
 *
 *   const servers = useOwnRedis();
 *   const evicting = await servers.start(['--maxmemory-policy', 'allkeys-lru']);
 *   // … REDIS_URL: evicting.url
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterEach } from 'vitest';

export { freePort, hasRedisServer } from './own-redis.ts';
import { freePort } from './own-redis.ts';

export interface OwnRedisServer {
  readonly port: number;
  readonly dir: string;
  readonly url: string;
  readonly process: ChildProcess;
  /** SIGKILL, like a crash of the machine it runs on. */
  kill(): Promise<void>;
}

/** True once something answers PING at that port (with that password). */
export async function pings(port: number, password?: string): Promise<boolean> {
  const probe = new Redis({
    port,
    host: '127.0.0.1',
    lazyConnect: true,
    connectTimeout: 500,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    ...(password === undefined ? {} : { password }),
  });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    await probe.ping();
    return true;
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

export interface OwnRedisOptions {
  readonly port?: number;
  /** The password it asks for (for the start-up probe). */
  readonly password?: string;
  /** Lines of a config file (passwords belong here, not in `args`), read before `args`. */
  readonly config?: readonly string[];
}

/**
 * Starts redis-server with `args` (port, dir and bind are set here) and waits for it. With
 * `--sentinel` among the args it is a sentinel (it needs a `config`, which it rewrites).
 */
export async function startRedisServer(
  args: readonly string[],
  options: OwnRedisOptions = {},
): Promise<OwnRedisServer> {
  const port = options.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'lotse-own-redis-'));
  const configFile = join(dir, 'redis.conf');
  writeFileSync(configFile, `${(options.config ?? []).join('\n')}\n`, { mode: 0o600 });
  const sentinel = args.includes('--sentinel');
  const child = spawn(
    'redis-server',
    [
      configFile,
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      ...(sentinel ? [] : ['--save', '']),
      ...args,
    ],
    { stdio: 'ignore' },
  );
  for (let i = 0; i < 100 && !(await pings(port, options.password)); i++) await sleep(50);
  const exited = new Promise<void>((done) => {
    child.once('exit', () => {
      done();
    });
  });
  return {
    port,
    dir,
    url: `redis://127.0.0.1:${port}`,
    process: child,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

/** Private Redis servers for one test file, stopped and removed after each test. */
export function useOwnRedis(): {
  start: (args: readonly string[], options?: OwnRedisOptions) => Promise<OwnRedisServer>;
} {
  const started: OwnRedisServer[] = [];
  afterEach(async () => {
    for (const server of started.splice(0)) {
      await server.kill();
      rmSync(server.dir, { recursive: true, force: true });
    }
  });
  return {
    start: async (args, options) => {
      const server = await startRedisServer(args, options);
      started.push(server);
      return server;
    },
  };
}
