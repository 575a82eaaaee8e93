import type { Redis } from 'ioredis';

/**
 * What Lotse needs of the Redis it keeps jobs and cases in, read from `INFO` (allowed even where a
 * provider disables `CONFIG`):
 * - `unsafe`: the Redis evicts keys when full – queued reports would vanish without a trace; start
 *   must stop.
 * - `volatile`: neither an append-only file nor snapshots – a restart of Redis loses everything
 *   that is not yet handed to staff; a loud warning.
 * - `safe`: neither.
 */
export type RedisSafety =
  | { readonly kind: 'safe' }
  | { readonly kind: 'unsafe'; readonly policy: string }
  | { readonly kind: 'volatile' };

/** Reads `field:value` from the text of an INFO reply. */
function infoField(info: string, field: string): string | undefined {
  const match = new RegExp(`^${field}:(.*)$`, 'm').exec(info);
  return match?.[1]?.trim();
}

/**
 * Judges the INFO reply (sections memory and persistence) and, where the append-only file is off,
 * the `save` setting (`undefined` when CONFIG is not allowed: then snapshots count as unknown, which
 * is judged as none).
 */
export function judgeRedis(info: string, save: string | undefined): RedisSafety {
  const policy = infoField(info, 'maxmemory_policy');
  if (policy !== undefined && policy !== 'noeviction') return { kind: 'unsafe', policy };
  if (infoField(info, 'aof_enabled') === '1') return { kind: 'safe' };
  return save !== undefined && save.trim() !== '' ? { kind: 'safe' } : { kind: 'volatile' };
}

/** Asks the connected Redis and judges it (see {@link judgeRedis}). */
export async function checkRedis(redis: Redis): Promise<RedisSafety> {
  const info = `${await redis.info('memory')}\n${await redis.info('persistence')}`;
  let save: string | undefined;
  if (infoField(info, 'aof_enabled') !== '1') {
    try {
      const reply = (await redis.config('GET', 'save')) as unknown;
      save = Array.isArray(reply) && typeof reply[1] === 'string' ? reply[1] : undefined;
    } catch {
      // A managed Redis may forbid CONFIG: snapshots count as unknown, judged as none.
      save = undefined;
    }
  }
  return judgeRedis(info, save);
}
