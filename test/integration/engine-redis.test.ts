/**
 * The engine on the real Redis: strict order and exactly-once across two bot processes (two Engine
 * instances on two connections), and the sweeper picking up after a worker that crashed mid-event.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/bot/engine.ts';
import { Translator } from '../../src/bot/i18n.ts';
import {
  RedisConversationStore,
  sessionContext,
} from '../../src/infra/redis/conversation-store.ts';
import { loadSession, type Loaded } from '../../src/bot/session.ts';
import { StateSeal } from '../../src/bot/state-seal.ts';
import type {
  BeginOptions,
  BeginResult,
  ChargeResult,
  CommitResult,
  ConversationStore,
} from '../../src/bot/store.ts';
import type { InboundEvent, Outbound } from '../../src/bot/types.ts';
import { text } from '../../src/flows/types.ts';
import { echo, frame, registryWith, sessionAt } from '../support/flows.ts';
import { useTestRedis } from '../support/redis.ts';

/** The session key every "process" of this file shares, as one installation's processes do. */
const seal = StateSeal.fromKeyring(StateSeal.generateKey());

/** The stored session of a conversation, opened as the store would. */
async function readSession(client: Redis, redisKey: string, key: string): Promise<Loaded> {
  const raw = await client.getBuffer(redisKey);
  return loadSession(raw === null ? null : (seal.open(raw, sessionContext(key)) ?? null));
}

/** Stores a session the way the store does: sealed. */
async function writeSession(client: Redis, redisKey: string, key: string, session: object) {
  await client.set(redisKey, seal.seal(JSON.stringify(session), sessionContext(key)));
}

const i18n = Translator.create();
const NOW = new Date('2026-03-14T10:00:00.000Z');
const USER = 'anna';
const KEY = `console:${USER}`;

/** A text step that appends each answer to the session and asks again. */
const logFlow = echo('log');

/**
 * Wraps a store: reports when an event has been queued (its begin returned) and holds each commit
 * back a little, so that the other process really has to wait for the lock.
 */
class ObservedStore implements ConversationStore {
  readonly #inner: ConversationStore;
  readonly #queued = new Map<string, () => void>();
  readonly begins: BeginResult['kind'][] = [];

  constructor(inner: ConversationStore) {
    this.#inner = inner;
  }

