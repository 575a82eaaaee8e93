import { CASE_STATUSES, type CaseStatus, type DeskRefusal } from './ports.ts';

/** What happens to a case: staff commands, and what the person does through the bot. */
export const CASE_ACTIONS = [
  'claim',
  /** The assignee gives a claimed case back: it is new again, for anyone to claim. */
  'hand-back',
  'note',
  'reply',
  'close',
  'show',
  /** Staff opened one evidence file (the audit line names the file by its Lotse-made name). */
  'file',
  /** Staff made a referral document (the audit line names its purpose: police or counselling). */
  'referral',
  /** The person wrote (the bot seals it; staff read it). */
  'message',
  /** The person added details after a short report: the case takes them in their place. */
  'details',
  /** A case waiting for the person goes back to staff when the person has written. */
  'answered',
  /**
   * The person asked to erase their data: open cases are flagged for staff (a closed case is
   * erased at once instead, which is no transition).
   */
  'erase-request',
] as const;
export type CaseAction = (typeof CASE_ACTIONS)[number];

/** One cell of the table: the case moves to `to` (or stays), or the action is refused. */
export type Transition =
  | { readonly kind: 'to'; readonly status: CaseStatus }
  | { readonly kind: 'stays' }
  | { readonly kind: 'refused'; readonly reason: DeskRefusal };

const to = (status: CaseStatus): Transition => ({ kind: 'to', status });
const stays: Transition = { kind: 'stays' };
const refused = (reason: DeskRefusal): Transition => ({ kind: 'refused', reason });

/**
 * The case's life, status × action, in one place: the staff desk asks this table which statuses an
 * action may start from, where it leads and which refusal staff read otherwise. Erasing is not in
 * it: a case can be erased in every status, and then it is gone.
 */
export const TRANSITIONS: Readonly<Record<CaseAction, Readonly<Record<CaseStatus, Transition>>>> = {
  claim: {
    new: to('claimed'),
    claimed: refused('already-claimed'),
    waiting: refused('already-claimed'),
    closed: refused('closed'),
  },
  'hand-back': {
    new: refused('not-claimed'),
    claimed: to('new'),
    waiting: to('new'),
    closed: refused('closed'),
  },
  note: { new: stays, claimed: stays, waiting: stays, closed: refused('closed') },
  reply: {
    new: refused('not-claimed'),
    claimed: to('waiting'),
    waiting: to('waiting'),
    closed: refused('closed'),
  },
  close: {
    new: to('closed'),
    claimed: to('closed'),
    waiting: to('closed'),
    closed: refused('closed'),
  },
  show: { new: stays, claimed: stays, waiting: stays, closed: stays },
  file: { new: stays, claimed: stays, waiting: stays, closed: stays },
  referral: { new: stays, claimed: stays, waiting: stays, closed: stays },
  message: { new: stays, claimed: stays, waiting: stays, closed: refused('closed') },
  details: { new: stays, claimed: stays, waiting: stays, closed: refused('closed') },
  answered: {
    new: refused('not-claimed'),
    claimed: refused('already-claimed'),
    waiting: to('claimed'),
    closed: refused('closed'),
  },
  'erase-request': { new: stays, claimed: stays, waiting: stays, closed: refused('closed') },
};

/** The statuses an action may start from. */
export function allowedFrom(action: CaseAction): CaseStatus[] {
  return CASE_STATUSES.filter((status) => TRANSITIONS[action][status].kind !== 'refused');
}

/**
 * Where an action leads, one status for all statuses it may start from (the store moves the case
 * in one atomic step); undefined when the status stays.
 */
export function targetOf(action: CaseAction): CaseStatus | undefined {
  const cells = allowedFrom(action).map((status) => TRANSITIONS[action][status]);
  const targets = new Set(cells.map((cell) => (cell.kind === 'to' ? cell.status : undefined)));
  if (targets.size > 1)
    throw new Error(`the transition table gives "${action}" more than one outcome`);
  const [target] = targets;
  return target;
}

/**
 * The refusal for an action the store refused from this status. The store refuses only statuses
 * `allowedFrom` left out, so the cell is a refusal; were it not, the case moved on meanwhile and
 * the closest truthful answer is that it is no longer open to the action.
 */
export function refusalOf(action: CaseAction, from: CaseStatus): DeskRefusal {
  const cell = TRANSITIONS[action][from];
  return cell.kind === 'refused' ? cell.reason : 'closed';
}
