/**
 * Turns one run's figures into the printed table, the plot (an SVG written here, no library) and
 * docs/BENCHMARKS.md.
 */
import type { MatrixMemory } from './matrix-memory.ts';
import type { Percentiles } from './support/measure.ts';
import type { RedisLimit } from './redis-limit.ts';
import type { ReplicasSummary } from './replicas.ts';
import type { LoadSummary, SystemReport } from './system-run.ts';
import type { WebhookPath } from './whole-path.ts';
import { INTAKE } from './intake-script.ts';

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGb: number;
  readonly os: string;
  readonly node: string;
  readonly redis: string;
  /** 1-minute load average before and after the run: how busy the machine was besides. */
  readonly loadBefore: number;
  readonly loadAfter: number;
}

export interface RunResults {
  readonly command: string;
  readonly date: string;
  readonly seconds: number;
  readonly machine: Machine;
  readonly lotse: SystemReport;
  /** Lotse's headline saturation on two processes sharing the prefix (the people split). */
  readonly replicas: ReplicasSummary;
  readonly alternative: SystemReport;
  /** The headline saturation of both again, each pair back to back, in turns. */
  readonly pairs: readonly Pair[];
  readonly limit: RedisLimit;
  readonly webhook: WebhookPath;
  readonly startupMs: number;
  /**
   * The Matrix process's memory under many messages: from this run (`--matrix N`), or the last
   * figures kept in docs/benchmark-matrix.json with the date they were measured; absent when there
   * are none.
   */
  readonly matrix?: StoredMatrixMemory;
}

/** Both systems' headline saturation, run back to back. */
export interface Pair {
  readonly lotse: LoadSummary;
  readonly alternative: LoadSummary;
  readonly lotseFirst: boolean;
}

/** Matrix figures as kept between runs. */
export interface StoredMatrixMemory extends MatrixMemory {
  readonly date: string;
  /** True when measured by this run, false when taken from an earlier one. */
  readonly fresh: boolean;
}

/** One line of the table for the Matrix memory: RSS and heap at each checkpoint. */
function matrixRow(m: StoredMatrixMemory | undefined): string {
  if (m === undefined) return 'not measured (`--matrix N`, see below)';
  const first = m.points[0];
  const last = m.points.at(-1);
  return `RSS ${f0(first?.rssMb ?? NaN)} → ${f0(last?.rssMb ?? NaN)} MB, heap ${f1(first?.heapMb ?? NaN)} → ${f1(last?.heapMb ?? NaN)} MB${m.fresh ? '' : ` (${m.date})`}`;
}

/** Bounded: the heap after GC grew less than 1 KB per message from the first checkpoint to the last. */
export const matrixBounded = (m: MatrixMemory): boolean =>
  Number.isFinite(m.heapPerMessage) && m.heapPerMessage < 1024;

const f0 = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : '–');
const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '–');
const f2 = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : '–');
const f3 = (n: number) => (Number.isFinite(n) ? n.toFixed(3) : '–');
const ratio = (a: number, b: number) => (b > 0 && Number.isFinite(a / b) ? `${f2(a / b)}×` : '–');
const pct = (l: Percentiles) => `${f1(l.p50)} / ${f1(l.p95)} / ${f1(l.p99)}`;

/** The headline saturation run: the most people. */
export const headline = (report: SystemReport): LoadSummary => {
  const last = report.saturation.at(-1);
  if (last === undefined) throw new Error('no saturation run');
  return last;
};

/** Steps per second the Redis ceiling allows a system needing `perStep` commands per step. */
const allowed = (ceiling: number, perStep: number) => ceiling / Math.max(perStep, 1e-9);

/** CPU time per step of a load, ms. */
const cpuPerStep = (l: LoadSummary) => (l.cores * l.ms) / Math.max(1, l.steps);
const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? NaN)
    : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
};
/** Lotse / alternative in saturated steps per second, and per CPU-second: the main runs first, then each pair. */
const speedRatios = (r: RunResults) => {
  const all = [{ lotse: headline(r.lotse), alternative: headline(r.alternative) }, ...r.pairs];
  const steps = all.map((p) => p.lotse.stepsPerSecond / p.alternative.stepsPerSecond);
  const cpu = all.map((p) => cpuPerStep(p.alternative) / cpuPerStep(p.lotse));
  return { steps, cpu, medianSteps: median(steps), medianCpu: median(cpu) };
};
const times = (values: readonly number[]) => values.map((v) => `${f2(v)}×`).join(', ');
/** Steps per second the machine's cores could carry at most: the process and Redis, every core busy. */
const coresAllow = (r: RunResults, l: LoadSummary) =>
  (r.machine.cores * 1000) / (cpuPerStep(l) + l.redisCpuMsPerStep);
