import { describe, expect, it } from 'vitest';
import { RateLimiter, TELEGRAM_LIMITS, throttle } from '../../../src/adapters/telegram/throttle.ts';

/** A limiter on a fake clock: waiting moves the clock; returns when each call went out. */
function fakeLimiter() {
  let now = 0;
  const limiter = new RateLimiter(
    () => now,
    (ms) => {
      now += ms;
      return Promise.resolve();
    },
  );
  return { limiter, now: () => now };
}

describe('rate limits', () => {
  it('lets a short burst into one chat go at once, then one message a second', async () => {
    const { limiter, now } = fakeLimiter();
    const times: number[] = [];
    for (let i = 0; i < 6; i++) {
      await limiter.take([{ key: '42', rate: TELEGRAM_LIMITS.privateChat }]);
      times.push(now());
    }
    expect(times).toEqual([0, 0, 0, 1000, 2000, 3000]);
  });

  it('holds a group to 20 messages a minute', async () => {
    const { limiter, now } = fakeLimiter();
    for (let i = 0; i < 23; i++)
      await limiter.take([{ key: '-100', rate: TELEGRAM_LIMITS.groupChat }]);
    // 3 at once, then one every 3 s: the 23rd goes after 60 s.
    expect(now()).toBe(60_000);
  });

  it('keeps all chats together under 30 a second, and chats apart from each other', async () => {
    const { limiter, now } = fakeLimiter();
    for (let chat = 0; chat < 60; chat++)
      await limiter.take([
        { key: String(chat), rate: TELEGRAM_LIMITS.privateChat },
        { key: '*', rate: TELEGRAM_LIMITS.global },
      ]);
    // 30 at once, 30 more at 30 a second.
    expect(now()).toBeCloseTo(1000, 0);
  });

  it('never lets one chat`s backlog hold up another chat', async () => {
    // Real time, scaled down: 20 messages a second per chat, 1000 overall.
    const limits = {
      chat: { perSecond: 20, burst: 1 },
      all: { perSecond: 1000, burst: 10 },
    };
    const limiter = new RateLimiter();
    const call = (chat: string) =>
      limiter.take([
        { key: chat, rate: limits.chat },
        { key: '*', rate: limits.all },
      ]);
    const started = Date.now();
    // 40 messages queued for one chat: two seconds of backlog there.
    const backlog = Array.from({ length: 40 }, () => call('busy'));
    await call('other');
    const otherWaited = Date.now() - started;
    await Promise.all(backlog);
    const backlogTook = Date.now() - started;
    expect(backlogTook).toBeGreaterThanOrEqual(1_900);
    // Before, the other chat went out only after the whole backlog (about two seconds).
    expect(otherWaited).toBeLessThan(500);
  });

  it('limits messages per chat and other calls only overall; never the update fetch', async () => {
    const taken: string[][] = [];
    const limiter = {
      take: (rates: { key: string }[]) => (taken.push(rates.map((r) => r.key)), Promise.resolve()),
    };
    const transformer = throttle(limiter as unknown as RateLimiter);
    const prev = (() => Promise.resolve({ ok: true, result: true })) as never;
    await transformer(prev, 'sendMessage', { chat_id: 7, text: 'x' });
    await transformer(prev, 'editMessageText', { chat_id: 7, message_id: 1, text: 'x' });
    await transformer(prev, 'getUpdates', {});
    expect(taken).toEqual([['7', '*'], ['*']]);
  });
});
