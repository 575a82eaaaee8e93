/**
 * Lotse's saturated run on several processes at once (bench/replica-run.ts each), sharing one
 * Redis prefix and splitting the people between them: how far a second core takes it.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { StateSeal } from '../src/bot/state-seal.ts';
import { generateStaffKeyPair } from '../src/staff/seal.ts';
import type { ReplicaOptions, ReplicaResult } from './replica-run.ts';
import { Redis } from 'ioredis';
import { percentiles, redisServerCpuMs, type Percentiles } from './support/measure.ts';

const ROOT = resolve(import.meta.dirname, '..');

export interface ReplicasSummary extends Percentiles {
  readonly processes: number;
  readonly people: number;
  readonly steps: number;
  /** All processes' steps over the wall time of the slowest. */
  readonly stepsPerSecond: number;
  /** CPU time of all processes per wall time: 2 = two cores busy. */
  readonly cores: number;
  readonly commandsPerStep: number;
  /** CPU the Redis server used meanwhile, ms per step. */
  readonly redisCpuMsPerStep: number;
  /** The processes' peak RSS, added up. */
  readonly peakRssMb: number;
  readonly cases: { readonly expected: number; readonly made: number };
}

interface Replica {
  readonly ready: Promise<void>;
  readonly result: Promise<ReplicaResult>;
  go(): void;
}

function startReplica(options: ReplicaOptions): Replica {
  const child = spawn(process.execPath, ['bench/replica-run.ts', JSON.stringify(options)], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async (): Promise<string> => {
    const line = await lines.next();
    if (line.done === true) throw new Error('a replica ended without its figures');
    return line.value;
  };
  const ready = next().then((line) => {
    if (line !== 'ready') throw new Error(`a replica said ${line.slice(0, 200)}`);
  });
  const result = ready.then(async () => JSON.parse(await next()) as ReplicaResult);
  // Both are awaited by the caller; a failure must not also surface as an unhandled rejection.
  ready.catch(() => undefined);
  result.catch(() => undefined);
  return {
    ready,
    result,
    go: () => {
      child.stdin.end('go\n');
    },
  };
}

/** `people` people at once, split over `processes` Lotse processes that start together. */
export async function measureReplicas(
  redisUrl: string,
  prefix: string,
  people: number,
  processes: number,
): Promise<ReplicasSummary> {
  const share = Math.ceil(people / processes);
  const keys = { sessionKey: StateSeal.generateKey(), staff: generateStaffKeyPair() };
  const replicas = Array.from({ length: processes }, (_, i) =>
    startReplica({ redisUrl, prefix, people: share, first: (i + 1) * 10_000_000, keys }),
  );
  await Promise.all(replicas.map((r) => r.ready));
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  let redisCpuMs: number;
  let results: ReplicaResult[];
  try {
    const cpu = await redisServerCpuMs(redis);
    for (const replica of replicas) replica.go();
    results = await Promise.all(replicas.map((r) => r.result));
    redisCpuMs = (await redisServerCpuMs(redis)) - cpu;
  } finally {
    redis.disconnect();
  }
  const steps = results.reduce((sum, r) => sum + r.steps, 0);
  const ms = Math.max(...results.map((r) => r.ms));
  return {
    processes,
    people: share * processes,
    steps,
    stepsPerSecond: steps / (ms / 1000),
    cores: results.reduce((sum, r) => sum + r.cpuMs, 0) / ms,
    commandsPerStep: results.reduce((sum, r) => sum + r.commands, 0) / Math.max(1, steps),
    redisCpuMsPerStep: redisCpuMs / Math.max(1, steps),
    peakRssMb: results.reduce((sum, r) => sum + r.peakRss, 0) / 1024 / 1024,
    cases: {
      // Each process also warmed up with 20 people of its own.
      expected: share * processes + 20 * processes,
      made: results.reduce((sum, r) => sum + r.cases, 0),
    },
    ...percentiles(results.flatMap((r) => r.latencies)),
  };
}