/** Cores that `stepsPerSecond` would keep busy, the process and Redis together. */
const coresFor = (stepsPerSecond: number, l: LoadSummary) =>
  (stepsPerSecond * (cpuPerStep(l) + l.redisCpuMsPerStep)) / 1000;

/** How much the median step gets slower along the intake: the questions' last third ÷ first third. */
function growth(s: SystemReport): number {
  const steps = s.realistic.byStep.slice(2, -1).map((p) => p.p50);
  const third = Math.max(1, Math.floor(steps.length / 3));
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  return mean(steps.slice(-third)) / mean(steps.slice(0, third));
}

type Row = readonly [string, string, string, string, string];

/** The rows of the one table: what, Lotse, alternative, Lotse / alternative, Lotse / limit. */
export function rows(r: RunResults): Row[] {
  const L = headline(r.lotse);
  const A = headline(r.alternative);
  const limitSteps = allowed(r.limit.pipelined, L.commandsPerStep);
  const limitStepsUnpiped = allowed(r.limit.unpipelined, L.commandsPerStep);
  const first = (s: SystemReport) => s.realistic.byStep[0]?.p50 ?? NaN;
  const last = (s: SystemReport) => s.realistic.byStep.at(-1)?.p50 ?? NaN;
  return [
    [
      `saturated steps/s (${L.people} people at once)`,
      f0(L.stepsPerSecond),
      f0(A.stepsPerSecond),
      ratio(L.stepsPerSecond, A.stepsPerSecond),
      `${ratio(L.stepsPerSecond, limitSteps)} (limit ${f0(limitSteps)})`,
    ],
    [
      `saturated steps/s, Lotse as ${r.replicas.processes} processes on one prefix (${r.replicas.people} people; the alternative: 1 process, see below)`,
      f0(r.replicas.stepsPerSecond),
      f0(A.stepsPerSecond),
      ratio(r.replicas.stepsPerSecond, A.stepsPerSecond),
      ratio(r.replicas.stepsPerSecond, allowed(r.limit.pipelined, r.replicas.commandsPerStep)),
    ],
    [
      `saturated steps/s again, ${r.pairs.length} pair${r.pairs.length === 1 ? '' : 's'} back to back in turns (${r.pairs.map((p) => (p.lotseFirst ? 'Lotse first' : 'alternative first')).join(', ')})`,
      r.pairs.map((p) => f0(p.lotse.stepsPerSecond)).join(', '),
      r.pairs.map((p) => f0(p.alternative.stepsPerSecond)).join(', '),
      times(r.pairs.map((p) => p.lotse.stepsPerSecond / p.alternative.stepsPerSecond)),
      '',
    ],
    [
      'Lotse / alternative, one process each, median of the main runs and the pairs: steps/s; per CPU-second',
      '',
      '',
      `${f2(speedRatios(r).medianSteps)}×; ${f2(speedRatios(r).medianCpu)}×`,
      '',
    ],
    ['saturated latency p50 / p95 / p99 ms', pct(L), pct(A), `${ratio(L.p99, A.p99)} (p99)`, ''],
    [
      `saturated latency p50 / p95 / p99 ms, Lotse as ${r.replicas.processes} processes`,
      pct(r.replicas),
      '',
      '',
      '',
    ],
    [
      `realistic latency p50 / p95 / p99 ms (${r.lotse.realistic.people} people, ~1 msg/s each)`,
      pct(r.lotse.realistic),
      pct(r.alternative.realistic),
      `${ratio(r.lotse.realistic.p99, r.alternative.realistic.p99)} (p99)`,
      '',
    ],
    [
      'bare Redis PING p50 / p95 / p99 ms meanwhile (same process)',
      `${f1(r.lotse.ping.p50)} / ${f1(r.lotse.ping.p95)} / ${f1(r.lotse.ping.p99)}`,
      `${f1(r.alternative.ping.p50)} / ${f1(r.alternative.ping.p95)} / ${f1(r.alternative.ping.p99)}`,
      '',
      '',
    ],
    [
      'realistic steps/s carried',
      f0(r.lotse.realistic.stepsPerSecond),
      f0(r.alternative.realistic.stepsPerSecond),
      '',
      '',
    ],
    [
      'p50 ms at step 1 → last (realistic); growth, questions first → last third',
      `${f1(first(r.lotse))} → ${f1(last(r.lotse))}; ${f2(growth(r.lotse))}×`,
      `${f1(first(r.alternative))} → ${f1(last(r.alternative))}; ${f2(growth(r.alternative))}×`,
      '',
      '',
    ],
    [
      'Redis commands per step (all connections)',
      f2(L.commandsPerStep),
      f2(A.commandsPerStep),
      ratio(L.commandsPerStep, A.commandsPerStep),
      '',
    ],
    ['CPU, cores busy (saturated)', f2(L.cores), f2(A.cores), '', ''],
    [
      `CPU, cores busy (saturated, Lotse as ${r.replicas.processes} processes)`,
      f2(r.replicas.cores),
      '',
      '',
      '',
    ],
    [
      'CPU ms per step (saturated)',
      f2(cpuPerStep(L)),
      f2(cpuPerStep(A)),
      ratio(cpuPerStep(L), cpuPerStep(A)),
      '',
    ],
    [
      'steps per CPU-second (saturated; as with a full core each)',
      f0(1000 / cpuPerStep(L)),
      f0(1000 / cpuPerStep(A)),
      ratio(cpuPerStep(A), cpuPerStep(L)),
      '',
    ],
    [
      'Redis server CPU ms per step (saturated; its side of each step)',
      f3(L.redisCpuMsPerStep),
      f3(A.redisCpuMsPerStep),
      ratio(L.redisCpuMsPerStep, A.redisCpuMsPerStep),
      '',
    ],
    [
      `what ${r.machine.cores} cores allow: ${r.machine.cores} ÷ (process + Redis CPU per step), steps/s`,
      f0(coresAllow(r, L)),
      f0(coresAllow(r, A)),
      ratio(coresAllow(r, L), coresAllow(r, A)),
      `${ratio(coresAllow(r, L), limitSteps)}; half the limit takes ${f1(coresFor(limitSteps / 2, L))} cores`,
    ],
    ['peak RSS MB (process)', f0(L.peakRssMb), f0(A.peakRssMb), '', ''],
    [
      'confirmation → staff notice p50 / p99 ms (realistic)',
      `${f1(r.lotse.notice.p50)} / ${f1(r.lotse.notice.p99)}`,
      `${f1(r.alternative.notice.p50)} / ${f1(r.alternative.notice.p99)} (→ case)`,
      '',
      '',
    ],
    [
      'bytes per idle session: state key / all keys',
      `${f0(r.lotse.idleSession.state)} / ${f0(r.lotse.idleSession.all)}`,
      `${f0(r.alternative.idleSession.state)} / ${f0(r.alternative.idleSession.all)}`,
      ratio(r.lotse.idleSession.all, r.alternative.idleSession.all),
      '',
    ],
    [
      'bytes per queued report',
      f0(r.lotse.queuedReport),
      f0(r.alternative.queuedReport),
      ratio(r.lotse.queuedReport, r.alternative.queuedReport),
      '',
    ],
    [
      'cases made / expected',
      `${r.lotse.cases.made} / ${r.lotse.cases.expected}; ${r.replicas.processes} processes ${r.replicas.cases.made} / ${r.replicas.cases.expected}`,
      `${r.alternative.cases.made} / ${r.alternative.cases.expected}`,
      '',
      '',
    ],
    [
      `Redis ceiling, commands/s (${r.limit.connections} connections): unpipelined / pipelined ×${r.limit.batch}`,
      '',
      '',
      '',
      `${f0(r.limit.unpipelined)} / ${f0(r.limit.pipelined)}`,
    ],
    [
      'Redis ceiling ÷ Lotse commands per step, steps/s: unpipelined / pipelined',
      '',
      '',
      '',
      `${f0(limitStepsUnpiped)} / ${f0(limitSteps)}`,
    ],
    [
      `Telegram webhook: update → answer leaves, p50 / p99 ms (${r.webhook.updates} updates)`,
      `${f1(r.webhook.p50)} / ${f1(r.webhook.p99)}`,
      '',
      '',
      '',
    ],
    ['start-up to first answer, ms (median)', f0(r.startupMs), '', '', ''],
    [
      `Matrix process memory, before → after ${r.matrix === undefined ? '10,000' : r.matrix.messages.toLocaleString('en')} messages (after GC)`,
      matrixRow(r.matrix),
      '',
      '',
      '',
    ],
  ];
}

