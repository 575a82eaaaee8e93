import { afterAll, describe, expect, it } from 'vitest';
import {
  eventContext,
  RedisConversationStore,
  sessionContext,
  type RedisStoreOptions,
} from '../../../src/infra/redis/conversation-store.ts';
import { StateSeal } from '../../../src/bot/state-seal.ts';
import { UNREADABLE } from '../../../src/bot/store.ts';
import { everythingUnder, keysUnder, TestRedis, useTestRedis } from '../../support/redis.ts';
import { sealedAsBefore } from '../../support/sealed-as-before.ts';
import { collect, conversationStoreContract } from '../../support/store-contract.ts';

const WEEK = 7 * 86_400;

// One TestRedis (own prefix) per contract test; all are cleaned up after the suite.
describe('RedisConversationStore', () => {
  const opened: TestRedis[] = [];
  conversationStoreContract('Redis', (limits) => {
    const redis = new TestRedis();
    opened.push(redis);
    return new RedisConversationStore(redis.client, {
      prefix: redis.prefix,
      sessionTtlSeconds: WEEK,
      seal: StateSeal.fromKeyring(StateSeal.generateKey()),
      ...limits,
    });
  });
  afterAll(async () => {
    await Promise.all(opened.splice(0).map((r) => r.cleanup()));
  });
});

