/** Date arithmetic for the Strafantrag deadline (§77b StGB: three months). Pure. */

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

/** A day as people read it in the language. */
export function formatDay(isoDay: string, lang: 'de' | 'en'): string {
  return new Intl.DateTimeFormat(lang === 'de' ? 'de-DE' : 'en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(`${isoDay}T00:00:00Z`));
}
