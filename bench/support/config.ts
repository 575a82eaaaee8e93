/**
 * The settings every benchmark runs Lotse with: the given Redis and key prefix, no Redis of its
 * own, no logs, and a rate limit no virtual person reaches.
 */
import { loadConfig } from '../../src/config/load.ts';
import type { Config } from '../../src/config/schema.ts';

export function benchConfig(url: string | undefined, prefix: string): Config {
  return loadConfig(
    {
      REDIS_URL: url,
      REDIS_KEY_PREFIX: prefix,
      REDIS_AUTOSTART: 'false',
      LOG_LEVEL: 'silent',
      RATE_LIMIT_MESSAGES: '10000',
    },
    null,
  );
}
