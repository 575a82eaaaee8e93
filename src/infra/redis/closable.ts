import type { Redis } from 'ioredis';
// ioredis's own close path (status "end", the "end" event, waiting commands rejected): the call
// its proposed fix makes (redis/ioredis#2169). Pinned by the lockfile; test/infra/redis/
// closable.test.ts fails if a new ioredis changes the behaviour this works around.
import { closeHandler } from 'ioredis/built/redis/event_handler.js';

/**
 * Makes a connection – and every `duplicate()` of it: the queue workers' connections, the
 * blocking connections BullMQ makes of those, the staff feed relays' readers – closable once the
 * program stops (`stopping()` true), even while it waits to reconnect after Redis was restarted
 * or killed.
 *
 * Why: a connection that waits to reconnect (status `reconnecting`, no socket) is not closed by
 * ioredis's `disconnect()`: it only cancels the retry, so no `end` event comes and commands
 * waiting in the offline queue (a worker's BZPOPMIN, a relay's XREADGROUP) never settle
 * (redis/ioredis#1247). BullMQ's `Worker.close()` waits for that `end` event
 * (taskforcesh/bullmq#4656) and a relay's stop for its read, so a program stopped soon after a
 * Redis restart was cut off by its bounded stop. While stopping, such a `disconnect()` here ends
 * the connection the way ioredis ends one it was told to close (status `end`, the `end` event,
 * waiting commands rejected), and a connection ended while stopping is not opened again
 * (BullMQ's reconnect loop would). Before the stop, ioredis's behaviour is unchanged.
 */
export function closableOnStop<R extends Redis>(client: R, stopping: () => boolean): R {
  const disconnect = client.disconnect.bind(client);
  client.disconnect = (reconnect = false) => {
    const parked = stopping() && !reconnect && client.status === 'reconnecting';
    disconnect(reconnect);
    // `disconnect` marked the connection as closed on purpose and cancelled the retry; with no
    // socket left to close, nothing else would finish it.
    if (parked && client.status === 'reconnecting') closeHandler(client)();
  };
  const connect = client.connect.bind(client);
  client.connect = (callback) => {
    if (!stopping() || client.status !== 'end') return connect(callback);
    const refused = new Error('Connection is closed: the program stops.');
    callback?.(refused);
    return Promise.reject(refused);
  };
  const duplicate = client.duplicate.bind(client);
  client.duplicate = (...args: Parameters<Redis['duplicate']>) =>
    closableOnStop(duplicate(...args), stopping);
  return client;
}
