import { setTimeout as sleep } from 'node:timers/promises';
import type { Transformer } from 'grammy';

/** A sustained rate with a short burst on top. */
export interface Rate {
  readonly perSecond: number;
  readonly burst: number;
}

/**
 * Telegram's published limits: about 30 messages a second overall, about one a second per chat
 * (short bursts tolerated) and 20 a minute per group.
 */
export interface RateLimits {
  /** Every API call of the bot except fetching updates. */
  readonly global: Rate;
  /** Messages into one private chat. */
  readonly privateChat: Rate;
  /** Messages into one group (the staff group). */
  readonly groupChat: Rate;
}

export const TELEGRAM_LIMITS: RateLimits = {
  global: { perSecond: 30, burst: 30 },
  // A reply is often two or three messages (a hint, a text, the question): let them go at once.
  privateChat: { perSecond: 1, burst: 3 },
  groupChat: { perSecond: 20 / 60, burst: 3 },
};

/**
 * A small in-process limiter after the generic cell rate algorithm: each call reserves the next
 * free slot under each rate it is subject to, in the order given, and waits for it, so callers of
 * one key go out in order and never faster than allowed. Rates are taken one after the other, the
 * narrowest first: a call waits for its chat's slot before it reserves one of the shared rate, so
 * a backlog in one chat holds a single shared slot at a time and never pushes other chats back.
 * Per process: several replicas share Telegram's limits between them.
 */
export class RateLimiter {
  /** Theoretical arrival time per key, in ms. */
  readonly #tat = new Map<string, number>();
  readonly #clock: () => number;
  readonly #wait: (ms: number) => Promise<unknown>;

  constructor(clock: () => number = Date.now, wait: (ms: number) => Promise<unknown> = sleep) {
    this.#clock = clock;
    this.#wait = wait;
  }

  /** Resolves when a call may go out under all the rates, taken in the order given. */
  async take(rates: readonly { readonly key: string; readonly rate: Rate }[]): Promise<void> {
    for (const { key, rate } of rates) await this.#takeOne(key, rate);
  }

  async #takeOne(key: string, rate: Rate): Promise<void> {
    const now = this.#clock();
    const interval = 1000 / rate.perSecond;
    const tat = Math.max(this.#tat.get(key) ?? now, now);
    const at = Math.max(now, tat - (rate.burst - 1) * interval);
    this.#tat.set(key, tat + interval);
    if (this.#tat.size > 10_000) this.#forget(now);
    if (at > now) await this.#wait(at - now);
  }

  /** Drops keys whose slots are all in the past: they limit nothing any more. */
  #forget(now: number): void {
    for (const [key, tat] of this.#tat) if (tat < now) this.#tat.delete(key);
  }
}

/** Methods that put a new message into a chat (what the per-chat limits are about). */
const SENDS = /^(send|copy|forward)/;

/** An API transformer that holds each call until the limits allow it. */
export function throttle(limiter: RateLimiter, limits: RateLimits = TELEGRAM_LIMITS): Transformer {
  return async (prev, method, payload, signal) => {
    if (method !== 'getUpdates') {
      const chat =
        typeof payload === 'object' && 'chat_id' in payload ? String(payload.chat_id) : undefined;
      // The chat's own rate first: its backlog waits there, not in everyone's way.
      const rates =
        chat !== undefined && SENDS.test(method)
          ? [{ key: chat, rate: chat.startsWith('-') ? limits.groupChat : limits.privateChat }]
          : [];
      await limiter.take([...rates, { key: '*', rate: limits.global }]);
    }
    return prev(method, payload, signal);
  };
}
