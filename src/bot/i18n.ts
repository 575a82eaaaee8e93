import { LocalTime } from './local-time.ts';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import i18next, { type i18n, type Resource } from 'i18next';
import { configSchema, textValues, type TextValues } from '../config/schema.ts';
import { LANGUAGES, type Language, type Text, type TextParam } from '../flows/types.ts';

export { LANGUAGES };

const isTextList = (param: TextParam): param is readonly Text[] => Array.isArray(param);

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
export const TEXT_VALUES: TextValues = textValues(configSchema.parse({}));

/** Said in place of a privacy detail the configuration leaves out: where to ask instead. */
const UNSET_CONTROLLER_KEY = 'common:privacy.controllerUnset';
const UNSET_NOTICE_KEY = 'common:privacy.noticeUnset';

export interface TranslatorOptions {
  /** Where the locale files are (default: locales/). */
  readonly dir?: string;
  /** Values filled into every text that names them (default: TEXT_VALUES). */
  readonly values?: Partial<TextValues>;
  /** Every sentence through i18next, none filled in by Lotse itself (for the tests comparing both). */
  readonly i18nextOnly?: boolean;
}

/** The values filled into every text that names them. */
const defaultVariables = (values: TextValues) => ({
  draftDays: values.draftDays,
  caseDays: values.caseDays,
  reportFileMb: values.reportFileMb,
});

/**
 * Names i18next reads as options rather than as values: a parameter so named (a plural's `count`
 * above all) leaves the sentence to i18next.
 */
const I18NEXT_OPTIONS = new Set([
  'count',
  'context',
  'ordinal',
  'lng',
  'lngs',
  'ns',
  'defaultValue',
  'replace',
  'returnObjects',
  'returnDetails',
  'joinArrays',
  'postProcess',
  'interpolation',
  'skipInterpolation',
  'keyPrefix',
  'fallbackLng',
  'nsSeparator',
  'keySeparator',
]);

/** A sentence split at its placeholders: parts[0] name[0] parts[1] name[1] … parts[n]. */
interface Template {
  readonly parts: readonly string[];
  readonly names: readonly string[];
}

/** A sentence with only plain `{{name}}` placeholders as a template; null for anything else. */
function parseTemplate(resource: unknown): Template | null {
  if (typeof resource !== 'string') return null;
  const pieces = resource.split(/\{\{(.*?)\}\}/s);
  const parts: string[] = [];
  const names: string[] = [];
  for (const [i, piece] of pieces.entries()) {
    if (i % 2 === 0) {
      // Nesting, formatting and unescaped forms stay i18next's.
      if (piece.includes('{{') || piece.includes('$t(')) return null;
      parts.push(piece);
      continue;
    }
    const name = /^\s*([A-Za-z_]\w*)\s*$/.exec(piece)?.[1];
    if (name === undefined) return null;
    names.push(name);
  }
  return { parts, names };
}

/** Sentences without parameters remembered at most (the locales have far fewer keys). */
const PLAIN_CACHE_LIMIT = 10_000;

/** Translates Texts. One instance per process (or per test), never a module singleton. */
export class Translator {
  readonly #i18n: i18n;
  /** Per language: the privacy details the texts name, or where to ask when one is not configured. */
  readonly #privacy: Readonly<Record<string, { controller: string; privacyUrl: string }>>;

  /** Times as shown, in the configured time zone. */
  readonly time: LocalTime;

  /**
   * Sentences of texts without parameters, by language and key: the resources and the values
   * filled in never change after start-up, so each is looked up and interpolated once.
   */
  readonly #plain = new Map<string, string>();

  /** Sentences with parameters as parsed templates, by language and key (null: i18next's). */
  readonly #templates = new Map<string, Template | null>();
  /** Values every text may name (i18next's default variables). */
  readonly #defaults: Readonly<Record<string, string | number>>;
  /** False only to compare with i18next in the tests. */
  readonly #fast: boolean;

