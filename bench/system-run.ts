/**
 * Runs every load of one system in a process of its own (so that CPU, memory and Redis commands
 * are that system's alone) and prints one JSON line with the results for bench/run.ts:
 *
 *   node --expose-gc bench/system-run.ts <lotse|alternative> <json options>
 */
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { AlternativeSystem } from './alternative/system.ts';
import { INTAKE } from './intake-script.ts';
import { casesReach, realistic, saturation, type IntakeSystem, type LoadResult } from './load.ts';
import { LotseSystem } from './lotse-system.ts';
import {
  countRedisCommands,
  percentiles,
  redisServerCpuMs,
  type Percentiles,
} from './support/measure.ts';

export type SystemName = 'lotse' | 'alternative';

export interface SystemRunOptions {
  readonly redisUrl: string;
  readonly prefix: string;
  /** Concurrent people of each saturation run, the last the headline figure. */
  readonly levels: readonly number[];
  /** People in conversation in the realistic run. */
  readonly realistic: number;
  /** People whose bytes in Redis are measured. */
  readonly sample: number;
  /**
   * Only the headline saturation (the last of `levels`, after the first as warm-up): one half of
   * a pair run back to back with the other system, so that both meet the machine in the same state.
   */
  readonly headlineOnly?: boolean;
}

/** What a headline-only run reports. */
export interface HeadlineReport {
  readonly system: SystemName;
  readonly load: LoadSummary;
}

export interface LoadSummary extends Percentiles {
  readonly people: number;
  readonly steps: number;
  readonly stepsPerSecond: number;
  readonly ms: number;
  /** CPU time per wall time: 1 = one core busy. */
  readonly cores: number;
  readonly peakRssMb: number;
  readonly commandsPerStep: number;
  /** CPU the Redis server used meanwhile, ms per step (its side of the work). */
  readonly redisCpuMsPerStep: number;
  /** p50 and p99 by the step's position in the intake. */
  readonly byStep: readonly Percentiles[];
}

export interface SystemReport {
  readonly system: SystemName;
  readonly saturation: readonly LoadSummary[];
  readonly realistic: LoadSummary;
  /** Cases expected and made after all loads. */
  readonly cases: { readonly expected: number; readonly made: number };
  /** Confirmation → staff notice (Lotse) or → case made (alternative), under the realistic load. */
  readonly notice: Percentiles & { readonly count: number };
  /**
   * Bytes in Redis of a person halfway through the intake: the state alone, and every key; for
   * Lotse also the session's JSON and its sealed value (Redis adds its own overhead per key).
   */
  readonly idleSession: {
    readonly state: number;
    readonly all: number;
    readonly plain?: number;
    readonly sealed?: number;
  };
  /**
   * A bare PING from the same process every 20 ms during the realistic load: the round trip to
   * Redis on this machine at that time, the floor under any step's latency.
   */
  readonly ping: Percentiles;
  /** Bytes in Redis per report waiting in the queue. */
  readonly queuedReport: number;
}

const summary = (result: LoadResult, redisCpuMs: number): LoadSummary => ({
  people: result.people,
  redisCpuMsPerStep: redisCpuMs / Math.max(1, result.steps),
  steps: result.steps,
  stepsPerSecond: result.stepsPerSecond,
  ms: result.cost.ms,
  cores: result.cost.cpuMs / result.cost.ms,
  peakRssMb: result.cost.peakRss / 1024 / 1024,
  commandsPerStep: result.cost.commands / Math.max(1, result.steps),
  ...percentiles(result.latencies),
  byStep: result.byStep.map(percentiles),
});

/** Sends a PING every `ms` until stopped; the round trips, ms. */
function pingEvery(redis: Redis, ms: number): { stop(): number[] } {
  const times: number[] = [];
  const timer = setInterval(() => {
    const t0 = performance.now();
    redis.ping().then(
      () => times.push(performance.now() - t0),
      (error: unknown) => {
        console.error(`bench: ping failed: ${String(error)}`);
      },
    );
  }, ms);
  return {
    stop() {
      clearInterval(timer);
      return times;
    },
  };
}

/** MEMORY USAGE of every key matching `pattern`, summed. */
async function bytesOf(redis: Redis, pattern: string): Promise<number> {
  let cursor = '0';
  let bytes = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) bytes += (await redis.memory('USAGE', key, 'SAMPLES', '0')) ?? 0;
  } while (cursor !== '0');
  return bytes;
}

interface Harness {
  readonly system: IntakeSystem & { noticeLatencies(): number[]; stop(): Promise<void> };
  /** Lotse only: the session's JSON and sealed sizes. */
  readonly sessionBytes?: (person: number) => Promise<{ plain: number; sealed: number }>;
  /** Redis patterns of one person's state, and of all their keys. */
  readonly keys: (person: number) => { state: string; all: string };
}

