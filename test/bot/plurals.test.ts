import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LANGUAGES, LOCALES_DIR, Translator } from '../../src/bot/i18n.ts';
import { text } from '../../src/flows/types.ts';

const i18n = Translator.create();
const status = (files: number, links: number) =>
  text('intake:evidence.status', {
    files: text('intake:count.files', { count: files }),
    links: text('intake:count.links', { count: links }),
  });

describe('counts in plural forms', () => {
  it('reads naturally in German', () => {
    expect(i18n.t('de', status(1, 0))).toContain('Bisher: 1 Datei, 0 Links.');
    expect(i18n.t('de', status(3, 1))).toContain('Bisher: 3 Dateien, 1 Link.');
    expect(i18n.t('de', text('common:invalid.multiMin', { count: 1 }))).toBe(
      'Bitte wählen Sie mindestens eine Möglichkeit.',
    );
    expect(i18n.t('de', text('common:invalid.multiMin', { count: 2 }))).toContain(
      'mindestens 2 Möglichkeiten',
    );
  });

  it('reads naturally in English', () => {
    expect(i18n.t('en', status(1, 0))).toContain('So far: 1 file, 0 links.');
    expect(i18n.t('en', status(3, 1))).toContain('So far: 3 files, 1 link.');
    expect(i18n.t('en', text('common:invalid.multiMin', { count: 2 }))).toContain(
      'at least 2 options',
    );
  });

  it('leaves no "Datei(en)"-style text in the locales', () => {
    for (const lang of LANGUAGES)
      for (const ns of ['common', 'intake', 'case', 'staff', 'rights', 'telegram', 'matrix']) {
        const raw = readFileSync(join(LOCALES_DIR, lang, `${ns}.json`), 'utf8');
        expect(raw, `${lang}/${ns}`).not.toMatch(/\w\((?:en|e|n|s|es)\)/);
      }
  });
});
