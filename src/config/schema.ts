import { z } from 'zod';

/** Whole positive integer read from an environment string. */
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => ['true', '1', 'yes'].includes(v));

/**
 * Every setting Lotse reads from the environment, with its default and a description.
 * `.env.example` is generated from this schema (`npm run env:example`), so the two never drift.
 */
export const configSchema = z.object({
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info')
    .describe(
      'Log level of the JSON logs on stderr. Only debug and trace may contain pseudonymous details; message content is never logged.',
    ),
  REDIS_URL: z
    .url({ protocol: /^rediss?$/ })
    .default('redis://127.0.0.1:6379')
    .describe('Redis for sessions, locks and queues, e.g. redis://:password@host:6379/0.'),
  REDIS_AUTOSTART: bool
    .default(true)
    .describe(
      'If nothing answers at a local REDIS_URL and redis-server is on PATH, start one with data under DATA_DIR/redis and stop it on exit.',
    ),
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[a-z0-9_-]+$/i, 'letters, digits, - and _ only')
    .default('lotse')
    .describe('Prefix of every Redis key, so that several installations can share one Redis.'),
  DATA_DIR: z
    .string()
    .min(1)
    .default('./data')
    .describe('Folder for local state (the auto-started Redis, Matrix crypto store).'),
  DEFAULT_LANGUAGE: z
    .enum(['de', 'en'])
    .default('de')
    .describe('Language for people whose messenger does not tell theirs.'),
  DRAFT_TTL_DAYS: int(1, 90)
    .default(7)
    .describe(
      'Days after the last message until an unfinished conversation and its draft answers are erased.',
    ),
  RATE_LIMIT_MESSAGES: int(1, 10_000)
    .default(30)
    .describe(
      'Messages one person may send within RATE_LIMIT_WINDOW_SECONDS before Lotse asks them to slow down.',
    ),
  RATE_LIMIT_WINDOW_SECONDS: int(1, 3600)
    .default(60)
    .describe('Length of the rate-limit window in seconds.'),
});

/** The validated configuration. */
export type Config = z.infer<typeof configSchema>;
