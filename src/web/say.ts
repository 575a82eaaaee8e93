import { LANGUAGES, type Translator } from '../bot/i18n.ts';

export type Language = (typeof LANGUAGES)[number];

/** The sentences of the `web` namespace in one language; `say.lang` is that language. */
export interface Say {
  (key: string, params?: Record<string, string | number>): string;
  readonly lang: Language;
  /** A sentence of another namespace (`staff:status.new`), or `fallback` when there is none. */
  other(key: string, fallback: string): string;
}

export function sayIn(i18n: Translator, lang: Language): Say {
  const say = (key: string, params?: Record<string, string | number>) =>
    i18n.t(lang, params === undefined ? { key: `web:${key}` } : { key: `web:${key}`, params });
  return Object.assign(say, {
    lang,
    other: (key: string, fallback: string) =>
      i18n.has(lang, key) ? i18n.t(lang, { key }) : fallback,
  });
}

/**
 * The language to answer in: the account's choice, else the first of Accept-Language that Lotse
 * speaks, else German.
 */
export function pickLanguage(
  chosen: Language | undefined,
  acceptLanguage: string | undefined,
): Language {
  if (chosen !== undefined) return chosen;
  const wanted = (acceptLanguage ?? '')
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.find((p) => p.trim().startsWith('q='));
      return {
        lang: tag.trim().slice(0, 2).toLowerCase(),
        q: q === undefined ? 1 : Number(q.trim().slice(2)),
      };
    })
    .filter((entry) => entry.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { lang } of wanted) {
    const known = LANGUAGES.find((l) => l === lang);
    if (known !== undefined) return known;
  }
  return 'de';
}
