import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import type { z } from 'zod';
import { configSchema, type Config } from './schema.ts';

/** A configuration problem, phrased for the person starting Lotse. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Validates the environment once, at start. Values from an optional `.env` file fill in what the
 * real environment leaves unset. Throws a ConfigError naming each wrong variable and what it expects.
 */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  envFile: string | null = '.env',
): Config {
  const fromFile =
    envFile !== null && existsSync(envFile) ? parseEnv(readFileSync(envFile, 'utf8')) : {};
  const merged: Record<string, string> = {};
  for (const key of Object.keys(configSchema.shape)) {
    const value = nonEmpty(env[key]) ?? nonEmpty(fromFile[key]);
    if (value !== undefined) merged[key] = value;
  }
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) throw new ConfigError(describeIssues(parsed.error));
  return parsed.data;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function describeIssues(error: z.ZodError): string {
  const lines = error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  return `Invalid configuration (environment or .env):\n  ${lines.join('\n  ')}`;
}
