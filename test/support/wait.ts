/** Waiting in tests for what other processes and workers do, without timed assertions. */

/**
 * Probes until `done` holds for the value, or the time is up; resolves with the last value either
 * way, so that the assertion after it shows what there was.
 */
export async function eventually<T>(
  probe: () => T | Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await probe();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    value = await probe();
  }
  return value;
}

/** Resolves once the check holds; rejects when it does not within the time. */
export async function until(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  if (!(await eventually(check, (ok) => ok, timeoutMs)))
    throw new Error('condition not met in time');
}
