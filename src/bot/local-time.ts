/**
 * Times as people and staff read them: in the contact point's time zone (setting TIME_ZONE).
 * Stored times stay UTC (ISO strings); only what is shown is converted, with Intl.
 */

/** The time zone when none is set: the contact point's. */
export const DEFAULT_TIME_ZONE = 'Europe/Berlin';

/** True when the runtime knows the zone (an IANA name such as Europe/Berlin, or UTC). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch (error) {
    if (error instanceof RangeError) return false;
    throw error;
  }
}

/**
 * The calendar day of an instant in a zone, "2026-03-15": what "today" means to the people who
 * use Lotse (at 23:30 UTC it is already the next day in Berlin).
 */
export function localDay(instant: Date, zone: string = DEFAULT_TIME_ZONE): string {
  const ms = instant.getTime();
  if (Number.isNaN(ms) || ms < QUARTER_HOURS_SINCE) return formatDay(instant, zone);
  // Every zone's offset has been a whole number of quarter hours since 1980, so a day cannot change
  // within a quarter hour of UTC: one formatting per quarter hour and zone (asked on every step).
  const quarter = Math.floor(ms / QUARTER_HOUR_MS);
  const days = dayCache(zone);
  let day = days.get(quarter);
  if (day === undefined) {
    day = formatDay(instant, zone);
    if (days.size >= DAY_CACHE_LIMIT) days.clear();
    days.set(quarter, day);
  }
  return day;
}

const QUARTER_HOUR_MS = 15 * 60_000;
/** Before this, some zones kept local mean time offsets such as +00:19:32 (Amsterdam until 1937). */
const QUARTER_HOURS_SINCE = Date.UTC(1980, 0, 1);
/** Quarter hours remembered per zone: "today" and the days of a few stored times. */
const DAY_CACHE_LIMIT = 256;

function formatDay(instant: Date, zone: string): string {
  const parts = dayFormat(zone).formatToParts(instant);
  const part = (type: Intl.DateTimeFormatPartTypes): string =>
    parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

/** One day formatter per zone, made once: building an Intl.DateTimeFormat costs far more than using it. */
const dayFormats = new Map<string, Intl.DateTimeFormat>();
function dayFormat(zone: string): Intl.DateTimeFormat {
  let format = dayFormats.get(zone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    if (dayFormats.size < 64) dayFormats.set(zone, format);
  }
  return format;
}

/** Days by quarter hour of UTC, per zone (as many zones as formatters). */
const dayCaches = new Map<string, Map<number, string>>();
function dayCache(zone: string): Map<number, string> {
  let days = dayCaches.get(zone);
  if (days === undefined) {
    days = new Map();
    if (dayCaches.size < 64) dayCaches.set(zone, days);
  }
  return days;
}

/** Formats UTC instants as "YYYY-MM-DD HH:MM" in one zone. */
export class LocalTime {
  readonly zone: string;
  readonly #format: Intl.DateTimeFormat;

  constructor(zone: string = DEFAULT_TIME_ZONE) {
    this.zone = zone;
    this.#format = new Intl.DateTimeFormat('en-CA', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
  }

  /** The instant in the zone, "2026-03-14 15:07"; a value that is no time is returned as it is. */
  format(iso: string): string {
    const ms = Date.parse(iso);
    if (Number.isNaN(ms)) return iso;
    const parts = this.#format.formatToParts(ms);
    const part = (type: Intl.DateTimeFormatPartTypes): string =>
      parts.find((p) => p.type === type)?.value ?? '';
    return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}`;
  }

  /** The instant with the zone named, for documents that leave the system. */
  formatNamed(iso: string): string {
    return `${this.format(iso)} (${this.zone})`;
  }
}
