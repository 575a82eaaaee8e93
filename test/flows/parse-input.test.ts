import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  matchOption,
  parseDate,
  parseInput,
  shiftDays,
  type Parsed,
  type RawInput,
} from '../../src/flows/parse-input.ts';
import { cleanText, MAX_RAW_TEXT } from '../../src/flows/text-input.ts';
import { text, type FileRef, type InputSpec, type Option } from '../../src/flows/types.ts';

// Labels are plain words here: the label function shows an option's key as its label.
const opt = (id: string, label: string): Option => ({ id, label: text(label) });
const label = (o: Option): string => o.label.key;
const TODAY = '2026-03-14';

const parse = (raw: RawInput, spec: InputSpec, today: string = TODAY): Parsed =>
  parseInput(raw, spec, label, today);
const typed = (value: string): RawInput => ({ kind: 'text', text: value });
const hint = (key: string, params?: Record<string, string | number>): Parsed => ({
  ok: false,
  hint: text(`common:invalid.${key}`, params),
});

const MENU: InputSpec = {
  kind: 'choice',
  options: [
    opt('report', 'Vorfall melden'),
    opt('rights', 'Meine Rechte'),
    opt('emergency', 'Soforthilfe im Notfall'),
    opt('delete', 'Meine Daten löschen'),
  ],
};
const MULTI: InputSpec = {
  kind: 'multi',
  min: 1,
  options: [opt('a', 'Alpha'), opt('b', 'Beta'), opt('c', 'Gamma'), opt('d', 'Delta')],
};
const TEXT: InputSpec = { kind: 'text', min: 2, max: 10 };
const LONG_TEXT: InputSpec = { kind: 'text', min: 1, max: 4_000 };
const DATE: InputSpec = { kind: 'date' };
const FILES: InputSpec = { kind: 'files', maxFiles: 2 };

const file = (name: string): FileRef => ({
  name,
  mime: 'image/png',
  size: 3,
  sha256: 'ab'.repeat(32),
  receivedAt: '2026-03-14T10:00:00.000Z',
  ref: `ref-${name}`,
});

/** C0/C1 controls other than tab and newline, bidi marks, overrides and isolates, BOM. */
const UNSAFE =
  // eslint-disable-next-line no-control-regex -- these are what must never come through
  /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u200E\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/;

describe('parseInput: one choice', () => {
  it('accepts an offered id, tapped', () => {
    expect(parse({ kind: 'choice', id: 'rights' }, MENU)).toEqual({
      ok: true,
      answer: { kind: 'choice', id: 'rights' },
    });
  });

  it('refuses a tapped id that was not offered', () => {
    expect(parse({ kind: 'choice', id: 'admin' }, MENU)).toEqual(hint('choice'));
    expect(parse({ kind: 'choice', id: '' }, MENU)).toEqual(hint('choice'));
    expect(parse({ kind: 'choice', id: 'RIGHTS' }, MENU)).toEqual(hint('choice'));
  });

  it.each([
    ['2', 'rights'],
    [' 2 ', 'rights'],
    ['02', 'rights'],
    ['4', 'delete'],
    ['rights', 'rights'],
    ['Meine Rechte', 'rights'],
    ['meine rechte', 'rights'],
    ['MEINE RECHTE', 'rights'],
    ['  Meine   Rechte! ', 'rights'],
    ['Meine Daten löschen', 'delete'],
    ['meine daten loschen', 'delete'],
    ['MEINE DATEN LÖSCHEN', 'delete'],
    ['Meine Daten lo\u0308schen', 'delete'],
    ['soforthilfe im notfall', 'emergency'],
  ])('reads typed %j as %s', (value, id) => {
    expect(parse(typed(value), MENU)).toEqual({ ok: true, answer: { kind: 'choice', id } });
  });

  it.each(['0', '5', '999', '1000', '-1', '1.5', 'Rechte', 'something else', 'report rights'])(
    'refuses typed %j',
    (value) => {
      expect(parse(typed(value), MENU)).toEqual(hint('choice'));
    },
  );

  it('refuses several choices, files and links where one choice is asked', () => {
    expect(parse({ kind: 'choices', ids: ['rights'] }, MENU)).toEqual(hint('choice'));
    expect(parse({ kind: 'files', files: [file('a.png')] }, MENU)).toEqual(hint('choice'));
  });

  it('works the same for a confirmation', () => {
    const confirm: InputSpec = { kind: 'confirm', options: [opt('yes', 'Ja'), opt('no', 'Nein')] };
    expect(parse({ kind: 'choice', id: 'yes' }, confirm)).toMatchObject({ ok: true });
    expect(parse(typed('nein'), confirm)).toEqual({
      ok: true,
      answer: { kind: 'choice', id: 'no' },
    });
    expect(parse(typed('1'), confirm)).toEqual({ ok: true, answer: { kind: 'choice', id: 'yes' } });
    expect(parse({ kind: 'choice', id: 'maybe' }, confirm)).toEqual(hint('choice'));
    expect(parse(typed('vielleicht'), confirm)).toEqual(hint('choice'));
  });
});

