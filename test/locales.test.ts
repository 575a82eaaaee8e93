/**
 * Every user-facing sentence lives in locales/<lng>/<namespace>.json. Checks that all languages
 * have the same namespaces, keys and placeholders, that no sentence is empty, and that every key the
 * code names exists in every language. Generic: new namespaces and flows are covered as they come.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMAND_MENU } from '../src/adapters/telegram/bot-commands.ts';
import { recogniseCommand } from '../src/bot/commands.ts';
import { LANGUAGES, LOCALES_DIR } from '../src/bot/i18n.ts';
import { COMMANDS, type Platform } from '../src/bot/types.ts';

const ROOT = join(import.meta.dirname, '..');
const SRC = join(ROOT, 'src');

/** i18next plural suffixes: a key `x` may exist as `x_one`, `x_other` … */
const PLURAL = ['zero', 'one', 'two', 'few', 'many', 'other'];

const languages = readdirSync(LOCALES_DIR)
  .filter((name) => statSync(join(LOCALES_DIR, name)).isDirectory())
  .sort();
const namespacesOf = (lng: string) =>
  readdirSync(join(LOCALES_DIR, lng))
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();

/** Leaves of a locale file as `path.to.key` → value. */
function flatten(value: unknown, path: string, into: Map<string, unknown>): Map<string, unknown> {
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) flatten(v, path === '' ? k : `${path}.${k}`, into);
  } else into.set(path, value);
  return into;
}

/** `ns:key` → sentence, per language. */
const catalogue = new Map<string, Map<string, unknown>>();
for (const lng of languages) {
  const all = new Map<string, unknown>();
  for (const ns of namespacesOf(lng)) {
    const parsed: unknown = JSON.parse(readFileSync(join(LOCALES_DIR, lng, `${ns}.json`), 'utf8'));
    for (const [key, value] of flatten(parsed, '', new Map())) all.set(`${ns}:${key}`, value);
  }
  catalogue.set(lng, all);
}
const keysOf = (lng: string) => [...(catalogue.get(lng)?.keys() ?? [])].sort();

/** Placeholder names of a sentence: {{name}}, {{- name}}, {{name, format}}; and $t(nested) keys. */
const placeholders = (sentence: string): string[] =>
  [...sentence.matchAll(/\{\{\s*-?\s*([^,}\s]+)[^}]*\}\}/g)].map((m) => m[1] ?? '').sort();
