import { z } from 'zod';
import { LANGUAGES } from '../types.ts';
import type { IntakeData } from './data.ts';
import { mergeFields } from './data.ts';
import type { Kind } from './options.ts';
import { intakeQuestions, SHORT_WAY, type IntakeQuestions, type ShortWayId } from './questions.ts';

/** Bumped whenever the report's shape changes; the staff worker reads every version it knows. */
export const REPORT_VERSION = 1;

/** The report's fields that belong to no single question. */
export const reportBase = {
  v: z.literal(REPORT_VERSION),
  caseRef: z.string(),
  submittedAt: z.iso.datetime(),
  language: z.enum(LANGUAGES),
  urgent: z.boolean(),
  /** A short report: the details still open when it was sent (question ids); they may follow. */
  missing: z.array(z.string().max(40)).max(40).optional(),
};

/** The fields with null allowed: not known yet. */
type Unknowable<F> = { [K in keyof F]: F[K] extends z.ZodType ? z.ZodNullable<F[K]> : never };
/**
 * A question's report fields. Those of a detail (a question not on the short way) may be null: a
 * short report leaves them unknown, and the statistics count them as unknown.
 */
type ReportFieldsOf<Q> = Q extends {
  readonly id: infer Id;
  readonly report?: { readonly fields: infer F };
}
  ? Id extends ShortWayId
    ? F
    : Unknowable<F>
  : never;
type ReportFields = ReportFieldsOf<IntakeQuestions[number]>;

/** True when a question is asked on the short way before the report is sent. */
export const onShortWay = (id: string): boolean => (SHORT_WAY as readonly string[]).includes(id);

/** A question's report fields, nullable when a short report may leave them unknown. */
export function reportFieldsOf(q: {
  readonly id: string;
  readonly report?: { readonly fields: Readonly<Record<string, z.ZodType>> } | undefined;
}): Record<string, z.ZodType> {
  const fields = q.report?.fields ?? {};
  if (onShortWay(q.id)) return { ...fields };
  return Object.fromEntries(Object.entries(fields).map(([key, f]) => [key, f.nullable()]));
}

/** A completed report as it is handed to the staff queue: the shared fields and each question's. */
export const reportSchema = z.object({
  ...reportBase,
  ...mergeFields<ReportFields>(
    intakeQuestions().flatMap((q) => (q.report ? [reportFieldsOf(q) as ReportFields] : [])),
  ),
});

export type Report = z.infer<typeof reportSchema>;

const URGENT_KINDS: readonly Kind[] = ['physical'];

/** Urgent: someone in danger, a physical attack, or a threat at the home. */
export function isUrgent(data: IntakeData): boolean {
  return (
    data.danger === 'yes' ||
    (data.kinds ?? []).some((k) => URGENT_KINDS.includes(k)) ||
    data.channel === 'home'
  );
}
