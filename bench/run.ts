/**
 * `npm run bench`: Lotse's full intake against the same intake written with grammY +
 * @grammyjs/conversations, and against the Redis ceiling, in one run on the real Redis at
 * REDIS_URL (default redis://127.0.0.1:6379). Prints one table and writes docs/BENCHMARKS.md and
 * docs/benchmark-plot.svg. Uses key prefixes of its own and erases them afterwards; never flushes.
 * Options: `npm run bench -- --help`. No assertions: the numbers are for people.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem, type } from 'node:os';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs, promisify } from 'node:util';
import { Redis } from 'ioredis';
import * as prettier from 'prettier';
import { measureRedisLimit } from './redis-limit.ts';
import { measureReplicas } from './replicas.ts';
import {
  keepMatrixFigures,
  keptMatrixFigures,
  measureMatrixMemory,
  today,
} from './matrix-memory.ts';
import {
  markdown,
  plot,
  textTable,
  type Machine,
  type Pair,
  type RunResults,
  type StoredMatrixMemory,
} from './report.ts';
import type {
  HeadlineReport,
  LoadSummary,
  SystemName,
  SystemReport,
  SystemRunOptions,
} from './system-run.ts';
import { measureStartup, measureWebhook } from './whole-path.ts';

const USAGE = `usage: npm run bench -- [options]
  --people N     people at once in the headline saturation run (default 1000); the curve also
                 runs a tenth and three tenths of them
  --realistic N  people in conversation in the realistic run, ~1 message/s each (default: --people)
  --quick        a short run to try the benchmark: fewer repetitions of the side measurements
  --matrix N     also measure the Matrix process's memory over N messages (10000 for the figure
                 of issue 16) against the Synapse at SYNAPSE_URL; long (minutes per thousand
                 messages). Its figures are kept in docs/benchmark-matrix.json and shown, with their
                 date, by later runs without --matrix (so does \`node bench/matrix-memory.ts N\`)
  --matrix-people P  people in encrypted direct chats for --matrix (default 10)
  --no-write     print only; leave docs/BENCHMARKS.md and the plot alone
  -h, --help     this text
The default run takes about 2½–3 minutes on 2 cores. REDIS_URL selects the Redis.`;

const ROOT = resolve(import.meta.dirname, '..');
const run = promisify(execFile);

interface Options {
  readonly people: number;
  readonly realistic: number;
  readonly quick: boolean;
  readonly write: boolean;
  /** Messages for the Matrix memory measurement; 0: not measured in this run. */
  readonly matrix: number;
  readonly matrixPeople: number;
}

