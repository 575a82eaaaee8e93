import type { Redis } from 'ioredis';

/**
 * Erases the markers a conversation leaves besides its session and files – which events were
 * handled (de-duplication) and which effects ran – whose key names the person's account. The rate
 * counter (and the mark that the person was told to slow down) stays until its window ends:
 * erasing it would let anyone reset the limit at will.
 */
export async function eraseConversationTraces(
  redis: Redis,
  prefix: string,
  conversationKey: string,
): Promise<number> {
  let count = 0;
  for (const pattern of [
    `${prefix}:conv:{${conversationKey}}:seen:*`,
    `${prefix}:effect:{${conversationKey}}:*`,
  ]) {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 200);
      cursor = next;
      if (keys.length > 0) count += await redis.del(...keys);
    } while (cursor !== '0');
  }
  return count;
}
