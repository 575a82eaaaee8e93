import { ConnectionError, EventStatus, MatrixError, MatrixEvent } from 'matrix-js-sdk';
import { describe, expect, it } from 'vitest';
import { DeliveryRefused } from '../../../src/bot/delivery.ts';
import {
  asRefusal,
  MAX_RETRY_DELAY_MS,
  NotInRoom,
  MAX_SEND_ATTEMPTS,
  retryDelay,
  SendRetry,
  transactionId,
} from '../../../src/adapters/matrix/send-policy.ts';

const rateLimited = (retryAfterMs?: number, headers?: Headers) =>
  new MatrixError(
    {
      errcode: 'M_LIMIT_EXCEEDED',
      error: 'Too many requests',
      ...(retryAfterMs === undefined ? {} : { retry_after_ms: retryAfterMs }),
    },
    429,
    undefined,
    undefined,
    headers,
  );

describe('Matrix send retries', () => {
  it('tells a final refusal from a failure that may pass, for the engine', () => {
    const forbidden = asRefusal(new MatrixError({ errcode: 'M_FORBIDDEN' }, 403), true);
    expect(forbidden).toBeInstanceOf(DeliveryRefused);
    expect(forbidden).toMatchObject({ status: 403 });
    expect(asRefusal(new NotInRoom('gone'), true)).toBeInstanceOf(DeliveryRefused);
    // While the channel stops, a room it cannot see is no refusal: the next process sends.
    const stopping = new NotInRoom('gone');
    expect(asRefusal(stopping, false)).toBe(stopping);
    for (const passing of [
      rateLimited(1_000),
      new MatrixError({ errcode: 'M_UNKNOWN' }, 502),
      new ConnectionError('fetch failed'),
    ])
      expect(asRefusal(passing, true)).toBe(passing);
  });

  it('waits as long as a 429 asks, from the body or the Retry-After header, within a cap', () => {
    expect(retryDelay(rateLimited(1_500), 1)).toBe(1_500);
    expect(retryDelay(rateLimited(undefined, new Headers({ 'retry-after': '3' })), 1)).toBe(3_000);
    expect(retryDelay(rateLimited(10 * 60_000), 1)).toBe(MAX_RETRY_DELAY_MS);
    expect(retryDelay(rateLimited(), 3)).toBe(4_000);
  });

  it('backs off on network and server errors and gives up on other client errors', () => {
    const network = new ConnectionError('fetch failed', new TypeError('ECONNRESET'));
    expect([1, 2, 3].map((n) => retryDelay(network, n))).toEqual([1_000, 2_000, 4_000]);
    expect(retryDelay(new MatrixError({ errcode: 'M_UNKNOWN' }, 502), 1)).toBe(1_000);
    expect(retryDelay(new MatrixError({ errcode: 'M_FORBIDDEN' }, 403), 1)).toBe(-1);
    expect(retryDelay(new MatrixError({ errcode: 'M_TOO_LARGE' }, 413), 1)).toBe(-1);
    expect(retryDelay(network, MAX_SEND_ATTEMPTS)).toBe(-1);
  });

  it('derives one transaction id per reply, the same every time', () => {
    expect(transactionId('$event', 0)).toBe(transactionId('$event', 0));
    expect(transactionId('$event', 0)).not.toBe(transactionId('$event', 1));
    expect(transactionId('$event', 0)).not.toBe(transactionId('$other', 0));
    expect(transactionId('$event', 0)).toMatch(/^lotse-[\w-]{32}$/);
  });

  it('remembers a send whose echo arrived before its retry as sent', () => {
    const retry = new SendRetry();
    const pending = new MatrixEvent({ type: 'm.room.message', room_id: '!r:x' });
    pending.setTxnId('txn-1');
    pending.setStatus(EventStatus.SENDING);
    expect(retry.algorithm(pending, 1, new ConnectionError('lost'))).toBe(1_000);
    expect(retry.wasSent('txn-1')).toBe(false);

    const echoed = new MatrixEvent({ type: 'm.room.message', room_id: '!r:x' });
    echoed.setTxnId('txn-2');
    expect(retry.algorithm(echoed, 2, new Error('not a local echo'))).toBe(-1);
    expect(retry.wasSent('txn-2')).toBe(true);
    expect(retry.wasSent('txn-2')).toBe(false);
  });
});
