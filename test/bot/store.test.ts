import { describe, expect, it } from 'vitest';
import { MemoryConversationStore } from '../support/memory-store.ts';
import { conversationStoreContract } from '../support/store-contract.ts';

// The in-memory store the engine tests use must behave like the Redis one: same contract suite.
conversationStoreContract('in memory', (limits) => new MemoryConversationStore(limits));

describe('MemoryConversationStore test helpers', () => {
  it('follows an injected clock for locks, sessions and the rate window', async () => {
    let now = 1_000;
    const store = new MemoryConversationStore({
      now: () => now,
      lockTtlMs: 100,
      rateLimit: 1,
      rateWindowMs: 1_000,
      sessionTtlMs: 5_000,
    });
    const begun = await store.begin('k', 'e1', '"e1"');
    if (begun.kind !== 'go') throw new Error(begun.kind);
    expect(store.isLocked('k')).toBe(true);
    now += 100;
    expect(store.isLocked('k')).toBe(false);
    expect(await store.commit('k', begun.token, '"s"')).toEqual({ kind: 'lost' });
    expect(await store.begin('k', 'e2', '"e2"')).toEqual({
      kind: 'rate-limited',
      notify: true,
      session: null,
    });
    now += 1_000;
    const next = await store.begin('k', 'e3', '"e3"');
    expect(next).toMatchObject({ kind: 'go', event: '"e1"' });
    if (next.kind !== 'go') return;
    expect(await store.commit('k', next.token, '"s"')).toEqual({ kind: 'next', event: '"e3"' });
    expect(store.session('k')).toBe('"s"');
    now += 5_000;
    expect(store.session('k')).toBeNull();
  });

  it('lets tests preload a session, look into the inbox and drop a lock', async () => {
    const store = new MemoryConversationStore();
    store.setSession('k', '"pre"');
    const begun = await store.begin('k', 'e1', '"e1"');
    expect(begun).toMatchObject({ kind: 'go', session: '"pre"' });
    await store.begin('k', 'e2', '"e2"');
    expect(store.inbox('k')).toEqual(['"e1"', '"e2"']);
    store.dropLock('k');
    expect(store.isLocked('k')).toBe(false);
    if (begun.kind === 'go')
      expect(await store.commit('k', begun.token, null)).toEqual({ kind: 'lost' });
  });
});
