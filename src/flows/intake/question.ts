/**
 * The shape of one intake question: everything about it in one record, so that the order, the
 * editable list, the summary, the draft and report schemas and the case document follow from the
 * list of records (questions.ts) instead of being written out once per place.
 */
import type { z } from 'zod';
import {
  text,
  type Answer,
  type Language,
  type Option,
  type StepContext,
  type StepResult,
  type Text,
  type TextParam,
  type View,
} from '../types.ts';
import type { IntakeData } from './data.ts';
import type { StepId } from './questions.ts';
import type { Report } from './report.ts';

/** Zod fields by name: a question's part of the draft or of the report. */
export type Fields = Readonly<Record<string, z.ZodType>>;

/** The intake's own steps that are not questions. */
export const FLOW_STEPS = [
  'resume',
  'dangerHelp',
  'summary',
  'edit',
  'discard',
  'moreDetails',
] as const;
export type FlowStep = (typeof FLOW_STEPS)[number];

/**
 * What a question's answer leads to: `next` stores the answer and goes on to the first open
 * question (the one rule of intake-flow.ts); `goto` names a step, typed so a typo fails to compile.
 */
export type QuestionResult<S extends string> =
  | StepResult<IntakeData, S | FlowStep>
  | { readonly type: 'next'; readonly data: IntakeData; readonly say?: readonly Text[] };

/** How a question is shown and what its answer does; `S` names the steps it may go to. */
export interface QuestionStep<S extends string = StepId> {
  view(ctx: StepContext<IntakeData>): View;
  onAnswer(answer: Answer, ctx: StepContext<IntakeData>): QuestionResult<S>;
}

/** A question's fields in the report: their schemas and how the answer fills them. */
export interface ReportPart<R extends Fields> {
  readonly fields: R;
  /** The values while the question applies; the report is validated against `fields` after. */
  readonly value: (data: IntakeData) => { readonly [K in keyof R]: unknown };
  /** The values when the question does not apply (default: null for every field). */
  readonly absent?: { readonly [K in keyof R]: unknown };
}

/**
 * One intake question. `Id` is its step id; `D` its fields in the draft (the session);
 * `R` its fields in the report handed to staff (never: it has none).
 */
export interface Question<Id extends string, D extends Fields = never, R extends Fields = never> {
  readonly id: Id;
  /** The input kind, options and validation, and where the answer leads. */
  readonly step: QuestionStep;
  /** When it is asked; a question that does not apply is skipped, not summarised, not reported. */
  readonly applies?: (data: IntakeData) => boolean;
  /** When it counts as answered. */
  readonly answered: (data: IntakeData) => boolean;
  /** True when it can be changed from the summary (follow-up questions come with their parent). */
  readonly editable: boolean;
  /** Its draft fields, stored with the session until the report is sent. */
  readonly draft?: D;
  /** Its lines in the summary before sending (asked only when it applies and is answered). */
  readonly summary?: (data: IntakeData, lang: Language) => readonly Text[];
  /** Its fields in the report. */
  readonly report?: ReportPart<R>;
  /**
   * Its lines in the case document for staff, from the report. Values someone wrote are plain
   * strings in the params; the document makes them printable.
   */
  readonly document?: (report: Report, lang: Language) => readonly Text[];
}

/** Any question record, as the list holds them. */
export type AnyQuestion = Question<string, Fields, Fields>;

/** An intake locale key. */
export const k = (key: string, params?: Parameters<typeof text>[1]): Text =>
  text(`intake:${key}`, params);
/** The options of a question as buttons, labelled `<prefix>.options.<id>`. */
export const options = (prefix: string, ids: readonly string[]): Option[] =>
  ids.map((id) => ({ id, label: k(`${prefix}.options.${id}`) }));
/** The label of one option. */
export const optionLabel = (prefix: string, id: string): Text => k(`${prefix}.options.${id}`);
/** A summary or document line: `summary.<field>` with the value. */
export const summaryLine = (field: string, value: TextParam): Text =>
  k(`summary.${field}`, { value });
/** The answer does not fit: explain with `intake:<key>` and ask again. */
export const invalid = (key: string): { readonly type: 'invalid'; readonly hint: Text } => ({
  type: 'invalid',
  hint: k(key),
});
/** The answer is none of the offered options. */
export const notOffered = { type: 'invalid', hint: text('common:invalid.choice') } as const;
/** Stores the answer and moves on to the first open question. */
export const next = (data: IntakeData, say?: readonly Text[]): QuestionResult<never> => ({
  type: 'next',
  data,
  ...(say ? { say } : {}),
});

/** The id of a chosen option when it is one of `ids`. */
export function picked<T extends string>(answer: Answer, ids: readonly T[]): T | undefined {
  return answer.kind === 'choice' ? ids.find((id) => id === answer.id) : undefined;
}
