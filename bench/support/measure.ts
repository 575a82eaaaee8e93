/**
 * What every part of the benchmark measures the same way: Redis commands sent by this process,
 * latency percentiles, CPU time and peak memory of a phase.
 */
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';

let commandsSent = 0;
let counting = false;

/**
 * Counts every command any ioredis client of this process sends (the bot's, the queue's, the
 * workers' connections alike), by wrapping the one method they all pass through. Once per process.
 */
export function countRedisCommands(): void {
  if (counting) return;
  counting = true;
  const prototype = Redis.prototype;
  type Send = (
    this: Redis,
    ...args: Parameters<Redis['sendCommand']>
  ) => ReturnType<Redis['sendCommand']>;
  const send = Object.getOwnPropertyDescriptor(prototype, 'sendCommand')?.value as Send;
  prototype.sendCommand = function (this: Redis, ...args: Parameters<Redis['sendCommand']>) {
    commandsSent++;
    return send.apply(this, args);
  };
}

/**
 * CPU time the Redis server has used since it started (user + system, all its threads), ms: read
 * before and after a phase, the difference is what the phase cost Redis – its side of every step.
 */
export async function redisServerCpuMs(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const field = (name: string) =>
    Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? NaN);
  return (field('used_cpu_user') + field('used_cpu_sys')) * 1000;
}

/** Commands sent by this process since countRedisCommands. */
export const redisCommands = (): number => commandsSent;

/** The p-th percentile (nearest rank) of sorted values; NaN when there are none. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return (
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ??
    NaN
  );
}

export interface Percentiles {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
}

export function percentiles(values: readonly number[]): Percentiles {
  const sorted = Float64Array.from(values).sort();
  const list = Array.from(sorted);
  return { p50: percentile(list, 50), p95: percentile(list, 95), p99: percentile(list, 99) };
}

/** What one phase cost the process. */
export interface PhaseCost {
  readonly ms: number;
  /** CPU time (user + system) of this process, in ms. */
  readonly cpuMs: number;
  /** Highest resident set size seen while the phase ran. */
  readonly peakRss: number;
  readonly commands: number;
}

/** Runs `body`, sampling memory every 100 ms, and returns its result with what it cost. */
export async function measured<T>(body: () => Promise<T>): Promise<{ value: T; cost: PhaseCost }> {
  globalThis.gc?.();
  let peakRss = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, 100);
  const commands = redisCommands();
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  try {
    const value = await body();
    const used = process.cpuUsage(cpu);
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    return {
      value,
      cost: {
        ms: performance.now() - t0,
        cpuMs: (used.user + used.system) / 1000,
        peakRss,
        commands: redisCommands() - commands,
      },
    };
  } finally {
    clearInterval(sampler);
  }
}

/** A random whole number of ms in [min, max). */
export const between = (min: number, max: number): number => min + Math.random() * (max - min);