describe('RedisConversationStore on a real Redis', () => {
  const redis = useTestRedis();
  const seal = StateSeal.fromKeyring(StateSeal.generateKey());
  const make = (options: Partial<RedisStoreOptions> = {}, connection = redis.client) =>
    new RedisConversationStore(connection, {
      prefix: redis.prefix,
      sessionTtlSeconds: WEEK,
      rateLimit: 30,
      rateWindowMs: 60_000,
      seal,
      ...options,
    });

  it('keeps every key of a conversation under the prefix and one hash tag', async () => {
    const store = make();
    const begun = await store.begin('matrix:@anna:example.org', 'e1', '{}');
    if (begun.kind !== 'go') throw new Error(begun.kind);
    await store.commit('matrix:@anna:example.org', begun.token, '{"s":1}');
    const keys = await keysUnder(redis.client, redis.prefix);
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys)
      expect(key.startsWith(`${redis.prefix}:conv:{matrix:@anna:example.org}:`)).toBe(true);
    expect(keys).toContain(store.keys('matrix:@anna:example.org').session);
  });

  it('reads the session as stored, whichever process wrote it last (what it saved is only a hint)', async () => {
    // Two stores on one prefix, as two bot processes: each remembers what it saved, and must
    // still see what the other saved after it, and what anything else changed or deleted.
    const [one, two] = [make(), make()];
    const key = 'console:two-processes';
    const turn = async (store: RedisConversationStore, id: string, session: string) => {
      const begun = await store.begin(key, id, '{}');
      if (begun.kind !== 'go') throw new Error(begun.kind);
      await store.commit(key, begun.token, session);
      return begun.session;
    };
    expect(await turn(one, 'e1', '{"s":1}')).toBeNull();
    expect(await turn(two, 'e2', '{"s":2}')).toBe('{"s":1}');
    expect(await turn(one, 'e3', '{"s":3}')).toBe('{"s":2}');
    expect(await turn(one, 'e4', '{"s":4}')).toBe('{"s":3}');
    // The same text sealed again by the other process: other bytes, opened as they are.
    expect(await turn(two, 'e5', '{"s":4}')).toBe('{"s":4}');
    expect(await turn(one, 'e6', '{"s":6}')).toBe('{"s":4}');
    // Deleted meanwhile (an erase from the staff side, an expiry): none, not the remembered one.
    await redis.client.del(one.keys(key).session);
    expect(await turn(one, 'e7', '{"s":7}')).toBeNull();
    // Changed meanwhile by something else (here: damaged): unreadable, not the remembered one.
    await redis.client.set(one.keys(key).session, Buffer.from([0xa5, 1, 2, 3]));
    expect(await turn(one, 'e8', '{"s":8}')).toBe(UNREADABLE);
  });

  it('gives the session the draft TTL on every commit (sessionTtlSeconds)', async () => {
    const store = make({ sessionTtlSeconds: 3 * 86_400 });
    const key = 'console:ttl';
    const begun = await store.begin(key, 'e1', '{}');
    if (begun.kind !== 'go') throw new Error(begun.kind);
    await store.commit(key, begun.token, '{"s":1}');
    const ttl = await redis.client.ttl(store.keys(key).session);
    expect(ttl).toBeGreaterThan(3 * 86_400 - 5);
    expect(ttl).toBeLessThanOrEqual(3 * 86_400);
    // Commit sets it afresh: an expiry counts from the last message.
    await redis.client.expire(store.keys(key).session, 100);
    const again = await store.begin(key, 'e2', '{}');
    if (again.kind !== 'go') throw new Error(again.kind);
    await store.commit(key, again.token, '{"s":2}');
    expect(await redis.client.ttl(store.keys(key).session)).toBeGreaterThan(3 * 86_400 - 5);
  });

  it('bounds the lock, the de-duplication memory and the inbox in time', async () => {
    const store = make({ lockTtlMs: 5_000, seenTtlSeconds: 600 });
    const key = 'console:bounds';
    await store.begin(key, 'e1', '{}');
    await store.begin(key, 'e2', '{}');
    const k = store.keys(key);
    const lockTtl = await redis.client.pttl(k.lock);
    expect(lockTtl).toBeGreaterThan(0);
    expect(lockTtl).toBeLessThanOrEqual(5_000);
    const seenTtl = await redis.client.ttl(k.seen('e1'));
    expect(seenTtl).toBeGreaterThan(590);
    expect(seenTtl).toBeLessThanOrEqual(600);
    expect(await redis.client.ttl(k.inbox)).toBeGreaterThan(0);
    expect(await redis.client.pttl(k.rate)).toBeGreaterThan(0);
  });

  it('de-duplicates across two connections (two bot processes)', async () => {
    const one = make();
    const two = make({}, redis.connection());
    const key = 'telegram:7';
    expect((await one.begin(key, 'tg:1', '{"a":1}')).kind).toBe('go');
    expect(await two.begin(key, 'tg:1', '{"a":1}')).toEqual({ kind: 'duplicate' });
    expect(await two.begin(key, 'tg:2', '{"a":2}')).toEqual({ kind: 'busy' });
    const inbox = await redis.client.lrangeBuffer(one.keys(key).inbox, 0, -1);
    expect(inbox.map((item) => seal.open(item, eventContext(key)))).toEqual(['{"a":1}', '{"a":2}']);
  });

  it('takes an expired lock over: the old holder`s commit is lost and saves nothing', async () => {
    const crashed = make({ lockTtlMs: 150 });
    const key = 'console:lost';
    const old = await crashed.begin(key, 'e1', '"e1"');
    if (old.kind !== 'go') throw new Error(old.kind);
    await new Promise((r) => setTimeout(r, 250));
    expect(await redis.client.exists(crashed.keys(key).lock)).toBe(0);
    const other = make({}, redis.connection());
    const taken = await other.begin(key);
    expect(taken).toMatchObject({ kind: 'go', event: '"e1"' });
    expect(await crashed.commit(key, old.token, '"stale"')).toEqual({ kind: 'lost' });
    expect(await redis.client.get(crashed.keys(key).session)).toBeNull();
    expect(await redis.client.llen(crashed.keys(key).inbox)).toBe(1);
  });

  it('erases the session key when committed as null', async () => {
    const store = make();
    const key = 'console:erase';
    const one = await store.begin(key, 'e1', '{}');
    if (one.kind !== 'go') throw new Error(one.kind);
    await store.commit(key, one.token, '{"s":1}');
    expect(await redis.client.exists(store.keys(key).session)).toBe(1);
    const two = await store.begin(key, 'e2', '{}');
    if (two.kind !== 'go') throw new Error(two.kind);
    await store.commit(key, two.token, null);
    expect(await redis.client.exists(store.keys(key).session)).toBe(0);
  });

  it('finds stranded inboxes under its own prefix only', async () => {
    const mine = make();
    const theirs = new RedisConversationStore(redis.client, {
      prefix: `${redis.prefix}x`,
      sessionTtlSeconds: WEEK,
      rateLimit: 30,
      rateWindowMs: 60_000,
      seal,
    });
    await mine.begin('console:stranded', 'e1', '{}');
    await mine.begin('matrix:@x:y.z', 'e1', '{}');
    await theirs.begin('console:other', 'e1', '{}');
    expect((await collect(mine.waiting())).sort()).toEqual(['console:stranded', 'matrix:@x:y.z']);
    expect(await collect(theirs.waiting())).toEqual(['console:other']);
  });

  it('finds every stranded inbox when there are more than one SCAN page', async () => {
    const store = make();
    const keys = Array.from({ length: 450 }, (_, i) => `telegram:${i}`);
    await Promise.all(keys.map((k) => store.begin(k, 'e1', '{}')));
    const found = await collect(store.waiting());
    expect(new Set(found).size).toBe(450);
    expect(new Set(found)).toEqual(new Set(keys));
  });
});

