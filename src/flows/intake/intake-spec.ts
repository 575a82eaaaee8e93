/**
 * What follows from a list of question records: the order, the editable list, the draft and
 * report schemas, the summary and the case document lines. The intake flow and the staff side
 * both read the intake through this, so a new record reaches every place at once.
 */
import { z } from 'zod';
import { text, type Language, type ReportDetails, type Text } from '../types.ts';
import { draftBase, mergeFields, type IntakeData } from './data.ts';
import type { AnyQuestion, Fields } from './question.ts';
import { intakeQuestions, type EvidenceLimits, type QuestionId } from './questions.ts';
import {
  isUrgent,
  onShortWay,
  REPORT_VERSION,
  reportBase,
  reportFieldsOf,
  reportSchema,
  type Report,
} from './report.ts';

/** The intake as a list of question records and everything derived from it. */
export interface IntakeSpec<S extends string = string> {
  readonly questions: readonly AnyQuestion[];
  /** Validates a stored draft. */
  readonly draftSchema: z.ZodType<IntakeData>;
  /** Validates a report (the staff side reads reports with it). */
  readonly reportSchema: z.ZodType<Report>;
  /**
   * The first question that applies and is still open; the summary when all are answered. Going
   * back, changing an answer from the summary and resuming a draft all follow from this one rule.
   */
  nextStep(data: IntakeData): S | 'summary';
  /** The questions that can be changed from the summary, as far as they apply. */
  editable(data: IntakeData): S[];
  /** One line per answer, for the summary before sending. */
  summaryLines(data: IntakeData, lang: Language): Text[];
  /** The report from a complete draft; undefined when an answer is still missing. */
  buildReport(data: IntakeData, lang: Language, now: Date): Report | undefined;
  /** The answer lines of the case document, in the order of the questions. */
  documentLines(report: Report, lang: Language): Text[];
  /** The questions a short report leaves open, as far as they are always asked. */
  details(): S[];
  /** After a short report: its detail fields as answered so far, the details still open. */
  detailsOf(data: IntakeData): ReportDetails;
  /**
   * A short report with its details since (`detailsOf`) in place: their fields replace the unknown
   * ones and `missing` shrinks. Only the fields of detail questions are taken; details that do not
   * fit the report's schema leave the report as it was sent.
   */
  withDetails(report: Report, details: ReportDetails): Report;
}

/** Refuses a list in which two questions claim the same id or field: one would hide the other. */
function unique(what: string, names: readonly string[]): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) throw new Error(`two intake questions use the ${what} ${name}`);
    seen.add(name);
  }
}

const applies = (q: AnyQuestion, data: IntakeData): boolean => q.applies?.(data) ?? true;

/**
 * The values a question gives the report: its own while it applies, else its absent values. A
 * short report leaves the details not given yet null (unknown), never guessed.
 */
function reportValues(q: AnyQuestion, data: IntakeData): Record<string, unknown> {
  if (q.report === undefined) return {};
  if (data.way === 'short' && !onShortWay(q.id) && !q.answered(data))
    return Object.fromEntries(Object.keys(q.report.fields).map((key) => [key, null]));
  if (applies(q, data)) return q.report.value(data);
  return (
    q.report.absent ?? Object.fromEntries(Object.keys(q.report.fields).map((key) => [key, null]))
  );
}

/**
 * The spec of a list of questions. The intake's own list gives the exported schemas their static
 * types; another list (a test adding a question) gets the same behaviour checked at run time.
 */
