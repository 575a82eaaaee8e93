import { createHash } from 'node:crypto';
import { EventStatus, type MatrixEvent } from 'matrix-js-sdk';
import { DeliveryRefused } from '../../bot/delivery.ts';

/** Attempts per message before it counts as failed (about five minutes of backoff in all). */
export const MAX_SEND_ATTEMPTS = 9;
/** The longest wait between two attempts, whatever the server asks for. */
export const MAX_RETRY_DELAY_MS = 120_000;

interface ErrorShape {
  readonly name?: unknown;
  readonly httpStatus?: unknown;
  readonly errcode?: unknown;
  readonly data?: { readonly retry_after_ms?: unknown };
  getRetryAfterMs?: () => number | null;
}

/**
 * How long to wait before sending a message again, or -1 to give up. Rate limits (429) wait as
 * long as the server says (`retry_after_ms` or Retry-After); network errors, time-outs and server
 * errors back off exponentially; other client errors (403 not in the room, 413 too large …) are
 * final. The SDK's scheduler resends the same, already encrypted event with the same transaction
 * id, so a retried request the server had already taken is not delivered twice.
 */
export function retryDelay(error: unknown, attempts: number): number {
  if (attempts >= MAX_SEND_ATTEMPTS) return -1;
  const e = (typeof error === 'object' && error !== null ? error : {}) as ErrorShape;
  const status = typeof e.httpStatus === 'number' ? e.httpStatus : undefined;
  const backoff = Math.min(1_000 * 2 ** (attempts - 1), MAX_RETRY_DELAY_MS);
  if (status === 429 || e.errcode === 'M_LIMIT_EXCEEDED') {
    const asked = serverDelay(e);
    return Math.min(asked ?? backoff, MAX_RETRY_DELAY_MS);
  }
  if (status !== undefined && status >= 400 && status < 500) return -1;
  if (e.name === 'M_TOO_LARGE') return -1;
  // ConnectionError, TimeoutError, 5xx and anything else transient.
  return backoff;
}

/** The bot is not (or no longer) in the room it should send to. */
export class NotInRoom extends Error {
  override readonly name = 'NotInRoom';
}

/**
 * A failed delivery as the engine should see it (with the server's words: staff read them when a
 * staff reply is undeliverable): a final refusal it does not try again when the
 * bot is not in the room (the person left it, or never let the bot in) while the channel runs, or
 * when the server refused the message (4xx other than 429); else the error as it is (network
 * errors, 5xx, rate limits and a stopping channel may pass).
 */
export function asRefusal(error: unknown, running: boolean): unknown {
  if (error instanceof NotInRoom)
    return running ? new DeliveryRefused(error.message, { cause: error }) : error;
  if (retryDelay(error, 1) >= 0) return error;
  const status = (error as { httpStatus?: unknown } | null)?.httpStatus;
  return new DeliveryRefused(
    error instanceof Error ? error.message : 'refused by the Matrix server',
    {
      cause: error,
      ...(typeof status === 'number' ? { status } : {}),
    },
  );
}

function serverDelay(e: ErrorShape): number | undefined {
  try {
    const fromError = e.getRetryAfterMs?.();
    if (typeof fromError === 'number' && fromError >= 0) return fromError;
  } catch {
    // A malformed Retry-After header: fall back to the body or the backoff.
  }
  const fromBody = e.data?.retry_after_ms;
  return typeof fromBody === 'number' && fromBody >= 0 ? fromBody : undefined;
}

/** Messages to one room go out one after another, in order; rooms do not wait for each other. */
export function queueByRoom(event: MatrixEvent): string | null {
  return event.getRoomId() ?? null;
}

/**
 * A transaction id derived from what the message answers: the same reply to the same event always
 * has the same id, so sending it again (a retry, a redelivered job) is idempotent at the server.
 */
export function transactionId(eventId: string, index: number): string {
  return `lotse-${createHash('sha256')
    .update(`${eventId}\u0000${String(index)}`)
    .digest('base64url')
    .slice(0, 32)}`;
}

/** Transaction ids remembered as "sent after all"; a bound, as nobody may ever ask for some. */
const MAX_CONFIRMED = 256;

/**
 * The retry algorithm for the SDK's send scheduler, aware of one race: when a send's answer is lost
 * but the server took it, the event's remote echo can arrive by sync before the retry; the SDK then
 * turns the local echo into the real event and the retry fails. That event *was* sent: it is
 * remembered, so the sender can tell success from failure.
 */
export class SendRetry {
  readonly #confirmed = new Set<string>();

  /** For `new MatrixScheduler(retry.algorithm, …)`. */
  readonly algorithm = (event: MatrixEvent | null, attempts: number, error: unknown): number => {
    const txnId = event?.getTxnId();
    if (event !== null && txnId !== undefined && isConfirmed(event)) {
      this.#confirmed.add(txnId);
      if (this.#confirmed.size > MAX_CONFIRMED) {
        const oldest = this.#confirmed.values().next().value;
        if (oldest !== undefined) this.#confirmed.delete(oldest);
      }
      return -1;
    }
    return retryDelay(error, attempts);
  };

  /** True (once) when a failed send with this transaction id had reached the server after all. */
  wasSent(txnId: string): boolean {
    return this.#confirmed.delete(txnId);
  }
}

/** The server's echo of the event has arrived: it is no local echo being sent any more. */
function isConfirmed(event: MatrixEvent): boolean {
  return event.status === null || event.status === EventStatus.SENT;
}
