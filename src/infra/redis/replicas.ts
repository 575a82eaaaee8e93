import type { Redis } from 'ioredis';

/** How long a sent report may wait for the replicas before sending counts as failed. */
const REPLICA_WAIT_MS = 5_000;

/**
 * Waits until `count` replicas hold every write made so far on this connection (Redis WAIT);
 * throws when they do not within five seconds. With `count` 0, returns at once.
 */
export async function waitForReplicas(connection: Redis, count: number): Promise<void> {
  if (count <= 0) return;
  const acked = await connection.wait(count, REPLICA_WAIT_MS);
  if (acked < count)
    throw new Error(`only ${String(acked)} of ${String(count)} Redis replicas confirmed a report`);
}
