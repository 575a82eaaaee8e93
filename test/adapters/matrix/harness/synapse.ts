/**
 * The real Synapse for a vitest file: `useSynapse()` makes sure it runs; the rest is in
 * synapse-api.ts (which the benchmark uses outside vitest).
 */
import { afterEach, beforeAll } from 'vitest';
import { ensureSynapse } from './synapse-api.ts';

export {
  devicesOf,
  ensureSynapse,
  loginDevice,
  registerUser,
  SYNAPSE_TOOL,
  SYNAPSE_URL,
  type Account,
} from './synapse-api.ts';

/**
 * For a test file against Synapse: makes sure it runs before the tests (the first build takes
 * minutes) and returns `defer`, whose steps undo a test's set-up after it, last first.
 */
export function useSynapse(): { defer: (step: () => Promise<unknown>) => void } {
  const steps: (() => Promise<unknown>)[] = [];
  beforeAll(async () => {
    await ensureSynapse();
  }, 15 * 60_000);
  afterEach(async () => {
    for (const step of steps.splice(0).reverse()) await step();
  });
  return {
    defer: (step) => {
      steps.push(step);
    },
  };
}
