/**
 * Limits come before work: through the Telegram emulator with the real engine on real Redis, a
 * file is counted against the rate limit, checked against the step, the report's byte budget and
 * Redis's memory before a byte of it is downloaded (getFile is the first call of a download).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { startOwnRedis } from '../../support/own-redis.ts';
import { connect, keysUnder, uniquePrefix, useTestRedis } from '../../support/redis.ts';
import { eventually } from '../../support/wait.ts';
import { stickerMessage, TelegramHarness, toEvidence, type HarnessOptions } from './harness.ts';

const redis = useTestRedis('tgfiles');
let h: TelegramHarness | undefined;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await h?.stop();
  h = undefined;
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(options: Partial<HarnessOptions> = {}): Promise<TelegramHarness> {
  h = await TelegramHarness.start({ redis: redis.client, prefix: redis.prefix, ...options });
  return h;
}

/** A sentence as the app says it (with the app's configured values, e.g. the budget). */
const said = (key: string, params?: Record<string, string | number>) =>
  (h ?? fail()).app.i18n.t('de', { key, ...(params ? { params } : {}) });
/** The evidence status with its counts in plural forms. */
const evidenceStatus = (files: number, links: number) =>
  (h ?? fail()).app.i18n.t('de', {
    key: 'intake:evidence.status',
    params: {
      files: { key: 'intake:count.files', params: { count: files } },
      links: { key: 'intake:count.links', params: { count: links } },
    },
  });
function fail(): never {
  throw new Error('no harness');
}

/** A document message for a file the fake getFile serves. */
function document(id: string, bytes: Uint8Array, extra: Record<string, unknown> = {}) {
  return (h ?? fail()).document(id, bytes, extra);
}

const fetched = () => (h ?? fail()).callsOf('getFile').map((c) => String(c.payload['file_id']));

/** Evidence files stored (sealed) for a Telegram user. */
const stored = (r: Redis, prefix: string, userId: number) =>
  keysUnder(r, `${prefix}:conv:{telegram:${String(userId)}}:file:`);