const HEAD: Row = ['', 'Lotse', 'grammY + conversations', 'Lotse / alternative', 'Lotse / limit'];

/** The table for the terminal. */
export function textTable(r: RunResults): string {
  const all = [HEAD, ...rows(r)];
  const widths = HEAD.map((_, i) => Math.max(...all.map((row) => (row[i] ?? '').length)));
  const line = (row: Row) =>
    row.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [line(HEAD), widths.map((w) => '-'.repeat(w)).join('  '), ...rows(r).map(line)].join('\n');
}

const escape = (s: string) => s.replace(/\|/g, '\\|');

/** Targets of issue 16, each met or missed in this run. */
export function targets(r: RunResults): string[] {
  const L = headline(r.lotse);
  const A = headline(r.alternative);
  const limit = allowed(r.limit.pipelined, L.commandsPerStep);
  const speeds = speedRatios(r);
  const check = (ok: boolean, text: string) => `- ${ok ? '**met**' : '**missed**'}: ${text}`;
  return [
    check(
      speeds.medianSteps >= 3 || r.replicas.stepsPerSecond >= 3 * A.stepsPerSecond,
      `at least 3× the alternative's saturated steps per second at ${L.people} people – one process each: ${times(speeds.steps)} (the main runs, then each pair back to back; median ${f2(speeds.medianSteps)}×), per CPU-second, which does not depend on how much of a core the machine gave each process: ${times(speeds.cpu)} (median ${f2(speeds.medianCpu)}×); Lotse as ${r.replicas.processes} processes ${ratio(r.replicas.stepsPerSecond, A.stepsPerSecond)}`,
    ),
    check(
      Math.max(L.stepsPerSecond, r.replicas.stepsPerSecond) >= limit / 2,
      `at least half of the Redis limit (pipelined ceiling ÷ commands per step) – one process ${ratio(L.stepsPerSecond, limit)}, ${r.replicas.processes} processes ${ratio(r.replicas.stepsPerSecond, limit)}`,
    ),
    check(
      r.lotse.realistic.p99 < 20,
      `p99 below 20 ms under the realistic load – ${f1(r.lotse.realistic.p99)} ms`,
    ),
    check(
      r.lotse.idleSession.state < 1024,
      `under 1 KB per idle session – ${f0(r.lotse.idleSession.state)} bytes the session (what stays while the person is away), ${f0(r.lotse.idleSession.all)} bytes with the de-duplication keys and rate counter of the last day`,
    ),
    check(
      r.lotse.notice.p99 < 250,
      `confirmation → staff notice p99 under 250 ms – ${f1(r.lotse.notice.p99)} ms`,
    ),
    ...(r.matrix === undefined
      ? []
      : [
          check(
            matrixBounded(r.matrix),
            `the Matrix process's memory stays bounded over ${r.matrix.messages.toLocaleString('en')} messages – ${f0(r.matrix.heapPerMessage)} bytes of heap per message after GC from the first checkpoint to the last`,
          ),
        ]),
  ];
}

