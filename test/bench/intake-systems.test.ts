/**
 * The benchmark's two systems on the real Redis: the scripted intake really is a full intake in
 * both – every step answered, the report queued and made into a case – so the figures of
 * `npm run bench` compare complete work. No times are asserted.
 */
import { describe, expect, it } from 'vitest';
import { AlternativeSystem } from '../../bench/alternative/system.ts';
import { INTAKE } from '../../bench/intake-script.ts';
import { casesReach, saturation } from '../../bench/load.ts';
import { LotseSystem } from '../../bench/lotse-system.ts';
import { REDIS_URL, useTestRedis } from '../support/redis.ts';

describe('the benchmark intake', () => {
  const redis = useTestRedis('bench');

  it('takes Lotse from /start to a case with the scripted answers', async () => {
    const lotse = await LotseSystem.start(REDIS_URL, redis.prefix);
    try {
      const result = await saturation(lotse, 3);
      expect(result.steps).toBe(3 * INTAKE.length);
      expect(await casesReach(lotse, 3, 15_000)).toBe(3);
      const [caseRef] = lotse.caseRefs();
      const record = caseRef === undefined ? undefined : await lotse.app.cases.get(caseRef);
      expect(record?.kinds).toEqual(['threat', 'hateOnline']);
      expect(record?.state).toBe('BY');
      // Each person's confirmation was matched to a staff notice.
      expect(lotse.noticeLatencies()).toHaveLength(3);
      // Every step was answered (some with more than one message), none refused as a duplicate.
      expect(lotse.replies).toBeGreaterThanOrEqual(3 * INTAKE.length);
    } finally {
      await lotse.stop();
    }
  });

  it('takes the grammY + conversations bot through the same intake, its state in Redis', async () => {
    const alternative = new AlternativeSystem(redis.client, redis.prefix);
    try {
      // One person halfway: the conversation's state waits in Redis under the plugin's key.
      const halfway = INTAKE.findIndex((s) => s.name === 'description');
      for (let index = 0; index <= halfway; index++) await alternative.step(900, index);
      const stored = await redis.client.get(
        `${redis.prefix}:conversation:${AlternativeSystem.chat(900)}`,
      );
      expect(stored).toContain('intake');
      const result = await saturation(alternative, 3);
      expect(result.steps).toBe(3 * INTAKE.length);
      expect(await casesReach(alternative, 3, 15_000)).toBe(3);
      expect(alternative.noticeLatencies()).toHaveLength(3);
      // One message per step, the confirmation last: no input was refused on the way.
      expect(alternative.replies).toBe(halfway + 1 + 3 * INTAKE.length);
    } finally {
      await alternative.stop();
    }
  });
});
