/**
 * The two loads both systems are put under: saturation (every person has a message in flight at
 * once, each sending the next step as soon as the answer is out) and realistic (each person writes
 * about once a second, with random think time in between).
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { INTAKE } from './intake-script.ts';
import { between, measured, type PhaseCost } from './support/measure.ts';

/** A system under test: one intake step of one person at a time. */
export interface IntakeSystem {
  readonly name: string;
  /** Sends step `index` of the intake of `person`; resolves once the answer has left. */
  step(person: number, index: number): Promise<void>;
  /** Reports made into cases so far. */
  readonly cases: number;
}

export interface LoadResult {
  readonly people: number;
  readonly steps: number;
  readonly stepsPerSecond: number;
  /** Latency of every step, ms. */
  readonly latencies: number[];
  /** Latencies by the step's position in the intake. */
  readonly byStep: number[][];
  readonly cost: PhaseCost;
}

let nextPerson = 0;
/** Fresh person numbers, never used before in this process (every load starts new intakes). */
const people = (n: number): number[] => Array.from({ length: n }, () => nextPerson++);

/** Numbers people from `first` on: processes sharing one Redis prefix must not share a person. */
export function startPeopleAt(first: number): void {
  nextPerson = first;
}

async function walk(
  system: IntakeSystem,
  person: number,
  latencies: number[],
  byStep: number[][],
  think: () => number,
): Promise<void> {
  for (const index of INTAKE.keys()) {
    const pause = think();
    if (pause > 0) await sleep(pause);
    const t0 = performance.now();
    await system.step(person, index);
    const ms = performance.now() - t0;
    latencies.push(ms);
    byStep[index]?.push(ms);
  }
}

async function load(system: IntakeSystem, n: number, think: () => number): Promise<LoadResult> {
  const latencies: number[] = [];
  const byStep = INTAKE.map((): number[] => []);
  const { cost } = await measured(() =>
    Promise.all(people(n).map((person) => walk(system, person, latencies, byStep, think))),
  );
  return {
    people: n,
    steps: latencies.length,
    stepsPerSecond: latencies.length / (cost.ms / 1000),
    latencies,
    byStep,
    cost,
  };
}

/** All `n` people at once, each sending its next step as soon as the answer to the last is out. */
export const saturation = (system: IntakeSystem, n: number): Promise<LoadResult> =>
  load(system, n, () => 0);

/**
 * `n` people in conversation, each writing about once a second: a random start within the first
 * second, then a think time between 0 and 2 s (1 s on average) before every step.
 */
export function realistic(
  system: IntakeSystem,
  n: number,
  meanThinkMs = 1000,
): Promise<LoadResult> {
  return load(system, n, () => between(0, 2 * meanThinkMs));
}

/** Waits until `count` cases have been made, at most `timeoutMs`; returns how many were. */
export async function casesReach(
  system: IntakeSystem,
  count: number,
  timeoutMs = 30_000,
): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  while (system.cases < count && performance.now() < deadline) await sleep(20);
  return system.cases;
}
