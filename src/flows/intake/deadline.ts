/** The Strafantrag deadline (§77b StGB: three months): date arithmetic and what to tell. Pure. */
import type { IntakeData } from './data.ts';

/** Adds calendar months to an ISO day; the 31st becomes the last day of a shorter month. */
export function addMonths(isoDay: string, months: number): string {
  const [y, m, d] = isoDay.split('-').map(Number) as [number, number, number];
  const target = new Date(Date.UTC(y, m - 1 + months, 1));
  const lastDay = new Date(
    Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0),
  ).getUTCDate();
  target.setUTCDate(Math.min(d, lastDay));
  return target.toISOString().slice(0, 10);
}

/**
 * The last day to file a Strafantrag when the person learned of the act on `isoDay`. The period
 * starts when the person knows the act and the perpetrator; the incident day is the safe estimate.
 */
export function strafantragDeadline(isoDay: string): string {
  return addMonths(isoDay, 3);
}

/** The day of the reminder: two weeks before the deadline. */
export function reminderDay(deadline: string): string {
  const date = new Date(`${deadline}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() - 14);
  return date.toISOString().slice(0, 10);
}

/**
 * One formatter per language, made once: building an Intl.DateTimeFormat costs far more than
 * using one, and a summary formats several days (the CPU profile of `npm run bench` showed it).
 */
const DAY_FORMATS = {
  de: new Intl.DateTimeFormat('de-DE', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }),
  en: new Intl.DateTimeFormat('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }),
} as const;

/** A day as people read it in the language. */
export function formatDay(isoDay: string, lang: 'de' | 'en'): string {
  return DAY_FORMATS[lang].format(new Date(`${isoDay}T00:00:00Z`));
}

/**
 * True when the person said they made a Strafantrag with their police report. A report alone is
 * not one (CONTENT-FACTS.md), so "no" and "not sure" still get the deadline.
 */
export const strafantragMade = (data: IntakeData): boolean =>
  data.police === 'yes' && data.strafantrag === 'yes';

/** What the intake tells about the deadline, by what is known of the day. */
export type DeadlineNotice =
  /** The day is known: the last day, and whether it is still ahead, close (reminder day reached) or past. */
  | {
      readonly kind: 'date';
      readonly deadline: string;
      readonly stage: 'ahead' | 'soon' | 'passed';
    }
  /** It goes on: each act has its own deadline. */
  | { readonly kind: 'ongoing' }
  /** The day is not known: the deadline runs from knowing the act and the perpetrator. */
  | { readonly kind: 'unknown' };

/**
 * True when the intake has something to tell about the deadline: the day is answered and no
 * Strafantrag was made. What it tells depends on the day of asking ({@link deadlineNotice}).
 */
export const hasDeadlineNotice = (data: IntakeData): boolean =>
  data.when !== undefined && !strafantragMade(data);

/**
 * The deadline notice for a draft on `today` (ISO day), or null when there is nothing to tell: the
 * Strafantrag was made, or the day is not yet asked.
 */
export function deadlineNotice(data: IntakeData, today: string): DeadlineNotice | null {
  if (data.when === undefined || !hasDeadlineNotice(data)) return null;
  if (data.when.kind !== 'date') return { kind: data.when.kind };
  const deadline = strafantragDeadline(data.when.date);
  const stage = deadline < today ? 'passed' : reminderDay(deadline) <= today ? 'soon' : 'ahead';
  return { kind: 'date', deadline, stage };
}

/** The deadline to mention, or null when a Strafantrag was made or the day is unknown. */
export function deadlineFor(data: IntakeData): string | null {
  if (data.when?.kind !== 'date' || strafantragMade(data)) return null;
  return strafantragDeadline(data.when.date);
}