  private constructor(instance: i18n, values: TextValues, fast: boolean) {
    this.#i18n = instance;
    this.#fast = fast;
    this.#defaults = defaultVariables(values);
    this.time = new LocalTime(values.timeZone);
    const privacy: Record<string, { controller: string; privacyUrl: string }> = {};
    for (const lng of LANGUAGES)
      privacy[lng] = {
        controller: values.controller ?? instance.t(UNSET_CONTROLLER_KEY, { lng }),
        privacyUrl: values.privacyUrl ?? instance.t(UNSET_NOTICE_KEY, { lng }),
      };
    this.#privacy = privacy;
  }

  /**
   * Loads the locale files synchronously, so start-up fails at once on a broken file. `values` are
   * filled into every text that names them – the retention periods the texts promise
   * (`draftDays`, `caseDays`), the report's file budget (`reportFileMb`) and the privacy details (`controller`, `privacyUrl`) come from the
   * configuration this way; a privacy detail left unset reads as where to ask, in the language.
   */
  static create(options: TranslatorOptions = {}): Translator {
    const resources = readLocales(options.dir);
    const values: TextValues = { ...TEXT_VALUES, ...options.values };
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
        defaultVariables: defaultVariables(values),
      },
    });
    return new Translator(instance, values, options.i18nextOnly !== true);
  }

  /** The sentence for a Text; a missing key shows the key itself (caught by the locale tests). */
  t(lang: Language, value: Text): string {
    if (value.params === undefined || Object.keys(value.params).length === 0) {
      const id = `${lang}\u0000${value.key}`;
      let sentence = this.#plain.get(id);
      if (sentence === undefined) {
        sentence = this.#i18n.t(value.key, { lng: lang, ...this.#privacy[lang] });
        // Keys come from the code, but a bound keeps a bug that makes keys from input harmless.
        if (this.#plain.size < PLAIN_CACHE_LIMIT) this.#plain.set(id, sentence);
      }
      return sentence;
    }
    const params: Record<string, string | number> = {};
    for (const [name, param] of Object.entries(value.params ?? {})) {
      if (typeof param === 'string' || typeof param === 'number') params[name] = param;
      else if (isTextList(param)) params[name] = param.map((p) => this.t(lang, p)).join(', ');
      else if ('lines' in param) params[name] = param.lines.map((p) => this.t(lang, p)).join('\n');
      else params[name] = this.t(lang, param);
    }
    return (
      this.#filled(lang, value.key, params) ??
      this.#i18n.t(value.key, { lng: lang, ...this.#privacy[lang], ...params })
    );
  }

  /**
   * The sentence of a key with parameters, filled in here rather than by i18next when nothing but
   * plain `{{name}}` placeholders is involved (no plural, no context, no option of i18next's among
   * the names): i18next resolves and interpolates anew on every call, and sentences with
   * parameters are in nearly every reply. Undefined when i18next must do it. The locale tests
   * check for every key of both languages that both give the same sentence.
   */
  #filled(
    lang: Language,
    key: string,
    params: Readonly<Record<string, string | number>>,
  ): string | undefined {
    if (!this.#fast) return undefined;
    for (const name in params) if (I18NEXT_OPTIONS.has(name)) return undefined;
    const id = `${lang}\u0000${key}`;
    let template = this.#templates.get(id);
    if (template === undefined) {
      template = parseTemplate(this.#resource(lang, key));
      if (this.#templates.size < PLAIN_CACHE_LIMIT) this.#templates.set(id, template);
    }
    if (template === null) return undefined;
    const privacy = this.#privacy[lang];
    let out = template.parts[0] ?? '';
    for (const [i, name] of template.names.entries()) {
      const value =
        params[name] ??
        (privacy as Record<string, string> | undefined)?.[name] ??
        this.#defaults[name];
      if (value === undefined) return undefined;
      out += String(value) + (template.parts[i + 1] ?? '');
    }
    return out;
  }

  /** The text of a key ("namespace:path.to.key") in a language as the locale file has it. */
  #resource(lang: Language, key: string): unknown {
    const colon = key.indexOf(':');
    const [ns, path] = colon < 0 ? ['common', key] : [key.slice(0, colon), key.slice(colon + 1)];
    return this.#i18n.getResource(lang, ns, path);
  }

  /** True when the key exists in the language. */
  has(lang: Language, key: string): boolean {
    return this.#i18n.exists(key, { lng: lang });
  }
}