describe('parseInput: a choice that also takes free text', () => {
  const spec: InputSpec = { ...MENU, freeText: { min: 3, max: 20 } };

  it('prefers an option over free text', () => {
    expect(parse(typed('meine rechte'), spec)).toEqual({
      ok: true,
      answer: { kind: 'choice', id: 'rights' },
    });
    expect(parse(typed('3'), spec)).toEqual({
      ok: true,
      answer: { kind: 'choice', id: 'emergency' },
    });
  });

  it('takes other typed text as a text answer within its limits', () => {
    expect(parse(typed('  Eine Frage  '), spec)).toEqual({
      ok: true,
      answer: { kind: 'text', text: 'Eine Frage' },
    });
    expect(parse(typed('x'.repeat(21)), spec)).toEqual(hint('tooLong', { max: 20 }));
    expect(parse(typed('ab'), spec)).toEqual(hint('choice'));
  });

  it('still refuses a tapped id that was not offered', () => {
    expect(parse({ kind: 'choice', id: 'Eine Frage' }, spec)).toEqual(hint('choice'));
  });
});

describe('parseInput: several choices', () => {
  const ok = (...ids: string[]): Parsed => ({ ok: true, answer: { kind: 'multi', ids } });

  it.each([
    ['1, 3', ['a', 'c']],
    ['1,3', ['a', 'c']],
    ['1 3', ['a', 'c']],
    ['1; 3', ['a', 'c']],
    ['1\n3', ['a', 'c']],
    ['3, 1', ['c', 'a']],
    ['a, c', ['a', 'c']],
    ['Alpha, gamma', ['a', 'c']],
    ['ALPHA; 4', ['a', 'd']],
    ['2', ['b']],
    ['1, 1, 3, 1', ['a', 'c']],
  ])('reads typed %j', (value, ids) => {
    expect(parse(typed(value), MULTI)).toEqual(ok(...ids));
  });

  it('takes tapped ids, a single tapped id and drops duplicates', () => {
    expect(parse({ kind: 'choices', ids: ['b', 'd'] }, MULTI)).toEqual(ok('b', 'd'));
    expect(parse({ kind: 'choices', ids: ['b', 'b', 'd', 'b'] }, MULTI)).toEqual(ok('b', 'd'));
    expect(parse({ kind: 'choice', id: 'c' }, MULTI)).toEqual(ok('c'));
  });

  it('refuses anything not offered, all or nothing', () => {
    expect(parse({ kind: 'choices', ids: ['a', 'zz'] }, MULTI)).toEqual(hint('multi'));
    expect(parse({ kind: 'choice', id: 'zz' }, MULTI)).toEqual(hint('multi'));
    expect(parse(typed('1, 9'), MULTI)).toEqual(hint('multi'));
    expect(parse(typed('Alpha, Omega'), MULTI)).toEqual(hint('multi'));
    // Separators alone choose nothing.
    expect(parse(typed(', ;'), MULTI)).toEqual(hint('multiMin', { count: 1 }));
  });

  it('asks for at least min different options', () => {
    const two: InputSpec = { ...MULTI, min: 2 };
    expect(parse(typed('1, 1'), two)).toEqual(hint('multiMin', { count: 2 }));
    expect(parse({ kind: 'choices', ids: [] }, two)).toEqual(hint('multiMin', { count: 2 }));
    expect(parse({ kind: 'choices', ids: ['a', 'a'] }, two)).toEqual(
      hint('multiMin', { count: 2 }),
    );
    expect(parse(typed('1, 2'), two)).toEqual(ok('a', 'b'));
  });
});