/** Steps per second and p99 against concurrent people, both systems, as an SVG. */
export function plot(r: RunResults): string {
  const series = [
    { name: 'Lotse', color: '#1f6feb', loads: r.lotse.saturation },
    { name: 'grammY + conversations', color: '#d1242f', loads: r.alternative.saturation },
  ] as const;
  const W = 360;
  const H = 260;
  const M = { left: 60, right: 16, top: 34, bottom: 44 };
  const maxPeople = Math.max(...series.flatMap((s) => s.loads.map((l) => l.people)));
  const panel = (x0: number, title: string, value: (l: LoadSummary) => number, unit: string) => {
    const max = Math.max(...series.flatMap((s) => s.loads.map(value))) * 1.1 || 1;
    const px = (people: number) => x0 + M.left + (people / maxPeople) * (W - M.left - M.right);
    const py = (v: number) => M.top + (1 - v / max) * (H - M.top - M.bottom);
    const ticks = [0, 0.25, 0.5, 0.75, 1].map((t) => t * max);
    const out = [
      `<text x="${x0 + W / 2}" y="18" text-anchor="middle" font-weight="bold">${title}</text>`,
      `<line x1="${px(0)}" y1="${py(0)}" x2="${px(maxPeople)}" y2="${py(0)}" stroke="#444"/>`,
      `<line x1="${px(0)}" y1="${py(0)}" x2="${px(0)}" y2="${py(max)}" stroke="#444"/>`,
      `<text x="${x0 + W / 2}" y="${H - 8}" text-anchor="middle">people at once</text>`,
      `<text x="${x0 + 14}" y="${M.top - 10}">${unit}</text>`,
      ...ticks.map(
        (t) =>
          `<text x="${px(0) - 6}" y="${py(t) + 4}" text-anchor="end">${f0(t)}</text><line x1="${px(0)}" y1="${py(t)}" x2="${px(maxPeople)}" y2="${py(t)}" stroke="#ddd"/>`,
      ),
      ...series[0].loads.map(
        (l) =>
          `<text x="${px(l.people)}" y="${py(0) + 16}" text-anchor="middle">${l.people}</text>`,
      ),
    ];
    for (const s of series) {
      const points = s.loads.map((l) => `${f1(px(l.people))},${f1(py(value(l)))}`);
      out.push(
        `<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${points.join(' ')}"/>`,
        ...s.loads.map(
          (l) =>
            `<circle cx="${f1(px(l.people))}" cy="${f1(py(value(l)))}" r="3" fill="${s.color}"/>`,
        ),
      );
    }
    return out.join('\n');
  };
  const legend = series
    .map(
      (s, i) =>
        `<rect x="${70 + i * 200}" y="${H + 6}" width="12" height="12" fill="${s.color}"/><text x="${88 + i * 200}" y="${H + 16}">${s.name}</text>`,
    )
    .join('\n');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${2 * W}" height="${H + 28}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    panel(0, 'Saturated steps per second', (l) => l.stepsPerSecond, 'steps/s'),
    panel(W, 'p99 latency per step (saturated)', (l) => l.p99, 'ms'),
    legend,
    '</svg>',
    '',
  ].join('\n');
}

