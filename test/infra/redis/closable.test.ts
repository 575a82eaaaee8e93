/**
 * A worker connection that waits to reconnect after Redis went away can be closed once the
 * program stops: `disconnect()` ends it (status `end`, the `end` event, waiting commands
 * rejected) and it is not opened again, and so a BullMQ worker on it closes – the cause of a stop
 * soon after a Redis restart that never finished (docs/RELIABILITY.md). On a redis-server of the
 * test's own, which the test kills.
 */
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { closableOnStop } from '../../../src/infra/redis/closable.ts';
import { hasRedisServer, startOwnRedis, type OwnRedis } from '../../support/own-redis.ts';
import { RestartableRedis } from '../../support/restartable-redis.ts';
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

describe.skipIf(!hasRedisServer)('a worker connection waiting to reconnect', () => {
  let own: OwnRedis | undefined;
  let restartable: RestartableRedis | undefined;
  const clients: Redis[] = [];
  afterEach(async () => {
    for (const client of clients.splice(0)) client.disconnect();
    await own?.stop();
    await restartable?.crash();
    own = undefined;
    restartable = undefined;
  });

  /** A connected client, then Redis killed: the client waits to reconnect. */
  async function parked(client: (url: string) => Redis): Promise<Redis> {
    own = await startOwnRedis();
    const made = client(own.url);
    clients.push(made);
    await made.ping();
    await own.kill();
    await until(() => made.status === 'reconnecting');
    return made;
  }

  it('is not ended by ioredis alone: the upstream bug this works around is still there', async () => {
    // When this fails, ioredis ends such a connection itself (redis/ioredis#2169): then
    // closableOnStop can go.
    const client = await parked(retrying);
    const waiting = client.get('x');
    waiting.catch(() => undefined);
    client.disconnect();
    expect(client.status).toBe('reconnecting');
    expect(await settled(waiting)).toBe(false);
  });

  it('is left to ioredis before the stop', async () => {
    const client = await parked((url) => closableOnStop(retrying(url), () => false));
    client.disconnect();
    expect(client.status).toBe('reconnecting');
  });

  it('is ended by disconnect() once stopping: status end, the end event, waiting commands rejected, not reopened', async () => {
    const client = await parked((url) => closableOnStop(retrying(url), () => true));
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
    // BullMQ's reconnect loop calls connect() on an ended connection; while stopping it stays shut.
    await expect(client.connect()).rejects.toThrow('the program stops');
    expect(client.status).toBe('end');
  });

  it("ends in duplicates too, so a BullMQ worker's close finishes right after Redis came back", async () => {
    const redis = await RestartableRedis.start(['--save', '']);
    restartable = redis;
    let stopping = false;
    // Three seconds between attempts: the worker's connections still wait when the stop comes.
    const connection = closableOnStop(
      new Redis(redis.url, { maxRetriesPerRequest: null, retryStrategy: () => 3_000 }),
      () => stopping,
    );
    connection.on('error', () => undefined);
    clients.push(connection);
    // The duplicates BullMQ makes (the blocking connection among them), to watch their state.
    const made: Redis[] = [];
    const duplicate = connection.duplicate.bind(connection);
    connection.duplicate = (...args: Parameters<Redis['duplicate']>) => {
      const copy = duplicate(...args);
      made.push(copy);
      return copy;
    };
    const worker = new Worker('closable', () => Promise.resolve(), {
      connection,
      prefix: 'lotse-closable',
      concurrency: 8,
    });
    worker.on('error', () => undefined);
    await worker.waitUntilReady();
    await until(() => worker.isRunning() && made.length > 0);
    await redis.crash();
    await until(() => [connection, ...made].every((c) => c.status === 'reconnecting'));
    await redis.restart();
    expect(made.every((c) => c.status === 'reconnecting')).toBe(true);
    stopping = true;
    // Before the fix this never resolved: the worker waited for an `end` event of its blocking
    // connection that ioredis does not emit while it waits to reconnect.
    await worker.close();
    expect(worker.isRunning()).toBe(false);
    expect(made.every((c) => c.status === 'end')).toBe(true);
  });
});