describe('parseInput: typed text', () => {
  it('accepts text within the limits, trimmed', () => {
    expect(parse(typed('  Hallo  '), TEXT)).toEqual({
      ok: true,
      answer: { kind: 'text', text: 'Hallo' },
    });
    expect(parse(typed('ab'), TEXT)).toMatchObject({ ok: true });
    expect(parse(typed('x'.repeat(10)), TEXT)).toMatchObject({ ok: true });
  });

  it('explains the limits', () => {
    expect(parse(typed('x'), TEXT)).toEqual(hint('tooShort', { min: 2 }));
    expect(parse(typed('x'.repeat(11)), TEXT)).toEqual(hint('tooLong', { max: 10 }));
    // Limits count the cleaned text: trimmed, without control characters.
    expect(parse(typed(`  ${'x'.repeat(10)}\u0000  `), TEXT)).toMatchObject({ ok: true });
  });

  it.each([
    ['an empty message', ''],
    ['spaces', '   '],
    ['white space of all kinds', ' \t\n\r\n \u00A0\u3000 '],
    ['control characters only', '\u0000\u0001\u0007\u001B\u007F\u0085'],
    ['bidi marks only', '\u202E\u2066\u200F\uFEFF'],
  ])('refuses %s as empty, wherever it comes', (_name, value) => {
    expect(parse(typed(value), TEXT)).toEqual(hint('empty'));
    expect(parse(typed(value), MENU)).toEqual(hint('empty'));
    expect(parse(typed(value), DATE)).toEqual(hint('empty'));
    expect(parse(typed(value), FILES)).toEqual(hint('empty'));
  });

  it('refuses 100 KB of text before any other work, naming the limit that applies', () => {
    const huge = 'Ä'.repeat(100 * 1024);
    expect(parse(typed(huge), LONG_TEXT)).toEqual(hint('tooLong', { max: 4_000 }));
    expect(parse(typed(huge), MENU)).toEqual(hint('tooLong', { max: MAX_RAW_TEXT }));
    expect(parse(typed(huge), DATE)).toEqual(hint('tooLong', { max: MAX_RAW_TEXT }));
    expect(parse(typed(' '.repeat(100 * 1024)), LONG_TEXT)).toEqual(
      hint('tooLong', { max: 4_000 }),
    );
  });

  it.each([
    ['NUL and bell', 'Ha\u0000ll\u0007o', 'Hallo'],
    ['escape sequences', '\u001B[31mrot\u001B[0m', '[31mrot[0m'],
    ['C1 controls', 'a\u0085b\u009Bc', 'abc'],
    ['a right-to-left override', 'invoice\u202Efdp.exe', 'invoicefdp.exe'],
    ['isolates and marks', '\u2066a\u2069\u200Eb\u200F', 'ab'],
    ['a byte order mark', '\uFEFFText', 'Text'],
    ['CRLF and CR', 'a\r\nb\rc', 'a\nb\nc'],
    ['trailing blanks on lines', 'a  \nb\t\nc', 'a\nb\nc'],
    ['runs of blank lines', 'a\n\n\n\n\nb', 'a\n\nb'],
    ['decomposed umlauts', 'Ko\u0308ln', 'Köln'],
    ['a control character between letter and accent', 'e\u0000\u0301', 'é'],
  ])('strips %s', (_name, value, cleaned) => {
    expect(parse(typed(value), LONG_TEXT)).toEqual({
      ok: true,
      answer: { kind: 'text', text: cleaned },
    });
  });

  it('keeps tabs, newlines, emoji and other scripts', () => {
    const value = 'Zeile 1\n\tZeile 2 👋 مرحبا 你好';
    expect(parse(typed(value), LONG_TEXT)).toEqual({
      ok: true,
      answer: { kind: 'text', text: value },
    });
  });

  it('asks for typed text when a choice or files come', () => {
    expect(parse({ kind: 'choice', id: 'a' }, TEXT)).toEqual(hint('expectedText'));
    expect(parse({ kind: 'choices', ids: ['a'] }, TEXT)).toEqual(hint('expectedText'));
    expect(parse({ kind: 'files', files: [file('a.png')] }, TEXT)).toEqual(hint('expectedText'));
  });

  it('reads a place as text of 2 to 200 characters', () => {
    const place: InputSpec = { kind: 'place' };
    expect(parse(typed(' Köln-Ehrenfeld '), place)).toEqual({
      ok: true,
      answer: { kind: 'place', text: 'Köln-Ehrenfeld' },
    });
    expect(parse(typed('K'), place)).toEqual(hint('tooShort', { min: 2 }));
    expect(parse(typed('x'.repeat(201)), place)).toEqual(hint('tooLong', { max: 200 }));
  });

  it('expects nothing where nothing is asked', () => {
    expect(parse(typed('hallo'), { kind: 'none' })).toEqual(hint('nothingExpected'));
    expect(parse({ kind: 'choice', id: 'x' }, { kind: 'none' })).toEqual(hint('nothingExpected'));
  });
});

