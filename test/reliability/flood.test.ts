/**
 * A flood: one person sends 5,000 messages and 200 files as fast as the Telegram emulator takes
 * them, through the real Telegram channel (long polling with the runner, each chat in order), the
 * real engine and a redis-server of the test's own, so that other helpers' load does not move the
 * memory figures. Telegram, not the console: the console reads one stdin line after another for
 * everyone, so one person's flood would hold up the others by design; a messenger is where many
 * people write at once.
 *
 * The flooder is slowed with one friendly message; no file over the limit is downloaded; what
 * the flood leaves in Redis is bounded (their inbox never holds more than the rate limit, their
 * keys stay small); and other people's conversations carry on: their answer latency at the 99th
 * percentile, measured in the same test without and during the flood, stays within FACTOR.
 */
import type { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { MESSAGE_LOG_MAX } from '../../src/adapters/telegram/message-log.ts';
import { stickerMessage, TelegramHarness, toEvidence } from '../adapters/telegram/harness.ts';
import { reportFigures } from '../support/figures.ts';
import { hasRedisServer, startOwnRedis, type OwnRedis } from '../support/own-redis.ts';
import { connect, keysUnder, uniquePrefix } from '../support/redis.ts';

const MESSAGES = 5_000;
/** Of the messages, stickers: content no question can use, which the channel answers itself. */
const STICKERS = 100;
const FILES = 200;
/** Posts the flooder keeps in flight at the emulator: as fast as it takes them. */
const IN_FLIGHT = 8;
const RATE_LIMIT = 30;
/** People who walk to the evidence step at the same time, in each round. */
const GROUP = 6;
/**
 * How much slower other people's answers may get at the 99th percentile while one person floods.
 * Generous, because the emulator, the bot and the flooder share one process and two busy cores;
 * the point is that nobody is starved (before the channel bounded each chat's backlog, the p99
 * was over 20 times the unloaded one: seconds). FLOOR_MS allows for timer and scheduling noise
 * where the unloaded p99 is very small.
 */
const FACTOR = 10;
const FLOOR_MS = 1_000;
/** What the flooder's own keys may hold after the flood (the message log is most of it). */
const FOOTPRINT_MAX = 256 * 1024;

let h: TelegramHarness | undefined;
let own: OwnRedis | undefined;
let client: Redis | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
  client?.disconnect();
  client = undefined;
  await own?.stop();
  own = undefined;
});

const usedMemory = async (redis: Redis): Promise<number> =>
  Number(/^used_memory:(\d+)/m.exec(await redis.info('memory'))?.[1]);

function p99(samples: readonly number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.ceil(sorted.length * 0.99) - 1] ?? Number.NaN;
}

const kb = (bytes: number) => `${Math.round(bytes / 1024).toLocaleString('en')} kB`;
const ms = (value: number) => `${Math.round(value).toLocaleString('en')} ms`;

