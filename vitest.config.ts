import { defineConfig } from 'vitest/config';
import { SummaryReporter } from './test/support/summary-reporter.ts';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Real processes, Redis, Synapse and Chromium on a shared 2-core machine: the bounds catch hangs,
    // never measure speed (that is `npm run bench`).
    testTimeout: 90_000,
    hookTimeout: 120_000,
    // Integration tests share one Redis but use a key prefix of their own each.
    pool: 'forks',
    // The default output for people, then one plain `tests: N passed, N failed` line for CI.
    reporters: ['default', new SummaryReporter()],
  },
});
