/**
 * A StaffDesk that records every call and answers with canned results, for the staff room tests.
 */
import type {
  CaseDetails,
  DeskResult,
  StaffActor,
  StaffDesk,
} from '../../../../src/staff/ports.ts';

export type DeskCall =
  | {
      readonly op: 'claim' | 'handback' | 'show' | 'erase';
      readonly actor: StaffActor;
      readonly caseRef: string;
    }
  | {
      readonly op: 'note' | 'reply' | 'close';
      readonly actor: StaffActor;
      readonly caseRef: string;
      readonly text: string;
    };

export class FakeDesk implements StaffDesk {
  readonly calls: DeskCall[] = [];
  readonly #staff: ReadonlySet<string>;
  /** Called on a reply, like the real desk queues one for the person. */
  onReply: (caseRef: string, text: string) => Promise<void> = () => Promise.resolve();

  /** False for a desk in a process without the staff private key (`--role bot`). */
  readonly #canRead: boolean;

  constructor(staff: Iterable<string>, options: { readonly canRead?: boolean } = {}) {
    this.#staff = new Set(staff);
    this.#canRead = options.canRead ?? true;
  }

  isStaff(actorId: string): boolean {
    return this.#staff.has(actorId);
  }

  claim(actor: StaffActor, caseRef: string): Promise<DeskResult> {
    this.calls.push({ op: 'claim', actor, caseRef });
    return Promise.resolve({ ok: true, value: undefined });
  }

  handBack(actor: StaffActor, caseRef: string): Promise<DeskResult> {
    this.calls.push({ op: 'handback', actor, caseRef });
    return Promise.resolve({ ok: true, value: undefined });
  }

  note(actor: StaffActor, caseRef: string, text: string): Promise<DeskResult> {
    this.calls.push({ op: 'note', actor, caseRef, text });
    return Promise.resolve({ ok: true, value: undefined });
  }

  async reply(actor: StaffActor, caseRef: string, text: string): Promise<DeskResult> {
    this.calls.push({ op: 'reply', actor, caseRef, text });
    await this.onReply(caseRef, text);
    return { ok: true, value: undefined };
  }

  close(actor: StaffActor, caseRef: string, text: string): Promise<DeskResult> {
    this.calls.push({ op: 'close', actor, caseRef, text });
    return Promise.resolve({ ok: false, reason: 'not-claimed' });
  }

  show(actor: StaffActor, caseRef: string): Promise<DeskResult<CaseDetails>> {
    this.calls.push({ op: 'show', actor, caseRef });
    if (!this.#canRead) return Promise.resolve({ ok: false, reason: 'no-key' });
    return Promise.resolve({
      ok: true,
      value: {
        caseRef,
        status: 'claimed',
        assignee: actor.name,
        urgent: true,
        report: { description: 'Drohbrief im Briefkasten. DETAIL-MARKER <b>' },
        notes: [{ at: '2026-11-22T10:00:00.000Z', by: 'Anna', text: 'Rückruf vereinbart' }],
        messages: [],
        eraseRequested: false,
      },
    });
  }

  erase(actor: StaffActor, caseRef: string): Promise<DeskResult<'confirm' | 'erased'>> {
    this.calls.push({ op: 'erase', actor, caseRef });
    return Promise.resolve({ ok: true, value: 'confirm' });
  }

  eraseNow(actor: StaffActor, caseRef: string): Promise<DeskResult> {
    this.calls.push({ op: 'erase', actor, caseRef });
    return Promise.resolve({ ok: true, value: undefined });
  }
}