/** What held Lotse back in this run, said from its own figures. */
export function holdsBack(r: RunResults): string[] {
  const L = headline(r.lotse);
  const A = headline(r.alternative);
  const cpu = cpuPerStep(L);
  const limit = allowed(r.limit.pipelined, L.commandsPerStep);
  const idle = r.lotse.idleSession;
  const waited = L.cores < 0.8;
  return [
    '## What holds Lotse back',
    '',
    `- **CPU per step.** Lotse used ${f2(cpu)} ms of CPU per step (the alternative ${f2(cpuPerStep(A))} ms), so one core carries about ${f0(1000 / cpu)} steps/s. ` +
      (waited
        ? `In the saturated run the process kept only ${f2(L.cores)} cores busy: the rest of the time it waited – for its Redis round trips (three scripts per step, one after the other for each person) and, with a load average of ${f2(r.machine.loadBefore)} on ${r.machine.cores} cores, for a CPU at all. On this run the engine's own work was not the limit.`
        : `In the saturated run the process kept ${f2(L.cores)} cores busy: the engine's CPU is the limit. Node runs it on one thread; more throughput on one machine means more bot processes (\`--role bot\`) on the same Redis, which the store is built for (a lock and an inbox per conversation).`),
    `- **Where the CPU goes.** A profile of the saturated run (\`node --cpu-prof bench/system-run.ts lotse '{…}'\`) has no single hot spot left: about a third is talking to Redis (ioredis building each command and reading its reply – three scripts per step), then AES-GCM (three values sealed per step: the event, the session, the replies), turning the session and the replies into JSON, the engine and flows, garbage collection. What the benchmark found and what is gone: formatting days built a new \`Intl.DateTimeFormat\` per call, then formatted “today” in the contact point's time zone on every step (now one formatter per zone and one day per quarter hour – every zone's offset is a whole number of quarter hours); i18next looked up and interpolated every sentence on every step (now sentences without parameters once per process, and sentences with plain \`{{name}}\` parameters from a parsed template – a test compares both with i18next for every key); each 12-byte nonce was one call for random bytes (now drawn from a 4 KiB block); each step opened, parsed and checked with zod the session the step before had just written, and checked every flow's data twice (now the engine remembers, per conversation, what it last saved and uses it only when Redis returns exactly those bytes – a test walks every flow test through that path and compares it with the session read back); and every report read the staff keys anew (now once per key, and raw keys through JWK, which is faster than DER here: sealing a report 0.17 → 0.14 ms, opening it 0.22 → 0.13 ms). Left as they are, because they are what Lotse promises: the three round trips of a step (each answer is stored with its replies before they are sent, so that a crash repeats nothing and loses nothing), a fresh key pair per report sealed to staff (forward secrecy; about 0.1 ms of the 21 steps), and a cipher per value.`,
    `- **One core per process.** Node runs the engine on one thread, so one process cannot use the second core; two processes on the same Redis prefix can, safely: a lock and an inbox per conversation keep each person's messages in order whichever process takes them (src/infra/redis/replicas.ts). As ${r.replicas.processes} processes, Lotse carried ${f0(r.replicas.stepsPerSecond)} steps/s with ${f2(r.replicas.cores)} cores busy (one process: ${f0(L.stepsPerSecond)}), ${ratio(r.replicas.stepsPerSecond, A.stepsPerSecond)} the alternative. The alternative cannot run as two processes on one chat's state: \`@grammyjs/conversations\` replays a conversation from the updates it stored, and only grammY's \`sequentialize\` keeps one chat's updates in order – inside one process – so two processes could interleave and lose an answer; it is measured as one process, as it would be deployed. One process each is where the ratio is smallest: the alternative's process kept ${f2(A.cores)} cores busy, Lotse's ${f2(L.cores)} – V8 collects the alternative's far larger garbage (a replay of the whole conversation on every update) on helper threads beside its main thread (checked by hand on 2026-12-01: with node's \`--single-threaded-gc\` its process kept 1.06 cores busy and did about a fifth fewer steps per second), while Lotse's work is on its one thread; per CPU-second, which takes that out, Lotse did ${ratio(cpuPerStep(A), cpuPerStep(L))} the alternative's steps.`,
    `- **Redis is far away – and on this machine out of reach.** The pipelined ceiling allows ${f0(limit)} steps/s at Lotse's ${f2(L.commandsPerStep)} commands per step (unpipelined: ${f0(allowed(r.limit.unpipelined, L.commandsPerStep))}); Lotse reached ${ratio(L.stepsPerSecond, limit)} of it with one process and ${ratio(r.replicas.stepsPerSecond, limit)} with ${r.replicas.processes}. The ceiling is Redis alone answering a client that does nothing but send short \`SET\`s; a Lotse step is three Lua scripts that check the lock, the de-duplication and the rate limit and move the inbox, and the Redis server itself spent ${f3(L.redisCpuMsPerStep)} ms of CPU per step on them (the alternative's plain reads and writes: ${f3(A.redisCpuMsPerStep)} ms), beside the ${f2(cpu)} ms of the process. With every one of the machine's ${r.machine.cores} cores busy and nothing else running, that allows at most ${f0(coresAllow(r, L))} steps/s – ${ratio(coresAllow(r, L), limit)} of the limit; half of the limit (${f0(limit / 2)} steps/s) would keep ${f1(coresFor(limit / 2, L))} cores busy. So the target cannot be met on ${r.machine.cores} cores by any engine that does Lotse's work; what can be compared is how close Lotse comes to what the cores allow (${ratio(Math.max(L.stepsPerSecond, r.replicas.stepsPerSecond), coresAllow(r, L))} with ${r.replicas.processes} processes), and that it needs less CPU per step than the alternative on both sides.`,
    `- **Bytes per idle session.** A session halfway through the intake is ${f0(idle.plain ?? NaN)} bytes of JSON (the answers so far and the question stack); sealed – as bytes, with a tag byte, key id, nonce and authentication tag (35 bytes; no base64 since Redis keeps bytes as they are, no compression so that the length shows nothing but the length) – it is ${f0(idle.sealed ?? NaN)} bytes, and Redis keeps it in ${f0(idle.state)} bytes with its key (its allocator rounds up). What is left is the person's answers: only fewer answers or compression could shrink it. Every event also leaves a de-duplication key for a day and the rate counter, so the whole conversation takes ${f0(idle.all)} bytes until those expire; the alternative keeps ${f0(r.alternative.idleSession.all)} bytes, because the plugin stores every update and API result of the conversation to replay it.`,
    `- **The tail under the realistic load.** Lotse's p99 was ${f1(r.lotse.realistic.p99)} ms at a median of ${f1(r.lotse.realistic.p50)} ms; a bare PING to Redis from the same process had a p99 of ${f1(r.lotse.ping.p99)} ms meanwhile (${f1(r.alternative.ping.p99)} ms during the alternative's run). ` +
      (r.lotse.ping.p99 > 10
        ? 'Where the PING tail is that long, the slow steps are the machine and the shared Redis pausing (they come in clusters, many people at the same moment, while the process is idle), not the engine: a step makes three round trips, so it cannot be faster than three PINGs.'
        : 'Redis answered quickly meanwhile, so the tail is the process itself: the report worker, the queues and the engine share one event loop.'),
    `- **Latency along the intake.** The conversations plugin replays the conversation function from its start on every update, so its work per step grows with the steps taken; in this run its median step grew ${f2(growth(r.alternative))}× from the first third of the questions to the last, Lotse's ${f2(growth(r.lotse))}× (Lotse loads one session and runs one step; its last step, sending, also seals the report to the staff key and queues it).`,
    matrixText(r.matrix),
  ];
}