describe('file limits before download (Telegram)', () => {
  it('takes no file outside the evidence step: one line, nothing downloaded or stored', async () => {
    await start();
    const anna = h!.user({ userId: 701 });
    await anna.send('/start');
    const before = (await anna.messages()).length;
    await anna.sendContent(document('menu-doc', Buffer.from('%PDF-1.7 at the menu')));
    const replies = (await anna.messages()).slice(before).map((m) => m.text);
    expect(replies).toEqual([said('common:file.notHere')]);
    expect(fetched()).toEqual([]);
    expect(await stored(redis.client, redis.prefix, 701)).toEqual([]);
    // The same at a question that wants words, and the conversation goes on.
    await anna.tap('report');
    await anna.sendContent(document('danger-doc', Buffer.from('%PDF-1.7 at danger')));
    expect((await anna.lastQuestion()).text).toBe(said('common:file.notHere'));
    await anna.tap('no');
    expect((await anna.lastQuestion()).options.map((o) => o.id)).toContain('agree');
    expect(fetched()).toEqual([]);
  });

  it('counts files against the rate limit before anything is downloaded', async () => {
    const window = { RATE_LIMIT_WINDOW_SECONDS: '3600' };
    await start({ config: window });
    const ben = h!.user({ userId: 702 });
    await toEvidence(ben);
    // Room for exactly two more messages in this window.
    const used = Number(await redis.client.get(`${redis.prefix}:conv:{telegram:702}:rate`));
    await h!.stopBot();
    await h!.startBot({ ...window, RATE_LIMIT_MESSAGES: String(used + 2) });
    for (const n of [1, 2, 3, 4])
      await ben.sendContent(document(`rate-${n}`, Buffer.from(`%PDF-1.7 file ${n}`)));
    // Two were fetched; the third and fourth never were. The person was told once.
    expect(fetched()).toEqual(['rate-1', 'rate-2']);
    const texts = (await ben.messages()).map((m) => m.text);
    expect(texts.filter((t) => t === said('common:rateLimited'))).toHaveLength(1);
    expect(texts).toContain(evidenceStatus(2, 0));
    expect(await stored(redis.client, redis.prefix, 702)).toHaveLength(2);
  });

  it('answers content no question can use only within the rate limit, leaving no mark beyond', async () => {
    await start({ config: { RATE_LIMIT_MESSAGES: '5', RATE_LIMIT_WINDOW_SECONDS: '3600' } });
    const dora = h!.user({ userId: 704 });
    await dora.send('/start');
    for (let n = 1; n <= 8; n++) {
      await dora.sendContent(stickerMessage(`sticker-${String(n)}`));
    }
    // /start and four stickers fill the window; the other four get nothing but one slow-down.
    const texts = (await dora.messages()).map((m) => m.text);
    expect(texts.filter((t) => t === said('telegram:unsupported'))).toHaveLength(4);
    expect(texts.filter((t) => t === said('common:rateLimited'))).toHaveLength(1);
    expect(await keysUnder(redis.client, `${redis.prefix}:tg:seen:`)).toHaveLength(4);
  });

  it('keeps a report within its byte budget, files of an album still in flight included', async () => {
    await start({ config: { REPORT_FILE_BUDGET_MB: '1' }, albumWaitMs: 400 });
    const clara = h!.user({ userId: 703 });
    await toEvidence(clara);
    const kb = (n: number, fill: number) => Buffer.alloc(n * 1024, fill);
    await clara.sendContent(document('big-1', kb(700, 1)));
    expect((await clara.lastQuestion()).text).toBe(evidenceStatus(1, 0));
    // Declared larger than what is left: refused before getFile, with the budget named.
    await clara.sendContent(document('big-2', kb(400, 2)));
    expect((await clara.lastQuestion()).text).toBe(said('common:file.budget'));
    expect(said('common:file.budget')).toContain('1 MB');
    expect(fetched()).toEqual(['big-1']);
    // An album of two 200 KB photos: the first fits the 324 KB left, the second, while the first
    // is still being collected, does not.
    for (const id of ['al-1', 'al-2']) {
      h!.files.set(id, { bytes: kb(200, 3) });
      await clara.sendContent({
        media_group_id: 'album-budget',
        photo: [
          { file_id: id, file_unique_id: id, width: 800, height: 600, file_size: 200 * 1024 },
        ],
      });
    }
    const status = evidenceStatus(2, 0);
    const last = await eventually(
      async () => (await clara.lastQuestion()).text,
      (text) => text === status,
    );
    expect(last).toBe(status);
    expect(fetched()).toEqual(['big-1', 'al-1']);
    const texts = (await clara.messages()).map((m) => m.text);
    expect(texts.filter((t) => t === said('common:file.budget'))).toHaveLength(2);
    expect(await stored(redis.client, redis.prefix, 703)).toHaveLength(2);
    // Once the album has been handed on, nothing stays reserved.
    const inFlight = `${redis.prefix}:conv:{telegram:703}:files-in-flight`;
    expect(
      await eventually(
        () => redis.client.exists(inFlight),
        (n) => n === 0,
      ),
    ).toBe(0);
  });

  it('reserves a file of unknown size only until its real size is known', async () => {
    await start({ config: { REPORT_FILE_BUDGET_MB: '30' }, albumWaitMs: 400 });
    const emil = h!.user({ userId: 705 });
    await toEvidence(emil);
    // An album of three photos Telegram gives no size for: each might be 20 MB until it is fetched.
    for (const id of ['ns-1', 'ns-2', 'ns-3']) {
      h!.files.set(id, { bytes: Buffer.from(`small photo ${id}`) });
      await emil.sendContent({
        media_group_id: 'album-no-size',
        photo: [{ file_id: id, file_unique_id: id, width: 800, height: 600 }],
      });
    }
    const status = evidenceStatus(3, 0);
    const last = await eventually(
      async () => (await emil.lastQuestion()).text,
      (text) => text === status,
    );
    expect(last).toBe(status);
    expect(fetched()).toEqual(['ns-1', 'ns-2', 'ns-3']);
  });

  it('refuses new files while Redis is nearly full, and the conversation goes on', async () => {
    // A Redis of our own with a small maxmemory: the shared one is never reconfigured.
    const own = await ownRedis('64mb');
    const prefix = uniquePrefix('tgmem');
    h = await TelegramHarness.start({
      redis: own,
      prefix,
      config: { FILE_MEMORY_LIMIT_PERCENT: '50' },
    });
    const dora = h.user({ userId: 704 });
    await toEvidence(dora);
    // About 40 of 64 MB used: over half, with room left for the conversation.
    const ballast = [...Array(8).keys()].map((n) => `${prefix}:ballast:${String(n)}`);
    for (const key of ballast) await own.set(key, Buffer.alloc(5 * 1024 * 1024, 7));
    await sleep(1_100);
    await dora.sendContent(document('mem-1', Buffer.from('%PDF-1.7 while full')));
    expect((await dora.lastQuestion()).text).toBe(said('common:file.memory'));
    expect(fetched()).toEqual([]);
    // Typed answers still work: a link is taken as evidence.
    await dora.send('https://example.org/post/1');
    expect((await dora.lastQuestion()).text).toBe(evidenceStatus(0, 1));
    // With room again, files are taken again.
    await own.del(...ballast);
    await sleep(1_100);
    await dora.sendContent(document('mem-2', Buffer.from('%PDF-1.7 with room')));
    expect((await dora.lastQuestion()).text).toBe(evidenceStatus(1, 1));
    expect(fetched()).toEqual(['mem-2']);
  });
});

/** Starts a private redis-server with `maxmemory`; stopped after the test. */
async function ownRedis(maxmemory: string): Promise<Redis> {
  const own = await startOwnRedis({
    args: ['--maxmemory', maxmemory, '--maxmemory-policy', 'noeviction'],
  });
  const client = connect(own.url);
  cleanups.push(async () => {
    client.disconnect();
    await own.stop();
  });
  return client;
}
