import { z } from 'zod';
import { defineFlow } from '../define.ts';
import { shiftDays } from '../parse-input.ts';
import { foldForMatch } from '../text-input.ts';
import { text, type Answer, type Option, type Step, type StepResult, type Text } from '../types.ts';
import { intakeDataSchema, type IntakeData } from './data.ts';
import { deadlineNotice, formatDay, hasDeadlineNotice, reminderDay } from './deadline.ts';
import {
  CHANNELS,
  CONTACTS,
  HELP,
  KINDS,
  PERPETRATORS,
  PLATFORMS,
  POLICE,
  ROLES,
  STRAFANTRAG,
  STATE_ALIASES,
  STATE_HOTLINES,
  STATES,
  YES_NO,
  type State,
} from './options.ts';
import { buildReport, isUrgent } from './report.ts';
import { summaryLines } from './summary.ts';

type Result = StepResult<IntakeData>;
type IntakeStep = Step<IntakeData>;

const k = (key: string, params?: Parameters<typeof text>[1]): Text => text(`intake:${key}`, params);
const options = (prefix: string, ids: readonly string[]): Option[] =>
  ids.map((id) => ({ id, label: k(`${prefix}.options.${id}`) }));
const invalid = (key: string): Result => ({ type: 'invalid', hint: k(key) });
const notOffered: Result = { type: 'invalid', hint: text('common:invalid.choice') };

/** The id of a chosen option when it is one of `ids`. */
function picked<T extends string>(answer: Answer, ids: readonly T[]): T | undefined {
  return answer.kind === 'choice' ? ids.find((id) => id === answer.id) : undefined;
}

/**
 * The script in order: each question, when it applies and when it counts as answered. The next
 * step is always the first one that applies and is unanswered, so going back, changing an answer
 * from the summary and resuming a draft all follow from one rule.
 */
const ORDER: readonly {
  readonly step: string;
  readonly applies: (d: IntakeData) => boolean;
  readonly answered: (d: IntakeData) => boolean;
}[] = [
  { step: 'danger', applies: () => true, answered: (d) => d.danger !== undefined },
  { step: 'consent', applies: () => true, answered: (d) => d.consent === true },
  { step: 'role', applies: () => true, answered: (d) => d.role !== undefined },
  { step: 'kinds', applies: () => true, answered: (d) => d.kinds !== undefined },
  { step: 'channel', applies: () => true, answered: (d) => d.channel !== undefined },
  {
    step: 'platform',
    applies: (d) => d.channel === 'online',
    answered: (d) => d.platform !== undefined,
  },
  { step: 'link', applies: (d) => d.channel === 'online', answered: (d) => d.link !== undefined },
  { step: 'when', applies: () => true, answered: (d) => d.when !== undefined },
  { step: 'state', applies: () => true, answered: (d) => d.state !== undefined },
  { step: 'municipality', applies: () => true, answered: (d) => d.municipality !== undefined },
  { step: 'description', applies: () => true, answered: (d) => d.description !== undefined },
  { step: 'evidence', applies: () => true, answered: (d) => d.evidenceDone === true },
  { step: 'perpetrator', applies: () => true, answered: (d) => d.perpetrator !== undefined },
  { step: 'police', applies: () => true, answered: (d) => d.police !== undefined },
  {
    step: 'fileNumber',
    applies: (d) => d.police === 'yes',
    answered: (d) => d.fileNumber !== undefined,
  },
  {
    step: 'strafantrag',
    applies: (d) => d.police === 'yes',
    answered: (d) => d.strafantrag !== undefined,
  },
  { step: 'family', applies: () => true, answered: (d) => d.family !== undefined },
  { step: 'help', applies: () => true, answered: (d) => d.help !== undefined },
  { step: 'contact', applies: () => true, answered: (d) => d.contact !== undefined },
  {
    step: 'contactPhone',
    applies: (d) => d.contact === 'phone',
    answered: (d) => typeof d.contactValue === 'string',
  },
  {
    step: 'contactEmail',
    applies: (d) => d.contact === 'email',
    answered: (d) => typeof d.contactValue === 'string',
  },
  {
    step: 'deadline',
    applies: hasDeadlineNotice,
    answered: (d) => d.reminder !== undefined,
  },
];

