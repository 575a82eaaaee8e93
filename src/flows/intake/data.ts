import { z } from 'zod';
import {
  CHANNELS,
  CONTACTS,
  HELP,
  KINDS,
  PERPETRATORS,
  PLATFORMS,
  POLICE,
  STRAFANTRAG,
  ROLES,
  STATES,
  YES_NO,
} from './options.ts';

const fileRef = z.object({
  name: z.string().max(255),
  mime: z.string().max(255),
  size: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  receivedAt: z.iso.datetime(),
  ref: z.string().max(200),
});

/** When it happened: a day, or ongoing, or not known. */
export const whenSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('date'), date: z.iso.date() }),
  z.object({ kind: z.literal('ongoing') }),
  z.object({ kind: z.literal('unknown') }),
]);

/** The intake's draft: every answer so far. Stored in the session until submitted or expired. */
export const intakeDataSchema = z.object({
  caseRef: z.string().optional(),
  startedAt: z.iso.datetime().optional(),
  danger: z.enum(YES_NO).optional(),
  consent: z.boolean().optional(),
  role: z.enum(ROLES).optional(),
  kinds: z.array(z.enum(KINDS)).min(1).optional(),
  channel: z.enum(CHANNELS).optional(),
  platform: z.enum(PLATFORMS).optional(),
  /** null: asked, no link given. */
  link: z.string().max(2000).nullable().optional(),
  when: whenSchema.optional(),
  state: z.enum(STATES).optional(),
  municipality: z.string().max(200).nullable().optional(),
  description: z.string().max(4000).optional(),
  evidence: z
    .object({ files: z.array(fileRef).max(50), links: z.array(z.string().max(2000)).max(50) })
    .optional(),
  evidenceDone: z.boolean().optional(),
  perpetrator: z.enum(PERPETRATORS).optional(),
  police: z.enum(POLICE).optional(),
  fileNumber: z.string().max(100).nullable().optional(),
  /** Asked only after a police report: was a Strafantrag made expressly? */
  strafantrag: z.enum(STRAFANTRAG).optional(),
  family: z.enum(YES_NO).optional(),
  help: z.array(z.enum(HELP)).min(1).optional(),
  contact: z.enum(CONTACTS).optional(),
  contactValue: z.string().max(254).nullable().optional(),
  reminder: z.boolean().optional(),
  /** Set while one answer is being changed from the summary. */
  editing: z.boolean().optional(),
});

export type IntakeData = z.infer<typeof intakeDataSchema>;
