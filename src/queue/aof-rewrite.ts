import { UnrecoverableError } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../bot/logger.ts';

/** What one scheduled rewrite did. */
export type RewriteResult = 'started' | 'off';

/**
 * Asks Redis to rewrite its append-only file (BGREWRITEAOF). Redis appends every write to that
 * file and drops old entries only when it rewrites it – by itself only once the file has doubled
 * and passed 64 MB, which a small office may never reach. Until then an erased case, a withdrawn
 * report or a delivered staff reply stays readable on the disk. The worker runs this on a
 * schedule (REDIS_AOF_REWRITE_HOURS), so erased data leaves the disk within that time.
 */
export async function rewriteAppendOnlyFile(redis: Redis, log: Logger): Promise<RewriteResult> {
  const info = await redis.info('persistence');
  if (!/^aof_enabled:1\b/m.test(info)) {
    log.info('Redis keeps no append-only file; nothing to rewrite');
    return 'off';
  }
  // A rewrite that started earlier may miss what was erased since: the job is tried again later.
  if (/^aof_rewrite_in_progress:1\b/m.test(info) || /^aof_rewrite_scheduled:1\b/m.test(info))
    throw new Error('an append-only file rewrite is running already; trying again later');
  try {
    await redis.bgrewriteaof();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/already in progress/i.test(message))
      throw new Error('an append-only file rewrite is running already; trying again later', {
        cause: error,
      });
    // A Redis that forbids the command (a managed service) will not allow it tomorrow either.
    log.warn({ reason: message }, 'Redis refused to rewrite its append-only file');
    const refused = new UnrecoverableError(`Redis refused BGREWRITEAOF: ${message}`);
    refused.cause = error;
    throw refused;
  }
  log.info('append-only file rewrite started');
  return 'started';
}
