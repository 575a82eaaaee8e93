import { describe, expect, it } from 'vitest';
import { judgeRedis } from '../../../src/infra/redis/safety.ts';

const info = (policy: string, aof: 0 | 1): string =>
  `# Memory\r\nused_memory:1000\r\nmaxmemory_policy:${policy}\r\n# Persistence\r\naof_enabled:${aof}\r\n`;

describe('judgeRedis', () => {
  it.each(['allkeys-lru', 'volatile-lru', 'allkeys-random', 'volatile-ttl', 'allkeys-lfu'])(
    'refuses the evicting policy %s, whatever the persistence',
    (policy) => {
      expect(judgeRedis(info(policy, 1), '3600 1')).toEqual({ kind: 'unsafe', policy });
    },
  );

  it('accepts noeviction with the append-only file', () => {
    expect(judgeRedis(info('noeviction', 1), undefined)).toEqual({ kind: 'safe' });
  });

  it('accepts noeviction with snapshots only', () => {
    expect(judgeRedis(info('noeviction', 0), '3600 1 300 100')).toEqual({ kind: 'safe' });
  });

  it('calls noeviction without append-only file and snapshots volatile', () => {
    expect(judgeRedis(info('noeviction', 0), '')).toEqual({ kind: 'volatile' });
  });

  it('calls unknown snapshots (CONFIG forbidden) volatile without the append-only file', () => {
    expect(judgeRedis(info('noeviction', 0), undefined)).toEqual({ kind: 'volatile' });
  });
});
