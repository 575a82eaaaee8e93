/**
 * The ceiling: how many commands per second Redis answers this machine's clients, one command per
 * round trip and pipelined, measured in the same run as the systems. A small SET of a value the
 * size of a sealed session stands for a command (Lotse's scripts do a little more work each).
 */
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';

export interface RedisLimit {
  /** Commands per second, each awaited before the connection sends the next. */
  readonly unpipelined: number;
  /** Commands per second in pipelines of `batch`. */
  readonly pipelined: number;
  readonly connections: number;
  readonly batch: number;
}

/** Runs `loop` on every connection until `ms` have passed; returns commands per second. */
async function rate(
  clients: readonly Redis[],
  ms: number,
  loop: (client: Redis, key: string) => Promise<number>,
  prefix: string,
): Promise<number> {
  const t0 = performance.now();
  const deadline = t0 + ms;
  const counts = await Promise.all(
    clients.map(async (client, i) => {
      let n = 0;
      while (performance.now() < deadline) n += await loop(client, `${prefix}:limit:${i}`);
      return n;
    }),
  );
  return counts.reduce((a, b) => a + b, 0) / ((performance.now() - t0) / 1000);
}

/** Measures both ceilings for `seconds` each, under `prefix` (its keys are deleted afterwards). */
export async function measureRedisLimit(
  url: string,
  prefix: string,
  seconds: number,
): Promise<RedisLimit> {
  const connections = 8;
  const batch = 64;
  const value = 'x'.repeat(600);
  const clients = Array.from({ length: connections }, () => new Redis(url, { lazyConnect: true }));
  try {
    await Promise.all(clients.map((c) => c.connect()));
    const unpipelined = await rate(
      clients,
      seconds * 1000,
      async (client, key) => {
        await client.set(key, value, 'EX', 60);
        return 1;
      },
      prefix,
    );
    const pipelined = await rate(
      clients,
      seconds * 1000,
      async (client, key) => {
        const pipeline = client.pipeline();
        for (let i = 0; i < batch; i++) pipeline.set(key, value, 'EX', 60);
        await pipeline.exec();
        return batch;
      },
      prefix,
    );
    await clients[0]?.del(...clients.map((_, i) => `${prefix}:limit:${i}`));
    return { unpipelined, pipelined, connections, batch };
  } finally {
    await Promise.all(clients.map((c) => c.quit()));
  }
}
