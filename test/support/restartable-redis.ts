/**
 * A redis-server of the test's own that can be restarted on its data: like test/support/own-redis.ts,
 * with arguments (append-only file, fsync policy) and `restart()` on the same folder and port, for
 * tests of what survives a Redis crash or restart. Never the shared Redis. Crash it in afterEach.
 *
 *   const own = await RestartableRedis.start(['--appendonly', 'yes']);
 *   await own.crash();  // SIGKILL
 *   await own.restart(); // same directory, same port, same arguments
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { freePort } from './own-redis.ts';

export class RestartableRedis {
  readonly port: number;
  readonly dir: string;
  readonly #args: readonly string[];
  #child: ChildProcess | undefined;

  private constructor(port: number, dir: string, args: readonly string[]) {
    this.port = port;
    this.dir = dir;
    this.#args = args;
  }

  /** Starts redis-server with the arguments (plus port, bind, dir) and waits until it answers. */
  static async start(args: readonly string[]): Promise<RestartableRedis> {
    const own = new RestartableRedis(
      await freePort(),
      mkdtempSync(join(tmpdir(), 'lotse-own-redis-')),
      args,
    );
    await own.restart();
    return own;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** A connection that fails fast. */
  connect(): Redis {
    const redis = new Redis(this.url, { maxRetriesPerRequest: 2, connectTimeout: 3_000 });
    redis.on('error', () => undefined);
    return redis;
  }

  /** Starts the server again with the same directory and arguments (after a crash or a stop). */
  async restart(): Promise<void> {
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, ...this.#args],
      { stdio: 'ignore' },
    );
    this.#child = child;
    for (let i = 0; i < 100; i++) {
      if (child.exitCode !== null) break;
      const probe = this.connect();
      try {
        await probe.ping();
        // Loading the append-only file answers LOADING errors until it is done.
        if ((await probe.info('persistence')).includes('loading:0')) return;
      } catch {
        // Not up yet (or still loading): try again shortly.
      } finally {
        probe.disconnect();
      }
      await sleep(50);
    }
    throw new Error(`redis-server did not start on port ${this.port}`);
  }

  /** Kills the server with SIGKILL, like a crash: nothing is flushed beyond what the OS has. */
  async crash(): Promise<void> {
    await this.#signal('SIGKILL');
  }

  /** Stops the server as an orderly restart does (SIGTERM: it finishes writing). */
  async stop(): Promise<void> {
    await this.#signal('SIGTERM');
  }

  async #signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.#child;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((done) => {
      child.once('exit', () => {
        done();
      });
    });
    child.kill(signal);
    await exited;
  }
}