describe('parseInput: dates', () => {
  const date = (value: string, today: string = TODAY) => parse(typed(value), DATE, today);
  const ok = (iso: string): Parsed => ({ ok: true, answer: { kind: 'date', date: iso } });

  it.each([
    ['2026-03-01', '2026-03-01'],
    ['2026-3-1', '2026-03-01'],
    [' 2026-03-01 ', '2026-03-01'],
    ['1.3.2026', '2026-03-01'],
    ['01.03.2026', '2026-03-01'],
    ['1. 3. 2026', '2026-03-01'],
    ['1.3.26', '2026-03-01'],
    ['31.12.99', '2099-12-31'],
    ['29.02.2028', '2028-02-29'],
    ['29.2.2000', '2000-02-29'],
    ['heute', TODAY],
    ['Heute', TODAY],
    ['HEUTE!', TODAY],
    ['today', TODAY],
    ['gestern', '2026-03-13'],
    ['Gestern.', '2026-03-13'],
    ['yesterday', '2026-03-13'],
    ['vorgestern', '2026-03-12'],
  ])('reads %j', (value, iso) => {
    expect(date(value)).toEqual(ok(iso));
  });

  it('counts days back across month, year and leap day', () => {
    expect(date('gestern', '2026-01-01')).toEqual(ok('2025-12-31'));
    expect(date('gestern', '2028-03-01')).toEqual(ok('2028-02-29'));
    expect(date('vorgestern', '2026-03-01')).toEqual(ok('2026-02-27'));
  });

  it.each([
    '31.02.2026',
    '29.02.2026',
    '30.02.2028',
    '2026-02-30',
    '2026-13-01',
    '2026-00-10',
    '32.1.2026',
    '31.4.2026',
    '0.1.2026',
    '1.13.2026',
    '1.3.',
    '1.3',
    '1.3.202',
    '2026/03/01',
    '03/01/2026',
    'morgen',
    'letzten Dienstag',
    '1.3.2026 abends',
  ])('refuses %j', (value) => {
    expect(date(value)).toEqual(hint('date'));
  });

  it('asks for typed text when a choice comes', () => {
    expect(parse({ kind: 'choice', id: 'heute' }, DATE)).toEqual(hint('expectedText'));
  });

  it('shiftDays moves an ISO day in both directions', () => {
    expect(shiftDays('2026-03-14', -14)).toBe('2026-02-28');
    expect(shiftDays('2026-12-31', 1)).toBe('2027-01-01');
  });
});

