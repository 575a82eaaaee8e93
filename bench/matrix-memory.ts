/**
 * The Matrix process's memory under many messages: the real program (`node src/main.ts
 * --no-console`, configured for Matrix from the environment as in production, end-to-end
 * encryption on) against the real Synapse, with several people in encrypted direct chats walking
 * the intake over and over (each message waits for its replies, as a person would). Its memory is
 * read through the inspector protocol (the process runs with `--inspect` on loopback, nothing
 * else changes): `process.memoryUsage()` before, at a tenth, at half and at the end, each time
 * right after a full garbage collection so that the heap figure is what is still referenced.
 *
 *   node bench/matrix-memory.ts [messages] [people]        (or `npm run bench -- --matrix N`)
 *
 * Run alone, it keeps its figures in docs/benchmark-matrix.json, which the next `npm run bench`
 * shows in docs/BENCHMARKS.md with their date.
 *
 * Bounded means: no growth per message between the first checkpoint (after warm-up) and the last.
 * With `LOTSE_BENCH_HEAP_SNAPSHOTS=dir` it also writes a heap snapshot at the first and the last
 * checkpoint, to compare in Chrome's DevTools when the figures grow.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import * as prettier from 'prettier';
import { StateSeal } from '../src/bot/state-seal.ts';
import { generateStaffKeyPair } from '../src/staff/seal.ts';
import { MatrixUser, typed, type BotMessage } from '../test/adapters/matrix/harness/matrix-user.ts';
import { registerUser, SYNAPSE_URL } from '../test/adapters/matrix/harness/synapse-api.ts';
import { INTAKE, type ScriptStep } from './intake-script.ts';
import type { StoredMatrixMemory } from './report.ts';
import { percentiles, type Percentiles } from './support/measure.ts';

const ROOT = resolve(import.meta.dirname, '..');
/** Where the last Matrix figures are kept for runs that do not measure them. */
const KEPT = resolve(ROOT, 'docs', 'benchmark-matrix.json');

/** Now, as the benchmark writes dates. */
export const today = (): string => new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC';

/** Keeps Matrix figures for later runs, formatted as `npm test` checks it. */
export async function keepMatrixFigures(figures: StoredMatrixMemory): Promise<void> {
  const json = JSON.stringify({ ...figures, fresh: undefined });
  const config = (await prettier.resolveConfig(KEPT)) ?? {};
  writeFileSync(KEPT, await prettier.format(json, { ...config, filepath: KEPT }));
}

/** The Matrix figures an earlier run kept, if any. */
export function keptMatrixFigures(): StoredMatrixMemory | undefined {
  if (!existsSync(KEPT)) return undefined;
  const kept = JSON.parse(readFileSync(KEPT, 'utf8')) as Omit<StoredMatrixMemory, 'fresh'>;
  return { ...kept, fresh: false };
}

export interface MemoryPoint {
  /** Messages from people handled so far. */
  readonly messages: number;
  readonly rssMb: number;
  /** V8 heap in use after a full GC: what is still referenced. */
  readonly heapMb: number;
  /** Memory outside the V8 heap that V8 knows of (buffers, WebAssembly memory of the crypto). */
  readonly externalMb: number;
}

export interface MatrixMemory {
  readonly people: number;
  readonly messages: number;
  readonly seconds: number;
  /** Before the first message, then at a tenth, half and all of the messages, each after a GC. */
  readonly points: readonly MemoryPoint[];
  /** Heap and RSS growth per message from the first checkpoint after warm-up to the last, bytes. */
  readonly heapPerMessage: number;
  readonly rssPerMessage: number;
  /** Sending a message until its last reply was decrypted by the person, ms. */
  readonly latency: Percentiles;
}

/** A minimal Chrome DevTools protocol client over the inspector's WebSocket. */
class Inspector {
  readonly #socket: WebSocket;
  readonly #pending = new Map<number, (result: unknown) => void>();
  readonly #chunks: string[] = [];
  #next = 1;

  private constructor(socket: WebSocket) {
    this.#socket = socket;
    socket.addEventListener('message', (event: MessageEvent) => {
      const message = JSON.parse(String(event.data)) as {
        id?: number;
        method?: string;
        result?: unknown;
        error?: { message: string };
        params?: { chunk?: string };
      };
      if (message.method === 'HeapProfiler.addHeapSnapshotChunk')
        this.#chunks.push(message.params?.chunk ?? '');
      if (message.id === undefined) return;
      const done = this.#pending.get(message.id);
      this.#pending.delete(message.id);
      done?.(message.error ? new Error(message.error.message) : message.result);
    });
  }

