import { z } from 'zod';
import { cleanText, foldForMatch, MAX_RAW_TEXT } from './text-input.ts';
import {
  text,
  type Answer,
  type FileRef,
  type FileRejection,
  type InputSpec,
  type Option,
  type Text,
} from './types.ts';

/** What the person sent, before it is checked against the question. */
export type RawInput =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'choice'; readonly id: string }
  | { readonly kind: 'choices'; readonly ids: readonly string[] }
  | {
      readonly kind: 'files';
      readonly files: readonly FileRef[];
      /** Files the adapter refused (too large, wrong type …); explained, nothing kept. */
      readonly rejected?: readonly FileRejection[];
    };

export type Parsed =
  { readonly ok: true; readonly answer: Answer } | { readonly ok: false; readonly hint: Text };

const invalid = (key: string, params?: Record<string, string | number>): Parsed => ({
  ok: false,
  hint: text(`common:invalid.${key}`, params),
});

/** Resolves a typed number, id or label to the id of an offered option. */
export function matchOption(
  typed: string,
  options: readonly Option[],
  label: (o: Option) => string,
): string | undefined {
  const trimmed = typed.trim();
  if (/^\d{1,3}$/.test(trimmed)) return options[Number(trimmed) - 1]?.id;
  const folded = foldForMatch(trimmed);
  if (folded === '') return undefined;
  return (
    options.find((o) => o.id === trimmed)?.id ??
    options.find((o) => foldForMatch(label(o)) === folded)?.id
  );
}

const isoDate = z.iso.date();

/**
 * Turns raw input into an answer of the expected kind, or a localised hint. Checks only what the
 * kind demands; step-specific rules (a date not in the future …) are the step's business.
 * `label` renders an option's label in the person's language so that typed labels match.
 */
