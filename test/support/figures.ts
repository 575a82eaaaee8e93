/**
 * The reliability tests say what they tried and what they found, one line each, e.g.
 * "kill -9 at 26 steps × 2 points: 0 answers lost, 0 repeated, 1 report per run". The lines go to
 * the test output (stdout of the test process), prefixed so that they are easy to find in CI logs.
 */
export function reportFigures(suite: string, lines: readonly string[]): void {
  for (const line of lines) process.stdout.write(`[reliability] ${suite}: ${line}\n`);
}
