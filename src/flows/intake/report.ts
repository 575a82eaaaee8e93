import { z } from 'zod';
import { LANGUAGES } from '../types.ts';
import type { IntakeData } from './data.ts';
import { mergeFields } from './data.ts';
import type { Kind } from './options.ts';
import { intakeQuestions, type IntakeQuestions } from './questions.ts';

/** Bumped whenever the report's shape changes; the staff worker reads every version it knows. */
export const REPORT_VERSION = 1;

/** The report's fields that belong to no single question. */
export const reportBase = {
  v: z.literal(REPORT_VERSION),
  caseRef: z.string(),
  submittedAt: z.iso.datetime(),
  language: z.enum(LANGUAGES),
  urgent: z.boolean(),
};

type ReportFields = NonNullable<IntakeQuestions[number]['report']>['fields'];

/** A completed report as it is handed to the staff queue: the shared fields and each question's. */
export const reportSchema = z.object({
  ...reportBase,
  ...mergeFields<ReportFields>(
    intakeQuestions().flatMap((q) => (q.report ? [q.report.fields] : [])),
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