/** The first question that applies and is still open; the summary when all are answered. */
export function nextStep(data: IntakeData): string {
  return ORDER.find((q) => q.applies(data) && !q.answered(data))?.step ?? 'summary';
}

/** Stores an answer and moves on to the next open question. */
const save = (data: IntakeData, say?: readonly Text[]): Result => ({
  type: 'goto',
  step: nextStep(data),
  data,
  ...(say ? { say } : {}),
});

/**
 * The answers with the deadline question reopened: a new day, police report or Strafantrag answer
 * changes what the deadline notice says, so it is shown again before the summary.
 */
function reopenDeadline(data: IntakeData): IntakeData {
  const copy = { ...data };
  delete copy.reminder;
  return copy;
}

/** A question with one answer from fixed options. */
function choiceStep<T extends string>(
  prefix: string,
  ids: readonly T[],
  store: (data: IntakeData, id: T) => IntakeData,
): IntakeStep {
  return {
    view: () => ({
      say: [k(`${prefix}.prompt`)],
      input: { kind: 'choice', options: options(prefix, ids) },
    }),
    onAnswer: (answer, { data }) => {
      const id = picked(answer, ids);
      return id === undefined ? notOffered : save(store(data, id));
    },
  };
}

/** A question with several answers from fixed options. */
function multiStep<T extends string>(
  prefix: string,
  ids: readonly T[],
  store: (data: IntakeData, picked: T[]) => IntakeData,
): IntakeStep {
  return {
    view: () => ({
      say: [k(`${prefix}.prompt`), text('common:multiHint')],
      input: { kind: 'multi', options: options(prefix, ids), min: 1 },
    }),
    onAnswer: (answer, { data }) => {
      if (answer.kind !== 'multi') return notOffered;
      const chosen = ids.filter((id) => answer.ids.includes(id));
      return chosen.length === 0 ? notOffered : save(store(data, chosen));
    },
  };
}

const skip: Option = { id: 'skip', label: k('skip') };
const httpUrl = z.url({ protocol: /^https?$/ }).max(2000);
const email = z.email().max(254);

function stateFromText(typed: string): State | undefined {
  const folded = foldForMatch(typed);
  return STATE_ALIASES[folded] ?? STATES.find((code) => code.toLowerCase() === folded);
}

