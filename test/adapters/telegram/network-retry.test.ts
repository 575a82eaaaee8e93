import { describe, expect, it } from 'vitest';
import { HttpError } from 'grammy';
import { networkRetry } from '../../../src/adapters/telegram/network-retry.ts';

const networkError = (code: string) =>
  new HttpError('Network request failed', Object.assign(new Error(code), { code }));

/** Calls the transformer with a network that fails `failures` times with the error. */
async function attempt(method: string, error: Error, failures = 1) {
  let calls = 0;
  const prev = (() => {
    calls++;
    return calls <= failures ? Promise.reject(error) : Promise.resolve({ ok: true, result: true });
  }) as never;
  const retry = networkRetry({ attempts: 3, firstDelayMs: 1 });
  try {
    await retry(prev, method as never, {} as never);
    return { calls, ok: true };
  } catch {
    return { calls, ok: false };
  }
}

describe('retrying by error type', () => {
  it('sends a message again only when the connection was never made', async () => {
    expect(await attempt('sendMessage', networkError('ECONNREFUSED'))).toEqual({
      calls: 2,
      ok: true,
    });
    // The request may have arrived: sending again could make a duplicate.
    expect(await attempt('sendMessage', networkError('ECONNRESET'))).toEqual({
      calls: 1,
      ok: false,
    });
  });

  it('repeats idempotent calls after any network error, a few times', async () => {
    expect(await attempt('editMessageText', networkError('ECONNRESET'))).toEqual({
      calls: 2,
      ok: true,
    });
    expect(await attempt('getFile', networkError('ETIMEDOUT'), 5)).toEqual({ calls: 3, ok: false });
  });

  it('leaves Telegram`s own answers and the update fetch to others', async () => {
    expect(await attempt('deleteMessage', new Error('400 Bad Request'))).toEqual({
      calls: 1,
      ok: false,
    });
    expect(await attempt('getUpdates', networkError('ECONNREFUSED'))).toEqual({
      calls: 1,
      ok: false,
    });
  });
});
