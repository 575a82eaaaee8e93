/**
 * The intake's questions, one record each, in the order they are asked. Adding a question is
 * adding a record here (its draft field, report field, summary and document lines come with it)
 * and its sentences in locales/<lng>/intake.json.
 */
import { z } from 'zod';
import { shiftDays } from '../parse-input.ts';
import { foldForMatch } from '../text-input.ts';
import { text, type Option, type Text } from '../types.ts';
import type { IntakeData } from './data.ts';
import {
  deadlineFor,
  deadlineNotice,
  formatDay,
  hasDeadlineNotice,
  reminderDay,
} from './deadline.ts';
import {
  CHANNELS,
  CONTACTS,
  HELP,
  KINDS,
  PERPETRATORS,
  PLATFORMS,
  POLICE,
  ROLES,
  STATE_ALIASES,
  STATES,
  STRAFANTRAG,
  YES_NO,
  type Channel,
  type State,
} from './options.ts';
import {
  invalid,
  k,
  next,
  notOffered,
  optionLabel,
  options,
  picked,
  summaryLine,
  type FlowStep,
  type Question,
} from './question.ts';

/** How many evidence files and links one report takes (settings EVIDENCE_MAX_*). */
export interface EvidenceLimits {
  /** Files in one message (an album). */
  readonly filesPerMessage: number;
  /** Files in the whole report. */
  readonly files: number;
  /** Links in the whole report. */
  readonly links: number;
}

/** The limits without settings; also the most the draft schema holds is {@link EVIDENCE_CAP}. */
export const DEFAULT_EVIDENCE_LIMITS: EvidenceLimits = {
  filesPerMessage: 10,
  files: 20,
  links: 20,
};
/** The most files or links a stored draft may hold, whatever the settings. */
export const EVIDENCE_CAP = 50;

/** Options whose ids form a non-empty tuple, as z.enum wants them. */
type Ids = readonly [string, ...string[]];
type Enum<T extends Ids> = z.ZodEnum<{ [P in T[number]]: P }>;

/** The incident happened online: only then are platform and link asked. */
const online = (a: { readonly channel?: Channel | null | undefined }): boolean =>
  a.channel === 'online';
/** The person went to the police: only then are file number and Strafantrag asked. */
const reported = (a: { readonly police?: (typeof POLICE)[number] | undefined }): boolean =>
  a.police === 'yes';

/**
 * The answers with the deadline question reopened: a new day, police report or Strafantrag answer
 * changes what the deadline notice says, so it is shown again before the summary.
 */
function reopenDeadline(data: IntakeData): IntakeData {
  const copy = { ...data };
  delete copy.reminder;
  return copy;
}

/** Reads a field the record itself declared (the draft type knows only the intake's own list). */
const field = (data: IntakeData, id: string): unknown => (data as Record<string, unknown>)[id];

/** The draft field of a question with one answer from fixed options, named by its id. */
type ChoiceDraft<Id extends string, T extends Ids> = { [K in Id]: z.ZodOptional<Enum<T>> };
/** A question with one answer from fixed options, as {@link choiceQuestion} makes it. */
export type ChoiceQuestion<Id extends string, T extends Ids> = Question<
  Id,
  ChoiceDraft<Id, T>,
  { [K in Id]: Enum<T> }
>;
/** A question with several answers from fixed options, as {@link multiQuestion} makes it. */
export type MultiQuestion<Id extends string, T extends Ids> = Question<
  Id,
  { [K in Id]: z.ZodOptional<z.ZodArray<Enum<T>>> },
  { [K in Id]: z.ZodArray<Enum<T>> }
>;

/**
 * A question with one answer from fixed options: its draft and report field are named by its id,
 * and its summary and document lines show the chosen option.
 */