/** The Matrix memory, said from its figures. */
function matrixText(m: StoredMatrixMemory | undefined): string {
  if (m === undefined)
    return '- **Matrix memory** is measured only with `npm run bench -- --matrix 10000` (it needs the Synapse at SYNAPSE_URL and takes long: every message is encrypted, sent through Synapse, decrypted and answered, and the crypto store is written before each request); no figures have been kept yet.';
  const points = m.points
    .map((p) => `${p.messages}: RSS ${f0(p.rssMb)} MB, heap ${f1(p.heapMb)} MB`)
    .join('; ');
  return `- **Matrix memory** (${m.fresh ? 'this run' : `measured ${m.date}, kept in docs/benchmark-matrix.json`}): the real program (\`node src/main.ts --no-console\`, Matrix configured, end-to-end encryption on) with ${m.people} people in encrypted direct chats sent ${m.messages.toLocaleString('en')} messages in ${f0(m.seconds)} s (p50 / p99 until the last reply was decrypted: ${f0(m.latency.p50)} / ${f0(m.latency.p99)} ms), walking the intake over and over; after a full GC at each checkpoint – ${points}. From the first checkpoint to the last the heap grew ${f0(m.heapPerMessage)} bytes per message and RSS ${f0(m.rssPerMessage)} bytes per message: ${matrixBounded(m) ? 'bounded' : '**growing**'}. What the channel itself keeps grows with the rooms, not the messages: each room's live timeline is cut back to 60 events, the rest lives on the server. What does grow with the messages is the end-to-end crypto's store: every sender starts a new Megolm session every 100 messages per room, and the store (in memory, written to DATA_DIR/matrix) keeps every key it received, as Element does; RSS also holds the Rust crypto's WebAssembly memory, which can grow but is never given back.`;
}

