import { z } from 'zod';
import type { Fields } from './question.ts';
import { intakeQuestions, type IntakeQuestions } from './questions.ts';

/** The type of all members of a union at once. */
export type Merged<U> = (U extends unknown ? (part: U) => void : never) extends (
  part: infer I,
) => void
  ? I
  : never;

/** The fields of a list of parts, merged into one object (later parts win on a clash). */
export const mergeFields = <F extends Fields>(parts: readonly F[]): Merged<F> =>
  Object.assign({}, ...parts) as Merged<F>;

/** The draft's fields that belong to no single question. */
export const draftBase = {
  /** Fixed with consent, stored with the draft: the reference the person and staff see. */
  caseRef: z.string().optional(),
  startedAt: z.iso.datetime().optional(),
  /** Set while one answer is being changed from the summary. */
  editing: z.boolean().optional(),
  /** The way chosen with consent: all questions before sending, or a short report first. */
  way: z.enum(['short', 'long']).optional(),
  /** The short report is sent: the other questions are asked as details for the case. */
  sent: z.boolean().optional(),
  /** Details the person skipped after sending a short report (question ids). */
  skipped: z.array(z.string().max(40)).max(40).optional(),
};

/**
 * The intake's draft: every answer so far, each question's fields (questions.ts) beside the
 * shared ones. Stored in the session until submitted or expired.
 */
export const intakeDataSchema = z.object({
  ...draftBase,
  ...mergeFields<NonNullable<IntakeQuestions[number]['draft']>>(
    intakeQuestions().flatMap((q) => (q.draft ? [q.draft] : [])),
  ),
});

export type IntakeData = z.infer<typeof intakeDataSchema>;
