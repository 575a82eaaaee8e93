import { z } from 'zod';
import { LANGUAGES, type Language } from '../flows/types.ts';

/** Bumped whenever the stored shape changes; older sessions are migrated or restarted. */
export const SESSION_VERSION = 1;

const frameSchema = z.object({
  flow: z.string().max(40),
  step: z.string().max(40),
  /** Earlier steps of this flow, for "back". */
  history: z.array(z.string().max(40)).max(100),
});

export const sessionSchema = z.object({
  v: z.literal(SESSION_VERSION),
  lang: z.enum(LANGUAGES),
  /** Active flows, innermost last: a detour (language, delete) sits on top of the flow it interrupted. */
  stack: z.array(frameSchema).min(1).max(8),
  /** Each flow's own data (answers, drafts), by flow id. */
  data: z.record(z.string(), z.unknown()),
  /** Case references of reports sent from this conversation, newest last. */
  cases: z.array(z.string().max(40)).max(10).default([]),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

export type Frame = z.infer<typeof frameSchema>;
export type Session = z.infer<typeof sessionSchema>;

/** Outcome of reading a stored session. */
export type Loaded =
  | { readonly kind: 'none' }
  | { readonly kind: 'ok'; readonly session: Session }
  /** Stored by another version or damaged: the person starts again, told so. */
  | { readonly kind: 'stale'; readonly lang: Language | undefined };

/** Parses a stored session, never throwing on bad data. */
export function loadSession(raw: string | null): Loaded {
  if (raw === null || raw === '') return { kind: 'none' };
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return { kind: 'stale', lang: undefined };
  }
  const parsed = sessionSchema.safeParse(value);
  if (parsed.success) return { kind: 'ok', session: parsed.data };
  const lang = z.object({ lang: z.enum(LANGUAGES) }).safeParse(value);
  return { kind: 'stale', lang: lang.success ? lang.data.lang : undefined };
}