const steps: Record<string, IntakeStep> = {
  resume: {
    view: ({ data, lang }) => ({
      say: [
        k('resume.prompt', {
          date: formatDay((data.startedAt ?? '').slice(0, 10) || '2000-01-01', lang),
        }),
      ],
      input: { kind: 'choice', options: options('resume', ['continue', 'restart']) },
    }),
    onAnswer: (answer, { data }) => {
      const id = picked(answer, ['continue', 'restart']);
      if (id === 'continue') return { type: 'goto', step: nextStep(data) };
      if (id === 'restart') return { type: 'goto', step: 'danger', data: {} };
      return notOffered;
    },
  },

  danger: {
    view: () => ({
      say: [k('danger.prompt')],
      input: { kind: 'choice', options: options('danger', YES_NO) },
    }),
    onAnswer: (answer, { data }) => {
      const id = picked(answer, YES_NO);
      if (id === undefined) return notOffered;
      const next = { ...data, danger: id };
      return id === 'yes' ? { type: 'goto', step: 'dangerHelp', data: next } : save(next);
    },
  },

  dangerHelp: {
    view: ({ data }) => ({
      say: [
        k('dangerHelp.text'),
        data.state === undefined
          ? k('dangerHelp.stateUnknown')
          : STATE_HOTLINES[data.state]
            ? k(`dangerHelp.hotline.${data.state}`)
            : k('dangerHelp.stateOther', { state: k(`state.options.${data.state}`) }),
        k('dangerHelp.continuePrompt'),
      ],
      input: { kind: 'choice', options: options('dangerHelp', ['continue', 'menu']) },
    }),
    onAnswer: (answer, { data }) => {
      const id = picked(answer, ['continue', 'menu']);
      if (id === 'continue') return save(data);
      if (id === 'menu') return { type: 'end', say: [k('dangerHelp.kept')] };
      return notOffered;
    },
  },

  consent: {
    view: () => ({
      say: [k('consent.text')],
      input: { kind: 'confirm', options: options('consent', ['agree', 'decline']) },
    }),
    onAnswer: (answer, { data, now, newCaseRef }) => {
      const id = picked(answer, ['agree', 'decline']);
      if (id === 'decline')
        return { type: 'switch', flow: 'rights', data: {}, say: [k('consent.declined')] };
      if (id === undefined) return notOffered;
      // The case reference is fixed here, stored with the draft: a repeated confirm reuses it.
      return save({
        ...data,
        consent: true,
        caseRef: data.caseRef ?? newCaseRef(),
        startedAt: data.startedAt ?? now.toISOString(),
      });
    },
  },

  role: choiceStep('role', ROLES, (d, role) => ({ ...d, role })),
  kinds: multiStep('kinds', KINDS, (d, kinds) => ({ ...d, kinds })),
  channel: choiceStep('channel', CHANNELS, (d, channel) => ({ ...d, channel })),
  platform: choiceStep('platform', PLATFORMS, (d, platform) => ({ ...d, platform })),

  link: {
    view: () => ({
      say: [k('link.prompt')],
      input: { kind: 'text', min: 4, max: 2000, shortcuts: [skip] },
    }),
    onAnswer: (answer, { data }) => {
      if (answer.kind === 'choice') return save({ ...data, link: null });
      if (answer.kind !== 'text') return notOffered;
      const url = /https?:\/\/\S+/.exec(answer.text)?.[0];
      return url !== undefined && httpUrl.safeParse(url).success
        ? save({ ...data, link: url })
        : invalid('link.invalid');
    },
  },

  when: {
    view: () => ({
      say: [k('when.prompt')],
      input: {
        kind: 'date',
        shortcuts: options('when', ['today', 'yesterday', 'ongoing', 'unknown']),
      },
    }),
    onAnswer: (answer, { data, now }) => {
      const today = now.toISOString().slice(0, 10);
      if (answer.kind === 'choice') {
        if (answer.id === 'ongoing' || answer.id === 'unknown')
          return save({ ...reopenDeadline(data), when: { kind: answer.id } });
        const day =
          answer.id === 'today'
            ? today
            : answer.id === 'yesterday'
              ? shiftDays(today, -1)
              : undefined;
        return day === undefined
          ? notOffered
          : save({ ...reopenDeadline(data), when: { kind: 'date', date: day } });
      }
      if (answer.kind !== 'date') return notOffered;
      if (answer.date > today) return invalid('when.future');
      if (answer.date < '1990-01-01') return invalid('when.tooOld');
      return save({ ...reopenDeadline(data), when: { kind: 'date', date: answer.date } });
    },
  },

  state: {
    view: () => ({
      say: [k('state.prompt')],
      input: { kind: 'choice', options: options('state', STATES), freeText: { min: 2, max: 60 } },
    }),
    onAnswer: (answer, { data }) => {
      const state = answer.kind === 'text' ? stateFromText(answer.text) : picked(answer, STATES);
      return state === undefined ? invalid('state.unknown') : save({ ...data, state });
    },
  },

  municipality: {
    view: () => ({ say: [k('municipality.prompt')], input: { kind: 'place', shortcuts: [skip] } }),
    onAnswer: (answer, { data }) => {
      if (answer.kind === 'choice') return save({ ...data, municipality: null });
      return answer.kind === 'place' ? save({ ...data, municipality: answer.text }) : notOffered;
    },
  },

  description: {
    view: () => ({ say: [k('description.prompt')], input: { kind: 'text', min: 10, max: 3000 } }),
    onAnswer: (answer, { data }) =>
      answer.kind === 'text' ? save({ ...data, description: answer.text }) : notOffered,
  },

  evidence: {
    view: ({ data }) => {
      const files = data.evidence?.files.length ?? 0;
      const links = data.evidence?.links.length ?? 0;
      return {
        // After the first file or link, a short status replaces the long explanation.
        say: [files + links > 0 ? k('evidence.status', { files, links }) : k('evidence.prompt')],
        input: {
          kind: 'files',
          maxFiles: 10,
          heldBytes: data.evidence?.files.reduce((sum, f) => sum + f.size, 0) ?? 0,
          shortcuts: [{ id: 'done', label: k('evidence.done') }],
        },
      };
    },
    onAnswer: (answer, { data }) => {
      const evidence = data.evidence ?? { files: [], links: [] };
      if (answer.kind === 'choice') return save({ ...data, evidence, evidenceDone: true });
      if (answer.kind !== 'files') return notOffered;
      const files = [
        ...evidence.files,
        ...answer.files.filter((f) => !evidence.files.some((e) => e.sha256 === f.sha256)),
      ];
      const links = [...new Set([...evidence.links, ...answer.links])];
      if (files.length > 20 || links.length > 20) return invalid('evidence.full');
      return {
        type: 'goto',
        step: 'evidence',
        data: { ...data, evidence: { files, links }, evidenceDone: false },
      };
    },
  },

  perpetrator: choiceStep('perpetrator', PERPETRATORS, (d, perpetrator) => ({ ...d, perpetrator })),
  police: choiceStep('police', POLICE, (d, police) => ({ ...reopenDeadline(d), police })),

  fileNumber: {
    view: () => ({
      say: [k('fileNumber.prompt')],
      input: { kind: 'text', min: 2, max: 100, shortcuts: [skip] },
    }),
    onAnswer: (answer, { data }) => {
      if (answer.kind === 'choice') return save({ ...data, fileNumber: null });
      return answer.kind === 'text' ? save({ ...data, fileNumber: answer.text }) : notOffered;
    },
  },

  family: choiceStep('family', YES_NO, (d, family) => ({ ...d, family })),
  help: multiStep('help', HELP, (d, help) => ({ ...d, help })),
  // A new way of contact drops the old phone number or address.
  contact: choiceStep('contact', CONTACTS, (d, contact) => ({
    ...d,
    contact,
    contactValue: contact === d.contact ? d.contactValue : undefined,
  })),

  contactPhone: {
    view: () => ({ say: [k('contactPhone.prompt')], input: { kind: 'text', min: 5, max: 40 } }),
    onAnswer: (answer, { data }) => {
      if (answer.kind !== 'text') return notOffered;
      const phone = answer.text.replace(/\s+/g, ' ');
      return /^\+?[0-9][0-9 ()/-]{4,30}[0-9]$/.test(phone)
        ? save({ ...data, contactValue: phone })
        : invalid('contactPhone.invalid');
    },
  },

  contactEmail: {
    view: () => ({ say: [k('contactEmail.prompt')], input: { kind: 'text', min: 5, max: 254 } }),
    onAnswer: (answer, { data }) => {
      if (answer.kind !== 'text') return notOffered;
      return email.safeParse(answer.text).success
        ? save({ ...data, contactValue: answer.text })
        : invalid('contactEmail.invalid');
    },
  },

  strafantrag: choiceStep('strafantrag', STRAFANTRAG, (d, strafantrag) => ({
    ...reopenDeadline(d),
    strafantrag,
  })),

  deadline: {
    view: ({ data, lang, now }) => {
      const notice = deadlineNotice(data, now.toISOString().slice(0, 10));
      // After a police report without a Strafantrag: say first that the report is not one.
      const reported = data.police === 'yes' ? [k('deadline.reported')] : [];
      const disclaimer = k('deadline.disclaimer');
      if (notice === null || notice.kind !== 'date')
        return {
          say: [...reported, k(`deadline.${notice?.kind ?? 'unknown'}`), disclaimer],
          input: { kind: 'choice', options: options('deadline', ['ok']) },
        };
      const params = {
        date: formatDay(notice.deadline, lang),
        reminder: formatDay(reminderDay(notice.deadline), lang),
      };
      if (notice.stage !== 'ahead')
        return {
          say: [...reported, k(`deadline.${notice.stage}`, params), disclaimer],
          input: { kind: 'choice', options: options('deadline', ['ok']) },
        };
      return {
        say: [...reported, k('deadline.text', params), disclaimer],
        input: { kind: 'confirm', options: options('deadline', ['remind', 'noRemind']) },
      };
    },
    onAnswer: (answer, { data }) => {
      const id = picked(answer, ['remind', 'noRemind', 'ok']);
      return id === undefined ? notOffered : save({ ...data, reminder: id === 'remind' });
    },
  },

  summary: {
    view: ({ data, lang }) => ({
      say: [k('summary.body', { lines: { lines: summaryLines(data, lang) } }), k('summary.prompt')],
      input: { kind: 'confirm', options: options('summary', ['send', 'edit', 'discard']) },
    }),
    onAnswer: (answer, { data, lang, now }) => {
      const id = picked(answer, ['send', 'edit', 'discard']);
      if (id === 'edit') return { type: 'goto', step: 'edit' };
      if (id === 'discard') return { type: 'goto', step: 'discard' };
      if (id === undefined) return notOffered;
      const report = buildReport(data, lang, now);
      if (report === undefined)
        return { type: 'goto', step: nextStep(data), say: [k('summary.incomplete')] };
      return {
        type: 'switch',
        flow: 'case',
        data: {},
        caseRef: report.caseRef,
        effects: [
          { kind: 'submit-report', caseRef: report.caseRef, urgent: isUrgent(data), report },
        ],
        say: [
          k(report.urgent ? 'submitted.urgent' : 'submitted.text', { caseRef: report.caseRef }),
        ],
      };
    },
  },

  edit: {
    view: ({ data }) => ({
      say: [k('edit.prompt')],
      input: {
        kind: 'choice',
        options: [...options('edit', editable(data)), { id: 'back', label: k('edit.back') }],
      },
    }),
    onAnswer: (answer, { data }) => {
      if (answer.kind === 'choice' && answer.id === 'back')
        return { type: 'goto', step: 'summary' };
      const field = picked(answer, editable(data));
      return field === undefined ? notOffered : { type: 'goto', step: field };
    },
  },

  discard: {
    view: () => ({
      say: [k('discard.prompt')],
      input: { kind: 'confirm', options: options('discard', ['yes', 'no']) },
    }),
    onAnswer: (answer) => {
      const id = picked(answer, YES_NO);
      if (id === 'yes') return { type: 'end', data: {}, say: [k('discard.done')] };
      return id === 'no' ? { type: 'goto', step: 'summary' } : notOffered;
    },
  },
};

/** Answers that can be changed from the summary (follow-up questions come with their parent). */
function editable(data: IntakeData): string[] {
  const fields = [
    'role',
    'kinds',
    'channel',
    'platform',
    'link',
    'when',
    'state',
    'municipality',
    'description',
    'evidence',
    'perpetrator',
    'police',
    'fileNumber',
    'strafantrag',
    'family',
    'help',
    'contact',
  ];
  return fields.filter((f) => ORDER.find((q) => q.step === f)?.applies(data) ?? false);
}

/** The incident report: danger first, consent, the questions, summary with editing, submission. */
export const intakeFlow = defineFlow<IntakeData>({
  id: 'intake',
  initialData: () => ({}),
  parseData: (raw) => {
    const parsed = intakeDataSchema.safeParse(raw);
    return parsed.success ? parsed.data : undefined;
  },
  // A draft with consent given is offered for resuming; otherwise danger comes first.
  start: ({ data }) => (data.consent === true && data.caseRef !== undefined ? 'resume' : 'danger'),
  steps,
  emergencyHelp: ({ data }) =>
    data.state !== undefined && STATE_HOTLINES[data.state]
      ? [k(`dangerHelp.hotline.${data.state}`)]
      : [],
});
