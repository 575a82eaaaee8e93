import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { flushBeforeAcknowledging } from '../../../src/adapters/matrix/client.ts';
import type { DurableIndexedDb } from '../../../src/adapters/matrix/durable-idb.ts';
import { urlOf } from '../../support/fetch.ts';

describe('the crypto store is written before the server learns anything depending on it', () => {
  it('flushes before acknowledging syncs and before every request that changes something', async () => {
    const order: string[] = [];
    const store = {
      dirty: true,
      flush: () => {
        order.push('flush');
        return Promise.resolve(true);
      },
    } as unknown as DurableIndexedDb;
    const fetchFn = flushBeforeAcknowledging(
      store,
      (input, init) => {
        order.push(`${init?.method ?? 'GET'} ${new URL(urlOf(input)).pathname}`);
        return Promise.resolve(new Response('{}'));
      },
      pino({ level: 'silent' }),
    );
    const hs = 'https://hs.example/_matrix/client/v3';
    await fetchFn(`${hs}/sync?filter=1`);
    await fetchFn(`${hs}/sync?filter=1&since=s42`);
    await fetchFn(`${hs}/keys/upload`, { method: 'POST' });
    await fetchFn(`${hs}/rooms/!r/send/m.room.encrypted/t1`, { method: 'PUT' });
    await fetchFn('https://hs.example/_matrix/client/v1/media/download/hs.example/m');
    expect(order).toEqual([
      'GET /_matrix/client/v3/sync',
      'flush',
      'GET /_matrix/client/v3/sync',
      'flush',
      'POST /_matrix/client/v3/keys/upload',
      'flush',
      'PUT /_matrix/client/v3/rooms/!r/send/m.room.encrypted/t1',
      'GET /_matrix/client/v1/media/download/hs.example/m',
    ]);
  });

  it('holds the request back when the store cannot be written', async () => {
    const store = {
      dirty: true,
      flush: () => Promise.reject(new Error('disk full')),
    } as unknown as DurableIndexedDb;
    let sent = false;
    const fetchFn = flushBeforeAcknowledging(
      store,
      () => {
        sent = true;
        return Promise.resolve(new Response('{}'));
      },
      pino({ level: 'silent' }),
    );
    await expect(fetchFn('https://hs.example/_matrix/client/v3/sync?since=s1')).rejects.toThrow(
      'disk full',
    );
    expect(sent).toBe(false);
  });
});
