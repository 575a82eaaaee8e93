import type { Redis } from 'ioredis';
import type { Logger } from '../bot/logger.ts';
import { feedKey } from '../staff/feed-channel.ts';
import type { CaseNotice } from '../staff/ports.ts';

/** What a browser is told of a notice: what happened to which case – never content. */
export type LiveNotice = Pick<CaseNotice, 'kind' | 'caseRef'>;

/**
 * The staff feed (the Redis stream the CLI's `feed` prints, src/staff/feed-channel.ts) read live:
 * every notice, whichever process raised it, goes to every open inbox of this process. Each web
 * process reads the whole stream from where it started (no consumer group: every browser must see
 * every notice).
 */
export class LiveFeed {
  readonly #reader: Redis;
  readonly #key: string;
  readonly #listeners = new Set<(notice: LiveNotice) => void>();
  readonly #log: Logger;
  readonly #state = { running: true };
  readonly #loop: Promise<void>;

  constructor(redis: Redis, prefix: string, logger: Logger) {
    this.#reader = redis.duplicate({ maxRetriesPerRequest: null });
    this.#key = feedKey(prefix);
    this.#log = logger.child({ module: 'web-live' });
    this.#loop = this.#run();
  }

  /** Calls `listener` for each new notice until the returned function is called. */
  subscribe(listener: (notice: LiveNotice) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async #run(): Promise<void> {
    const running = (): boolean => this.#state.running;
    let last = '$';
    while (running()) {
      try {
        const read = await this.#reader.xread('BLOCK', 5000, 'STREAMS', this.#key, last);
        for (const [id, fields] of read?.[0]?.[1] ?? []) {
          last = id;
          const notice = parseNotice(fields[1]);
          if (notice !== undefined) for (const listener of this.#listeners) listener(notice);
        }
      } catch (error) {
        if (!running()) break;
        this.#log.warn({ err: error }, 'reading the staff feed failed; trying again');
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }

  async stop(): Promise<void> {
    this.#state.running = false;
    this.#listeners.clear();
    this.#reader.disconnect();
    await this.#loop;
  }
}

function parseNotice(raw: string | undefined): LiveNotice | undefined {
  if (raw === undefined) return undefined;
  try {
    const value = JSON.parse(raw) as Partial<CaseNotice>;
    if (typeof value.kind !== 'string' || typeof value.caseRef !== 'string') return undefined;
    return { kind: value.kind, caseRef: value.caseRef };
  } catch (error) {
    if (error instanceof SyntaxError) return undefined;
    throw error;
  }
}
