import { z } from 'zod';
import type { Language } from '../types.ts';
import { intakeDataSchema, whenSchema, type IntakeData } from './data.ts';
import { strafantragDeadline, strafantragMade } from './deadline.ts';
import type { Kind } from './options.ts';

/** Bumped whenever the report's shape changes; the staff worker reads every version it knows. */
export const REPORT_VERSION = 1;

const d = intakeDataSchema.shape;

/** A completed report as it is handed to the staff queue. */
export const reportSchema = z.object({
  v: z.literal(REPORT_VERSION),
  caseRef: z.string(),
  submittedAt: z.iso.datetime(),
  language: z.enum(['de', 'en']),
  urgent: z.boolean(),
  danger: d.danger.unwrap(),
  role: d.role.unwrap(),
  kinds: d.kinds.unwrap(),
  channel: d.channel.unwrap(),
  platform: d.platform.unwrap().nullable(),
  link: z.string().max(2000).nullable(),
  when: whenSchema,
  state: d.state.unwrap(),
  municipality: z.string().max(200).nullable(),
  description: d.description.unwrap(),
  evidence: d.evidence.unwrap(),
  perpetrator: d.perpetrator.unwrap(),
  police: d.police.unwrap(),
  fileNumber: z.string().max(100).nullable(),
  family: d.family.unwrap(),
  help: d.help.unwrap(),
  contact: d.contact.unwrap(),
  contactValue: z.string().max(254).nullable(),
  /** Last day for a Strafantrag, when the day is known and no Strafantrag is known to be made. */
  strafantragDeadline: z.iso.date().nullable(),
  reminder: z.boolean(),
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

/** The deadline to mention, or null when a Strafantrag was made or the day is unknown. */
export function deadlineFor(data: IntakeData): string | null {
  if (data.when?.kind !== 'date' || strafantragMade(data)) return null;
  return strafantragDeadline(data.when.date);
}

/** Assembles the report from a complete draft; undefined when an answer is still missing. */
export function buildReport(data: IntakeData, lang: Language, now: Date): Report | undefined {
  const parsed = reportSchema.safeParse({
    v: REPORT_VERSION,
    caseRef: data.caseRef,
    submittedAt: now.toISOString(),
    language: lang,
    urgent: isUrgent(data),
    danger: data.danger,
    role: data.role,
    kinds: data.kinds,
    channel: data.channel,
    platform: data.channel === 'online' ? (data.platform ?? null) : null,
    link: data.channel === 'online' ? (data.link ?? null) : null,
    when: data.when,
    state: data.state,
    municipality: data.municipality ?? null,
    description: data.description,
    evidence: data.evidence ?? { files: [], links: [] },
    perpetrator: data.perpetrator,
    police: data.police,
    fileNumber: data.police === 'yes' ? (data.fileNumber ?? null) : null,
    family: data.family,
    help: data.help,
    contact: data.contact,
    contactValue:
      data.contact === 'phone' || data.contact === 'email' ? (data.contactValue ?? null) : null,
    strafantragDeadline: deadlineFor(data),
    reminder: deadlineFor(data) !== null && data.reminder === true,
  });
  return parsed.success ? parsed.data : undefined;
}