export function choiceQuestion<Id extends string, const T extends Ids>(
  id: Id,
  ids: T,
  how: {
    readonly applies?: (data: IntakeData) => boolean;
    readonly store?: (data: IntakeData, id: T[number]) => IntakeData;
    readonly editable?: boolean;
  } = {},
): ChoiceQuestion<Id, T> {
  const store = how.store ?? ((data, value) => ({ ...data, [id]: value }));
  const label = (value: unknown): Text => optionLabel(id, String(value));
  return {
    id,
    editable: how.editable ?? true,
    ...(how.applies ? { applies: how.applies } : {}),
    answered: (d) => field(d, id) !== undefined,
    draft: { [id]: z.enum(ids).optional() } as ChoiceDraft<Id, T>,
    step: {
      view: () => ({
        say: [k(`${id}.prompt`)],
        input: { kind: 'choice', options: options(id, ids) },
      }),
      onAnswer: (answer, { data }) => {
        const value = picked<T[number]>(answer, ids);
        return value === undefined ? notOffered : next(store(data, value));
      },
    },
    summary: (d) => [summaryLine(id, label(field(d, id)))],
    report: {
      fields: { [id]: z.enum(ids) } as { [K in Id]: Enum<T> },
      value: (d) => ({ [id]: field(d, id) }) as { [K in Id]: unknown },
    },
    document: (r) => {
      const value = (r as Record<string, unknown>)[id];
      return value === null || value === undefined ? [] : [summaryLine(id, label(value))];
    },
  };
}

/** A question with several answers from fixed options, like {@link choiceQuestion}. */
function multiQuestion<Id extends string, const T extends Ids>(
  id: Id,
  ids: T,
): MultiQuestion<Id, T> {
  const labels = (value: unknown): Text[] =>
    (Array.isArray(value) ? value : []).map((v) => optionLabel(id, String(v)));
  return {
    id,
    editable: true,
    answered: (d) => field(d, id) !== undefined,
    draft: { [id]: z.array(z.enum(ids)).min(1).optional() } as {
      [K in Id]: z.ZodOptional<z.ZodArray<Enum<T>>>;
    },
    step: {
      view: () => ({
        say: [k(`${id}.prompt`), text('common:multiHint')],
        input: { kind: 'multi', options: options(id, ids), min: 1 },
      }),
      onAnswer: (answer, { data }) => {
        if (answer.kind !== 'multi') return notOffered;
        const chosen = ids.filter((value) => answer.ids.includes(value));
        return chosen.length === 0 ? notOffered : next({ ...data, [id]: chosen });
      },
    },
    summary: (d) => [summaryLine(id, labels(field(d, id)))],
    report: {
      fields: { [id]: z.array(z.enum(ids)).min(1) } as { [K in Id]: z.ZodArray<Enum<T>> },
      value: (d) => ({ [id]: field(d, id) }) as { [K in Id]: unknown },
    },
    document: (r) => {
      const value = (r as Record<string, unknown>)[id];
      return value === null || value === undefined ? [] : [summaryLine(id, labels(value))];
    },
  };
}

const skip: Option = { id: 'skip', label: k('skip') };
const httpUrl = z.url({ protocol: /^https?$/ }).max(2000);
const email = z.email().max(254);
const notGiven = k('summary.notGiven');

function stateFromText(typed: string): State | undefined {
  const folded = foldForMatch(typed);
  return STATE_ALIASES[folded] ?? STATES.find((code) => code.toLowerCase() === folded);
}

const dangerDraft = { danger: z.enum(YES_NO).optional() };
const dangerReport = { danger: z.enum(YES_NO) };
const danger: Question<'danger', typeof dangerDraft, typeof dangerReport> = {
  id: 'danger',
  editable: false,
  answered: (d) => d.danger !== undefined,
  draft: dangerDraft,
  step: {
    view: () => ({
      say: [k('danger.prompt')],
      input: { kind: 'choice', options: options('danger', YES_NO) },
    }),
    onAnswer: (answer, { data }) => {
      const id = picked(answer, YES_NO);
      if (id === undefined) return notOffered;
      const saved = { ...data, danger: id };
      return id === 'yes' ? { type: 'goto', step: 'dangerHelp', data: saved } : next(saved);
    },
  },
  report: { fields: dangerReport, value: (d) => ({ danger: d.danger }) },
};