describe('RedisConversationStore keeps sessions and inbox events sealed', () => {
  const redis = useTestRedis('sealed');
  const KEY = 'telegram:4711';
  const DRAFT = '{"description":"SECRET-DESCRIPTION","phone":"+49 170 5550101"}';
  const EVENT = '{"input":{"kind":"text","text":"SECRET-EVENT mail@example.org"}}';
  const make = (ring: string) =>
    new RedisConversationStore(redis.client, {
      prefix: redis.prefix,
      sessionTtlSeconds: WEEK,
      rateLimit: 30,
      rateWindowMs: 60_000,
      seal: StateSeal.fromKeyring(ring),
    });

  it('writes no answer readable to Redis: every value under the prefix is scanned', async () => {
    const store = make(StateSeal.generateKey());
    const begun = await store.begin(KEY, 'e1', EVENT);
    if (begun.kind !== 'go') throw new Error(begun.kind);
    expect(begun.event).toBe(EVENT);
    // A second event waits in the inbox while the first is worked on.
    expect((await store.begin(KEY, 'e2', EVENT.replace('EVENT', 'LATER'))).kind).toBe('busy');
    expect(await store.commit(KEY, begun.token, DRAFT)).toEqual({
      kind: 'next',
      event: EVENT.replace('EVENT', 'LATER'),
    });
    // The next one is saved with its replies, which wait in the outbox (a worker died now).
    const replies = JSON.stringify({ messages: [{ text: 'Ihre Angaben: SECRET 5550101' }] });
    expect(await store.commit(KEY, begun.token, DRAFT, replies)).toEqual({ kind: 'saved' });
    const stored = await everythingUnder(redis.client, redis.prefix);
    for (const secret of ['SECRET', '5550101', 'mail@example.org', 'description'])
      expect(stored, secret).not.toContain(secret);
    // Sealed, as bytes: the binary format's tag byte first.
    expect((await redis.client.getBuffer(store.keys(KEY).session))?.[0]).toBe(0xa5);
    expect((await redis.client.getBuffer(store.keys(KEY).outbox))?.[0]).toBe(0xa5);
    await redis.client.del(store.keys(KEY).lock);
    expect(await store.begin(KEY)).toMatchObject({ kind: 'go', outbox: replies });
  });

  it('hands over UNREADABLE for a session sealed with a key not in the ring or for another conversation', async () => {
    const old = StateSeal.generateKey();
    const store = make(old);
    const first = await store.begin(KEY, 'e1', EVENT);
    if (first.kind !== 'go') throw new Error(first.kind);
    await store.commit(KEY, first.token, DRAFT);

    // Rotation: new,old reads the old session and seals the next one with the new key.
    const fresh = StateSeal.generateKey();
    const rotated = make(`${fresh},${old}`);
    const second = await rotated.begin(KEY, 'e2', EVENT);
    expect(second).toMatchObject({ kind: 'go', session: DRAFT, event: EVENT });
    if (second.kind !== 'go') throw new Error(second.kind);
    await rotated.commit(KEY, second.token, DRAFT);
    const third = await make(old).begin(KEY, 'e3', EVENT);
    expect(third).toMatchObject({ kind: 'go', session: UNREADABLE });

    // A sealed session copied to someone else's conversation does not open there.
    const other = 'telegram:666';
    const own = make(fresh);
    await redis.client.set(
      own.keys(other).session,
      (await redis.client.getBuffer(own.keys(KEY).session)) ?? '',
    );
    const moved = await own.begin(other, 'e1', EVENT);
    expect(moved).toMatchObject({ kind: 'go', session: UNREADABLE, event: EVENT });
  });

  it('reads a session and an event an earlier version sealed as text, and writes the session back as bytes', async () => {
    const key = StateSeal.generateKey();
    const store = make(key);
    const k = store.keys(KEY);
    await redis.client.set(k.session, sealedAsBefore(key, DRAFT, sessionContext(KEY)), 'EX', 600);
    await redis.client.rpush(k.inbox, sealedAsBefore(key, EVENT, eventContext(KEY)));
    const begun = await store.begin(KEY);
    expect(begun).toMatchObject({ kind: 'go', event: EVENT, session: DRAFT });
    if (begun.kind !== 'go') throw new Error(begun.kind);
    const next = DRAFT.replace('SECRET', 'NEXT');
    expect(await store.commit(KEY, begun.token, next)).toEqual({ kind: 'done' });
    // Binary now: the plain text and 35 bytes, a third smaller than the text format.
    const stored = await redis.client.getBuffer(k.session);
    expect(stored?.[0]).toBe(0xa5);
    expect(stored?.byteLength).toBe(Buffer.byteLength(next) + 35);
    expect(stored?.toString('latin1')).not.toContain('NEXT');
    const again = await store.begin(KEY, 'e2', EVENT);
    expect(again).toMatchObject({ kind: 'go', session: next, event: EVENT });
  });

  it('does not take a plain session or event written behind its back', async () => {
    const store = make(StateSeal.generateKey());
    await redis.client.set(store.keys(KEY).session, DRAFT);
    await redis.client.rpush(store.keys(KEY).inbox, EVENT);
    expect(await store.begin(KEY)).toMatchObject({
      kind: 'go',
      event: UNREADABLE,
      session: UNREADABLE,
    });
  });

  it('seals what an older version left plain, keeping each expiry, and then reads it', async () => {
    const store = make(StateSeal.generateKey());
    const k = store.keys(KEY);
    await redis.client.set(k.session, DRAFT, 'EX', 3_600);
    await redis.client.rpush(k.inbox, EVENT, EVENT.replace('EVENT', 'LATER'));
    await redis.client.expire(k.inbox, 600);
    expect(await store.sealPlain()).toEqual({ sessions: 1, events: 2 });
    expect(await store.sealPlain()).toEqual({ sessions: 0, events: 0 });
    expect(await redis.client.ttl(k.session)).toBeGreaterThan(3_500);
    expect(await redis.client.ttl(k.inbox)).toBeGreaterThan(500);
    const stored = await everythingUnder(redis.client, redis.prefix);
    expect(stored).not.toContain('SECRET');
    expect(await store.begin(KEY)).toMatchObject({ kind: 'go', event: EVENT, session: DRAFT });
  });
});
