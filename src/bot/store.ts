/**
 * The port between the engine and where conversations are kept. One implementation runs on Redis
 * (src/infra/redis/conversation-store.ts); unit tests use a small in-memory one.
 *
 * Each conversation has an inbox of events in arrival order and a lock. Whoever holds the lock
 * works the inbox from its head, one event at a time: so two messages of one person are handled
 * strictly in order even across several processes.
 */
/**
 * What a store hands over for a stored session or event it cannot read (damaged, sealed with a key
 * it does not hold, or plain where only sealed values count). It is no JSON, so the engine treats
 * it as damaged: a session starts again (the person is told), an event is dropped.
 */
export const UNREADABLE = '\u0000unreadable';

export type BeginResult =
  /** The event id was seen before: nothing to do. */
  | { readonly kind: 'duplicate' }
  /**
   * Too many messages in the window; nothing was kept of the event. `notify` is true once per
   * flood: for the first message over the limit, and again only after a whole window without one.
   */
  | {
      readonly kind: 'rate-limited';
      readonly notify: boolean;
      /** The stored session when `notify` (for the person's language), else null. */
      readonly session: string | null;
    }
  /** Another worker holds the lock; the event waits in the inbox. */
  | { readonly kind: 'busy' }
  /** Nothing waits in the inbox. */
  | { readonly kind: 'empty' }
  /**
   * The lock is ours: first deliver `outbox` when there is one (replies saved by a worker that
   * stopped before it had sent them) and `settle`; else handle `event` (the inbox head, '' when
   * only an outbox waits) against `session`.
   */
  | {
      readonly kind: 'go';
      readonly token: string;
      readonly event: string;
      readonly session: string | null;
      readonly outbox?: string;
    };

export type CommitResult =
  /**
   * Saved with its replies in the outbox; the lock is still ours: send the replies, then `settle`.
   * (A commit without replies to keep answers `done` or `next` instead.)
   */
  | { readonly kind: 'saved' }
  /** Saved; the inbox is empty and the lock released. */
  | { readonly kind: 'done' }
  /** Saved; the lock is still ours for the next event in the inbox. */
  | { readonly kind: 'next'; readonly event: string }
  /** The lock expired and may be someone else's: nothing was saved, the event stays queued. */
  | { readonly kind: 'lost' };

export type ChargeResult =
  /**
   * Counted within the limit; the stored session and the events still queued before it (oldest
   * first, at most {@link CHARGE_QUEUED_MAX}): together they say what the file will arrive at.
   */
  | { readonly kind: 'ok'; readonly session: string | null; readonly queued: readonly string[] }
  /** Over the limit, as for `begin`: `notify` once per flood, the session only then. */
  | {
      readonly kind: 'rate-limited';
      readonly notify: boolean;
      readonly session: string | null;
    };

/**
 * How many queued events `charge` hands out at most. An inbox is rarely longer than the rate limit
 * lets it grow; beyond this, a file is decided against the state after the first ones.
 */
export const CHARGE_QUEUED_MAX = 100;

export interface BeginOptions {
  /** The event was counted against the rate limit already (by `charge`, file by file). */
  readonly counted?: boolean;
}

export interface ConversationStore {
  /**
   * Queues an event (unless it is a duplicate or over the rate limit) and tries to take the lock,
   * returning the head of the inbox with the session. With no event, only tries the lock.
   */
  begin(
    key: string,
    eventId?: string,
    event?: string,
    options?: BeginOptions,
  ): Promise<BeginResult>;
  /**
   * Counts one unit against the conversation's rate limit without queuing anything: a file is
   * counted before it is downloaded. Reads the session and the queued events (in one step, so that
   * they fit together) without taking the lock.
   */
  charge(key: string): Promise<ChargeResult>;
  /**
   * Saves the session (null erases it) and removes the handled head. With `outbox` (the replies to
   * send, as the engine serialises them) it keeps them beside the session and the lock (`saved`);
   * without, it passes the lock on or releases it.
   */
  commit(
    key: string,
    token: string,
    session: string | null,
    outbox?: string,
  ): Promise<CommitResult>;
  /**
   * The replies in the outbox were sent: forgets them and passes the lock on (`next`) or releases it
   * (`done`); `lost` when the lock expired meanwhile (whoever has it now sends them again).
   */
  settle(key: string, token: string): Promise<Exclude<CommitResult, { kind: 'saved' }>>;
  /**
   * The replies in the outbox could not be delivered yet: replaces them with `outbox` (the same
   * replies with their count of attempts) and releases the lock without passing it on, so that
   * nothing queued behind them is handled before they went out; the sweeper tries again. `lost`
   * when the lock expired meanwhile (nothing changed).
   */
  keep(key: string, token: string, outbox: string): Promise<{ readonly kind: 'kept' | 'lost' }>;
  /** Conversations with events or unsent replies waiting, for the sweeper after a crash. */
  waiting(): AsyncIterable<string>;
}