const nested = (sentence: string): string[] =>
  [...sentence.matchAll(/\$t\(\s*([\w:.-]+)/g)].map((m) => m[1] ?? '');

/** True when the key names a sentence in the language (directly or as plural forms). */
function exists(lng: string, key: string): boolean {
  const all = catalogue.get(lng);
  if (all === undefined) return false;
  return (
    typeof all.get(key) === 'string' ||
    PLURAL.some((p) => typeof all.get(`${key}_${p}`) === 'string')
  );
}

/** True when some sentence of the language has a key starting with the prefix. */
const existsUnder = (lng: string, prefix: string): boolean =>
  keysOf(lng).some((k) => k.startsWith(prefix));

describe('locale files', () => {
  it('exist for German and English, the languages Lotse speaks', () => {
    expect(languages).toEqual(expect.arrayContaining(['de', 'en']));
    expect([...LANGUAGES].sort()).toEqual(languages);
  });

  it('have the same namespaces in every language', () => {
    for (const lng of languages) expect(namespacesOf(lng), lng).toEqual(namespacesOf('de'));
    expect(namespacesOf('de')).toContain('common');
  });

  it('have the same keys in every language', () => {
    for (const lng of languages) {
      const missing = keysOf('de').filter((k) => !catalogue.get(lng)?.has(k));
      const extra = keysOf(lng).filter((k) => !catalogue.get('de')?.has(k));
      expect({ lng, missing, extra }).toEqual({ lng, missing: [], extra: [] });
    }
  });

  it('have the same placeholders per key in every language', () => {
    const differing: string[] = [];
    for (const key of keysOf('de')) {
      const want = placeholders(String(catalogue.get('de')?.get(key)));
      for (const lng of languages) {
        const value = catalogue.get(lng)?.get(key);
        if (typeof value !== 'string') continue;
        const got = placeholders(value);
        if (JSON.stringify(got) !== JSON.stringify(want))
          differing.push(
            `${lng} ${key}: {{${got.join('}} {{')}}} instead of {{${want.join('}} {{')}}}`,
          );
      }
    }
    expect(differing).toEqual([]);
  });

  it('hold only non-empty strings', () => {
    const bad: string[] = [];
    for (const lng of languages)
      for (const [key, value] of catalogue.get(lng) ?? [])
        if (typeof value !== 'string' || value.trim() === '')
          bad.push(`${lng} ${key}: ${JSON.stringify(value)}`);
    expect(bad).toEqual([]);
  });

  it('nest only keys that exist ($t(…))', () => {
    const broken: string[] = [];
    for (const lng of languages)
      for (const [key, value] of catalogue.get(lng) ?? [])
        for (const ref of typeof value === 'string' ? nested(value) : []) {
          const full = ref.includes(':') ? ref : `${key.split(':')[0] ?? ''}:${ref}`;
          if (!exists(lng, full)) broken.push(`${lng} ${key} → ${ref}`);
        }
    expect(broken).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Keys named in the code.

/** Every .ts file under src/. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Namespaces the code may name: those on disk and those the design names (a missing file fails). */
const NAMESPACES = [...new Set([...namespacesOf('de'), 'common', 'intake', 'rights'])];
const NS = NAMESPACES.join('|');

/**
 * Keys the code builds from a variable, with every value the variable can have. The key is the
 * static part before `${…}`. Keep in step with the code: a new template key with a closed set of
 * values belongs here.
 */
const VARIANTS: Readonly<Record<string, readonly string[]>> = {
  // language-flow.ts: one name per language.
  'common:language.name.': LANGUAGES,
  // parse-input.ts invalid(`file.${rejected}`): the FileRejection reasons.
  'common:invalid.file.': ['tooLarge', 'type', 'empty'],
};

interface Reference {
  readonly file: string;
  /** A full key, or the static start of a key built at run time. */
  readonly key: string;
  readonly dynamic: boolean;
}

/**
 * Finds the locale keys a source file names: string literals like 'common:menu.prompt', template
 * keys like `common:language.name.${lang}`, and keys made by a small helper such as
 * `const invalid = (key) => text(\`common:invalid.${key}\`)` from its calls `invalid('choice')`.
 */
function referencesIn(file: string): Reference[] {
  const source = readFileSync(file, 'utf8');
  const name = relative(ROOT, file);
  const refs: Reference[] = [];
  for (const m of source.matchAll(new RegExp(`(['"\`])((?:${NS}):[\\w.-]+)\\1`, 'g')))
    refs.push({ file: name, key: m[2] ?? '', dynamic: false });
  const template = new RegExp(`\`((?:${NS}):[\\w.-]*)\\$\\{\\s*([\\w.]+)\\s*\\}([\\w.-]*)\``, 'g');
  for (const m of source.matchAll(template)) {
    const [, prefix = '', variable = '', suffix = ''] = m;
    // A helper whose first parameter fills the key, defined just before the template.
    const before = source.slice(Math.max(0, m.index - 200), m.index);
    const helper = [
      ...before.matchAll(
        new RegExp(
          `(?:const|let)\\s+(\\w+)\\s*=\\s*\\(\\s*${variable}\\b|function\\s+(\\w+)\\s*\\(\\s*${variable}\\b`,
          'g',
        ),
      ),
    ].at(-1);
    const helperName = helper?.[1] ?? helper?.[2];
    if (VARIANTS[prefix] === undefined && helperName !== undefined && suffix === '') {
      // The helper's calls with a literal, or with a template of their own.
      for (const call of source.matchAll(
        new RegExp(`\\b${helperName}\\(\\s*(['"])([\\w.-]+)\\1`, 'g'),
      ))
        refs.push({ file: name, key: `${prefix}${call[2] ?? ''}`, dynamic: false });
      for (const call of source.matchAll(
        new RegExp(`\\b${helperName}\\(\\s*\`([\\w.-]*)\\$\\{`, 'g'),
      ))
        refs.push({ file: name, key: `${prefix}${call[1] ?? ''}`, dynamic: true });
    } else refs.push({ file: name, key: prefix, dynamic: true });
  }
  return refs;
}

const references = sources(SRC).flatMap(referencesIn);

describe('locale keys named in src/', () => {
  it('finds the keys the code names (the scan itself works)', () => {
    const keys = new Set(references.map((r) => r.key));
    expect(keys).toContain('common:menu.prompt');
    expect(keys).toContain('common:invalid.choice');
    expect(keys).toContain('common:invalid.tooLong');
    expect(keys).toContain('common:invalid.file.');
    expect(keys).toContain('common:language.name.');
    expect(references.length).toBeGreaterThan(40);
  });

  it('exist in every language', () => {
    const missing: string[] = [];
    for (const ref of references.filter((r) => !r.dynamic))
      for (const lng of languages)
        if (!exists(lng, ref.key)) missing.push(`${lng} ${ref.key} (${ref.file})`);
    expect([...new Set(missing)]).toEqual([]);
  });

  it('exist in every language for each value of a key built at run time', () => {
    const missing: string[] = [];
    for (const ref of references.filter((r) => r.dynamic)) {
      const variants = VARIANTS[ref.key];
      for (const lng of languages) {
        if (variants !== undefined) {
          for (const v of variants)
            if (!exists(lng, `${ref.key}${v}`)) missing.push(`${lng} ${ref.key}${v} (${ref.file})`);
        } else if (!existsUnder(lng, ref.key)) {
          // Values unknown to this test: at least the family of keys must be there.
          missing.push(`${lng} ${ref.key}… (${ref.file})`);
        }
      }
    }
    expect([...new Set(missing)]).toEqual([]);
  });

  it('knows each closed set of values exactly', () => {
    // Every variant listed above is a real key family in the code, with no stray sentences.
    for (const [prefix, variants] of Object.entries(VARIANTS)) {
      expect(
        references.some((r) => r.dynamic && r.key === prefix),
        prefix,
      ).toBe(true);
      const onDisk = keysOf('de')
        .filter((k) => k.startsWith(prefix))
        .map((k) => k.slice(prefix.length));
      expect(onDisk.sort(), prefix).toEqual([...variants].sort());
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Vocabulary: what the texts promise and how they name things (issue 12, CONTENT-FACTS.md).

/** The sentences people read in a language: every text but the search keywords, as key → text. */
const readable = (lng: string): [string, string][] =>
  [...(catalogue.get(lng) ?? [])]
    .filter((entry): entry is [string, string] => typeof entry[1] === 'string')
    .filter(([key]) => !key.endsWith('.keywords'));
const sentence = (lng: string, key: string): string => String(catalogue.get(lng)?.get(key));

describe('vocabulary', () => {
  it('calls the case reference a Fallnummer: "Aktenzeichen" is only ever the police`s', () => {
    const misused = readable('de')
      .filter(([, text]) => text.includes('Aktenzeichen') && !text.includes('Polizei'))
      .map(([key]) => key);
    expect(misused).toEqual([]);
    expect(sentence('de', 'intake:submitted.text')).toContain('Ihre Fallnummer: {{caseRef}}');
    expect(sentence('de', 'intake:submitted.urgent')).toContain('Ihre Fallnummer: {{caseRef}}');
    expect(sentence('en', 'intake:submitted.text')).toContain('Your case number: {{caseRef}}');
    for (const lng of languages)
      expect(readable(lng).filter(([, text]) => /case reference/i.test(text))).toEqual([]);
  });

  it('claims no anonymity for Lotse: "anonym" only for the contact point`s own offer', () => {
    const claims: string[] = [];
    for (const lng of languages)
      for (const [key, text] of readable(lng))
        for (const m of text.matchAll(/\S*\s*\S*\s*anonym\w*(\s+\S+){0,2}/gi))
          if (!/auf Wunsch anonym|anonymous on request/.test(m[0]))
            claims.push(`${lng} ${key}: ${m[0]}`);
    expect(claims).toEqual([]);
    expect(sentence('de', 'intake:consent.text')).toContain('Ihren Namen müssen Sie nicht nennen');
    expect(sentence('en', 'intake:consent.text')).toContain('You need not give your name');
  });

  it('consents to what is true: the reply address, erasure by staff and after closing, the law', () => {
    const de = sentence('de', 'intake:consent.text');
    for (const part of [
      'Telegram selbst kann sie lesen',
      'Chat-Kennung als Antwortadresse',
      'löschen die Mitarbeitenden auf Ihren Wunsch',
      '{{caseDays}} Tage nach seinem Abschluss',
      'Verantwortlich für Ihre Daten: {{controller}}',
      'Datenschutzhinweise: {{privacyUrl}}',
      'außer ein Gesetz verlangt es',
    ])
      expect(de).toContain(part);
    const en = sentence('en', 'intake:consent.text');
    for (const part of [
      'Telegram itself can read them',
      'chat ID as the address for replies',
      'deleted by staff at your request',
      '{{caseDays}} days after it is closed',
      'Responsible for your data: {{controller}}',
      'Privacy notice: {{privacyUrl}}',
      'unless the law requires it',
    ])
      expect(en).toContain(part);
  });

  it('says the case chat is stored encrypted, nothing that reads like end-to-end encryption', () => {
    expect(sentence('de', 'case:chat.prompt')).toContain('verschlüsselt gespeichert');
    expect(sentence('en', 'case:chat.prompt')).toContain('stored encrypted');
    for (const lng of languages)
      expect(sentence(lng, 'case:chat.prompt')).not.toMatch(/Ende|end-to-end/i);
  });

  it('writes German in one gender-fair style (colon), never the masculine alone', () => {
    const offending: string[] = [];
    const generic =
      /\b(Bürgermeister|Landrät|Täter|Amtsträger|Mandatsträger|Ortsvorsteher|Mitarbeiter|Dezernent|Kandidat|Ehepartner|Anwält|Anwalt|Polizist)(?!:in)(?!:innen)\w*/g;
    for (const [key, text] of readable('de')) {
      if (/\w\/innen|\w\/in\b|\w\*innen|\w\*in\b|\w_innen|[a-zäöü]Innen\b/.test(text))
        offending.push(`${key}: slash, star, underscore or capital I`);
      if (/-träger\b|Mitarbeiterin oder/.test(text)) offending.push(`${key}: pair form`);
      for (const m of text.matchAll(generic)) offending.push(`${key}: ${m[0]}`);
    }
    expect(offending).toEqual([]);
  });

  it('gives the contact point`s hours one way: not on public holidays', () => {
    const wrong: string[] = [];
    for (const [key, text] of readable('de'))
      if (/9–16 Uhr/.test(text) && !text.includes('Mo–Fr 9–16 Uhr, nicht an Feiertagen'))
        wrong.push(`de ${key}`);
    for (const [key, text] of readable('en'))
      if (/9 am–4 pm/.test(text) && !text.includes('Mon–Fri 9 am–4 pm, not on public holidays'))
        wrong.push(`en ${key}`);
    expect(wrong).toEqual([]);
    expect(
      readable('de').filter(([, t]) => t.includes('nicht an Feiertagen')).length,
    ).toBeGreaterThan(4);
  });

  it('uses one English vocabulary: report to the police (Strafanzeige), request for prosecution (Strafantrag)', () => {
    const wrong: string[] = [];
    for (const [key, text] of readable('en')) {
      if (/criminal complaint|press charges|file a complaint/i.test(text))
        wrong.push(`${key}: complaint`);
      if (
        text.includes('Strafantrag') &&
        !/request for prosecution|request prosecution/i.test(text)
      )
        wrong.push(`${key}: Strafantrag without "request for prosecution"`);
      if (text.includes('Strafanzeige') && !/report(ed)? (it )?to the police/i.test(text))
        wrong.push(`${key}: Strafanzeige without "report to the police"`);
      if (/\bslander|\blibel/i.test(text)) wrong.push(`${key}: defamation named otherwise`);
    }
    expect(wrong).toEqual([]);
  });

  it('ends every deadline text with the short "not legal advice" line', () => {
    expect(sentence('de', 'intake:deadline.disclaimer')).toBe(
      'Allgemeine Information, keine Rechtsberatung.',
    );
    expect(sentence('en', 'intake:deadline.disclaimer')).toBe(
      'General information, not legal advice.',
    );
    expect(sentence('de', 'case:deadlineReminder')).toMatch(/keine Rechtsberatung\.$/);
    expect(sentence('en', 'case:deadlineReminder')).toMatch(/not legal advice\.$/);
  });

  it('marks help options that are referrals as such', () => {
    expect(sentence('de', 'intake:help.options.counselling')).toContain('(Vermittlung)');
    expect(sentence('de', 'intake:help.options.legal')).toContain('(Vermittlung)');
    expect(sentence('en', 'intake:help.options.counselling')).toContain('(referral)');
    expect(sentence('en', 'intake:help.options.legal')).toContain('(referral)');
  });

  it('welcomes people not (yet) affected as well', () => {
    expect(sentence('de', 'common:welcome')).toContain('(noch) nicht betroffen');
    expect(sentence('en', 'common:welcome')).toContain('not (yet) affected');
  });
});

describe('the help`s command list', () => {
  /** The commands a help text lists, as `/name – what it does` lines. */
  const listed = (lng: string, platform: string): string[] =>
    [...sentence(lng, `common:help.commands.${platform}`).matchAll(/^\/(\S+) – /gm)].map(
      (m) => m[1] ?? '',
    );

  it('is Telegram`s own command menu, in its order, per language', () => {
    for (const lng of LANGUAGES)
      expect(listed(lng, 'telegram'), lng).toEqual(COMMAND_MENU[lng].map(([name]) => name));
  });

  it('names on Matrix and the console each command once, as the engine reads it', () => {
    for (const platform of ['matrix', 'console'])
      for (const lng of LANGUAGES) {
        const names = listed(lng, platform);
        const commands = names.map((name) => {
          const recognised = recogniseCommand(`/${name}`);
          return recognised.kind === 'command' ? recognised.command : `unknown /${name}`;
        });
        expect([...commands].sort(), `${platform} ${lng}`).toEqual([...COMMANDS].sort());
      }
  });

  it('has a list for every messenger', () => {
    const platforms: readonly Platform[] = ['console', 'telegram', 'matrix'];
    for (const lng of languages)
      for (const platform of platforms)
        expect(exists(lng, `common:help.commands.${platform}`)).toBe(true);
  });
});
