/**
 * A connection that waits to reconnect after Redis went away can be closed: `disconnect()` ends
 * it (status `end`, the `end` event, waiting commands rejected), and so a BullMQ worker on it
 * closes – the cause of a stop soon after a Redis restart that never finished
 * (docs/RELIABILITY.md). On a redis-server of the test's own, which the test kills.
 */
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { closableWhileReconnecting } from '../../../src/infra/redis/closable.ts';
import { hasRedisServer, startOwnRedis, type OwnRedis } from '../../support/own-redis.ts';
import { until } from '../../support/wait.ts';

/** A client that retries for ever, as the workers' connections do. */
function retrying(url: string): Redis {
  const client = new Redis(url, { maxRetriesPerRequest: null });
  client.on('error', () => undefined);
  return client;
}

/** Whether a promise has settled by the next turns of the event loop. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((resolve) => setTimeout(resolve, 50));
  return done;
}

describe.skipIf(!hasRedisServer)('a connection waiting to reconnect', () => {
  let own: OwnRedis | undefined;
  const clients: Redis[] = [];
  afterEach(async () => {
    for (const client of clients.splice(0)) client.disconnect();
    await own?.stop();
    own = undefined;
  });

  /** A connected client, then Redis killed: the client waits to reconnect. */
  async function parked(wrap: boolean): Promise<Redis> {
    own = await startOwnRedis();
    const plain = retrying(own.url);
    const client = wrap ? closableWhileReconnecting(plain) : plain;
    clients.push(client);
    await client.ping();
    await own.kill();
    await until(() => client.status === 'reconnecting');
    return client;
  }

  it('is not ended by ioredis alone: the upstream bug this works around is still there', async () => {
    // When this fails, ioredis ends such a connection itself (redis/ioredis#2169): then
    // closableWhileReconnecting can go.
    const client = await parked(false);
    const waiting = client.get('x');
    waiting.catch(() => undefined);
    client.disconnect();
    expect(client.status).toBe('reconnecting');
    expect(await settled(waiting)).toBe(false);
  });

  it('is ended by disconnect(): status end, the end event, waiting commands rejected', async () => {
    const client = await parked(true);
    const ended = new Promise<void>((resolve) =>
      client.once('end', () => {
        resolve();
      }),
    );
    const waiting = client.get('x');
    client.disconnect();
    await ended;
    expect(client.status).toBe('end');
    await expect(waiting).rejects.toThrow('Connection is closed');
  });

  it("is ended in duplicates too, so a BullMQ worker's close finishes", async () => {
    own = await startOwnRedis();
    const root = closableWhileReconnecting(retrying(own.url));
    const connection = root.duplicate({ maxRetriesPerRequest: null });
    connection.on('error', () => undefined);
    clients.push(root, connection);
    const worker = new Worker('closable', () => Promise.resolve(), {
      connection,
      prefix: 'lotse-closable',
      concurrency: 8,
    });
    worker.on('error', () => undefined);
    await worker.waitUntilReady();
    await until(() => worker.isRunning());
    await own.kill();
    await until(() => connection.status === 'reconnecting');
    // Before the fix this never resolved: the worker waited for an `end` event of its blocking
    // connection that ioredis does not emit while it waits to reconnect.
    await worker.close();
    expect(worker.isRunning()).toBe(false);
  });
});