const consentDraft = { consent: z.boolean().optional() };
const consent: Question<'consent', typeof consentDraft> = {
  id: 'consent',
  editable: false,
  answered: (d) => d.consent === true,
  draft: consentDraft,
  step: {
    view: () => ({
      say: [k('consent.text'), k('consent.ways')],
      input: { kind: 'confirm', options: options('consent', ['short', 'agree', 'decline']) },
    }),
    onAnswer: (answer, { data, now, newCaseRef }) => {
      const id = picked(answer, ['short', 'agree', 'decline']);
      if (id === 'decline')
        return { type: 'switch', flow: 'rights', data: {}, say: [k('consent.declined')] };
      if (id === undefined) return notOffered;
      // The case reference is fixed here, stored with the draft: a repeated confirm reuses it.
      return next({
        ...data,
        consent: true,
        // "short": only what staff need to call back now; the rest follows as details.
        way: id === 'short' ? 'short' : 'long',
        caseRef: data.caseRef ?? newCaseRef(),
        startedAt: data.startedAt ?? now.toISOString(),
      });
    },
  },
};

const platformReport = { platform: z.enum(PLATFORMS).nullable() };
const platformChoice: ChoiceQuestion<'platform', typeof PLATFORMS> = choiceQuestion(
  'platform',
  PLATFORMS,
  { applies: online },
);
const platform: Question<
  'platform',
  ChoiceDraft<'platform', typeof PLATFORMS>,
  typeof platformReport
> = {
  ...platformChoice,
  report: { fields: platformReport, value: (d) => ({ platform: d.platform ?? null }) },
  document: (r) =>
    r.platform ? [summaryLine('platform', optionLabel('platform', r.platform))] : [],
};

const linkDraft = { link: z.string().max(2000).nullable().optional() };
const linkReport = { link: z.string().max(2000).nullable() };
const link: Question<'link', typeof linkDraft, typeof linkReport> = {
  id: 'link',
  editable: true,
  applies: online,
  answered: (d) => d.link !== undefined,
  /** null: asked, no link given. */
  draft: linkDraft,
  step: {
    view: () => ({
      say: [k('link.prompt')],
      input: { kind: 'text', min: 4, max: 2000, shortcuts: [skip] },
    }),
    onAnswer: (answer, { data }) => {
      if (answer.kind === 'choice') return next({ ...data, link: null });
      if (answer.kind !== 'text') return notOffered;
      const url = /https?:\/\/\S+/.exec(answer.text)?.[0];
      return url !== undefined && httpUrl.safeParse(url).success
        ? next({ ...data, link: url })
        : invalid('link.invalid');
    },
  },
  summary: (d) => (d.link === undefined ? [] : [summaryLine('link', d.link ?? notGiven)]),
  report: { fields: linkReport, value: (d) => ({ link: d.link ?? null }) },
  document: (r) => (online(r) ? [summaryLine('link', r.link ?? notGiven)] : []),
};

/** When it happened: a day, or ongoing, or not known. */
export const whenSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('date'), date: z.iso.date() }),
  z.object({ kind: z.literal('ongoing') }),
  z.object({ kind: z.literal('unknown') }),
]);
const whenDraft = { when: whenSchema.optional() };
const whenReport = { when: whenSchema };
const whenLine = (w: z.infer<typeof whenSchema>, lang: 'de' | 'en'): Text =>
  summaryLine('when', w.kind === 'date' ? formatDay(w.date, lang) : k(`when.options.${w.kind}`));