  static async connect(url: string): Promise<Inspector> {
    const socket = new WebSocket(url);
    await new Promise<void>((done, fail) => {
      socket.addEventListener('open', () => {
        done();
      });
      socket.addEventListener('error', () => {
        fail(new Error(`cannot reach the inspector at ${url}`));
      });
    });
    return new Inspector(socket);
  }

  async call(method: string, params: object = {}): Promise<unknown> {
    const id = this.#next++;
    const result = await new Promise((done) => {
      this.#pending.set(id, done);
      this.#socket.send(JSON.stringify({ id, method, params }));
    });
    if (result instanceof Error) throw result;
    return result;
  }

  /** Collects garbage fully, then reads process.memoryUsage() in the process. */
  async memory(messages: number): Promise<MemoryPoint> {
    await this.call('HeapProfiler.collectGarbage');
    await this.call('HeapProfiler.collectGarbage');
    const { result } = (await this.call('Runtime.evaluate', {
      expression: 'JSON.stringify(process.memoryUsage())',
      returnByValue: true,
    })) as { result: { value: string } };
    const usage = JSON.parse(result.value) as NodeJS.MemoryUsage;
    const mb = (bytes: number) => bytes / 1024 / 1024;
    return {
      messages,
      rssMb: mb(usage.rss),
      heapMb: mb(usage.heapUsed),
      externalMb: mb(usage.external),
    };
  }

  /** A heap snapshot, as DevTools would save it. */
  async snapshot(file: string): Promise<void> {
    this.#chunks.length = 0;
    await this.call('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
    writeFileSync(file, this.#chunks.join(''));
    this.#chunks.length = 0;
  }

  close(): void {
    this.#socket.close();
  }
}

/** Starts the program as `npm start` would, Matrix configured; resolves with its inspector URL. */
async function startProgram(
  env: Record<string, string>,
): Promise<{ child: ChildProcessWithoutNullStreams; inspector: string; ended: Promise<never> }> {
  const child = spawn(process.execPath, ['--inspect=127.0.0.1:0', 'src/main.ts', '--no-console'], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '', ...env },
  });
  let stderr = '';
  const inspector = await new Promise<string>((done, fail) => {
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-8000);
      if (process.env['LOTSE_BENCH_LOG_LEVEL'] !== undefined) process.stderr.write(chunk);
      const url = /ws:\/\/127\.0\.0\.1:\d+\/[\w-]+/.exec(stderr)?.[0];
      if (url !== undefined) done(url);
    });
    child.once('exit', (code) => {
      fail(new Error(`the program ended (${String(code)}) before it was ready:\n${stderr}`));
    });
  });
  child.stdout.resume();
  const ended = new Promise<never>((_, fail) => {
    child.once('exit', (code, signal) => {
      fail(new Error(`the program ended (${String(code ?? signal)}):\n${stderr}`));
    });
  });
  ended.catch(() => undefined);
  return { child, inspector, ended };
}

/** What a person types for a step of the script, given the question it answers. */
function typedStep(step: ScriptStep, question: BotMessage | undefined): string {
  const input = step.lotse;
  switch (input.kind) {
    case 'command':
      return typed({ command: input.command }, question);
    case 'choice':
      return typed({ choice: input.id }, question);
    case 'choices':
      return typed({ choices: [...input.ids] }, question);
    case 'text':
      return typed({ text: input.text }, question);
    default:
      throw new Error(`the script has no Matrix form for ${input.kind}`);
  }
}

export interface MatrixMemoryOptions {
  readonly redisUrl: string;
  readonly prefix: string;
  readonly messages: number;
  readonly people: number;
  readonly say?: (text: string) => void;
}

