import type { Redis } from 'ioredis';
import type { CaseNotice, StaffChannel } from './ports.ts';

/** Notices kept for the CLI feed. */
const MAX_NOTICES = 1000;

/**
 * The console/CLI staff channel: notices go to a capped Redis stream that
 * `npm run staff -- feed [--follow]` prints. Notices hold no content, so the stream may be read by
 * every staff member.
 */
export class FeedStaffChannel implements StaffChannel {
  readonly name = 'feed';
  readonly #redis: Redis;
  readonly #key: string;

  constructor(redis: Redis, prefix: string) {
    this.#redis = redis;
    this.#key = feedKey(prefix);
  }

  async notify(notice: CaseNotice): Promise<void> {
    await this.#redis.xadd(
      this.#key,
      'MAXLEN',
      '~',
      MAX_NOTICES,
      '*',
      'notice',
      JSON.stringify(notice),
    );
  }
}

/** The stream of the CLI feed. */
export const feedKey = (prefix: string): string => `${prefix}:staff:feed`;

/** A running relay from the feed to one staff channel. */
export interface FeedRelay {
  stop(): Promise<void>;
}

/**
 * Relays the feed's notices to a messenger staff channel (the Telegram staff group, the Matrix
 * staff room), so that it gets every notice – those of any process and of the staff CLI – though
 * it runs only in some processes (the Matrix device in one bot). A consumer group per channel:
 * each notice is posted once, by one replica; one that a replica took but did not post is taken
 * over after `reclaimAfterMs`.
 */
export function relayFeed(
  redis: Redis,
  prefix: string,
  channel: StaffChannel,
  onError: (error: unknown) => void,
  options: { reclaimAfterMs?: number; startBackMs?: number } = {},
): FeedRelay {
  const key = feedKey(prefix);
  const group = `relay:${channel.name}`;
  const consumer = `${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const reclaimAfterMs = options.reclaimAfterMs ?? 30_000;
  const startBackMs = options.startBackMs ?? 5 * 60_000;
  const reader = redis.duplicate({ maxRetriesPerRequest: null });
  const state = { running: true };
  // A function, so that the loop sees `stop` flip it (a plain flag reads as always true).
  const running = (): boolean => state.running;
  const post = async (entries: [string, string[] | null][]): Promise<void> => {
    for (const [id, fields] of entries) {
      const raw = fields?.[1];
      if (raw !== undefined) await channel.notify(JSON.parse(raw) as CaseNotice);
      await reader.xack(key, group, id);
    }
  };
  const loop = (async () => {
    try {
      // A new group starts a little in the past: notices raised while this process was starting
      // (a report worker catching up) are posted, a long history of an older feed is not.
      await reader.xgroup('CREATE', key, group, `${Date.now() - startBackMs}-0`, 'MKSTREAM');
    } catch (error) {
      if (!String(error).includes('BUSYGROUP')) onError(error);
    }
    while (running()) {
      try {
        // Notices another replica took but did not post (it crashed) or this one failed to post
        // (the homeserver was away) are taken over once they have waited a while …
        const [, stale] = (await reader.xautoclaim(
          key,
          group,
          consumer,
          reclaimAfterMs,
          '0-0',
          'COUNT',
          20,
        )) as [string, [string, string[] | null][]];
        await post(stale);
        // … then the new ones.
        const fresh = (await reader.xreadgroup(
          'GROUP',
          group,
          consumer,
          'COUNT',
          20,
          'BLOCK',
          2000,
          'STREAMS',
          key,
          '>',
        )) as [string, [string, string[]][]][] | null;
        await post(fresh?.[0]?.[1] ?? []);
      } catch (error) {
        if (running()) onError(error);
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  })();
  return {
    async stop() {
      state.running = false;
      reader.disconnect();
      await loop;
      // A replica that leaves nothing pending leaves the group too (its name is used once); one
      // with pending notices stays, so that another replica takes them over.
      try {
        const pending = await redis.xpending(key, group, '-', '+', 1, consumer);
        if (pending.length === 0) await redis.xgroup('DELCONSUMER', key, group, consumer);
      } catch (error) {
        onError(error);
      }
    },
  };
}