describe('parseInput: files and links', () => {
  it('takes files up to the maximum', () => {
    expect(parse({ kind: 'files', files: [file('a.png'), file('b.png')] }, FILES)).toEqual({
      ok: true,
      answer: { kind: 'files', files: [file('a.png'), file('b.png')], links: [] },
    });
    expect(parse({ kind: 'files', files: [file('a'), file('b'), file('c')] }, FILES)).toEqual(
      hint('tooManyFiles', { max: 2 }),
    );
  });

  it.each(['tooLarge', 'type', 'empty'] as const)(
    'explains a file refused as %s, whatever the question',
    (reason) => {
      const raw: RawInput = { kind: 'files', files: [], rejected: [reason] };
      expect(parse(raw, FILES)).toEqual(hint(`file.${reason}`));
      expect(parse(raw, MENU)).toEqual(hint(`file.${reason}`));
      expect(parse(raw, TEXT)).toEqual(hint(`file.${reason}`));
      // With accepted files beside it, the refusal is still explained (and nothing is kept).
      expect(parse({ ...raw, files: [file('ok.png')] }, FILES)).toEqual(hint(`file.${reason}`));
    },
  );

  it('takes links typed as text, without the sentence`s punctuation after them', () => {
    expect(
      parse(typed('Siehe https://example.org/post/1?x=2 und http://beispiel.de/a.'), FILES),
    ).toEqual({
      ok: true,
      answer: {
        kind: 'files',
        files: [],
        links: ['https://example.org/post/1?x=2', 'http://beispiel.de/a'],
      },
    });
    expect(parse(typed('<https://example.org/x>'), FILES)).toMatchObject({
      ok: true,
      answer: { links: ['https://example.org/x'] },
    });
  });

  it('refuses text without a link and a choice', () => {
    expect(parse(typed('ich habe ein Foto'), FILES)).toEqual(hint('files'));
    expect(parse(typed('ftp://example.org/file'), FILES)).toEqual(hint('files'));
    expect(parse({ kind: 'choice', id: 'x' }, FILES)).toEqual(hint('files'));
  });
});

