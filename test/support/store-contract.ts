/**
 * The contract of a ConversationStore (src/bot/store.ts), run against every implementation: the
 * Redis store in test/infra/redis/conversation-store.test.ts and the in-memory one the engine tests use in
 * test/bot/store.test.ts. Timing rules are checked with short real waits.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { ConversationStore } from '../../src/bot/store.ts';

/** Limits every store under contract is built with. */
export interface ContractLimits {
  readonly rateLimit: number;
  readonly rateWindowMs: number;
  readonly lockTtlMs: number;
}

export const CONTRACT_LIMITS: ContractLimits = { rateLimit: 5, rateWindowMs: 400, lockTtlMs: 250 };

/** Makes a fresh, empty store with the limits; called once per test (inside the test). */
export type StoreFactory = (limits: ContractLimits) => ConversationStore;

/** Collects an async iterable. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

const ev = (n: number): string => JSON.stringify({ n });

export function conversationStoreContract(name: string, make: StoreFactory): void {
  describe(`ConversationStore contract: ${name}`, () => {
    const store = () => make(CONTRACT_LIMITS);

    it('queues an event, takes the lock and hands out the head with no session yet', async () => {
      const s = store();
      const begun = await s.begin('console:a', 'e1', ev(1));
      expect(begun).toMatchObject({ kind: 'go', event: ev(1), session: null });
      if (begun.kind !== 'go') return;
      expect(begun.token).toMatch(/^\S{8,}$/);
      expect(await s.commit('console:a', begun.token, '{"s":1}')).toEqual({ kind: 'done' });
      const again = await s.begin('console:a', 'e2', ev(2));
      expect(again).toMatchObject({ kind: 'go', event: ev(2), session: '{"s":1}' });
    });

    it('keeps the inbox in arrival order while the lock is held and passes the lock on', async () => {
      const s = store();
      const first = await s.begin('console:a', 'e1', ev(1));
      if (first.kind !== 'go') throw new Error(first.kind);
      for (const n of [2, 3, 4])
        expect(await s.begin('console:a', `e${n}`, ev(n))).toEqual({ kind: 'busy' });
      const seen: string[] = [first.event];
      let result = await s.commit('console:a', first.token, '{"after":1}');
      while (result.kind === 'next') {
        seen.push(result.event);
        result = await s.commit('console:a', first.token, `{"after":${seen.length}}`);
      }
      expect(result).toEqual({ kind: 'done' });
      expect(seen).toEqual([ev(1), ev(2), ev(3), ev(4)]);
      // Released: nothing waits, and the lock can be had again.
      expect(await s.begin('console:a')).toEqual({ kind: 'empty' });
      expect(await s.begin('console:a', 'e5', ev(5))).toMatchObject({
        kind: 'go',
        session: '{"after":4}',
      });
    });

    it('answers busy to a bare begin while locked and empty when nothing waits', async () => {
      const s = store();
      expect(await s.begin('console:a')).toEqual({ kind: 'empty' });
      const begun = await s.begin('console:a', 'e1', ev(1));
      if (begun.kind !== 'go') throw new Error(begun.kind);
      expect(await s.begin('console:a')).toEqual({ kind: 'busy' });
      await s.commit('console:a', begun.token, null);
      expect(await s.begin('console:a')).toEqual({ kind: 'empty' });
    });

    it('ignores a second delivery of an event id, also after it was handled', async () => {
      const s = store();
      const begun = await s.begin('console:a', 'same', ev(1));
      if (begun.kind !== 'go') throw new Error(begun.kind);
      expect(await s.begin('console:a', 'same', ev(1))).toEqual({ kind: 'duplicate' });
      expect(await s.commit('console:a', begun.token, '{}')).toEqual({ kind: 'done' });
      expect(await s.begin('console:a', 'same', ev(1))).toEqual({ kind: 'duplicate' });
      expect(await s.begin('console:a')).toEqual({ kind: 'empty' });
      // The same id in another conversation is another event.
      expect(await s.begin('console:b', 'same', ev(1))).toMatchObject({ kind: 'go' });
    });

    it('rate-limits per conversation and window, notifying once', async () => {
      const s = store();
      const { rateLimit, rateWindowMs } = CONTRACT_LIMITS;
      const kinds: string[] = [];
      for (let n = 1; n <= rateLimit; n++)
        kinds.push((await s.begin('console:a', `e${n}`, ev(n))).kind);
      expect(kinds).toEqual(['go', ...Array<string>(rateLimit - 1).fill('busy')]);
      expect(await s.begin('console:a', 'x1', ev(101))).toEqual({
        kind: 'rate-limited',
        notify: true,
        session: null,
      });
      expect(await s.begin('console:a', 'x2', ev(102))).toEqual({
        kind: 'rate-limited',
        notify: false,
        session: null,
      });
      expect(await s.begin('console:a', 'x3', ev(103))).toEqual({
        kind: 'rate-limited',
        notify: false,
        session: null,
      });
      // Another person is not affected.
      expect(await s.begin('console:b', 'e1', ev(1))).toMatchObject({ kind: 'go' });
      await sleep(Math.max(rateWindowMs, CONTRACT_LIMITS.lockTtlMs) + 100);
      // A new window: accepted again. Refused events were never queued.
      const later = await s.begin('console:a', 'y1', ev(201));
      if (later.kind !== 'go') throw new Error(later.kind);
      const queued = [later.event];
      for (let r = await s.commit('console:a', later.token, '{}'); r.kind === 'next';) {
        queued.push(r.event);
        r = await s.commit('console:a', later.token, '{}');
      }
      expect(queued).toEqual([ev(1), ev(2), ev(3), ev(4), ev(5), ev(201)]);
    });

    it('tells a flood once across windows, again after a quiet window; refused events leave no mark', async () => {
      const s = store();
      const { rateWindowMs } = CONTRACT_LIMITS;
      let n = 0;
      /** Messages as fast as they go for `ms`: how often the person was told, the first refused id. */
      const flood = async (ms: number) => {
        let told = 0;
        let refused: string | undefined;
        for (const end = Date.now() + ms; Date.now() < end;) {
          const id = `f${String(++n)}`;
          const begun = await s.begin('console:f', id, ev(n));
          if (begun.kind === 'rate-limited') {
            refused ??= id;
            if (begun.notify) told++;
          }
          await sleep(5);
        }
        return { told, refused };
      };
      // Two and a half windows of flood: each window lets its share through, one notice in all.
      const first = await flood(rateWindowMs * 2.5);
      expect(first.told).toBe(1);
      // A refused event was not remembered: delivered again later, it is taken, not a duplicate.
      await sleep(rateWindowMs + 100);
      expect(await s.begin('console:f', first.refused, ev(0))).not.toEqual({ kind: 'duplicate' });
      // After a quiet window, a new flood is told again, once.
      expect((await flood(rateWindowMs)).told).toBe(1);
    });

    it('counts files by charge before anything is fetched, and not again when they arrive', async () => {
      const s = store();
      const { rateLimit } = CONTRACT_LIMITS;
      const first = await s.begin('console:a', 'e1', ev(1));
      if (first.kind !== 'go') throw new Error(first.kind);
      expect(await s.commit('console:a', first.token, '{"s":1}')).toEqual({ kind: 'done' });
      // The rest of the window goes to files; each charge sees the stored session.
      for (let n = 2; n <= rateLimit; n++)
        expect(await s.charge('console:a')).toEqual({ kind: 'ok', session: '{"s":1}', queued: [] });
      expect(await s.charge('console:a')).toEqual({
        kind: 'rate-limited',
        notify: true,
        session: '{"s":1}',
      });
      expect(await s.charge('console:a')).toEqual({
        kind: 'rate-limited',
        notify: false,
        session: null,
      });
      // A file charged before is queued without being counted twice; anything else is refused.
      expect(await s.begin('console:a', 'f1', ev(2), { counted: true })).toMatchObject({
        kind: 'go',
        event: ev(2),
      });
      expect(await s.begin('console:a', 'e3', ev(3))).toMatchObject({ kind: 'rate-limited' });
      // Another person is not affected.
      expect(await s.charge('console:b')).toEqual({ kind: 'ok', session: null, queued: [] });
    });

    it('hands out the events still queued with the session on charge, oldest first', async () => {
      const s = store();
      const first = await s.begin('console:a', 'e1', ev(1));
      if (first.kind !== 'go') throw new Error(first.kind);
      expect(await s.begin('console:a', 'e2', ev(2))).toEqual({ kind: 'busy' });
      expect(await s.charge('console:a')).toEqual({
        kind: 'ok',
        session: null,
        queued: [ev(1), ev(2)],
      });
      // The head handled: the session and the rest of the queue move on together.
      expect(await s.commit('console:a', first.token, '{"s":1}')).toMatchObject({ kind: 'next' });
      expect(await s.charge('console:a')).toEqual({
        kind: 'ok',
        session: '{"s":1}',
        queued: [ev(2)],
      });
    });

    it('saves the session on commit and erases it when committed as null', async () => {
      const s = store();
      const one = await s.begin('console:a', 'e1', ev(1));
      if (one.kind !== 'go') throw new Error(one.kind);
      await s.commit('console:a', one.token, '{"v":1}');
      const two = await s.begin('console:a', 'e2', ev(2));
      if (two.kind !== 'go') throw new Error(two.kind);
      expect(two.session).toBe('{"v":1}');
      await s.commit('console:a', two.token, null);
      expect(await s.begin('console:a', 'e3', ev(3))).toMatchObject({ kind: 'go', session: null });
    });

    it('refuses a commit after the lock expired: nothing saved, the event stays queued', async () => {
      const s = store();
      const begun = await s.begin('console:a', 'e1', ev(1));
      if (begun.kind !== 'go') throw new Error(begun.kind);
      await sleep(CONTRACT_LIMITS.lockTtlMs + 100);
      expect(await s.commit('console:a', begun.token, '{"lost":true}')).toEqual({ kind: 'lost' });
      const again = await s.begin('console:a');
      expect(again).toMatchObject({ kind: 'go', event: ev(1), session: null });
    });

    it('refuses a commit with a token that is not the current holder`s', async () => {
      const s = store();
      const old = await s.begin('console:a', 'e1', ev(1));
      if (old.kind !== 'go') throw new Error(old.kind);
      await sleep(CONTRACT_LIMITS.lockTtlMs + 100);
      const taken = await s.begin('console:a');
      if (taken.kind !== 'go') throw new Error(taken.kind);
      expect(taken.token).not.toBe(old.token);
      expect(await s.commit('console:a', old.token, '{"old":1}')).toEqual({ kind: 'lost' });
      expect(await s.commit('console:a', 'forged', '{"forged":1}')).toEqual({ kind: 'lost' });
      expect(await s.commit('console:a', taken.token, '{"new":1}')).toEqual({ kind: 'done' });
      expect(await s.begin('console:a', 'e2', ev(2))).toMatchObject({ session: '{"new":1}' });
    });

    it('keeps conversations apart: one lock does not block another person', async () => {
      const s = store();
      const a = await s.begin('console:a', 'e1', ev(1));
      const b = await s.begin('matrix:@b:example.org', 'e1', ev(2));
      expect(a).toMatchObject({ kind: 'go', event: ev(1) });
      expect(b).toMatchObject({ kind: 'go', event: ev(2) });
    });

    it('keeps saved replies with the lock until settled, and hands them out after a crash', async () => {
      const s = store();
      const begun = await s.begin('console:a', 'e1', ev(1));
      await s.begin('console:a', 'e2', ev(2));
      if (begun.kind !== 'go') throw new Error(begun.kind);
      expect(await s.commit('console:a', begun.token, '{"s":1}', '["reply 1"]')).toEqual({
        kind: 'saved',
      });
      // Still locked while the replies are sent; the sweeper sees the conversation.
      expect(await s.begin('console:a')).toEqual({ kind: 'busy' });
      expect(await collect(s.waiting())).toEqual(['console:a']);
      // The worker dies: once the lock expired, the next one gets the replies first.
      await sleep(CONTRACT_LIMITS.lockTtlMs + 50);
      const next = await s.begin('console:a');
      expect(next).toMatchObject({ kind: 'go', outbox: '["reply 1"]', session: '{"s":1}' });
      if (next.kind !== 'go') throw new Error(next.kind);
      expect(await s.settle('console:a', begun.token)).toEqual({ kind: 'lost' });
      expect(await s.settle('console:a', next.token)).toEqual({ kind: 'next', event: ev(2) });
      expect(await s.commit('console:a', next.token, '{"s":2}')).toEqual({ kind: 'done' });
      expect(await collect(s.waiting())).toEqual([]);
      const last = await s.begin('console:a', 'e3', ev(3));
      expect(last).toMatchObject({ kind: 'go', event: ev(3) });
      expect(last).not.toHaveProperty('outbox');
    });

    it('keeps undelivered replies without the lock, ahead of everything queued after them', async () => {
      const s = store();
      const begun = await s.begin('console:a', 'e1', ev(1));
      if (begun.kind !== 'go') throw new Error(begun.kind);
      expect(await s.commit('console:a', begun.token, '{"s":1}', '["reply 1"]')).toEqual({
        kind: 'saved',
      });
      expect(await s.keep('console:a', 'forged', '["x"]')).toEqual({ kind: 'lost' });
      expect(await s.keep('console:a', begun.token, '["reply 1","tries 1"]')).toEqual({
        kind: 'kept',
      });
      // The lock is free at once, and the kept replies come first, before a newer event.
      expect(await s.keep('console:a', begun.token, '["again"]')).toEqual({ kind: 'lost' });
      const next = await s.begin('console:a', 'e2', ev(2));
      expect(next).toMatchObject({
        kind: 'go',
        outbox: '["reply 1","tries 1"]',
        event: ev(2),
        session: '{"s":1}',
      });
      if (next.kind !== 'go') throw new Error(next.kind);
      expect(await s.keep('console:a', next.token, '["reply 1","tries 2"]')).toEqual({
        kind: 'kept',
      });
      expect(await collect(s.waiting())).toEqual(['console:a']);
      const third = await s.begin('console:a');
      expect(third).toMatchObject({ kind: 'go', outbox: '["reply 1","tries 2"]', event: ev(2) });
      if (third.kind !== 'go') throw new Error(third.kind);
      expect(await s.settle('console:a', third.token)).toEqual({ kind: 'next', event: ev(2) });
      expect(await s.commit('console:a', third.token, '{"s":2}')).toEqual({ kind: 'done' });
      expect(await collect(s.waiting())).toEqual([]);
    });

    it('lists the conversations with waiting events for the sweeper', async () => {
      const s = store();
      expect(await collect(s.waiting())).toEqual([]);
      await s.begin('console:a', 'e1', ev(1));
      await s.begin('matrix:@b:example.org', 'e1', ev(2));
      await s.begin('telegram:42', 'e1', ev(3));
      expect((await collect(s.waiting())).sort()).toEqual(
        ['console:a', 'matrix:@b:example.org', 'telegram:42'].sort(),
      );
      // Listing scans the whole keyspace of a shared Redis and may outlast the short lock: the
      // event is handled by whoever holds the lock once it is free again (as the sweeper would).
      let a = await s.begin('console:a');
      for (let i = 0; a.kind === 'busy' && i < 40; i++) {
        await sleep(25);
        a = await s.begin('console:a');
      }
      if (a.kind !== 'go') throw new Error(a.kind);
      expect(await s.commit('console:a', a.token, '{}')).toEqual({ kind: 'done' });
      expect((await collect(s.waiting())).sort()).toEqual(['matrix:@b:example.org', 'telegram:42']);
    });
  });
}
