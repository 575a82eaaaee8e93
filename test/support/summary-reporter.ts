import type { Reporter, SerializedError, TestModule, Vitest } from 'vitest/node';

/** Counts of one test run, as the summary line reports them. */
export interface RunCounts {
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
}

/**
 * Counts the tests of a finished run. A test file that failed outside any test (it did not load,
 * a hook threw) and every unhandled error count as one failure each, so that `0 failed` always
 * means a green run.
 */
export function countRun(
  modules: readonly TestModule[],
  unhandledErrors: readonly SerializedError[],
): RunCounts {
  let passed = 0;
  let failed = unhandledErrors.length;
  let skipped = 0;
  for (const module of modules) {
    let failedHere = 0;
    for (const test of module.children.allTests()) {
      const state = test.result().state;
      if (state === 'passed') passed++;
      else if (state === 'failed') failedHere++;
      else skipped++;
    }
    if (failedHere === 0 && module.state() === 'failed') failedHere = 1;
    failed += failedHere;
  }
  return { passed, failed, skipped };
}

/** The plain line CI reads: `tests: N passed, N failed` and `, N skipped` when any were. */
export function summaryLine(counts: RunCounts): string {
  const skipped = counts.skipped > 0 ? `, ${counts.skipped} skipped` : '';
  return `tests: ${counts.passed} passed, ${counts.failed} failed${skipped}`;
}

/**
 * Prints one machine-readable summary line at the very end of a run, after the default reporter's
 * output. Configured after 'default' in vitest.config.ts.
 */
export class SummaryReporter implements Reporter {
  #vitest: Vitest | undefined;

  onInit(vitest: Vitest): void {
    this.#vitest = vitest;
  }

  onTestRunEnd(modules: readonly TestModule[], unhandledErrors: readonly SerializedError[]): void {
    const line = summaryLine(countRun(modules, unhandledErrors));
    if (this.#vitest) this.#vitest.logger.log(line);
    else process.stdout.write(`${line}\n`);
  }
}