describe('parseInput: shortcuts beside a typed answer', () => {
  const shortcuts = [opt('skip', 'Überspringen'), opt('done', 'Fertig')];
  const textWithShortcuts: InputSpec = { kind: 'text', min: 2, max: 100, shortcuts };
  const filesWithShortcuts: InputSpec = { kind: 'files', maxFiles: 5, shortcuts };
  const dateWithShortcuts: InputSpec = { kind: 'date', shortcuts: [opt('ongoing', 'Dauert an')] };
  const choice = (id: string): Parsed => ({ ok: true, answer: { kind: 'choice', id } });

  it('takes a tapped shortcut, its id or its label typed', () => {
    expect(parse({ kind: 'choice', id: 'skip' }, textWithShortcuts)).toEqual(choice('skip'));
    expect(parse(typed('skip'), textWithShortcuts)).toEqual(choice('skip'));
    expect(parse(typed('überspringen'), textWithShortcuts)).toEqual(choice('skip'));
    expect(parse(typed('UBERSPRINGEN'), textWithShortcuts)).toEqual(choice('skip'));
    expect(parse(typed('Fertig!'), filesWithShortcuts)).toEqual(choice('done'));
    expect(parse(typed('dauert an'), dateWithShortcuts)).toEqual(choice('ongoing'));
  });

  it('refuses a tapped id that is no shortcut', () => {
    expect(parse({ kind: 'choice', id: 'later' }, textWithShortcuts)).toEqual(hint('choice'));
    expect(parse({ kind: 'choice', id: 'later' }, filesWithShortcuts)).toEqual(hint('choice'));
  });

  it('reads anything else as the typed answer', () => {
    expect(parse(typed('Fertig gelesen'), textWithShortcuts)).toEqual({
      ok: true,
      answer: { kind: 'text', text: 'Fertig gelesen' },
    });
    expect(parse(typed('2'), textWithShortcuts)).toEqual(hint('tooShort', { min: 2 }));
    expect(parse(typed('gestern'), dateWithShortcuts)).toEqual({
      ok: true,
      answer: { kind: 'date', date: '2026-03-13' },
    });
    expect(parse({ kind: 'files', files: [file('a.png')] }, filesWithShortcuts)).toMatchObject({
      ok: true,
      answer: { kind: 'files' },
    });
  });
});

describe('matchOption', () => {
  const options = (MENU as { options: readonly Option[] }).options;

  it('maps numbers from 1, ids and folded labels to ids', () => {
    expect(matchOption('1', options, label)).toBe('report');
    expect(matchOption('emergency', options, label)).toBe('emergency');
    expect(matchOption('vorfall   MELDEN', options, label)).toBe('report');
  });

  it('returns undefined for anything else', () => {
    expect(matchOption('', options, label)).toBeUndefined();
    expect(matchOption('!!!', options, label)).toBeUndefined();
    expect(matchOption('0', options, label)).toBeUndefined();
    expect(matchOption('1234', options, label)).toBeUndefined();
  });
});