/** docs/BENCHMARKS.md with this run's figures. */
export function markdown(r: RunResults, plotFile: string): string {
  const m = r.machine;
  const table = [HEAD, ['---', '---:', '---:', '---:', '---:'] as const, ...rows(r)]
    .map((row) => `| ${row.map(escape).join(' | ')} |`)
    .join('\n');
  const curve = [
    '| people at once | Lotse steps/s | Lotse p99 ms | alternative steps/s | alternative p99 ms |',
    '| ---: | ---: | ---: | ---: | ---: |',
    ...r.lotse.saturation.map((l, i) => {
      const a = r.alternative.saturation[i];
      return `| ${l.people} | ${f0(l.stepsPerSecond)} | ${f1(l.p99)} | ${f0(a?.stepsPerSecond ?? NaN)} | ${f1(a?.p99 ?? NaN)} |`;
    }),
  ].join('\n');
  const bySteps = [
    '| step | Lotse p50 / p99 ms | alternative p50 / p99 ms |',
    '| --- | ---: | ---: |',
    ...INTAKE.map((s, i) => {
      const l = r.lotse.realistic.byStep[i];
      const a = r.alternative.realistic.byStep[i];
      return `| ${i + 1} ${s.name} | ${f1(l?.p50 ?? NaN)} / ${f1(l?.p99 ?? NaN)} | ${f1(a?.p50 ?? NaN)} / ${f1(a?.p99 ?? NaN)} |`;
    }),
  ].join('\n');
  return `# Benchmarks

Written by \`${r.command}\` on ${r.date} (${f0(r.seconds)} s). Every figure below comes from that one
run; run it again to replace them. Absolute figures on a shared machine are noisy; the ratios are
from one run, on the same machine and Redis, and are what to compare. The two systems run one
after the other: when other work on the machine changes meanwhile, compare the CPU per step
(\`cores busy\` shows how much of a core each process got).

## Machine

- CPU: ${m.cpu}, ${m.cores} cores; memory ${f1(m.memoryGb)} GB; ${m.os}
- Node ${m.node}; Redis ${m.redis} on the same machine (loopback)
- Load average (1 min) before / after the run: ${f2(m.loadBefore)} / ${f2(m.loadAfter)}${
    m.loadBefore > m.cores * 0.5
      ? ' – **the machine was busy with other work: treat absolute figures as lower bounds**'
      : ''
  }

## Results

${table}

## Targets

${targets(r).join('\n')}

## Against concurrent people (saturation)

![Steps per second and p99 against concurrent people, both systems](${plotFile})

${curve}

## Latency by step (realistic load)

How the time per step grows along the intake: the conversations plugin replays the conversation
function from its start on every update, so its work per step grows with the number of steps
taken; Lotse loads one session and runs one step.

${bySteps}

## What was measured, and how

- **The intake**: ${INTAKE.length} steps from \`/start\` to the confirmation with a case reference
  (bench/intake-script.ts): the menu, danger, consent, role, several kinds, an online incident with
  platform and link, a date (\`gestern\`), the Land, free text, evidence done, the remaining
  questions, the deadline reminder, the summary and sending.
- **Lotse** (bench/lotse-system.ts): the real app from \`createApp\` – engine, flows, sessions and
  inbox sealed with AES-GCM in Redis, the report sealed to the staff key, queued with BullMQ and
  made into a case by the report worker in the same process, which also tells staff. The channel
  only notes what it would send, so the figures are the engine's, not a messenger's.
- **The alternative** (bench/alternative/): the same intake with grammY and
  \`@grammyjs/conversations\` v2 as its documentation recommends, state in Redis through
  \`@grammyjs/storage-redis\`, the report added to a BullMQ queue inside \`conversation.external\`
  and made into a case by a worker; its ioredis connection has the default options (as in the
  adapter's README), Lotse's has auto-pipelining on. Updates go through \`bot.handleUpdate\`; the Bot API is answered
  in place of the network with the message objects Telegram returns (a stand-in for \`fetch\` in the
  client options: the plugin builds its own Api inside conversations, which API transformers of
  \`bot.api\` do not reach). Its texts are in the code; it has no sealing, no inbox, no
  de-duplication, no rate limit and no staff channel – it does less per step than Lotse.
- Each system runs in a process of its own (bench/system-run.ts): CPU is that process's time
  divided by wall time (1.00 = one core busy), peak RSS is sampled every 100 ms, Redis commands
  are every command any of its connections sent (bot, queue and workers).
- **Saturation**: all N people start at once; each sends its next step as soon as the answer to
  the last is out. **Lotse as ${r.replicas.processes} processes** (bench/replicas.ts,
  bench/replica-run.ts): the headline saturation with the people split between ${r.replicas.processes}
  processes on the same Redis prefix and keys, started together; steps per second are all steps
  over the slowest process's time, cores busy all their CPU time over that time. **In turns**: the
  headline saturation of both systems again, ${r.pairs.length} time${r.pairs.length === 1 ? '' : 's'}, each pair back to back in fresh processes
  (after the curve's first level as warm-up, each pair on prefixes of its own) and in turns – Lotse first, then the alternative first –
  because a shared machine's load drifts over the minutes of a run: the main runs lie a minute
  apart, a pair seconds apart. The target is judged on the median ratio. **Realistic**: ${r.lotse.realistic.people} people each wait 0–2 s (1 s on
  average) before every step.
- **The limit** (bench/redis-limit.ts): a 600-byte \`SET … EX\` from ${r.limit.connections}
  connections, one command per round trip and in pipelines of ${r.limit.batch}, divided by Lotse's
  commands per step. **Redis's side**: the server's CPU time (\`INFO cpu\`, user + system) before
  and after each load, per step; with the process's CPU per step it gives what the machine's
  ${r.machine.cores} cores could carry at most with every core busy, and the cores a rate would take.
- **Bytes** (\`MEMORY USAGE\`): a person stopped after the description (halfway), the state key
  alone and every key of the conversation (Lotse also keeps one de-duplication key per event for a
  day and a rate-limit counter); a report waiting in the queue with no worker running.
- **Whole path** (bench/whole-path.ts): confirmation → staff notice is from tapping "send" to the
  staff channel being told, under the realistic load. The webhook figure posts Telegram updates to
  the real webhook server of the Telegram channel and times them until the reply's \`sendMessage\`
  leaves through the API transformers. Start-up is \`node src/main.ts --jsonl\` from spawn to the
  answer to its first line.
- **Matrix memory** (bench/matrix-memory.ts, \`--matrix N\`): the program as \`npm start\` runs
  it with Matrix configured, against the Synapse at SYNAPSE_URL; people (matrix-js-sdk with Rust
  crypto, as Element) open encrypted direct chats and walk the intake over and over, each message
  waiting for its replies. The program runs with \`--inspect\` on loopback; at each checkpoint the
  people pause, a full GC runs through the inspector and \`process.memoryUsage()\` is read.

${holdsBack(r).join('\n')}
`;
}
