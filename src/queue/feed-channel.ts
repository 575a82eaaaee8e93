import type { Redis } from 'ioredis';
import type { CaseNotice, StaffChannel } from './staff-ports.ts';

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
 * Relays the feed's notices to a staff channel that lives in another process than the one that
 * made them (the Matrix staff room, whose device only the bot process holds, gets the notices of
 * a separate worker). A consumer group per channel: each notice is posted once, by one replica.
 */
export function relayFeed(
  redis: Redis,
  prefix: string,
  channel: StaffChannel,
  onError: (error: unknown) => void,
): FeedRelay {
  const key = feedKey(prefix);
  const group = `relay:${channel.name}`;
  const consumer = `${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const reader = redis.duplicate({ maxRetriesPerRequest: null });
  const state = { running: true };
  // A function, so that the loop sees `stop` flip it (a plain flag reads as always true).
  const running = (): boolean => state.running;
  const loop = (async () => {
    try {
      await reader.xgroup('CREATE', key, group, '$', 'MKSTREAM');
    } catch (error) {
      if (!String(error).includes('BUSYGROUP')) onError(error);
    }
    while (running()) {
      try {
        // Own pending notices first (after a crash), then new ones.
        const pending = (await reader.xreadgroup(
          'GROUP',
          group,
          consumer,
          'COUNT',
          20,
          'STREAMS',
          key,
          '0',
        )) as [string, [string, string[]][]][] | null;
        const fresh = pending?.[0]?.[1].length
          ? pending
          : ((await reader.xreadgroup(
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
            )) as [string, [string, string[]][]][] | null);
        for (const [id, fields] of fresh?.[0]?.[1] ?? []) {
          const raw = fields[1];
          if (raw !== undefined) await channel.notify(JSON.parse(raw) as CaseNotice);
          await reader.xack(key, group, id);
        }
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
    },
  };
}
