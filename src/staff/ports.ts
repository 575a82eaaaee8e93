/**
 * The ports between the staff side (case store, worker) and the places staff work in: the staff
 * CLI, the Telegram staff group and the Matrix staff room. Adapters implement StaffChannel and call
 * StaffDesk; neither side knows the other's platform.
 */

/** Case states, in order of a case's life. */
export const CASE_STATUSES = ['new', 'claimed', 'waiting', 'closed'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

/** What a notice is about. */
export type NoticeKind =
  | 'new'
  | 'unclaimed'
  | 'claimed'
  | 'message'
  | 'waiting-long'
  | 'erase-request'
  | 'closed'
  /** Erased before the retention period ended: by staff, or a closed case on the person's request. */
  | 'erased'
  /** A staff reply or reminder could not be delivered to the person. */
  | 'undeliverable';

/**
 * A short notice for staff channels: case reference, categories, urgency, Bundesland. Never a
 * description, a name, a contact detail or anything the person wrote.
 */
export interface CaseNotice {
  readonly kind: NoticeKind;
  readonly caseRef: string;
  readonly urgent: boolean;
  /** Incident categories (intake KINDS ids). */
  readonly kinds: readonly string[];
  /** ISO 3166-2:DE code of the Land, e.g. "BY". */
  readonly state: string;
  readonly status: CaseStatus;
  readonly assignee?: string;
  readonly at: string;
}

/** Turns a notice into what a staff surface posts (text, HTML, a terminal line). */
export interface NoticeRenderer<Out> {
  render(notice: CaseNotice): Out;
}

/** A place where staff are told about cases (CLI feed, Telegram group, Matrix room). */
export interface StaffChannel {
  readonly name: string;
  notify(notice: CaseNotice): Promise<void>;
}

/** Who is acting: a staff member's id, e.g. a CLI name, a Telegram id prefixed with `telegram` and a colon, or a Matrix user id. */
export interface StaffActor {
  readonly id: string;
  /** A display name for the audit trail. */
  readonly name: string;
}

/** Why the desk refused a staff command (worded in `staff:refused.*`). */
export type DeskRefusal =
  | 'not-staff'
  | 'unknown-case'
  | 'already-claimed'
  | 'closed'
  | 'not-claimed'
  /** Only the staff member who claimed the case may do this (hand it back). */
  | 'not-assignee'
  | 'empty'
  | 'no-key'
  | 'wrong-key';

/** The outcome of a staff command: done, or refused with a reason code (see `staff:refused.*`). */
export type DeskResult<T = undefined> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: DeskRefusal };

/** A message of the conversation between the person and staff, decrypted. */
export interface CaseMessage {
  readonly at: string;
  readonly from: 'person' | 'staff';
  /** Staff replies: who wrote it. */
  readonly by?: string;
  readonly text: string;
  /** Staff replies: queued, sent, or undeliverable with the channel's reason. */
  readonly delivery?: {
    readonly status: 'queued' | 'sent' | 'undeliverable';
    readonly at: string;
    readonly reason?: string;
  };
}

/** Case details for staff, decrypted; shown only where staff read confidentially. */
export interface CaseDetails {
  readonly caseRef: string;
  readonly status: CaseStatus;
  readonly assignee?: string;
  readonly urgent: boolean;
  /** The decrypted report (src/flows/intake/report.ts) as JSON. */
  readonly report: unknown;
  readonly notes: readonly { at: string; by: string; text: string }[];
  readonly messages: readonly CaseMessage[];
  readonly eraseRequested: boolean;
  /** The outcome written when closing. */
  readonly outcome?: string;
}

/** What staff can do with a case, wherever they work. */
export interface StaffDesk {
  /** True when the id is on the staff list. */
  isStaff(actorId: string): boolean;
  claim(actor: StaffActor, caseRef: string): Promise<DeskResult>;
  /** Gives a claimed case back (its assignee only): it is new again, for anyone to claim. */
  handBack(actor: StaffActor, caseRef: string): Promise<DeskResult>;
  note(actor: StaffActor, caseRef: string, text: string): Promise<DeskResult>;
  /** Queues a reply to the person in their chat. */
  reply(actor: StaffActor, caseRef: string, text: string): Promise<DeskResult>;
  close(actor: StaffActor, caseRef: string, outcome: string): Promise<DeskResult>;
  show(actor: StaffActor, caseRef: string): Promise<DeskResult<CaseDetails>>;
  /**
   * Erases a case for good, with files, notes and messages – in a chat room only when the same
   * staff member asks again within five minutes: the first call answers `confirm`.
   */
  erase(actor: StaffActor, caseRef: string): Promise<DeskResult<'confirm' | 'erased'>>;
  /** Erases a case for good at once (the staff CLI, where a typed command is deliberate). */
  eraseNow(actor: StaffActor, caseRef: string): Promise<DeskResult>;
}