describe.skipIf(!hasRedisServer)('a flood from one person (Telegram)', () => {
  it('slows them with one message, keeps Redis bounded and answers everyone else', async () => {
    own = await startOwnRedis();
    const redis = connect(own.url);
    client = redis;
    const prefix = uniquePrefix('flood');
    h = await TelegramHarness.start({
      redis,
      prefix,
      config: { RATE_LIMIT_MESSAGES: String(RATE_LIMIT), RATE_LIMIT_WINDOW_SECONDS: '60' },
    });
    const harness = h;
    let nextUser = 10_000;
    /** A group of new people walk to the evidence step at once; each answer's latency to `into`. */
    const group = (into: number[]) =>
      Promise.all(
        Array.from({ length: GROUP }, () =>
          toEvidence(harness.user({ userId: nextUser++, latencies: into })),
        ),
      );

    // Unloaded: two groups, one after the other.
    const unloaded: number[] = [];
    await group(unloaded);
    await group(unloaded);

    // The flooder first reaches the evidence step, where files are welcome.
    const flooder = harness.user({ userId: 4_242 });
    await toEvidence(flooder);
    const inbox = `${prefix}:conv:{telegram:4242}:inbox`;
    const before = await usedMemory(redis);
    const handledBefore = harness.handledCount;

    const total = MESSAGES + FILES;
    const fileEvery = Math.floor(total / FILES);
    let posted = 0;
    const post = async () => {
      for (let n = posted++; n < total; n = posted++) {
        if (n % fileEvery === 0 && n / fileEvery < FILES) {
          const id = `flood-${String(n)}`;
          const bytes = Buffer.from(`%PDF-1.7 flood ${String(n)}`);
          await flooder.sendContent(harness.document(id, bytes), false);
        } else if (n % 50 === 1 && (n - 1) / 50 < STICKERS) {
          await flooder.sendContent(stickerMessage(`sticker-${String(n)}`), false);
        } else await flooder.post(`Flut ${String(n)}`);
      }
    };
    const state = { flooding: true };
    let peak = before;
    let longestInbox = 0;
    const sampling = (async () => {
      while (state.flooding) {
        peak = Math.max(peak, await usedMemory(redis));
        longestInbox = Math.max(longestInbox, await redis.llen(inbox));
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const started = performance.now();
    const flood = (async () => {
      await Promise.all(Array.from({ length: IN_FLIGHT }, post));
      const postedMs = performance.now() - started;
      while (harness.handledCount - handledBefore < total)
        await new Promise((r) => setTimeout(r, 20));
      state.flooding = false;
      return { postedMs, handledMs: performance.now() - started };
    })();

    // During the flood: groups of new people walk to the evidence step until it is over.
    const during: number[] = [];
    while (state.flooding) await group(during);
    const { postedMs, handledMs } = await flood;
    await sampling;
    const after = await usedMemory(redis);

    const messages = await flooder.messages();
    const slowDown = harness.app.i18n.t('de', { key: 'common:rateLimited' });
    const told = messages.filter((m) => m.text === slowDown).length;
    const unsupported = harness.i18n.t('de', { key: 'telegram:unsupported' });
    const stickerNotices = messages.filter((m) => m.text === unsupported).length;
    const downloads = harness
      .callsOf('getFile')
      .filter((c) => String(c.payload['file_id']).startsWith('flood-')).length;
    let footprint = 0;
    const theirs = (await keysUnder(redis, prefix)).filter((k) => /\b4242\b/.test(k));
    for (const key of theirs) footprint += (await redis.memory('USAGE', key)) ?? 0;
    const logged = await redis.zcard(`${prefix}:tg:msgs:4242`);
    const quiet = p99(unloaded);
    const loaded = p99(during);
    reportFigures('flood', [
      `${MESSAGES.toLocaleString('en')} messages (${String(STICKERS)} of them stickers) + ${String(FILES)} files from one person (Telegram emulator, rate limit ${String(RATE_LIMIT)}/min): posted in ${ms(postedMs)}, all handled after ${ms(handledMs)}; ${String(told)} slow-down message, ${String(messages.length)} bot messages to them in all, sticker notices: ${String(stickerNotices)}, ${String(downloads)} of ${String(FILES)} files downloaded`,
      `Redis used_memory: ${kb(before)} before, ${kb(peak)} at the peak, ${kb(after)} after (other people's conversations included); the flooder's ${String(theirs.length)} keys: ${kb(footprint)}, message log ${String(logged)} ids; longest inbox ${String(longestInbox)}`,
      `others: answer p99 ${ms(quiet)} unloaded (${String(unloaded.length)} answers), ${ms(loaded)} during the flood (${String(during.length)} answers): ${(loaded / quiet).toFixed(1)}× (allowed: ${String(FACTOR)}×, at least ${ms(FLOOR_MS)})`,
    ]);

    expect(told).toBe(1);
    expect(stickerNotices).toBeLessThanOrEqual(RATE_LIMIT);
    // Within the limit: the walk to the evidence step and what was left of its window.
    expect(downloads).toBeLessThanOrEqual(RATE_LIMIT);
    expect(messages.length).toBeLessThan(3 * RATE_LIMIT + 1);
    expect(longestInbox).toBeLessThanOrEqual(RATE_LIMIT);
    expect(logged).toBeLessThanOrEqual(MESSAGE_LOG_MAX);
    expect(footprint).toBeLessThanOrEqual(FOOTPRINT_MAX);
    expect(during.length).toBeGreaterThan(0);
    expect(loaded).toBeLessThanOrEqual(Math.max(FACTOR * quiet, FLOOR_MS));
  }, 120_000);
});
