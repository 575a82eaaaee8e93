import { constants } from 'node:os';
import type { Logger } from './logger.ts';

/** One part of a stop, named for the log line when it does not finish in time. */
export interface StopStep {
  readonly name: string;
  readonly run: () => Promise<void>;
}

/** How a bounded stop ended. */
export type StopOutcome =
  /** Every step finished (a step that failed was logged and counts as finished). */
  | { readonly kind: 'done' }
  /** The time was up: the step in hand and every step after it did not finish. */
  | { readonly kind: 'timed-out'; readonly unfinished: readonly string[] };

/**
 * Runs the steps one after another and gives up when `timeoutMs` has passed, so that a Redis or a
 * messenger that no longer answers cannot hold a stopping process. A step that fails is logged and
 * the next one runs. The steps left behind keep running until the caller exits.
 */
export async function stopWithin(
  steps: readonly StopStep[],
  timeoutMs: number,
  logger: Logger,
): Promise<StopOutcome> {
  const log = logger.child({ module: 'shutdown' });
  let current = 0;
  const all = (async () => {
    for (; current < steps.length; current++) {
      const step = steps[current];
      if (step === undefined) continue;
      try {
        await step.run();
      } catch (error) {
        log.warn({ err: error, step: step.name }, 'a part failed to stop cleanly');
      }
    }
  })();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => {
      resolve('late');
    }, timeoutMs);
  });
  const result = await Promise.race([all.then(() => 'done' as const), late]);
  clearTimeout(timer);
  if (result === 'done') return { kind: 'done' };
  return { kind: 'timed-out', unfinished: steps.slice(current).map((s) => s.name) };
}

/** The exit status a shell reports for a process ended by the signal (SIGINT 130, SIGTERM 143). */
export function signalStatus(signal: NodeJS.Signals): number {
  return 128 + constants.signals[signal];
}

/**
 * Resolves with the first SIGINT or SIGTERM. From then on a second one ends the process at once:
 * whoever presses Ctrl-C twice does not want to wait for the bounded stop.
 */
export function firstSignal(logger: Logger): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const first = (signal: NodeJS.Signals) => {
      process.off('SIGINT', first);
      process.off('SIGTERM', first);
      const second = (again: NodeJS.Signals) => {
        logger.warn({ signal: again }, 'stopping cut short by a second signal');
        process.exit(signalStatus(again));
      };
      process.once('SIGINT', second);
      process.once('SIGTERM', second);
      resolve(signal);
    };
    process.on('SIGINT', first);
    process.on('SIGTERM', first);
  });
}

/**
 * Ends the process with `status`: as soon as nothing holds it (output written, connections
 * closed), and at the latest after `graceMs` when something still does – a socket of a peer that
 * does not answer, a timer a library left behind.
 */
export function exitWithin(status: number, graceMs = 250): void {
  process.exitCode = status;
  setTimeout(() => {
    process.exit(status);
  }, graceMs).unref();
}