describe('properties', () => {
  // Strings rich in the characters that matter: controls, bidi, combining marks, white space,
  // lone surrogates, digits and separators, beside arbitrary code points.
  const special = fc.constantFrom(
    '\u0000',
    '\u0007',
    '\t',
    '\n',
    '\r',
    '\u000B',
    '\u001B',
    '\u007F',
    '\u0085',
    '\u009F',
    '\u00A0',
    '\u200B',
    '\u200E',
    '\u202A',
    '\u202E',
    '\u2028',
    '\u2066',
    '\u2069',
    '\uFEFF',
    '\u0301',
    '\u0308',
    'e',
    'o',
    'ß',
    'Ä',
    ' ',
    '  ',
    ',',
    ';',
    '.',
    '-',
    '/',
    '1',
    '3',
    '2026',
    'heute',
    'https://x.de/a',
    '\uD800',
    '\uDC00',
    '😀',
  );
  const messy = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 60 }),
    fc.array(special, { maxLength: 30 }).map((parts) => parts.join('')),
  );
  const options = fc.uniqueArray(
    fc.record({ id: fc.string({ minLength: 1, maxLength: 8 }), label: messy }),
    { selector: (o) => o.id, minLength: 1, maxLength: 6 },
  );
  const offer = (o: readonly { id: string; label: string }[]): Option[] =>
    o.map((x) => opt(x.id, x.label));
  const specs = fc.oneof(
    options.map((o): InputSpec => ({ kind: 'choice', options: offer(o) })),
    options.map((o): InputSpec => ({
      kind: 'choice',
      options: offer(o),
      freeText: { min: 1, max: 20 },
    })),
    fc
      .tuple(options, fc.nat(4))
      .map(([o, min]): InputSpec => ({ kind: 'multi', min, options: offer(o) })),
    options.map((o): InputSpec => ({ kind: 'confirm', options: offer(o) })),
    fc
      .tuple(fc.nat(5), fc.nat(50))
      .map(([min, extra]): InputSpec => ({ kind: 'text', min, max: min + extra })),
    fc.constant<InputSpec>({ kind: 'date' }),
    fc.constant<InputSpec>({ kind: 'place' }),
    fc.nat(3).map((maxFiles): InputSpec => ({ kind: 'files', maxFiles })),
    options.map((o): InputSpec => ({ kind: 'text', min: 1, max: 30, shortcuts: offer(o) })),
    options.map((o): InputSpec => ({ kind: 'date', shortcuts: offer(o) })),
    fc.constant<InputSpec>({ kind: 'none' }),
  );
  const raws = fc.oneof(
    messy.map((t): RawInput => ({ kind: 'text', text: t })),
    messy.map((id): RawInput => ({ kind: 'choice', id })),
    fc.array(messy, { maxLength: 5 }).map((ids): RawInput => ({ kind: 'choices', ids })),
    fc
      .tuple(fc.nat(4), fc.array(fc.constantFrom('tooLarge', 'type', 'empty'), { maxLength: 2 }))
      .map(([n, rejected]): RawInput => ({
        kind: 'files',
        files: Array.from({ length: n }, (_, i) => file(`${i}.png`)),
        rejected,
      })),
  );
  const days = fc
    .date({ min: new Date('1990-01-01'), max: new Date('2090-12-31'), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10));

  it('parseInput never throws and answers with an answer or an invalid.* hint', () => {
    fc.assert(
      fc.property(raws, specs, days, (raw, spec, today) => {
        const result = parseInput(raw, spec, label, today);
        if (!result.ok) {
          expect(result.hint.key).toMatch(/^common:invalid\.[\w.]+$/);
          return;
        }
        const answer = result.answer;
        if (answer.kind === 'text' || answer.kind === 'place') {
          expect(answer.text).not.toBe('');
          expect(UNSAFE.test(answer.text)).toBe(false);
          expect(cleanText(answer.text)).toBe(answer.text);
        }
        if (answer.kind === 'choice') {
          const offered =
            'options' in spec ? spec.options : 'shortcuts' in spec ? spec.shortcuts : [];
          expect((offered ?? []).map((o) => o.id)).toContain(answer.id);
        }
        if (answer.kind === 'multi' && 'options' in spec) {
          expect(new Set(answer.ids).size).toBe(answer.ids.length);
          for (const id of answer.ids) expect(spec.options.map((o) => o.id)).toContain(id);
        }
        if (answer.kind === 'date') expect(answer.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      }),
      { numRuns: 3_000 },
    );
  });

  it('cleanText is idempotent and never returns control or bidi characters', () => {
    fc.assert(
      fc.property(messy, (raw) => {
        const once = cleanText(raw);
        expect(cleanText(once)).toBe(once);
        expect(UNSAFE.test(once)).toBe(false);
        expect(once).toBe(once.trim());
        expect(once).toBe(once.normalize('NFC'));
      }),
      { numRuns: 5_000 },
    );
  });

  it('parseDate takes names of object properties for no day', () => {
    for (const word of ['constructor', 'toString', '__proto__'])
      expect(parseDate(word, '2026-11-30')).toBeUndefined();
  });

  it('parseDate gives real calendar days that read back the same, or nothing', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          messy,
          fc.tuple(fc.nat(40), fc.nat(14), fc.nat(2100)).map(([d, m, y]) => `${d}.${m}.${y}`),
        ),
        days,
        (typedDate, today) => {
          const iso = parseDate(typedDate, today);
          if (iso === undefined) return;
          const [y, m, d] = iso.split('-').map(Number);
          expect(new Date(`${iso}T00:00:00Z`).toISOString().slice(0, 10)).toBe(iso);
          expect(parseDate(`${d}.${m}.${String(y).padStart(4, '0')}`, today)).toBe(iso);
        },
      ),
      { numRuns: 3_000 },
    );
  });
});
