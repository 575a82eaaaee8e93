import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/load.ts';
import { configSchema } from '../../src/config/schema.ts';

describe('loadConfig', () => {
  let dir: string;
  let envFile: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lotse-config-'));
    envFile = join(dir, '.env');
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives the defaults when nothing is set', () => {
    const config = loadConfig({}, null);
    expect(config).toEqual(configSchema.parse({}));
    expect(config).toMatchObject({
      LOG_LEVEL: 'info',
      REDIS_URL: 'redis://127.0.0.1:6379',
      REDIS_AUTOSTART: true,
      REDIS_KEY_PREFIX: 'lotse',
      DATA_DIR: './data',
      DEFAULT_LANGUAGE: 'de',
      DRAFT_TTL_DAYS: 7,
      RATE_LIMIT_MESSAGES: 30,
      RATE_LIMIT_WINDOW_SECONDS: 60,
    });
  });

  it('treats a missing .env file like an empty one', () => {
    expect(loadConfig({}, join(dir, 'absent.env')).DRAFT_TTL_DAYS).toBe(7);
  });

  it('reads numbers and yes/no values from their strings', () => {
    const config = loadConfig({ DRAFT_TTL_DAYS: '14', REDIS_AUTOSTART: 'no' }, null);
    expect(config.DRAFT_TTL_DAYS).toBe(14);
    expect(config.REDIS_AUTOSTART).toBe(false);
  });

  it('treats empty and blank values as unset', () => {
    const config = loadConfig({ LOG_LEVEL: '', DEFAULT_LANGUAGE: '   ' }, null);
    expect(config.LOG_LEVEL).toBe('info');
    expect(config.DEFAULT_LANGUAGE).toBe('de');
  });

  it('names the variable and what it expects when a value is invalid', () => {
    const load = () => loadConfig({ DRAFT_TTL_DAYS: 'a week' }, null);
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/DRAFT_TTL_DAYS: .*expected number/);
  });

  it('names every invalid variable at once, with the allowed values of an enum', () => {
    let error: unknown;
    try {
      loadConfig(
        { LOG_LEVEL: 'loud', REDIS_URL: 'http://example.org', DRAFT_TTL_DAYS: '91' },
        null,
      );
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toMatch(/LOG_LEVEL: .*expected one of .*"info"/);
    expect(message).toMatch(/REDIS_URL: /);
    expect(message).toMatch(/DRAFT_TTL_DAYS: .*<=90/);
    expect(message).not.toMatch(/DEFAULT_LANGUAGE/);
  });

  it('fills in values from the .env file', () => {
    writeFileSync(envFile, '# a comment\nDRAFT_TTL_DAYS=3\nDEFAULT_LANGUAGE="en"\n');
    const config = loadConfig({}, envFile);
    expect(config.DRAFT_TTL_DAYS).toBe(3);
    expect(config.DEFAULT_LANGUAGE).toBe('en');
  });

  it('lets the real environment win over the .env file', () => {
    writeFileSync(envFile, 'LOG_LEVEL=debug\nRATE_LIMIT_MESSAGES=5\n');
    const config = loadConfig({ LOG_LEVEL: 'warn' }, envFile);
    expect(config.LOG_LEVEL).toBe('warn');
    expect(config.RATE_LIMIT_MESSAGES).toBe(5);
  });

  it('names a variable from the .env file that is invalid', () => {
    writeFileSync(envFile, 'REDIS_KEY_PREFIX=lotse:prod\n');
    expect(() => loadConfig({}, envFile)).toThrow(
      /REDIS_KEY_PREFIX: letters, digits, - and _ only/,
    );
  });

  it('ignores variables the schema does not know', () => {
    writeFileSync(envFile, 'SOMETHING_ELSE=1\n');
    expect(loadConfig({ PATH: '/usr/bin' }, envFile)).not.toHaveProperty('SOMETHING_ELSE');
  });
});