const when: Question<'when', typeof whenDraft, typeof whenReport> = {
  id: 'when',
  editable: true,
  answered: (d) => d.when !== undefined,
  draft: whenDraft,
  step: {
    view: () => ({
      say: [k('when.prompt')],
      input: {
        kind: 'date',
        shortcuts: options('when', ['today', 'yesterday', 'ongoing', 'unknown']),
      },
    }),
    onAnswer: (answer, { data, today }) => {
      if (answer.kind === 'choice') {
        if (answer.id === 'ongoing' || answer.id === 'unknown')
          return next({ ...reopenDeadline(data), when: { kind: answer.id } });
        const day =
          answer.id === 'today'
            ? today
            : answer.id === 'yesterday'
              ? shiftDays(today, -1)
              : undefined;
        return day === undefined
          ? notOffered
          : next({ ...reopenDeadline(data), when: { kind: 'date', date: day } });
      }
      if (answer.kind !== 'date') return notOffered;
      if (answer.date > today) return invalid('when.future');
      if (answer.date < '1990-01-01') return invalid('when.tooOld');
      return next({ ...reopenDeadline(data), when: { kind: 'date', date: answer.date } });
    },
  },
  summary: (d, lang) => (d.when ? [whenLine(d.when, lang)] : []),
  report: { fields: whenReport, value: (d) => ({ when: d.when }) },
  document: (r, lang) => (r.when ? [whenLine(r.when, lang)] : []),
};

