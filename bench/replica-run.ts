/**
 * One of several Lotse processes on one Redis prefix (replicas, as `--role bot` processes behind
 * a load balancer run: a lock and an inbox per conversation keep each person's messages in order
 * across them), for the saturated run with both cores. bench/run.ts starts them, waits until each
 * prints `ready`, then writes `go` to all at once; each walks its share of the people (numbers from
 * `first` on, so no two processes share a person) and prints one JSON line with what it measured.
 *
 *   node bench/replica-run.ts <json options>
 *
 * The alternative has no such mode: @grammyjs/conversations keeps a conversation's updates in
 * order only inside one process (grammY's `sequentialize` is in-process), so two processes on
 * one chat's state could interleave and lose an answer.
 */
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { saturation, startPeopleAt } from './load.ts';
import type { StaffKeyPair } from '../src/staff/seal.ts';
import { LotseSystem } from './lotse-system.ts';
import { countRedisCommands } from './support/measure.ts';

export interface ReplicaOptions {
  readonly redisUrl: string;
  readonly prefix: string;
  /** People this process walks through the intake at once. */
  readonly people: number;
  /** Its first person's number. */
  readonly first: number;
  /** Keys all replicas share, as one installation's processes do. */
  readonly keys: { readonly sessionKey: string; readonly staff: StaffKeyPair };
}

export interface ReplicaResult {
  readonly steps: number;
  readonly ms: number;
  readonly cpuMs: number;
  readonly commands: number;
  readonly peakRss: number;
  /** Every step's latency, ms. */
  readonly latencies: number[];
  /** Cases this process's report worker made (either process's worker may take a report). */
  readonly cases: number;
}

async function main(options: ReplicaOptions): Promise<void> {
  countRedisCommands();
  startPeopleAt(options.first);
  const system = await LotseSystem.start(options.redisUrl, options.prefix, true, options.keys);
  await saturation(system, 20);
  const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
  process.stdout.write('ready\n');
  await lines.next();
  const result = await saturation(system, options.people);
  // Reports of either process may be made into cases by either worker: wait until the queue has
  // none left (both processes do), then a moment for the last notices.
  const queue = system.app.reports.queue;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    if (Object.values(counts).every((n) => n === 0) || Date.now() > deadline) break;
    await sleep(50);
  }
  await sleep(500);
  const report: ReplicaResult = {
    steps: result.steps,
    ms: result.cost.ms,
    cpuMs: result.cost.cpuMs,
    commands: result.cost.commands,
    peakRss: result.cost.peakRss,
    latencies: result.latencies,
    cases: system.cases,
  };
  await system.stop();
  // A pipe is written asynchronously: exit only once the whole line is out.
  await new Promise<void>((done) => {
    process.stdout.write(`${JSON.stringify(report)}\n`, () => {
      done();
    });
  });
}

const [json] = process.argv.slice(2);
if (json === undefined) {
  console.error('usage: node bench/replica-run.ts <json options>');
  process.exit(2);
}
main(JSON.parse(json) as ReplicaOptions).then(
  () => {
    process.exit(0);
  },
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
