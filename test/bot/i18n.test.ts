import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { createLogger } from '../../src/bot/logger.ts';
import { Translator } from '../../src/bot/i18n.ts';
import { loadConfig } from '../../src/config/load.ts';
import { useTestRedis } from '../support/redis.ts';

const redis = useTestRedis('i18n');

describe('the retention periods the texts promise', () => {
  it('are the configured ones, in every language', async () => {
    const config = loadConfig(
      { REDIS_KEY_PREFIX: redis.prefix, DRAFT_TTL_DAYS: '14', CASE_RETENTION_DAYS: '30' },
      null,
    );
    const app = createApp(config, redis.client, createLogger('silent'));
    try {
      const consent = { key: 'intake:consent.text' };
      expect(app.i18n.t('de', consent)).toContain('nach 14 Tagen gelöscht');
      expect(app.i18n.t('de', consent)).toContain('nach 30 Tagen');
      expect(app.i18n.t('en', consent)).toContain('after 14 days');
      expect(app.i18n.t('en', { key: 'intake:dangerHelp.kept' })).toContain('for 14 days');
      expect(app.i18n.t('de', { key: 'case:status.unknown', params: { caseRef: 'X' } })).toContain(
        'nach 30 Tagen',
      );
    } finally {
      await app.stop();
    }
  });

  it('default to the configuration`s defaults', () => {
    const text = Translator.create().t('de', { key: 'intake:consent.text' });
    expect(text).toContain('nach 7 Tagen');
    expect(text).toContain('nach 90 Tagen');
    expect(text).not.toContain('{{');
  });
});