  /** Resolves once the event with this id has gone through begin (queued, or refused). */
  queued(eventId: string): Promise<void> {
    return new Promise((resolve) => this.#queued.set(eventId, resolve));
  }

  async begin(
    key: string,
    eventId?: string,
    event?: string,
    options?: BeginOptions,
  ): Promise<BeginResult> {
    const result = await this.#inner.begin(key, eventId, event, options);
    if (event !== undefined) this.begins.push(result.kind);
    if (eventId !== undefined) this.#queued.get(eventId.replace(/^console:/, ''))?.();
    return result;
  }

  async commit(
    key: string,
    token: string,
    session: string | null,
    outbox?: string,
  ): Promise<CommitResult> {
    await sleep(Math.random() * 6);
    return this.#inner.commit(key, token, session, outbox);
  }

  settle(key: string, token: string): ReturnType<ConversationStore['settle']> {
    return this.#inner.settle(key, token);
  }

  keep(key: string, token: string, outbox: string): ReturnType<ConversationStore['keep']> {
    return this.#inner.keep(key, token, outbox);
  }

  charge(key: string): Promise<ChargeResult> {
    return this.#inner.charge(key);
  }

  waiting(): AsyncIterable<string> {
    return this.#inner.waiting();
  }
}

const silent = pino({ level: 'silent' });

let seq = 0;
const say = (value: string): InboundEvent => ({
  platform: 'console',
  userId: USER,
  chatId: USER,
  eventId: `${value}-${++seq}`,
  input: { kind: 'text', text: value },
});

describe('two bot processes on one Redis', () => {
  const redis = useTestRedis('order');

  /** A "process": its own connection, store and engine; deliveries go to the shared list. */
  function processOf(delivered: string[], name = '', connection = redis.connection()) {
    const store = new ObservedStore(
      new RedisConversationStore(connection, {
        prefix: redis.prefix,
        sessionTtlSeconds: 3_600,
        rateLimit: 1_000,
        rateWindowMs: 60_000,
        seal,
      }),
    );
    const outbound: Outbound = {
      deliver: (event: InboundEvent) => {
        delivered.push(`${name}${event.input.kind === 'text' ? event.input.text : '?'}`);
        return Promise.resolve();
      },
    };
    const engine = new Engine({
      store,
      flows: registryWith(logFlow),
      i18n,
      outbound,
      logger: silent,
      defaultLanguage: 'de',
      clock: () => NOW,
      busyWaitMs: 20_000,
    });
    return { store, engine };
  }

  async function storedSeen(): Promise<string[]> {
    const loaded = await readSession(redis.client, `${redis.prefix}:conv:{${KEY}}:session`, KEY);
    if (loaded.kind !== 'ok') throw new Error(`no session: ${loaded.kind}`);
    return (loaded.session.data['log'] as { seen: string[] }).seen;
  }

  async function prepare(): Promise<void> {
    await writeSession(
      redis.client,
      `${redis.prefix}:conv:{${KEY}}:session`,
      KEY,
      sessionAt([frame('log', 'listen')]),
    );
  }

  it('handles interleaved events in the order they were queued, each exactly once', async () => {
    await prepare();
    const delivered: string[] = [];
    const processes = [processOf(delivered, 'A:'), processOf(delivered, 'B:')];
    const events = Array.from({ length: 40 }, (_, i) => say(`m${String(i).padStart(2, '0')}`));
    const handled: Promise<void>[] = [];
    // Alternate between the processes; each event is queued before the next one arrives, while
    // earlier ones are still being worked on. Now and then all settles, so the lock changes hands.
    for (const [i, event] of events.entries()) {
      const process = processes[i % 2]!;
      const queued = process.store.queued(event.eventId);
      handled.push(process.engine.handle(event));
      await queued;
      if (i % 8 === 4) await Promise.all(handled);
    }
    await Promise.all(handled);
    const texts = events.map((e) => (e.input.kind === 'text' ? e.input.text : ''));
    expect(await storedSeen()).toEqual(texts);
    expect(delivered.map((d) => d.slice(2))).toEqual(texts);
    // Both processes worked the conversation, and events did wait for the lock.
    expect(delivered.some((d) => d.startsWith('A:'))).toBe(true);
    expect(delivered.some((d) => d.startsWith('B:'))).toBe(true);
    for (const p of processes) expect(p.store.begins).toContain('busy');
    expect(await redis.client.llen(`${redis.prefix}:conv:{${KEY}}:inbox`)).toBe(0);
    expect(await redis.client.exists(`${redis.prefix}:conv:{${KEY}}:lock`)).toBe(0);
  });

  it('keeps each process`s own order when everything arrives at once', async () => {
    await prepare();
    const delivered: string[] = [];
    const [a, b] = [processOf(delivered), processOf(delivered)];
    const forA = Array.from({ length: 20 }, (_, i) => say(`a${String(i).padStart(2, '0')}`));
    const forB = Array.from({ length: 20 }, (_, i) => say(`b${String(i).padStart(2, '0')}`));
    await Promise.all([
      ...forA.map((e) => a.engine.handle(e)),
      ...forB.map((e) => b.engine.handle(e)),
    ]);
    const seen = await storedSeen();
    // Exactly once each; the order of one connection's events is kept.
    expect([...seen].sort()).toEqual(
      [...forA, ...forB].map((e) => (e.input.kind === 'text' ? e.input.text : '')).sort(),
    );
    expect(seen.filter((t) => t.startsWith('a'))).toEqual(
      forA.map((e) => (e.input.kind === 'text' ? e.input.text : '')),
    );
    expect(seen.filter((t) => t.startsWith('b'))).toEqual(
      forB.map((e) => (e.input.kind === 'text' ? e.input.text : '')),
    );
    // Replies went out in the order the answers were stored.
    expect(delivered).toEqual(seen);
  });
});

describe('the sweeper after a crash', () => {
  const redis = useTestRedis('sweep');

  it('handles an event a crashed worker left locked in the inbox once the lock expires', async () => {
    const options = {
      prefix: redis.prefix,
      sessionTtlSeconds: 3_600,
      rateLimit: 100,
      rateWindowMs: 60_000,
      lockTtlMs: 400,
      seal,
    };
    // The crashed worker: took the lock and the event, never committed.
    const crashed = new RedisConversationStore(redis.connection(), options);
    const event: InboundEvent = {
      platform: 'console',
      userId: USER,
      chatId: USER,
      eventId: 'stranded-1',
      input: { kind: 'choice', id: 'emergency' },
    };
    await writeSession(
      redis.client,
      crashed.keys(KEY).session,
      KEY,
      sessionAt([frame('menu', 'main')]),
    );
    const taken = await crashed.begin(KEY, 'console:stranded-1', JSON.stringify(event));
    expect(taken.kind).toBe('go');

    const delivered: { event: InboundEvent; text: string }[] = [];
    const engine = (busyWaitMs: number) =>
      new Engine({
        store: new RedisConversationStore(redis.connection(), options),
        flows: registryWith(),
        i18n,
        outbound: {
          deliver: (e, messages) => {
            delivered.push({ event: e, text: messages.map((m) => m.text).join('\n') });
            return Promise.resolve();
          },
        },
        logger: silent,
        defaultLanguage: 'de',
        clock: () => NOW,
        busyWaitMs,
      });

    // While the lock lives, the sweeper leaves the conversation alone.
    expect(await engine(50).sweep()).toBe(1);
    expect(delivered).toEqual([]);
    // After the lock's TTL the sweeper takes over and the event is handled, once.
    await sleep(450);
    const start = Date.now();
    expect(await engine(5_000).sweep()).toBe(1);
    expect(Date.now() - start).toBeLessThan(2_000);
    expect(delivered).toHaveLength(1);
    expect(delivered[0]!.event.eventId).toBe('stranded-1');
    expect(delivered[0]!.text).toBe(i18n.t('de', text('common:emergency.text')));
    const loaded = await readSession(redis.client, crashed.keys(KEY).session, KEY);
    expect(loaded.kind === 'ok' && loaded.session.stack).toEqual([
      frame('menu', 'emergency', ['main']),
    ]);
    expect(await redis.client.llen(crashed.keys(KEY).inbox)).toBe(0);
    expect(await engine(50).sweep()).toBe(0);
    // The crashed worker's late commit is refused.
    if (taken.kind === 'go')
      expect(await crashed.commit(KEY, taken.token, '{"late":true}')).toEqual({ kind: 'lost' });
    expect((await readSession(redis.client, crashed.keys(KEY).session, KEY)).kind).toBe('ok');
  });
});