/** Runs the measurement; throws when Synapse does not answer. */
export async function measureMatrixMemory(options: MatrixMemoryOptions): Promise<MatrixMemory> {
  const say = options.say ?? (() => undefined);
  const dataDir = mkdtempSync(join(tmpdir(), 'lotse-bench-matrix-'));
  const account = await registerUser('lotse-bench', { login: false });
  const people = await Promise.all(
    Array.from({ length: options.people }, () => MatrixUser.create('person')),
  );
  const program = await startProgram({
    REDIS_URL: options.redisUrl,
    REDIS_KEY_PREFIX: options.prefix,
    REDIS_AUTOSTART: 'false',
    DATA_DIR: dataDir,
    LOG_LEVEL: process.env['LOTSE_BENCH_LOG_LEVEL'] ?? 'silent',
    RATE_LIMIT_MESSAGES: '10000',
    SESSION_KEY: StateSeal.generateKey(),
    STAFF_PRIVATE_KEY: generateStaffKeyPair().privateKey,
    MATRIX_HOMESERVER_URL: SYNAPSE_URL,
    MATRIX_USER_ID: account.userId,
    MATRIX_PASSWORD: account.password,
  });
  say('Matrix: the program started; people open their direct chats …');
  const inspector = await Inspector.connect(program.inspector);
  const snapshots = process.env['LOTSE_BENCH_HEAP_SNAPSHOTS'];
  try {
    // Every person opens an encrypted direct chat; the bot joins and greets.
    const rooms = await Promise.all(people.map((p) => p.openDirectChat(account.userId)));
    const greetings = await Promise.race([
      Promise.all(people.map((p, i) => p.nextBatch(rooms[i] ?? '', new Set(), 120_000))),
      program.ended,
    ]);
    const points: MemoryPoint[] = [await inspector.memory(0)];
    const checkpoints = [
      Math.round(options.messages / 10),
      Math.round(options.messages / 2),
      options.messages,
    ];
    let handled = 0;
    let next = 0;
    const latencies: number[] = [];
    const t0 = performance.now();
    /** Closed while the memory is read at a checkpoint. */
    const gate: { closed: Promise<undefined> | undefined } = { closed: undefined };
    const reading = () => gate.closed !== undefined;
    say(`Matrix: ${options.people} people in encrypted direct chats, ${options.messages} messages`);
    const load = Promise.all(
      people.map(async (person, i) => {
        const room = rooms[i] ?? '';
        let question = greetings[i]?.at(-1);
        for (let k = 0; ; k++) {
          // Everyone waits while the memory is read at a checkpoint.
          while (gate.closed !== undefined) await gate.closed;
          if (handled + next >= options.messages) return;
          next++;
          const step = INTAKE[k % INTAKE.length];
          if (step === undefined) throw new Error('empty script');
          const sent = performance.now();
          const replies = await person.say(room, typedStep(step, question), 120_000);
          latencies.push(performance.now() - sent);
          next--;
          handled++;
          question = replies.at(-1);
          const checkpoint = checkpoints[points.length - 1];
          if (checkpoint !== undefined && handled >= checkpoint && !reading()) {
            const { promise, resolve: open } = Promise.withResolvers<undefined>();
            gate.closed = promise;
            // Waits for the messages in flight, so that the figure is at a quiet moment.
            while (next > 0) await new Promise((r) => setTimeout(r, 20));
            points.push(await inspector.memory(handled));
            if (snapshots !== undefined && (points.length === 2 || handled >= options.messages))
              await inspector.snapshot(join(snapshots, `matrix-${handled}.heapsnapshot`));
            say(
              `Matrix: ${handled} messages, RSS ${points.at(-1)?.rssMb.toFixed(0) ?? '?'} MB, heap ${points.at(-1)?.heapMb.toFixed(1) ?? '?'} MB`,
            );
            gate.closed = undefined;
            open(undefined);
          }
        }
      }),
    );
    await Promise.race([load, program.ended]);
    const seconds = (performance.now() - t0) / 1000;
    const first = points[1];
    const last = points.at(-1);
    const span = (last?.messages ?? 0) - (first?.messages ?? 0);
    const per = (a: number | undefined, b: number | undefined) =>
      span > 0 && a !== undefined && b !== undefined ? ((b - a) * 1024 * 1024) / span : NaN;
    return {
      people: options.people,
      messages: handled,
      seconds,
      points,
      heapPerMessage: per(first?.heapMb, last?.heapMb),
      rssPerMessage: per(first?.rssMb, last?.rssMb),
      latency: percentiles(latencies),
    };
  } finally {
    inspector.close();
    await Promise.all(people.map((p) => p.stop()));
    program.child.kill('SIGTERM');
    await new Promise((done) => program.child.once('exit', done));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const [messages = '1000', people = '10'] = process.argv.slice(2);
  const prefix = `bench-matrix-${Date.now().toString(36)}`;
  measureMatrixMemory({
    redisUrl: process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379',
    prefix,
    messages: Number(messages),
    people: Number(people),
    say: (text) => {
      console.log(text);
    },
  })
    .then(
      (result) => {
        console.log(JSON.stringify(result, null, 2));
      },
      (error: unknown) => {
        console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
        process.exitCode = 1;
      },
    )
    .finally(() => eraseKeys(prefix));
}

/** Erases what the standalone run left in Redis under its prefix. */
async function eraseKeys(prefix: string): Promise<void> {
  const redis = new Redis(process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379');
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.unlink(...keys);
  } while (cursor !== '0');
  await redis.quit();
}
