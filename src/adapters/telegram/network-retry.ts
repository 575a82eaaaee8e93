import { setTimeout as sleep } from 'node:timers/promises';
import { HttpError, type Transformer } from 'grammy';

/** Network errors raised before a request left this machine: sending again cannot duplicate it. */
const NEVER_SENT = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
]);

/** Methods that put a new message into a chat: repeating one that arrived would send it twice. */
const NOT_IDEMPOTENT = /^(send|copy|forward)/;

export interface NetworkRetryOptions {
  /** Tries in all, the first one included. */
  readonly attempts: number;
  /** Wait before the second try; doubled for each further one. */
  readonly firstDelayMs: number;
}

/**
 * An API transformer that retries calls failing with a network error – decided by what the error
 * says about the request: idempotent calls (edits, deletes, getFile …) are tried again; a message
 * only when the connection was never made, so that nothing is sent twice. Telegram's own answers
 * (429 with retry_after, 5xx) are auto-retry's business; fetching updates is the runner's.
 */
export function networkRetry(
  options: NetworkRetryOptions = { attempts: 4, firstDelayMs: 500 },
): Transformer {
  return async (prev, method, payload, signal) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await prev(method, payload, signal);
      } catch (error) {
        const retry =
          error instanceof HttpError &&
          method !== 'getUpdates' &&
          signal?.aborted !== true &&
          attempt < options.attempts &&
          (!NOT_IDEMPOTENT.test(method) || NEVER_SENT.has(codeOf(error.error)));
        if (!retry) throw error;
        await sleep(options.firstDelayMs * 2 ** (attempt - 1));
      }
    }
  };
}

function codeOf(cause: unknown): string {
  if (typeof cause !== 'object' || cause === null) return '';
  if ('code' in cause && typeof cause.code === 'string') return cause.code;
  if ('cause' in cause) return codeOf(cause.cause);
  return '';
}
