import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import i18next, { type i18n, type Resource } from 'i18next';
import { configSchema, textValues } from '../config/schema.ts';
import type { Language, Text, TextParam } from '../flows/types.ts';

const isTextList = (param: TextParam): param is readonly Text[] => Array.isArray(param);

/** Languages Lotse speaks; German first. */
export const LANGUAGES: readonly Language[] = ['de', 'en'];

/** Where the locale files are: locales/<lng>/<namespace>.json. */
export const LOCALES_DIR = join(import.meta.dirname, '..', '..', 'locales');

/** Reads every namespace of every language from disk. */
export function readLocales(dir: string = LOCALES_DIR): Resource {
  const resources: Resource = {};
  for (const lng of readdirSync(dir)) {
    const namespaces: Resource[string] = {};
    for (const file of readdirSync(join(dir, lng))) {
      if (file.endsWith('.json'))
        namespaces[file.slice(0, -5)] = JSON.parse(
          readFileSync(join(dir, lng, file), 'utf8'),
        ) as Resource[string][string];
    }
    resources[lng] = namespaces;
  }
  return resources;
}

/** Values every text may name, with the configuration's defaults. */
export const TEXT_VALUES: Readonly<ReturnType<typeof textValues>> = textValues(
  configSchema.parse({}),
);

export interface TranslatorOptions {
  /** Where the locale files are (default: locales/). */
  readonly dir?: string;
  /** Values filled into every text that names them (default: TEXT_VALUES). */
  readonly values?: Partial<Record<keyof typeof TEXT_VALUES, number>>;
}

/** Translates Texts. One instance per process (or per test), never a module singleton. */
export class Translator {
  readonly #i18n: i18n;

  private constructor(instance: i18n) {
    this.#i18n = instance;
  }

  /**
   * Loads the locale files synchronously, so start-up fails at once on a broken file. `values` are
   * filled into every text that names them – the retention periods the texts promise
   * (`draftDays`, `caseDays`) come from the configuration this way.
   */
  static create(options: TranslatorOptions = {}): Translator {
    const resources = readLocales(options.dir);
    const instance = i18next.createInstance();
    void instance.init({
      resources,
      lng: 'de',
      fallbackLng: false,
      ns: Object.keys(resources['de'] ?? {}),
      defaultNS: 'common',
      initAsync: false,
      returnNull: false,
      // Adapters escape for their own markup (HTML on Matrix and Telegram); texts stay plain here.
      interpolation: {
        escapeValue: false,
        defaultVariables: { ...TEXT_VALUES, ...options.values },
      },
    });
    return new Translator(instance);
  }

  /** The sentence for a Text; a missing key shows the key itself (caught by the locale tests). */
  t(lang: Language, value: Text): string {
    const params: Record<string, string | number> = {};
    for (const [name, param] of Object.entries(value.params ?? {})) {
      if (typeof param === 'string' || typeof param === 'number') params[name] = param;
      else if (isTextList(param)) params[name] = param.map((p) => this.t(lang, p)).join(', ');
      else if ('lines' in param) params[name] = param.lines.map((p) => this.t(lang, p)).join('\n');
      else params[name] = this.t(lang, param);
    }
    return this.#i18n.t(value.key, { lng: lang, ...params });
  }

  /** True when the key exists in the language. */
  has(lang: Language, key: string): boolean {
    return this.#i18n.exists(key, { lng: lang });
  }
}