export function parseInput(
  raw: RawInput,
  spec: InputSpec,
  label: (o: Option) => string,
  today: string,
): Parsed {
  if (raw.kind === 'text' && raw.text.length > MAX_RAW_TEXT) {
    return invalid('tooLong', { max: spec.kind === 'text' ? spec.max : MAX_RAW_TEXT });
  }
  const rejected = raw.kind === 'files' ? raw.rejected?.[0] : undefined;
  if (rejected !== undefined) return invalid(`file.${rejected}`);
  const typed = raw.kind === 'text' ? cleanText(raw.text) : undefined;
  if (typed === '') return invalid('empty');

  if ('shortcuts' in spec && spec.shortcuts !== undefined) {
    const shortcut = matchShortcut(raw, typed, spec.shortcuts, label);
    if (shortcut === null) return invalid('choice');
    if (shortcut !== undefined) return { ok: true, answer: { kind: 'choice', id: shortcut } };
  }

  switch (spec.kind) {
    case 'choice':
    case 'confirm': {
      const id =
        raw.kind === 'choice'
          ? raw.id
          : typed !== undefined
            ? matchOption(typed, spec.options, label)
            : undefined;
      if (id === undefined && typed !== undefined && spec.kind === 'choice' && spec.freeText) {
        if (typed.length > spec.freeText.max) return invalid('tooLong', { max: spec.freeText.max });
        if (typed.length >= spec.freeText.min)
          return { ok: true, answer: { kind: 'text', text: typed } };
      }
      if (id === undefined || !spec.options.some((o) => o.id === id)) return invalid('choice');
      return { ok: true, answer: { kind: 'choice', id } };
    }
    case 'multi': {
      let ids: string[] | undefined;
      if (raw.kind === 'choices') ids = [...raw.ids];
      else if (raw.kind === 'choice') ids = [raw.id];
      else if (typed !== undefined) {
        const parts = typed
          .split(/[,;\n]+|\s+(?=\d)/)
          .map((p) => p.trim())
          .filter((p) => p !== '');
        const matched = parts.map((p) => matchOption(p, spec.options, label));
        ids = matched.every((m) => m !== undefined) ? matched : undefined;
      }
      if (ids === undefined || ids.some((id) => !spec.options.some((o) => o.id === id)))
        return invalid('multi');
      const unique = [...new Set(ids)];
      if (unique.length < spec.min) return invalid('multiMin', { count: spec.min });
      return { ok: true, answer: { kind: 'multi', ids: unique } };
    }
    case 'text':
    case 'place': {
      // A voice message where one is welcome: one audio file.
      if (spec.kind === 'text' && spec.voice === true && raw.kind === 'files') {
        const [file, ...more] = raw.files;
        return file !== undefined && more.length === 0 && file.mime.startsWith('audio/')
          ? { ok: true, answer: { kind: 'files', files: [file], links: [] } }
          : invalid('expectedVoice');
      }
      if (typed === undefined) return invalid('expectedText');
      const max = spec.kind === 'text' ? spec.max : 200;
      const min = spec.kind === 'text' ? spec.min : 2;
      if (typed.length > max) return invalid('tooLong', { max });
      if (typed.length < min) return invalid('tooShort', { min });
      return {
        ok: true,
        answer:
          spec.kind === 'text' ? { kind: 'text', text: typed } : { kind: 'place', text: typed },
      };
    }
    case 'date': {
      if (typed === undefined) return invalid('expectedText');
      const date = parseDate(typed, today);
      return date === undefined ? invalid('date') : { ok: true, answer: { kind: 'date', date } };
    }
    case 'files': {
      if (raw.kind === 'files') {
        if (raw.files.length > spec.maxFiles)
          return invalid('tooManyFiles', { max: spec.maxFiles });
        return { ok: true, answer: { kind: 'files', files: raw.files, links: [] } };
      }
      if (typed === undefined) return invalid('files');
      // A sentence's full stop or comma after a link is not part of it.
      const links = (typed.match(/https?:\/\/[^\s<>"]+/g) ?? []).map((l) =>
        l.replace(/[.,;:!?]+$/, ''),
      );
      if (links.length === 0) return invalid('files');
      return { ok: true, answer: { kind: 'files', files: [], links } };
    }
    case 'none':
      return invalid('nothingExpected');
  }
}

/**
 * A shortcut id for a tapped or typed shortcut; undefined when the input is no shortcut; null for
 * a choice that was not offered.
 */
function matchShortcut(
  raw: RawInput,
  typed: string | undefined,
  shortcuts: readonly Option[],
  label: (o: Option) => string,
): string | null | undefined {
  if (raw.kind === 'choice') return shortcuts.some((o) => o.id === raw.id) ? raw.id : null;
  if (typed === undefined) return undefined;
  const folded = foldForMatch(typed);
  return shortcuts.find((o) => o.id === typed || foldForMatch(label(o)) === folded)?.id;
}

const DAY_WORDS: Record<string, number> = {
  heute: 0,
  today: 0,
  gestern: 1,
  yesterday: 1,
  vorgestern: 2,
};

/**
 * Reads a calendar date as typed by people in Germany and elsewhere: 2026-03-01, 1.3.2026, 1.3.26,
 * "heute", "gestern". Returns ISO YYYY-MM-DD or undefined when it is no real date.
 */
export function parseDate(typed: string, today: string): string | undefined {
  const word = foldForMatch(typed);
  // Own entries only: "constructor" is no day word.
  const back = Object.hasOwn(DAY_WORDS, word) ? DAY_WORDS[word] : undefined;
  if (back !== undefined) return shiftDays(today, -back);
  let y: number, m: number, d: number;
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(typed.trim());
  const de = /^(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{2}|\d{4})$/.exec(typed.trim());
  if (iso) [y, m, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  else if (de) {
    const year = Number(de[3]);
    // Only a two-digit year is short ("26" is 2026); "0026" is the year 26, as in ISO input.
    [d, m, y] = [Number(de[1]), Number(de[2]), de[3]?.length === 2 ? 2000 + year : year];
  } else return undefined;
  const candidate = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  if (!isoDate.safeParse(candidate).success) return undefined;
  const check = new Date(`${candidate}T00:00:00Z`);
  return check.getUTCDate() === d && check.getUTCMonth() + 1 === m ? candidate : undefined;
}

/** Adds days to an ISO date. */
export function shiftDays(isoDay: string, days: number): string {
  const date = new Date(`${isoDay}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}
