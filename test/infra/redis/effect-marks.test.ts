import { describe, expect, it } from 'vitest';
import { eraseConversationTraces } from '../../../src/infra/redis/conversation-traces.ts';
import { effectMarks } from '../../../src/infra/redis/effect-marks.ts';
import { useTestRedis } from '../../support/redis.ts';

describe('effectMarks (real Redis)', () => {
  const redis = useTestRedis();

  it('answers true the first time an event is marked, false after, also from another process', async () => {
    const first = effectMarks(redis.client, redis.prefix);
    const other = effectMarks(redis.connection(), redis.prefix);
    expect(await first('console:anna', 'e1')).toBe(true);
    expect(await other('console:anna', 'e1')).toBe(false);
    expect(await first('console:anna', 'e2')).toBe(true);
    expect(await first('console:bert', 'e1')).toBe(true);
  });

  it('keeps a mark for a day, and erasing the conversation’s traces removes it', async () => {
    const marks = effectMarks(redis.client, redis.prefix);
    await marks('console:anna', 'e1');
    const key = `${redis.prefix}:effect:{console:anna}:e1`;
    const ttl = await redis.client.ttl(key);
    expect(ttl).toBeGreaterThan(86_000);
    expect(ttl).toBeLessThanOrEqual(86_400);
    expect(await eraseConversationTraces(redis.client, redis.prefix, 'console:anna')).toBe(1);
    expect(await marks('console:anna', 'e1')).toBe(true);
  });
});
