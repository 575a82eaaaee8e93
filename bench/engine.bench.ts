/**
 * Engine benchmark (`npm run bench:engine`; options: `npm run bench:engine -- --help`): drives conversations
 * through the real engine and the real Redis at REDIS_URL (default redis://127.0.0.1:6379) and
 * prints throughput, latency per event, Redis commands and socket writes per event, and memory.
 * Uses a key prefix of its own and erases it afterwards. No assertions: the numbers are for people.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { Redis } from 'ioredis';
import type { ChannelAdapter } from '../src/adapters/channel.ts';
import { createApp, type App } from '../src/app.ts';
import { createLogger } from '../src/bot/logger.ts';
import { connectRedis, StartupError } from '../src/infra/redis/connect.ts';
import type { InboundEvent, InboundInput, OutboundMessage } from '../src/bot/types.ts';
import { benchConfig } from './support/config.ts';

const USAGE = `usage: npm run bench:engine -- [options]
  --conversations N  conversations per scenario (default 200)
  --steps M          events per conversation (default 12)
  --concurrency C    conversations in flight at once in the concurrent scenario (default 50)
  --burst K          events sent at once into one conversation in the burst scenario (default 20)
  --seconds S        time budget; no new work starts after it (default 45)`;

const DEFAULTS = { conversations: 200, steps: 12, concurrency: 50, burst: 20, seconds: 45 };

/** The command-line options as whole numbers ≥ 1; exits with the usage on anything else. */
function readOptions(): typeof DEFAULTS {
  const numeric = { type: 'string' } as const;
  let values;
  try {
    values = parseArgs({
      options: {
        conversations: numeric,
        steps: numeric,
        concurrency: numeric,
        burst: numeric,
        seconds: numeric,
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (error) {
    console.error(`bench: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    process.exit(2);
  }
  if (values.help === true) {
    console.log(USAGE);
    process.exit(0);
  }
  const options = { ...DEFAULTS };
  for (const name of Object.keys(DEFAULTS) as (keyof typeof DEFAULTS)[]) {
    const raw = values[name];
    if (raw === undefined) continue;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) {
      console.error(`bench: --${name} must be a whole number ≥ 1\n${USAGE}`);
      process.exit(2);
    }
    options[name] = n;
  }
  return options;
}
const options = readOptions();
const CONVERSATIONS = options.conversations;
const STEPS = options.steps;
const CONCURRENCY = options.concurrency;
const BURST = options.burst;
/** The whole run stops starting new work after this; each scenario gets a share. */
const BUDGET_MS = options.seconds * 1000;

/** After the opening `hello`, each conversation repeats these inputs: menu → emergency → menu … */
const CYCLE: readonly InboundInput[] = [
  { kind: 'choice', id: 'emergency' },
  { kind: 'choice', id: 'menu' },
  { kind: 'choice', id: 'rights' },
  { kind: 'command', command: 'menu' },
  { kind: 'text', text: 'Hilfe' },
  { kind: 'text', text: '3' },
  { kind: 'command', command: 'menu' },
];
const inputAt = (step: number): InboundInput =>
  step === 0 ? { kind: 'hello' } : (CYCLE[(step - 1) % CYCLE.length] ?? { kind: 'hello' });

/** Counts what the client sends: commands, and socket writes (an auto-pipeline is one write). */
class RedisMeter {
  commands = 0;
  writes = 0;
  readonly byName = new Map<string, number>();
  readonly #pipelines = new WeakSet<object>();

  constructor(redis: Redis) {
    const send = redis.sendCommand.bind(redis);
    redis.sendCommand = (command, stream) => {
      this.commands++;
      this.byName.set(command.name, (this.byName.get(command.name) ?? 0) + 1);
      if (stream !== undefined && 'isPipeline' in stream) {
        if (!this.#pipelines.has(stream)) {
          this.#pipelines.add(stream);
          this.writes++;
        }
      } else {
        this.writes++;
      }
      return send(command, stream);
    };
  }

  reset(): void {
    this.commands = 0;
    this.writes = 0;
    this.byName.clear();
  }
}

/** An outbound channel that only counts what it would send. */
class CountingChannel implements ChannelAdapter {
  readonly platform = 'console' as const;
  messages = 0;

  start(): Promise<void> {
    return Promise.resolve();
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }

  deliver(_event: InboundEvent, messages: readonly OutboundMessage[]): Promise<void> {
    this.messages += messages.length;
    return Promise.resolve();
  }
}

interface Result {
  readonly name: string;
  readonly events: number;
  readonly ms: number;
  readonly latencies: number[];
  readonly commands: number;
  readonly writes: number;
  readonly messages: number;
  readonly byName: ReadonlyMap<string, number>;
}

let eventSeq = 0;
const event = (user: string, input: InboundInput): InboundEvent => ({
  platform: 'console',
  userId: user,
  chatId: user,
  eventId: `bench-${++eventSeq}`,
  input,
});

async function timed(app: App, latencies: number[], e: InboundEvent): Promise<void> {
  const t0 = performance.now();
  await app.engine.handle(e);
  latencies.push(performance.now() - t0);
}

/** Runs one scenario, measuring wall time and what it sent to Redis. */
async function scenario(
  name: string,
  deps: { app: App; meter: RedisMeter; channel: CountingChannel },
  body: (latencies: number[], deadline: number) => Promise<void>,
  budgetMs: number,
): Promise<Result> {
  const latencies: number[] = [];
  deps.meter.reset();
  const messagesBefore = deps.channel.messages;
  const t0 = performance.now();
  await body(latencies, t0 + budgetMs);
  const ms = performance.now() - t0;
  return {
    name,
    events: latencies.length,
    ms,
    latencies,
    commands: deps.meter.commands,
    writes: deps.meter.writes,
    messages: deps.channel.messages - messagesBefore,
    byName: new Map(deps.meter.byName),
  };
}

/** One conversation of STEPS events, each awaited before the next. */
async function converse(app: App, user: string, latencies: number[], deadline: number) {
  for (let step = 0; step < STEPS && performance.now() < deadline; step++)
    await timed(app, latencies, event(user, inputAt(step)));
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

function table(results: readonly Result[]): string {
  const head = [
    'scenario',
    'events',
    'events/s',
    'p50 ms',
    'p95 ms',
    'p99 ms',
    'cmds/event',
    'writes/event',
    'replies',
  ];
  const rows = results.map((r) => {
    const sorted = [...r.latencies].sort((a, b) => a - b);
    const per = (n: number) => (r.events === 0 ? '-' : (n / r.events).toFixed(2));
    return [
      r.name,
      String(r.events),
      (r.events / (r.ms / 1000)).toFixed(0),
      percentile(sorted, 50).toFixed(2),
      percentile(sorted, 95).toFixed(2),
      percentile(sorted, 99).toFixed(2),
      per(r.commands),
      per(r.writes),
      String(r.messages),
    ];
  });
  const widths = head.map((h, i) =>
    Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** Memory after a full collection when node runs with --expose-gc (as `npm run bench:engine` does). */
function memory(): NodeJS.MemoryUsage {
  globalThis.gc?.();
  return process.memoryUsage();
}

async function eraseKeys(redis: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let erased = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) erased += await redis.unlink(...keys);
  } while (cursor !== '0');
  return erased;
}

async function main(): Promise<void> {
  const prefix = `bench-${randomBytes(6).toString('hex')}`;
  const config = benchConfig(process.env['REDIS_URL'], prefix);
  const logger = createLogger('silent');
  const handle = await connectRedis({
    url: config.REDIS_URL,
    autostart: false,
    dataDir: config.DATA_DIR,
    logger,
  });
  const meter = new RedisMeter(handle.redis);
  const memoryBefore = memory();
  const app = createApp(config, handle.redis, logger);
  const channel = new CountingChannel();
  await app.addChannel(channel);
  const deps = { app, meter, channel };
  const started = performance.now();
  const share = () => Math.max(1000, (BUDGET_MS - (performance.now() - started)) / 2);

  console.log(
    `Lotse engine benchmark: ${CONVERSATIONS} conversations × ${STEPS} steps, concurrency ${CONCURRENCY}, burst ${BURST}; Redis ${new URL(config.REDIS_URL).host}, prefix ${prefix}`,
  );
  const results: Result[] = [];
  try {
    // Warm-up: loads the Lua scripts and JIT-compiles the hot path; not measured.
    await converse(app, 'warmup', [], Infinity);

    results.push(
      await scenario(
        'sequential (1 in flight)',
        deps,
        async (latencies, deadline) => {
          for (let c = 0; c < CONVERSATIONS && performance.now() < deadline; c++)
            await converse(app, `seq-${c}`, latencies, deadline);
        },
        share(),
      ),
    );

    results.push(
      await scenario(
        `concurrent (${CONCURRENCY} conversations)`,
        deps,
        async (latencies, deadline) => {
          let next = 0;
          const worker = async () => {
            while (next < CONVERSATIONS && performance.now() < deadline)
              await converse(app, `conc-${next++}`, latencies, deadline);
          };
          await Promise.all(Array.from({ length: CONCURRENCY }, worker));
        },
        share(),
      ),
    );

    // Many events of one person at once: the inbox keeps them in order, one worker holds the lock.
    results.push(
      await scenario(
        `burst (${BURST} events, 1 conversation)`,
        deps,
        async (latencies, deadline) => {
          for (let round = 0; round < 10 && performance.now() < deadline; round++) {
            const user = `burst-${round}`;
            await Promise.all(
              Array.from({ length: BURST }, (_, i) =>
                timed(app, latencies, event(user, inputAt(i))),
              ),
            );
          }
        },
        1000 + share() / 4,
      ),
    );
  } finally {
    await app.stop();
    const memoryAfter = memory();
    const erased = await eraseKeys(handle.redis, prefix);
    await handle.close();

    console.log(`\n${table(results)}\n`);
    console.log(
      'cmds/event = Redis commands the client sent per event (the engine aims at ≤ 3 per step: one',
    );
    console.log(
      'script to queue, lock and load, one to save with the replies, one to settle and unlock);',
    );
    console.log('writes/event = socket writes, i.e.');
    console.log('round trips (auto-pipelining merges the commands of concurrent conversations).');
    for (const r of results) {
      const names = [...r.byName.entries()]
        .sort((a, b) => b[1] - a[1])
        .map(([name, n]) => `${name} ${(n / Math.max(1, r.events)).toFixed(2)}`)
        .join(', ');
      console.log(`  ${r.name}: ${names || 'no commands'}`);
    }
    console.log(
      `\nmemory${globalThis.gc ? ' (after a full GC)' : ''}: heap ${mb(memoryBefore.heapUsed)} → ${mb(memoryAfter.heapUsed)}, rss ${mb(memoryBefore.rss)} → ${mb(memoryAfter.rss)}`,
    );
    console.log(`erased ${erased} keys under ${prefix}:*`);
  }
}

main().then(
  () => {
    process.exitCode = 0;
  },
  (error: unknown) => {
    console.error(
      error instanceof StartupError
        ? `bench: ${error.message}`
        : `bench: failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    process.exitCode = 1;
  },
);
