/**
 * The benchmark's newer parts do complete work: Lotse as two processes on one Redis prefix walks
 * every person through the whole intake and every report becomes a case (whichever process's
 * worker takes it); the Matrix memory measurement drives the real program through Synapse and
 * reads its memory at every checkpoint. No times and no memory figures are asserted.
 */
import { describe, expect, it } from 'vitest';
import { INTAKE } from '../../bench/intake-script.ts';
import { measureMatrixMemory } from '../../bench/matrix-memory.ts';
import { measureReplicas } from '../../bench/replicas.ts';
import { ensureSynapse } from '../adapters/matrix/harness/synapse.ts';
import { REDIS_URL, useTestRedis } from '../support/redis.ts';

describe('the benchmark', () => {
  const redis = useTestRedis('bench_more');

  it('runs Lotse as two processes on one prefix: every step answered, every report a case', async () => {
    const result = await measureReplicas(REDIS_URL, redis.prefix, 6, 2);
    expect(result.processes).toBe(2);
    expect(result.people).toBe(6);
    expect(result.steps).toBe(6 * INTAKE.length);
    // The 6 people and each process's 20 warm-up people, made into cases by either worker.
    expect(result.cases).toEqual({ expected: 46, made: 46 });
    expect(result.commandsPerStep).toBeGreaterThan(0);
    // Redis's own CPU is read from the server, the same for every client.
    expect(result.redisCpuMsPerStep).toBeGreaterThan(0);
  }, 120_000);

  it('measures the Matrix program`s memory at each checkpoint while people write to it', async () => {
    await ensureSynapse();
    const result = await measureMatrixMemory({
      redisUrl: REDIS_URL,
      prefix: redis.prefix,
      messages: 10,
      people: 2,
    });
    expect(result.messages).toBe(10);
    // Before the first message, then at a tenth, half and all of them (a checkpoint waits for
    // the messages in flight, so it may come a message or two late).
    const at = result.points.map((p) => p.messages);
    expect(at).toHaveLength(4);
    expect(at[0]).toBe(0);
    expect(at[1]).toBeGreaterThanOrEqual(1);
    expect(at[2]).toBeGreaterThanOrEqual(5);
    expect(at[3]).toBe(10);
    for (const point of result.points) {
      expect(point.rssMb).toBeGreaterThan(point.heapMb);
      expect(point.heapMb).toBeGreaterThan(0);
    }
    expect(Number.isFinite(result.heapPerMessage)).toBe(true);
  }, 300_000);
});
