/**
 * A redis-server of the test's own, on a free port with its data in a temporary folder, for tests
 * that kill or stop Redis – never the shared one at REDIS_URL.
 *
 *   const redis = await startOwnRedis();
 *   const bot = start({ prefix: 'x', env: { REDIS_URL: redis.url } });
 *   await redis.kill();   // SIGKILL, like a crash
 *   await redis.stop();   // in afterEach: gone either way
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { connect } from './redis.ts';

/** True when redis-server is on PATH (CI's machine has it: it runs the shared Redis). */
export const hasRedisServer = (() => {
  try {
    execFileSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
    return true;
  } catch {
    return false;
  }
})();

/** A TCP port on the loopback interface nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (typeof address === 'object' && address !== null) resolve(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}

export interface OwnRedis {
  readonly url: string;
  readonly port: number;
  /** The server's data folder (its append-only file, for tests that read the disk). */
  readonly dir: string;
  /** Ends the server with SIGKILL (a crash) and resolves when it is gone. */
  kill(): Promise<void>;
  /** Ends the server if it still runs and removes its folder. */
  stop(): Promise<void>;
}

/**
 * Starts redis-server on a free port and resolves once it answers. `args` come after the defaults
 * (no persistence) and so override them, e.g. `['--appendonly', 'yes']` or a `--maxmemory`.
 */
export async function startOwnRedis(options: { args?: readonly string[] } = {}): Promise<OwnRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'lotse-own-redis-'));
  const child: ChildProcess = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--save',
      '',
      '--appendonly',
      'no',
      ...(options.args ?? []),
    ],
    { stdio: 'ignore' },
  );
  const gone = new Promise<void>((resolve) =>
    child.once('exit', () => {
      resolve();
    }),
  );
  const url = `redis://127.0.0.1:${port}`;
  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await gone;
  };
  for (let i = 0; ; i++) {
    const probe = connect(url);
    const pong = await probe.ping().catch(() => undefined);
    probe.disconnect();
    if (pong === 'PONG') break;
    if (i >= 50 || child.exitCode !== null) {
      await end('SIGKILL');
      throw new Error(`redis-server did not start on port ${port}`);
    }
    await sleep(100);
  }
  return {
    url,
    port,
    dir,
    kill: () => end('SIGKILL'),
    stop: async () => {
      await end('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
