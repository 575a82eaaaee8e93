import type { Redis } from 'ioredis';
// ioredis's own close path (status "end", the "end" event, pending commands rejected); the same
// call its upstream fix makes (redis/ioredis#2169). Pinned by the lockfile; test/infra/redis/
// closable.test.ts fails if a new ioredis changes it.
import { closeHandler } from 'ioredis/built/redis/event_handler.js';

/**
 * Makes `disconnect()` end a connection that waits to reconnect, on this client and on every
 * `duplicate()` of it (BullMQ makes its workers' blocking connections that way).
 *
 * Why: after Redis was restarted or killed, a connection waits a while before it tries again
 * (status `reconnecting`, no socket). ioredis's `disconnect()` then only cancels the retry: no
 * socket closes, so the status stays `reconnecting`, no `end` event comes and commands waiting in
 * the offline queue (a worker's BZPOPMIN) are never settled. BullMQ's `Worker.close()` waits for
 * that `end` event and so never finishes (taskforcesh/bullmq#4656, redis/ioredis#1247), and a
 * program stopped soon after a Redis restart was cut off by its bounded stop. Here such a
 * `disconnect()` closes the connection the way ioredis closes one it was told to close: status
 * `end`, the `end` event, waiting commands rejected with "Connection is closed".
 */
export function closableWhileReconnecting<R extends Redis>(client: R): R {
  const disconnect = client.disconnect.bind(client);
  client.disconnect = (reconnect = false) => {
    const parked = !reconnect && client.status === 'reconnecting';
    disconnect(reconnect);
    // `disconnect` marked the connection as closed on purpose and cancelled the retry; with no
    // socket left to close, nothing else would finish it.
    if (parked && client.status === 'reconnecting') closeHandler(client)();
  };
  const duplicate = client.duplicate.bind(client);
  client.duplicate = (...args: Parameters<Redis['duplicate']>) =>
    closableWhileReconnecting(duplicate(...args));
  return client;
}
