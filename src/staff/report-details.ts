/**
 * A short report's details since it was sent, as the case keeps them: sealed to the staff key
 * beside the report (which is never re-sealed: the bot cannot read it). Whoever reads the case
 * reads the report with them in place.
 */
import { z } from 'zod';
import { INTAKE, type IntakeSpec } from '../flows/intake/intake-spec.ts';
import type { Report } from '../flows/intake/report.ts';
import type { ReportDetails } from '../flows/types.ts';
import { openJson, sealJson } from './seal.ts';

/** The context a case's sealed details are bound to. */
export const detailsContext = (caseRef: string): string => `details:${caseRef}`;

const detailsSchema = z.object({
  at: z.string(),
  fields: z.record(z.string(), z.unknown()),
  missing: z.array(z.string().max(40)).max(40),
  urgent: z.boolean(),
});

/** The details as they stand, sealed with the time they were given. */
export const sealDetails = (
  caseRef: string,
  details: ReportDetails,
  at: string,
  publicKey: string,
): string => sealJson({ at, ...details }, publicKey, detailsContext(caseRef));

/** Opens a case's sealed details; throws a SealError or a ZodError for a box that cannot be read. */
export const openDetails = (caseRef: string, box: string, privateKey: string): ReportDetails =>
  detailsSchema.parse(openJson(box, privateKey, detailsContext(caseRef)));

/** The report with the details given since in their place (the report as sent without any). */
export function withDetails(
  report: Report,
  caseRef: string,
  box: string | undefined,
  privateKey: string,
  intake: IntakeSpec = INTAKE,
): Report {
  return box === undefined
    ? report
    : intake.withDetails(report, openDetails(caseRef, box, privateKey));
}
