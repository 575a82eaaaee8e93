import type { CaseRecord } from './case-store.ts';
import { CASE_STATUSES, type CaseStatus } from './ports.ts';

/**
 * The inbox's selection of cases: filters over the plain fields of a case (never the sealed
 * report) and the order staff work in – open urgent cases first, then the newest.
 */

export const AGES = ['day', 'week', 'month'] as const;
export type Age = (typeof AGES)[number];
const AGE_MS: Readonly<Record<Age, number>> = {
  day: 86_400_000,
  week: 7 * 86_400_000,
  month: 30 * 86_400_000,
};

/** `open`: every status but closed. */
export type StatusFilter = CaseStatus | 'open';

export interface InboxFilter {
  readonly status?: StatusFilter;
  readonly urgent?: boolean;
  readonly state?: string;
  readonly kind?: string;
  readonly age?: Age;
  /** An assignee's name, or `-` for unclaimed cases. */
  readonly assignee?: string;
  /** Part of a case number, any case, with or without the dash. */
  readonly search?: string;
}

const pick = <T extends string>(list: readonly T[], value: string | undefined): T | undefined =>
  list.find((item) => item === value);

/** A filter from query parameters; unknown values are dropped, never an error. */
export function parseInboxFilter(query: Readonly<Record<string, string | undefined>>): InboxFilter {
  const text = (value: string | undefined) => {
    const trimmed = value?.trim().slice(0, 64);
    return trimmed === undefined || trimmed === '' ? undefined : trimmed;
  };
  const status = pick<StatusFilter>([...CASE_STATUSES, 'open'], query['status']);
  const urgent = query['urgent'] === '1' ? true : query['urgent'] === '0' ? false : undefined;
  const age = pick(AGES, query['age']);
  const state = text(query['state']);
  const kind = text(query['kind']);
  const assignee = text(query['assignee']);
  const search = text(query['q']);
  return {
    ...(status === undefined ? {} : { status }),
    ...(urgent === undefined ? {} : { urgent }),
    ...(age === undefined ? {} : { age }),
    ...(state === undefined ? {} : { state }),
    ...(kind === undefined ? {} : { kind }),
    ...(assignee === undefined ? {} : { assignee }),
    ...(search === undefined ? {} : { search }),
  };
}

/** The filter as query parameters again (for links and the live refresh). */
export function inboxQuery(filter: InboxFilter): URLSearchParams {
  const query = new URLSearchParams();
  if (filter.status !== undefined) query.set('status', filter.status);
  if (filter.urgent !== undefined) query.set('urgent', filter.urgent ? '1' : '0');
  if (filter.state !== undefined) query.set('state', filter.state);
  if (filter.kind !== undefined) query.set('kind', filter.kind);
  if (filter.age !== undefined) query.set('age', filter.age);
  if (filter.assignee !== undefined) query.set('assignee', filter.assignee);
  if (filter.search !== undefined) query.set('q', filter.search);
  return query;
}

const squash = (ref: string): string => ref.toUpperCase().replace(/[^A-Z0-9]/g, '');

/** The cases the filter lets through, open urgent ones first, then newest first. */
export function selectCases(
  cases: readonly CaseRecord[],
  filter: InboxFilter,
  now: Date,
): CaseRecord[] {
  const search = filter.search === undefined ? undefined : squash(filter.search);
  const since = filter.age === undefined ? undefined : now.getTime() - AGE_MS[filter.age];
  return cases
    .filter(
      (c) =>
        (filter.status === undefined ||
          (filter.status === 'open' ? c.status !== 'closed' : c.status === filter.status)) &&
        (filter.urgent === undefined || c.urgent === filter.urgent) &&
        (filter.state === undefined || c.state === filter.state) &&
        (filter.kind === undefined || c.kinds.includes(filter.kind)) &&
        (since === undefined || Date.parse(c.createdAt) >= since) &&
        (filter.assignee === undefined ||
          (filter.assignee === '-' ? c.assignee === undefined : c.assignee === filter.assignee)) &&
        (search === undefined || squash(c.caseRef).includes(search)),
    )
    .sort((a, b) => rank(a) - rank(b) || b.createdAt.localeCompare(a.createdAt));
}

/** Open urgent cases first, then the other open ones, closed ones last. */
function rank(c: CaseRecord): number {
  if (c.status === 'closed') return 2;
  return c.urgent ? 0 : 1;
}

/** The values present in the stored cases, for the filters' choices. */
export function filterChoices(cases: readonly CaseRecord[]): {
  states: string[];
  kinds: string[];
  assignees: string[];
} {
  const sorted = (values: Iterable<string>) => [...new Set(values)].sort();
  return {
    states: sorted(cases.map((c) => c.state)),
    kinds: sorted(cases.flatMap((c) => c.kinds)),
    assignees: sorted(cases.flatMap((c) => (c.assignee === undefined ? [] : [c.assignee]))),
  };
}