export function intakeSpec<Q extends AnyQuestion>(questions: readonly Q[]): IntakeSpec<Q['id']> {
  unique(
    'intake question',
    questions.map((q) => q.id),
  );
  unique('draft field', [
    ...Object.keys(draftBase),
    ...questions.flatMap((q) => Object.keys(q.draft ?? {})),
  ]);
  unique('report field', [
    ...Object.keys(reportBase),
    ...questions.flatMap((q) => Object.keys(q.report?.fields ?? {})),
  ]);
  const draftSchema = z.object({
    ...draftBase,
    ...mergeFields<Fields>(questions.flatMap((q) => (q.draft ? [q.draft] : []))),
  }) as unknown as z.ZodType<IntakeData>;
  const ownReport = z.object({
    ...reportBase,
    ...mergeFields<Fields>(questions.flatMap((q) => (q.report ? [reportFieldsOf(q)] : []))),
  }) as unknown as z.ZodType<Report>;
  /** Asked now: on the short way only its questions before sending, then only the others. */
  const inPhase = (q: AnyQuestion, data: IntakeData): boolean =>
    data.way !== 'short' || onShortWay(q.id) !== (data.sent === true);
  const details = questions
    .filter((q) => !onShortWay(q.id) && q.report !== undefined && q.applies === undefined)
    .map((q) => q.id);
  const missing = (data: IntakeData): string[] =>
    details.filter((id) => !questions.find((q) => q.id === id)?.answered(data));
  const detailQuestions = questions.filter((q) => !onShortWay(q.id));
  const detailFields = new Set(detailQuestions.flatMap((q) => Object.keys(q.report?.fields ?? {})));
  return {
    questions,
    draftSchema,
    reportSchema: ownReport,
    nextStep: (data) =>
      questions.find(
        (q) =>
          inPhase(q, data) &&
          applies(q, data) &&
          !q.answered(data) &&
          !(data.skipped ?? []).includes(q.id),
      )?.id ?? 'summary',
    editable: (data) =>
      questions.filter((q) => q.editable && inPhase(q, data) && applies(q, data)).map((q) => q.id),
    summaryLines: (data, lang) =>
      questions
        .filter((q) => applies(q, data) && q.answered(data))
        .flatMap((q) => q.summary?.(data, lang) ?? []),
    buildReport: (data, lang, now) => {
      const parsed = ownReport.safeParse(
        Object.assign(
          {
            v: REPORT_VERSION,
            caseRef: data.caseRef,
            submittedAt: now.toISOString(),
            language: lang,
            urgent: isUrgent(data),
            ...(data.way === 'short' ? { missing: missing(data) } : {}),
          },
          ...questions.map((q) => reportValues(q, data)),
        ),
      );
      return parsed.success ? parsed.data : undefined;
    },
    documentLines: (report, lang) => [
      ...questions.flatMap((q) => q.document?.(report, lang) ?? []),
      // A short report: staff see which details were still open when it was sent.
      ...(report.missing && report.missing.length > 0
        ? [
            text('intake:summary.missing', {
              value: report.missing.map((id) => text(`intake:edit.options.${id}`)),
            }),
          ]
        : []),
    ],
    details: () => details,
    detailsOf: (data) => ({
      fields: Object.assign({}, ...detailQuestions.map((q) => reportValues(q, data))) as Record<
        string,
        unknown
      >,
      missing: missing(data),
      urgent: isUrgent(data),
    }),
    withDetails: (report, update) => {
      const fields = Object.fromEntries(
        Object.entries(update.fields).filter(([key]) => detailFields.has(key)),
      );
      const merged = ownReport.safeParse({
        ...report,
        ...fields,
        // Only a short report lists open details, and its list only shrinks.
        ...(report.missing === undefined
          ? {}
          : { missing: update.missing.filter((id) => report.missing?.includes(id)) }),
        urgent: report.urgent || update.urgent,
      });
      return merged.success ? merged.data : report;
    },
  };
}

/** The intake as Lotse asks it, with the evidence limits of the settings. */
export const intake = (limits?: EvidenceLimits): IntakeSpec<QuestionId> =>
  intakeSpec(intakeQuestions(limits));

/** The intake with the default limits: what the staff side reads reports with. */
export const INTAKE: IntakeSpec<QuestionId> = { ...intake(), reportSchema };
