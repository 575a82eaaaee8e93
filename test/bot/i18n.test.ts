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
      expect(app.i18n.t('de', consent)).toContain('30 Tage nach seinem Abschluss');
      expect(app.i18n.t('en', consent)).toContain('after 14 days');
      expect(app.i18n.t('en', { key: 'intake:dangerHelp.kept' })).toContain('for 14 days');
      expect(app.i18n.t('de', { key: 'case:status.unknown', params: { caseRef: 'X' } })).toContain(
        '30 Tage nach dem Abschluss',
      );
      expect(app.i18n.t('en', consent)).toContain('30 days after it is closed');
    } finally {
      await app.stop();
    }
  });

  it('stay each translator`s own when sentences are remembered, in each language', () => {
    const consent = { key: 'intake:consent.text' };
    const short = Translator.create({ values: { draftDays: 3 } });
    const long = Translator.create({ values: { draftDays: 21 } });
    for (let round = 0; round < 2; round++) {
      expect(short.t('de', consent)).toContain('nach 3 Tagen');
      expect(long.t('de', consent)).toContain('nach 21 Tagen');
      expect(short.t('en', consent)).toContain('after 3 days');
      expect(long.t('en', consent)).toContain('after 21 days');
    }
    // A text with parameters is filled in each time.
    const status = (caseRef: string) => ({ key: 'case:status.unknown', params: { caseRef } });
    expect(short.t('de', status('A-1'))).toContain('A-1');
    expect(short.t('de', status('B-2'))).toContain('B-2');
  });

  it('default to the configuration`s defaults', () => {
    const text = Translator.create().t('de', { key: 'intake:consent.text' });
    expect(text).toContain('nach 7 Tagen');
    expect(text).toContain('90 Tage nach seinem Abschluss');
    expect(text).not.toContain('{{');
  });
});

describe('the privacy details the consent names', () => {
  it('are the configured controller and privacy notice, in every language', async () => {
    const config = loadConfig(
      {
        REDIS_KEY_PREFIX: redis.prefix,
        PRIVACY_CONTROLLER: 'Stiftung Beispiel, Musterweg 1, 12345 Musterstadt',
        PRIVACY_NOTICE_URL: 'https://example.org/datenschutz',
      },
      null,
    );
    const app = createApp(config, redis.client, createLogger('silent'));
    try {
      for (const lang of ['de', 'en'] as const) {
        const consent = app.i18n.t(lang, { key: 'intake:consent.text' });
        expect(consent).toContain('Stiftung Beispiel, Musterweg 1, 12345 Musterstadt');
        expect(consent).toContain('https://example.org/datenschutz');
      }
    } finally {
      await app.stop();
    }
  });

  it('say where to ask when they are not configured, in the person`s language', () => {
    const i18n = Translator.create();
    const de = i18n.t('de', { key: 'intake:consent.text' });
    expect(de).toContain('Verantwortlich für Ihre Daten: auf Anfrage bei der Ansprechstelle (0800');
    expect(de).toContain('Datenschutzhinweise: auf Anfrage bei der Ansprechstelle');
    expect(de).not.toContain('{{');
    const en = i18n.t('en', { key: 'intake:consent.text' });
    expect(en).toContain('Responsible for your data: on request from the contact point (0800');
    expect(en).toContain('Privacy notice: on request from the contact point');
    expect(en).not.toContain('{{');
  });

  it('refuse a privacy notice that is not https', () => {
    expect(() => loadConfig({ PRIVACY_NOTICE_URL: 'http://example.org/privacy' }, null)).toThrow(
      /PRIVACY_NOTICE_URL/,
    );
  });
});