async function harness(
  name: SystemName,
  options: SystemRunOptions,
  prefix: string,
  workers: boolean,
  redis: Redis,
): Promise<Harness> {
  if (name === 'lotse') {
    const system = await LotseSystem.start(options.redisUrl, prefix, workers);
    return {
      system,
      sessionBytes: (person) => system.sessionBytes(person),
      keys: (person) => {
        const base = `${prefix}:conv:{console:${LotseSystem.user(person)}}`;
        return { state: `${base}:session`, all: `${base}:*` };
      },
    };
  }
  const system = new AlternativeSystem(redis, prefix, workers);
  return {
    system,
    keys: (person) => {
      const key = `${prefix}:conversation:${AlternativeSystem.chat(person)}`;
      return { state: key, all: key };
    },
  };
}

/** Walks `n` fresh people through the first `steps` steps. */
async function walkPart(system: IntakeSystem, first: number, n: number, steps: number) {
  await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      for (let index = 0; index < steps; index++) await system.step(first + i, index);
    }),
  );
}

/**
 * Starts the system on the run's Redis with its workers, warms it up (loads the scripts, compiles
 * the hot path; not measured) and hands it to `body`; the connection is closed afterwards.
 */
async function withSystem<T>(
  name: SystemName,
  options: SystemRunOptions,
  body: (system: Harness['system'], redis: Redis) => Promise<T>,
): Promise<T> {
  countRedisCommands();
  const redis = new Redis(options.redisUrl, { maxRetriesPerRequest: null, lazyConnect: true });
  await redis.connect();
  try {
    const { system } = await harness(name, options, `${options.prefix}-load`, true, redis);
    await saturation(system, 20);
    return await body(system, redis);
  } finally {
    await redis.quit();
  }
}

/** The headline saturation alone, after the curve's first level as warm-up (not measured). */
const headline = (name: SystemName, options: SystemRunOptions): Promise<HeadlineReport> =>
  withSystem(name, options, async (system, redis) => {
    const people = options.levels.at(-1) ?? 0;
    const warm = options.levels.length > 1 ? (options.levels[0] ?? 20) : 0;
    if (warm > 0) await saturation(system, warm);
    const cpu = await redisServerCpuMs(redis);
    const result = await saturation(system, people);
    const load = summary(result, (await redisServerCpuMs(redis)) - cpu);
    // Every intake walked must have become a case: a run that only met duplicates measured nothing.
    const expected = 20 + warm + people;
    const made = await casesReach(system, expected);
    await system.stop();
    if (made !== expected) throw new Error(`${name}: ${made} cases of ${expected} expected`);
    return { system: name, load };
  });

const run = (name: SystemName, options: SystemRunOptions): Promise<SystemReport> =>
  withSystem(name, options, async (system, redis) => {
    const loads: LoadSummary[] = [];
    let expected = 20;
    for (const people of options.levels) {
      const cpu = await redisServerCpuMs(redis);
      const result = await saturation(system, people);
      loads.push(summary(result, (await redisServerCpuMs(redis)) - cpu));
      expected += people;
    }
    await casesReach(system, expected);
    const before = system.noticeLatencies().length;
    const pinger = pingEvery(redis, 20);
    const calmCpu = await redisServerCpuMs(redis);
    const calmResult = await realistic(system, options.realistic);
    const calm = summary(calmResult, (await redisServerCpuMs(redis)) - calmCpu);
    const pings = pinger.stop();
    expected += options.realistic;
    const made = await casesReach(system, expected);
    const notices = system.noticeLatencies().slice(before);
    await system.stop();

    // Footprint: people halfway through, and reports queued with no worker to take them.
    const quiet = await harness(name, options, `${options.prefix}-bytes`, false, redis);
    const first = 10_000_000;
    const description = INTAKE.findIndex((s) => s.name === 'description');
    await walkPart(quiet.system, first, options.sample, description + 1);
    let state = 0;
    let all = 0;
    let plain = 0;
    let sealed = 0;
    for (let i = 0; i < options.sample; i++) {
      const keys = quiet.keys(first + i);
      state += await bytesOf(redis, keys.state);
      all += await bytesOf(redis, keys.all);
      const sizes = await quiet.sessionBytes?.(first + i);
      plain += sizes?.plain ?? 0;
      sealed += sizes?.sealed ?? 0;
    }
    const n = options.sample;
    const queue = `${options.prefix}-bytes:bull:*`;
    const queueBefore = await bytesOf(redis, queue);
    await walkPart(quiet.system, first + options.sample, options.sample, INTAKE.length);
    const queued = ((await bytesOf(redis, queue)) - queueBefore) / options.sample;
    await quiet.system.stop();

    return {
      system: name,
      saturation: loads,
      realistic: calm,
      cases: { expected, made },
      notice: { ...percentiles(notices), count: notices.length },
      ping: percentiles(pings),
      idleSession: {
        state: state / n,
        all: all / n,
        ...(quiet.sessionBytes ? { plain: plain / n, sealed: sealed / n } : {}),
      },
      queuedReport: queued,
    };
  });

const [name, json] = process.argv.slice(2);
if ((name !== 'lotse' && name !== 'alternative') || json === undefined) {
  console.error('usage: node bench/system-run.ts <lotse|alternative> <json options>');
  process.exit(2);
}
const parsed = JSON.parse(json) as SystemRunOptions;
(parsed.headlineOnly === true ? headline(name, parsed) : run(name, parsed)).then(
  (report) => {
    process.stdout.write(`${JSON.stringify(report)}\n`);
  },
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exitCode = 1;
  },
);
