import type { Redis } from 'ioredis';

const DAY = 86_400;

/**
 * Marks of effects that ran, one per conversation and event, kept a day beside the conversation's
 * other keys (same hash tag; erased with its traces, see conversation-traces.ts). Answers true the
 * first time an event is marked, false after: an event handled twice runs its effect once.
 */
export function effectMarks(
  redis: Redis,
  prefix: string,
): (conversationKey: string, eventId: string) => Promise<boolean> {
  return async (conversationKey, eventId) => {
    const first = await redis.set(
      `${prefix}:effect:{${conversationKey}}:${eventId}`,
      '1',
      'EX',
      DAY,
      'NX',
    );
    return first !== null;
  };
}
