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
