import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { createLogger } from '../../src/bot/logger.ts';
import { LANGUAGES, readLocales, Translator } from '../../src/bot/i18n.ts';
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

describe('sentences with parameters filled in by Lotse rather than by i18next', () => {
  /** Every key of every namespace of a language with its text, nested keys joined by dots. */
  const keysOf = (lang: string): [string, string][] => {
    const out: [string, string][] = [];
    const walk = (ns: string, prefix: string, node: unknown) => {
      if (typeof node === 'string') out.push([`${ns}:${prefix}`, node]);
      else if (typeof node === 'object' && node !== null)
        for (const [k, v] of Object.entries(node))
          walk(ns, prefix === '' ? k : `${prefix}.${k}`, v);
    };
    for (const [ns, tree] of Object.entries(readLocales()[lang] ?? {})) walk(ns, '', tree);
    return out;
  };
  // Values that would go wrong if they were read as markup, patterns or placeholders again.
  const tricky = (name: string) => `$& $1 {{${name}}} $t(common:welcome) <b>${name}</b> \u202e`;

  it('give the same sentence as i18next for every key of both languages', () => {
    const ours = Translator.create({
      values: { controller: 'Stelle', privacyUrl: 'https://x.test' },
    });
    const theirs = Translator.create({
      values: { controller: 'Stelle', privacyUrl: 'https://x.test' },
      i18nextOnly: true,
    });
    let compared = 0;
    for (const lang of LANGUAGES)
      for (const [key, sentence] of keysOf(lang)) {
        const names = [...sentence.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1] ?? '');
        const cases: Record<string, string | number>[] = [
          Object.fromEntries(names.map((n) => [n, tricky(n)])),
          Object.fromEntries(names.map((n, i) => [n, i * 7])),
          // Only some given: the rest from the configured values, or left to i18next.
          { ...Object.fromEntries(names.slice(1).map((n) => [n, 'x'])), unused: 'y' },
        ];
        for (const params of cases) {
          expect(ours.t(lang, { key, params }), `${lang} ${key}`).toBe(
            theirs.t(lang, { key, params }),
          );
          compared++;
        }
      }
    expect(compared).toBeGreaterThan(1000);
  });

  it('leave plurals, options and unknown keys to i18next', () => {
    const ours = Translator.create();
    const unknown = { key: 'common:no.such.key', params: { a: 1 } };
    expect(ours.t('en', unknown)).toBe(Translator.create({ i18nextOnly: true }).t('en', unknown));
    for (const count of [1, 2]) {
      const params = { count, caseRef: 'X' };
      const theirs = Translator.create({ i18nextOnly: true });
      for (const lang of LANGUAGES)
        for (const [key] of keysOf(lang).filter(([k]) => k.endsWith('_one')))
          expect(ours.t(lang, { key: key.slice(0, -4), params })).toBe(
            theirs.t(lang, { key: key.slice(0, -4), params }),
          );
    }
  });
});
