/**
 * The plain part of a case that staff lists and the anonymous statistics read: categories, Land,
 * role, how it happened, urgency. A short report leaves some open: they say `unknown` until a
 * detail gives them, never a guess.
 */

/** What the case record and the statistics say for a detail not given (yet). */
export const UNKNOWN = 'unknown';

/** The counted, readable facets of a case. */
export interface CaseFacets {
  readonly kinds: readonly string[];
  readonly state: string;
  readonly role: string;
  readonly channel: string;
  readonly urgent: boolean;
}

/** The report fields the facets come from; a short report may leave them null or absent. */
export interface FacetSource {
  readonly kinds?: unknown;
  readonly state?: unknown;
  readonly role?: unknown;
  readonly channel?: unknown;
  readonly urgent: boolean;
}

const word = (value: unknown): string =>
  typeof value === 'string' && value !== '' ? value : UNKNOWN;

/** The facets of a report, or of a short report's details as they stand. */
export function facetsOf(source: FacetSource): CaseFacets {
  const kinds = Array.isArray(source.kinds)
    ? source.kinds.filter((k): k is string => typeof k === 'string' && k !== '')
    : [];
  return {
    kinds: kinds.length > 0 ? kinds : [UNKNOWN],
    state: word(source.state),
    role: word(source.role),
    channel: word(source.channel),
    urgent: source.urgent,
  };
}