function readOptions(): Options {
  let values;
  try {
    values = parseArgs({
      options: {
        people: { type: 'string' },
        realistic: { type: 'string' },
        quick: { type: 'boolean', default: false },
        matrix: { type: 'string' },
        'matrix-people': { type: 'string' },
        'no-write': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (error) {
    console.error(`bench: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const whole = (raw: string | undefined, name: string, fallback: number, least = 10): number => {
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < least) {
      console.error(`bench: --${name} must be a whole number ≥ ${least}\n${USAGE}`);
      process.exit(2);
    }
    return n;
  };
  const people = whole(values.people, 'people', 1000);
  return {
    people,
    realistic: whole(values.realistic, 'realistic', people),
    quick: values.quick,
    write: !values['no-write'],
    matrix: whole(values.matrix, 'matrix', 0),
    matrixPeople: whole(values['matrix-people'], 'matrix-people', 10, 1),
  };
}

/** Runs one system's loads in a child process and reads its report. */
async function runSystem(name: SystemName, options: SystemRunOptions): Promise<SystemReport> {
  return JSON.parse(await lastLine(name, options)) as SystemReport;
}

/** The headline saturation of one system alone, in a child process. */
async function runHeadline(name: SystemName, options: SystemRunOptions): Promise<LoadSummary> {
  return (JSON.parse(await lastLine(name, { ...options, headlineOnly: true })) as HeadlineReport)
    .load;
}

async function lastLine(name: SystemName, options: SystemRunOptions): Promise<string> {
  const { stdout } = await run(
    process.execPath,
    ['--expose-gc', 'bench/system-run.ts', name, JSON.stringify(options)],
    { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 },
  );
  return stdout.trim().split('\n').at(-1) ?? '';
}

/**
 * The headline saturation of both systems again, `pairs` times, each pair back to back and in
 * turns (Lotse first, then the alternative first, …): a shared machine's load drifts over the
 * minutes of a run, and a ratio from two runs a minute apart carries that drift; one from runs
 * seconds apart, in both orders, much less.
 */
async function inTurns(
  pairs: number,
  options: (name: SystemName, pair: number) => SystemRunOptions,
): Promise<Pair[]> {
  const out: Pair[] = [];
  for (let i = 0; i < pairs; i++) {
    const order: SystemName[] = i % 2 === 0 ? ['lotse', 'alternative'] : ['alternative', 'lotse'];
    const loads: Partial<Record<SystemName, LoadSummary>> = {};
    for (const name of order) loads[name] = await runHeadline(name, options(name, i));
    const { lotse, alternative } = loads;
    if (lotse === undefined || alternative === undefined) throw new Error('a pair is missing');
    out.push({ lotse, alternative, lotseFirst: i % 2 === 0 });
  }
  return out;
}

async function eraseKeys(redis: Redis, pattern: string): Promise<number> {
  let cursor = '0';
  let erased = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) erased += await redis.unlink(...keys);
  } while (cursor !== '0');
  return erased;
}

async function machine(redis: Redis, loadBefore: number): Promise<Machine> {
  const info = await redis.info('server');
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    memoryGb: totalmem() / 1024 ** 3,
    os: `${type()} ${release()}`,
    node: process.versions.node,
    redis: /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown',
    loadBefore,
    loadAfter: loadavg()[0] ?? NaN,
  };
}

async function main(): Promise<void> {
  const options = readOptions();
  const url = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
  const prefix = `bench-${randomBytes(6).toString('hex')}`;
  const loadBefore = loadavg()[0] ?? NaN;
  const t0 = performance.now();
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  const levels = [
    ...new Set([
      Math.round(options.people / 10),
      Math.round((options.people * 3) / 10),
      options.people,
    ]),
  ];
  const say = (text: string) => {
    console.log(`[${((performance.now() - t0) / 1000).toFixed(0).padStart(3)} s] ${text}`);
  };
  console.log(
    `Lotse benchmark: ${options.people} people (curve ${levels.join(', ')}), realistic ${options.realistic}; Redis ${new URL(url).host}, prefix ${prefix}`,
  );
  try {
    say('Redis ceiling …');
    const limit = await measureRedisLimit(url, prefix, options.quick ? 1 : 3);
    const systemOptions = (name: SystemName): SystemRunOptions => ({
      redisUrl: url,
      prefix: `${prefix}-${name}`,
      levels,
      realistic: options.realistic,
      sample: options.quick ? 10 : 50,
    });
    say('Lotse: saturation, realistic load, bytes …');
    const lotse = await runSystem('lotse', systemOptions('lotse'));
    say('Lotse as 2 processes on one prefix: saturation …');
    const replicas = await measureReplicas(url, `${prefix}-replicas`, options.people, 2);
    say('grammY + conversations: the same …');
    const alternative = await runSystem('alternative', systemOptions('alternative'));
    const pairCount = options.quick ? 1 : 2;
    say(`both again, ${pairCount} pair${pairCount === 1 ? '' : 's'} back to back in turns …`);
    // A prefix per run: each process numbers its people from 0, and the same people on the same
    // prefix would find their intake done and every step a duplicate.
    const pairs = await inTurns(pairCount, (name, pair) => ({
      ...systemOptions(name),
      prefix: `${prefix}-${name}-turn${pair}`,
    }));
    say('Telegram webhook path …');
    const webhook = await measureWebhook(url, `${prefix}-webhook`, options.quick ? 16 : 100);
    say('start-up …');
    const startupMs = await measureStartup(url, `${prefix}-startup`, options.quick ? 1 : 3);
    let matrix: StoredMatrixMemory | undefined;
    if (options.matrix > 0) {
      say(`Matrix: ${options.matrix} messages through Synapse …`);
      try {
        const measured = await measureMatrixMemory({
          redisUrl: url,
          prefix: `${prefix}-matrix`,
          messages: options.matrix,
          people: options.matrixPeople,
          say,
        });
        matrix = { ...measured, date: today(), fresh: true };
        if (options.write) await keepMatrixFigures(matrix);
      } catch (error) {
        // The rest of the run stands; the table shows the figures kept from before, if any.
        say(`Matrix: failed – ${error instanceof Error ? error.message : String(error)}`);
        matrix = keptMatrixFigures();
      }
    } else matrix = keptMatrixFigures();
    const results: RunResults = {
      command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
      date: today(),
      seconds: (performance.now() - t0) / 1000,
      machine: await machine(redis, loadBefore),
      lotse,
      replicas,
      alternative,
      pairs,
      limit,
      webhook,
      startupMs,
      ...(matrix === undefined ? {} : { matrix }),
    };
    console.log(`\n${textTable(results)}\n`);
    if (options.write) {
      writeFileSync(resolve(ROOT, 'docs', 'benchmark-plot.svg'), plot(results));
      // Formatted as `npm test` checks it, so a fresh run leaves the tree green.
      const file = resolve(ROOT, 'docs', 'BENCHMARKS.md');
      const config = (await prettier.resolveConfig(file)) ?? {};
      const text = markdown(results, 'benchmark-plot.svg');
      writeFileSync(file, await prettier.format(text, { ...config, filepath: file }));
      say('wrote docs/BENCHMARKS.md and docs/benchmark-plot.svg');
    }
  } finally {
    const erased =
      (await eraseKeys(redis, `${prefix}-*`)) + (await eraseKeys(redis, `${prefix}:*`));
    await redis.quit();
    say(`erased ${erased} keys under ${prefix}`);
  }
}

main().catch((error: unknown) => {
  console.error(
    `bench: failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
  process.exitCode = 1;
});
