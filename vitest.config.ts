import { defineConfig } from 'vitest/config';
import { SummaryReporter } from './test/support/summary-reporter.ts';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration tests share one Redis but use a key prefix of their own each.
    pool: 'forks',
    // The default output for people, then one plain `tests: N passed, N failed` line for CI.
    reporters: ['default', new SummaryReporter()],
  },
});