const state: ChoiceQuestion<'state', typeof STATES> = {
  ...choiceQuestion('state', STATES),
  step: {
    view: () => ({
      say: [k('state.prompt')],
      input: { kind: 'choice', options: options('state', STATES), freeText: { min: 2, max: 60 } },
    }),
    onAnswer: (answer, { data }) => {
      const id = answer.kind === 'text' ? stateFromText(answer.text) : picked(answer, STATES);
      if (id !== undefined) return next({ ...data, state: id });
      // A place that is no Land ("München"): said kindly, with the name, and asked again.
      return answer.kind === 'text' && /^\p{L}[\p{L} .'-]*$/u.test(answer.text.trim())
        ? { type: 'invalid', hint: k('state.notALand', { value: answer.text.trim() }) }
        : invalid('state.unknown');
    },
  },
};

/** Länder that are cities too: their name is a fine answer for the municipality. */
const CITY_STATES: readonly State[] = ['BE', 'HB', 'HH'];

const municipalityDraft = {
  municipality: z.string().max(200).nullable().optional(),
  /** A Land given as the municipality, asked about once; the person may keep it. */
  placeDoubt: z.string().max(200).optional(),
};
const municipalityReport = { municipality: z.string().max(200).nullable() };
/** The draft with the municipality set and no doubt left open. */
const withMunicipality = (data: IntakeData, value: string | null): IntakeData => {
  const copy = { ...data, municipality: value };
  delete copy.placeDoubt;
  return copy;
};
const municipality: Question<'municipality', typeof municipalityDraft, typeof municipalityReport> =
  {
    id: 'municipality',
    editable: true,
    answered: (d) => d.municipality !== undefined,
    draft: municipalityDraft,
    step: {
      view: ({ data }) =>
        data.placeDoubt === undefined
          ? { say: [k('municipality.prompt')], input: { kind: 'place', shortcuts: [skip] } }
          : {
              say: [k('municipality.again')],
              input: {
                kind: 'place',
                shortcuts: [{ id: 'keep', label: k('municipality.keep') }, skip],
              },
            },
      onAnswer: (answer, { data }) => {
        if (answer.kind === 'choice' && answer.id === 'keep' && data.placeDoubt !== undefined)
          return next(withMunicipality(data, data.placeDoubt));
        if (answer.kind === 'choice') return next(withMunicipality(data, null));
        if (answer.kind !== 'place') return notOffered;
        const land = stateFromText(answer.text);
        // A Land named as the municipality ("Bayern") is asked about once, kindly.
        if (land !== undefined && !CITY_STATES.includes(land) && data.placeDoubt === undefined)
          return {
            type: 'goto',
            step: 'municipality',
            data: { ...data, placeDoubt: answer.text },
            say: [
              k('municipality.isLand', { value: answer.text, land: optionLabel('state', land) }),
            ],
          };
        return next(withMunicipality(data, answer.text));
      },
    },
    summary: (d) =>
      d.municipality === undefined ? [] : [summaryLine('municipality', d.municipality ?? notGiven)],
    report: {
      fields: municipalityReport,
      value: (d) => ({ municipality: d.municipality ?? null }),
    },
    document: (r) => [summaryLine('municipality', r.municipality ?? notGiven)],
  };

/** Longest part of the description repeated in the summary. */
const DESCRIPTION_PREVIEW = 300;
const descriptionDraft = {
  description: z.string().max(4000).optional(),
  /** The description as a voice message: its length in seconds (null: not known). */
  voiceSeconds: z.number().int().nonnegative().nullable().optional(),
};
const descriptionReport = {
  description: z.string().max(4000),
  voiceSeconds: z.number().int().nonnegative().nullable().optional(),
};
/** "0:42": a voice message's length. */
export const clockLength = (seconds: number): string =>
  `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
/** The line naming a voice message, with its length when known. */
export const voiceLine = (seconds: number | null): Text =>
  seconds === null
    ? k('description.voice')
    : k('description.voiceLength', { length: clockLength(seconds) });
/**
 * The description has a section of its own in the case document, not a line. A voice message is
 * taken as the description: it is kept as evidence (with its hash), the summary names it.
 */
const description: Question<'description', typeof descriptionDraft, typeof descriptionReport> = {
  id: 'description',
  editable: true,
  answered: (d) => d.description !== undefined,
  draft: descriptionDraft,
  step: {
    view: () => ({
      say: [k('description.prompt')],
      input: { kind: 'text', min: 10, max: 3000, voice: true },
    }),
    onAnswer: (answer, { data }) => {
      if (answer.kind === 'text') {
        const copy = { ...data, description: answer.text };
        delete copy.voiceSeconds;
        return next(copy);
      }
      const voice = answer.kind === 'files' ? answer.files[0] : undefined;
      if (voice === undefined) return notOffered;
      const saved = data.evidence ?? { files: [], links: [] };
      const files = saved.files.some((f) => f.sha256 === voice.sha256)
        ? saved.files
        : [...saved.files, voice];
      return next({
        ...data,
        description: '',
        voiceSeconds: voice.seconds ?? null,
        evidence: { ...saved, files },
      });
    },
  },
  summary: (d) =>
    d.description === undefined
      ? []
      : d.voiceSeconds !== undefined
        ? [summaryLine('description', voiceLine(d.voiceSeconds))]
        : [
            summaryLine(
              'description',
              d.description.length > DESCRIPTION_PREVIEW
                ? `${d.description.slice(0, DESCRIPTION_PREVIEW)}…`
                : d.description,
            ),
          ],
  report: {
    fields: descriptionReport,
    value: (d) => ({ description: d.description, voiceSeconds: d.voiceSeconds }),
  },
};

const fileRefSchema = z.object({
  name: z.string().max(255),
  mime: z.string().max(255),
  size: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  receivedAt: z.iso.datetime(),
  seconds: z.number().int().nonnegative().optional(),
  ref: z.string().max(200),
});
const evidenceSchema = z.object({
  files: z.array(fileRefSchema).max(EVIDENCE_CAP),
  links: z.array(z.string().max(2000)).max(EVIDENCE_CAP),
});
const evidenceDraft = { evidence: evidenceSchema.optional(), evidenceDone: z.boolean().optional() };
const evidenceReport = { evidence: evidenceSchema };
/** "1 Datei", "3 Dateien": counts in the plural forms of the language. */
const evidenceCounts = (files: number, links: number): { files: Text; links: Text } => ({
  files: k('count.files', { count: files }),
  links: k('count.links', { count: links }),
});
type EvidenceQuestion = Question<'evidence', typeof evidenceDraft, typeof evidenceReport>;
/** Files and links, several messages long, until the person says done. Listed apart in the document. */
const evidence = (limits: EvidenceLimits): EvidenceQuestion => ({
  id: 'evidence',
  editable: true,
  answered: (d) => d.evidenceDone === true,
  draft: evidenceDraft,
  step: {
    view: ({ data }) => {
      const files = data.evidence?.files.length ?? 0;
      const links = data.evidence?.links.length ?? 0;
      return {
        // After the first file or link, a short status replaces the long explanation.
        say: [
          files + links > 0
            ? k('evidence.status', evidenceCounts(files, links))
            : k('evidence.prompt'),
        ],
        input: {
          kind: 'files',
          maxFiles: limits.filesPerMessage,
          heldBytes: data.evidence?.files.reduce((sum, f) => sum + f.size, 0) ?? 0,
          shortcuts: [{ id: 'done', label: k('evidence.done') }],
        },
      };
    },
    onAnswer: (answer, { data }) => {
      const saved = data.evidence ?? { files: [], links: [] };
      if (answer.kind === 'choice') return next({ ...data, evidence: saved, evidenceDone: true });
      if (answer.kind !== 'files') return notOffered;
      const files = [
        ...saved.files,
        ...answer.files.filter((f) => !saved.files.some((e) => e.sha256 === f.sha256)),
      ];
      const links = [...new Set([...saved.links, ...answer.links])];
      if (files.length > limits.files || links.length > limits.links)
        return invalid('evidence.full');
      return {
        type: 'goto',
        step: 'evidence',
        data: { ...data, evidence: { files, links }, evidenceDone: false },
      };
    },
  },
  summary: (d) =>
    d.evidence
      ? [k('summary.evidence', evidenceCounts(d.evidence.files.length, d.evidence.links.length))]
      : [],
  report: {
    fields: evidenceReport,
    value: (d) => ({ evidence: d.evidence ?? { files: [], links: [] } }),
  },
});

const police: ChoiceQuestion<'police', typeof POLICE> = choiceQuestion('police', POLICE, {
  store: (d, value) => ({ ...reopenDeadline(d), police: value }),
});

const fileNumberDraft = { fileNumber: z.string().max(100).nullable().optional() };
const fileNumberReport = { fileNumber: z.string().max(100).nullable() };
/** Follows the police question: changed with it, not on its own. */
const fileNumber: Question<'fileNumber', typeof fileNumberDraft, typeof fileNumberReport> = {
  id: 'fileNumber',
  editable: true,
  applies: reported,
  answered: (d) => d.fileNumber !== undefined,
  draft: fileNumberDraft,
  step: {
    view: () => ({
      say: [k('fileNumber.prompt')],
      input: { kind: 'text', min: 2, max: 100, shortcuts: [skip] },
    }),
    onAnswer: (answer, { data }) => {
      if (answer.kind === 'choice') return next({ ...data, fileNumber: null });
      return answer.kind === 'text' ? next({ ...data, fileNumber: answer.text }) : notOffered;
    },
  },
  summary: (d) =>
    d.fileNumber === undefined ? [] : [summaryLine('fileNumber', d.fileNumber ?? notGiven)],
  report: { fields: fileNumberReport, value: (d) => ({ fileNumber: d.fileNumber ?? null }) },
  document: (r) => (r.fileNumber ? [summaryLine('fileNumber', r.fileNumber)] : []),
};

/**
 * Asked only after a police report: was a Strafantrag made expressly? Not a report field of its
 * own: it decides whether the report carries a deadline.
 */
const strafantrag: Question<'strafantrag', ChoiceDraft<'strafantrag', typeof STRAFANTRAG>> = {
  ...choiceQuestion('strafantrag', STRAFANTRAG, {
    applies: reported,
    store: (d, value) => ({ ...reopenDeadline(d), strafantrag: value }),
  }),
  report: undefined,
  document: undefined,
};

const contactDraft = {
  contact: z.enum(CONTACTS).optional(),
  /** The phone number or address, when the way of contact needs one. */
  contactValue: z.string().max(254).nullable().optional(),
};
const contactReport = {
  contact: z.enum(CONTACTS),
  contactValue: z.string().max(254).nullable(),
};
const contact: Question<'contact', typeof contactDraft, typeof contactReport> = {
  id: 'contact',
  editable: true,
  answered: (d) => d.contact !== undefined,
  draft: contactDraft,
  step: choiceQuestion('contact', CONTACTS, {
    // A new way of contact drops the old phone number or address.
    store: (d, value) => ({
      ...d,
      contact: value,
      contactValue: value === d.contact ? d.contactValue : undefined,
    }),
  }).step,
  summary: (d) => {
    if (d.contact === undefined) return [];
    const how = optionLabel('contact', d.contact);
    return [
      summaryLine(
        'contact',
        typeof d.contactValue === 'string'
          ? k('summary.contactWith', { how, value: d.contactValue })
          : how,
      ),
    ];
  },
  report: {
    fields: contactReport,
    // Only the phone and e-mail questions set a value, and a new way of contact drops it.
    value: (d) => ({
      contact: d.contact,
      contactValue: typeof d.contactValue === 'string' ? d.contactValue : null,
    }),
  },
  document: (r) => {
    const how = optionLabel('contact', r.contact);
    return [
      summaryLine(
        'contact',
        r.contactValue ? k('summary.contactWith', { how, value: r.contactValue }) : how,
      ),
    ];
  },
};

/** A follow-up of the contact question that asks for the number or address; no field of its own. */
const contactDetail = <Id extends 'contactPhone' | 'contactEmail'>(
  id: Id,
  way: (typeof CONTACTS)[number],
  parse: (typed: string) => string | undefined,
): Question<Id> => ({
  id,
  editable: false,
  applies: (d) => d.contact === way,
  answered: (d) => typeof d.contactValue === 'string',
  step: {
    view: () => ({
      say: [k(`${id}.prompt`)],
      input: { kind: 'text', min: 5, max: id === 'contactEmail' ? 254 : 40 },
    }),
    onAnswer: (answer, { data }) => {
      if (answer.kind !== 'text') return notOffered;
      const value = parse(answer.text);
      return value === undefined
        ? invalid(`${id}.invalid`)
        : next({ ...data, contactValue: value });
    },
  },
});

const contactPhone = contactDetail('contactPhone', 'phone', (typed) => {
  const phone = typed.replace(/\s+/g, ' ');
  return /^\+?[0-9][0-9 ()/-]{4,30}[0-9]$/.test(phone) ? phone : undefined;
});
const contactEmail = contactDetail('contactEmail', 'email', (typed) =>
  email.safeParse(typed).success ? typed : undefined,
);

const deadlineDraft = { reminder: z.boolean().optional() };
const deadlineReport = {
  /** Last day for a Strafantrag, when the day is known and no Strafantrag is known to be made. */
  strafantragDeadline: z.iso.date().nullable(),
  reminder: z.boolean(),
};
/** The §77b notice with the offer of a reminder, once the day is known and no Strafantrag made. */
const deadline: Question<'deadline', typeof deadlineDraft, typeof deadlineReport> = {
  id: 'deadline',
  editable: false,
  applies: hasDeadlineNotice,
  answered: (d) => d.reminder !== undefined,
  draft: deadlineDraft,
  step: {
    view: ({ data, lang, today }) => {
      const notice = deadlineNotice(data, today);
      // After a police report without a Strafantrag: say first that the report is not one.
      const said = reported(data) ? [k('deadline.reported')] : [];
      const disclaimer = k('deadline.disclaimer');
      if (notice === null || notice.kind !== 'date')
        return {
          say: [...said, k(`deadline.${notice?.kind ?? 'unknown'}`), disclaimer],
          input: { kind: 'choice', options: options('deadline', ['ok']) },
        };
      const params = {
        date: formatDay(notice.deadline, lang),
        reminder: formatDay(reminderDay(notice.deadline), lang),
      };
      // Details after a short report: the report went out without a reminder, so none is offered.
      const stage = notice.stage === 'ahead' && data.sent === true ? 'soon' : notice.stage;
      if (stage !== 'ahead')
        return {
          say: [...said, k(`deadline.${stage}`, params), disclaimer],
          input: { kind: 'choice', options: options('deadline', ['ok']) },
        };
      return {
        say: [...said, k('deadline.text', params), disclaimer],
        input: { kind: 'confirm', options: options('deadline', ['remind', 'noRemind']) },
      };
    },
    onAnswer: (answer, { data }) => {
      const id = picked(answer, ['remind', 'noRemind', 'ok']);
      return id === undefined ? notOffered : next({ ...data, reminder: id === 'remind' });
    },
  },
  summary: (d, lang) => {
    const day = deadlineFor(d);
    return day === null
      ? []
      : [
          k(d.reminder === true ? 'summary.deadlineReminder' : 'summary.deadline', {
            date: formatDay(day, lang),
          }),
        ];
  },
  report: {
    fields: deadlineReport,
    value: (d) => ({
      strafantragDeadline: deadlineFor(d),
      reminder: deadlineFor(d) !== null && d.reminder === true,
    }),
    absent: { strafantragDeadline: null, reminder: false },
  },
  document: (r, lang) =>
    r.strafantragDeadline
      ? [k('summary.deadline', { date: formatDay(r.strafantragDeadline, lang) })]
      : [],
};

const role: ChoiceQuestion<'role', typeof ROLES> = choiceQuestion('role', ROLES);
const kinds: MultiQuestion<'kinds', typeof KINDS> = multiQuestion('kinds', KINDS);
const channel: ChoiceQuestion<'channel', typeof CHANNELS> = choiceQuestion('channel', CHANNELS);
const perpetrator: ChoiceQuestion<'perpetrator', typeof PERPETRATORS> = choiceQuestion(
  'perpetrator',
  PERPETRATORS,
);
const family: ChoiceQuestion<'family', typeof YES_NO> = choiceQuestion('family', YES_NO);
const help: MultiQuestion<'help', typeof HELP> = multiQuestion('help', HELP);

/** The intake's questions in the order they are asked, with the evidence limits of the settings. */
export const intakeQuestions = (limits: EvidenceLimits = DEFAULT_EVIDENCE_LIMITS) =>
  [
    danger,
    consent,
    role,
    kinds,
    channel,
    platform,
    link,
    when,
    state,
    municipality,
    description,
    evidence(limits),
    perpetrator,
    police,
    fileNumber,
    strafantrag,
    family,
    help,
    contact,
    contactPhone,
    contactEmail,
    deadline,
  ] as const;

/**
 * The short way, in the order asked: the danger question, consent, what happened in the person's
 * own words, evidence and how to reach them. The report is sent after these; the other questions
 * follow as optional details, each skippable, added to the same case.
 */
export const SHORT_WAY = [
  'danger',
  'consent',
  'description',
  'evidence',
  'contact',
  'contactPhone',
  'contactEmail',
] as const satisfies readonly QuestionId[];
export type ShortWayId = (typeof SHORT_WAY)[number];

/** The intake's questions as one list type. */
export type IntakeQuestions = ReturnType<typeof intakeQuestions>;
/** The id of an intake question. */
export type QuestionId = IntakeQuestions[number]['id'];
/** Every step of the intake: its questions and its own steps (resume, summary, edit …). */
export type StepId = QuestionId | FlowStep;
