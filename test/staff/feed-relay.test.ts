import { describe, expect, it } from 'vitest';
import { FeedStaffChannel, relayFeed } from '../../src/staff/feed-channel.ts';
import type { CaseNotice, StaffChannel } from '../../src/staff/ports.ts';
import { useTestRedis } from '../support/redis.ts';
import { eventually } from '../support/wait.ts';

const redis = useTestRedis('relay');

class Recording implements StaffChannel {
  readonly name = 'matrix';
  readonly seen: string[] = [];
  notify(notice: CaseNotice): Promise<void> {
    this.seen.push(notice.caseRef);
    return Promise.resolve();
  }
}

const notice = (caseRef: string): CaseNotice => ({
  kind: 'new',
  caseRef,
  urgent: false,
  kinds: ['insult'],
  state: 'BY',
  status: 'new',
  at: new Date().toISOString(),
});

describe('relaying staff notices from a worker process to a bot-only staff channel', () => {
  it('posts each notice once, whichever replica takes it', async () => {
    const feed = new FeedStaffChannel(redis.client, redis.prefix);
    const a = new Recording();
    const b = new Recording();
    const errors: unknown[] = [];
    const relays = [
      relayFeed(redis.client, redis.prefix, a, (e) => errors.push(e)),
      relayFeed(redis.client, redis.prefix, b, (e) => errors.push(e)),
    ];
    try {
      // The groups exist before the worker writes.
      await new Promise((r) => setTimeout(r, 300));
      for (let i = 0; i < 10; i++) await feed.notify(notice(`REF-${i}`));
      await eventually(
        () => a.seen.length + b.seen.length,
        (n) => n >= 10,
      );
      expect([...a.seen, ...b.seen].sort()).toEqual(
        Array.from({ length: 10 }, (_, i) => `REF-${i}`).sort(),
      );
      expect(errors).toEqual([]);
    } finally {
      await Promise.all(relays.map((r) => r.stop()));
    }
    // Stopped replicas with nothing pending leave the group: restarts do not pile up consumers.
    const consumers = (await redis.client.xinfo(
      'CONSUMERS',
      `${redis.prefix}:staff:feed`,
      'relay:matrix',
    )) as unknown[];
    expect(consumers).toEqual([]);
  });
});

describe('a notice that a replica took but never posted', () => {
  it('is taken over by another replica and posted once', async () => {
    const feed = new FeedStaffChannel(redis.client, redis.prefix);
    const errors: unknown[] = [];
    // A replica that takes notices and dies before posting them.
    const dying: StaffChannel = {
      name: 'matrix',
      notify: () => new Promise<void>(() => undefined),
    };
    const first = relayFeed(redis.client, redis.prefix, dying, (e) => errors.push(e), {
      reclaimAfterMs: 200,
    });
    await new Promise((r) => setTimeout(r, 300));
    await feed.notify(notice('REF-LOST'));
    await new Promise((r) => setTimeout(r, 300));
    void first.stop();
    const heir = new Recording();
    const second = relayFeed(redis.client, redis.prefix, heir, (e) => errors.push(e), {
      reclaimAfterMs: 200,
    });
    try {
      await eventually(
        () => heir.seen.length,
        (n) => n > 0,
      );
      await new Promise((r) => setTimeout(r, 500));
      expect(heir.seen).toEqual(['REF-LOST']);
      expect(errors).toEqual([]);
    } finally {
      await second.stop();
    }
  });
});

describe('the first relay of a channel', () => {
  it('posts the notices of the last minutes, not the older history of the feed', async () => {
    const key = `${redis.prefix}:staff:feed`;
    const at = (agoMs: number) => `${Date.now() - agoMs}-0`;
    await redis.client.xadd(key, at(60 * 60_000), 'notice', JSON.stringify(notice('REF-OLD')));
    await redis.client.xadd(key, at(10_000), 'notice', JSON.stringify(notice('REF-STARTUP')));
    const fresh = new Recording();
    const errors: unknown[] = [];
    const relay = relayFeed(redis.client, redis.prefix, fresh, (e) => errors.push(e));
    try {
      await eventually(
        () => fresh.seen.length,
        (n) => n > 0,
      );
      await new Promise((r) => setTimeout(r, 300));
      expect(fresh.seen).toEqual(['REF-STARTUP']);
      expect(errors).toEqual([]);
    } finally {
      await relay.stop();
    }
  });
});
