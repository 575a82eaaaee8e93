import { reportSchema, type Report } from '../flows/intake/report.ts';
import type { FileRef } from '../flows/types.ts';
import type { ReferralPurpose } from './referral.ts';
import {
  linkView,
  listEvidence,
  openEvidence,
  type EvidenceBytes,
  type EvidenceItem,
  type LinkView,
} from './evidence.ts';
import type { CaseRecord, CaseStore, TransitionOptions } from './case-store.ts';
import { allowedFrom, refusalOf, targetOf, type CaseAction } from './case-transitions.ts';
import type { OutboundQueue } from '../queue/outbound.ts';
import { sealReply } from '../queue/sealed-reply.ts';
import type { Reminders } from '../queue/reminders.ts';
import {
  reportContext,
  reportPayloadSchema,
  type ReplyAddress,
  type ReportsQueue,
} from '../queue/reports-queue.ts';
import type { ReportDetails } from '../flows/types.ts';
import { facetsOf } from './case-facets.ts';
import { sealDetails, withDetails } from './report-details.ts';
import { openJson, SealError, sealJson } from './seal.ts';
import type { StaffNotifier } from './notifier.ts';
import type { CaseDetails, DeskResult, StaffActor, StaffDesk } from './ports.ts';
import type { StaffRoster } from './roster.ts';
import { z, ZodError } from 'zod';
import { randomUUID } from 'node:crypto';
import { deliveryContext, deliverySchema, recordDelivery } from './delivery.ts';

/** What "delete my data" did with the person's reports and what waited for them. */
export interface PersonErasure {
  /** Reports taken out of the queue before they became cases. */
  readonly withdrawn: number;
  /** Closed cases erased. */
  readonly erased: number;
  /** Open cases flagged for staff. */
  readonly flagged: number;
  /** Undelivered messages to the person removed. */
  readonly messages: number;
  readonly reminders: number;
}

/** What the desk needs of the case store (CaseStore in Redis; a memory one in unit tests). */
export type DeskCases = Pick<
  CaseStore,
  | 'get'
  | 'transition'
  | 'addNote'
  | 'addMessage'
  | 'details'
  | 'detailsOf'
  | 'dropDetails'
  | 'sealed'
  | 'notes'
  | 'messages'
  | 'expire'
  | 'erase'
  | 'repeated'
  | 'refsOf'
  | 'withdraw'
  | 'untrack'
  | 'setDelivery'
  | 'deliveries'
>;

export interface StaffDeskDeps {
  readonly cases: DeskCases;
  readonly reports: Pick<ReportsQueue, 'remove' | 'pending'>;
  readonly outbound: Pick<OutboundQueue, 'enqueue' | 'removeWhere'>;
  readonly notifier: Pick<StaffNotifier, 'notify'>;
  readonly reminders: Pick<Reminders, 'waiting' | 'removeFor'>;
  readonly publicKey: string;
  /**
   * The bot public key replies are sealed to on their way to the person (src/queue/sealed-reply.ts);
   * unset (development only, src/staff/bot-keys.ts), they are queued plain.
   */
  readonly botPublicKey?: string;
  /** Told each time a reply is queued plain, for want of a bot public key. */
  readonly queuedPlain?: () => void;
  /** Only where staff read (worker, staff CLI); `show` is refused without it. */
  readonly privateKey?: string;
  /**
   * An evidence file's bytes, opened (the case store keeps them sealed); null when they are not
   * stored. Only where staff read.
   */
  readonly readFile?: (caseRef: string, file: FileRef) => Promise<Buffer | null>;
  /** Who may act: the one staff list of every surface. */
  readonly roster: StaffRoster;
  readonly retentionSeconds: number;
  readonly clock?: () => Date;
}

const noteSchema = z.object({ at: z.string(), by: z.string(), text: z.string() });
const messageSchema = z.object({
  /** Staff replies: the outbound job's id, which keys the reply's delivery status. */
  id: z.string().optional(),
  at: z.string(),
  from: z.enum(['person', 'staff']),
  by: z.string().optional(),
  text: z.string(),
});

/** Contexts the sealed parts of a case are bound to. */
export const noteContext = (caseRef: string): string => `note:${caseRef}`;
export const messageContext = (caseRef: string): string => `message:${caseRef}`;
export const outcomeContext = (caseRef: string): string => `outcome:${caseRef}`;

const refused = (reason: Exclude<DeskResult, { ok: true }>['reason']): DeskResult<never> => ({
  ok: false,
  reason,
});
const done: DeskResult = { ok: true, value: undefined };

/** What staff can do with cases: the one implementation behind the CLI, Telegram and Matrix. */
export class CaseDesk implements StaffDesk {
  readonly #d: StaffDeskDeps;
  readonly #clock: () => Date;

  constructor(deps: StaffDeskDeps) {
    this.#d = deps;
    this.#clock = deps.clock ?? (() => new Date());
  }

  isStaff(actorId: string): boolean {
    return this.#d.roster.isStaff(actorId);
  }

  async claim(actor: StaffActor, caseRef: string): Promise<DeskResult> {
    if (!this.isStaff(actor.id)) return refused('not-staff');
    const at = this.#now();
    const result = await this.#move('claim', caseRef, actor.id, at, {
      assignee: actor.name,
      assigneeId: actor.id,
      claimedAt: at,
    });
    if (result !== 'ok') return this.#refusal('claim', result);
    await this.#announce('claimed', caseRef, at);
    return done;
  }

  /**
   * Gives a claimed case back: only its assignee may, and the case is new again, its claim and
   * waiting time gone. Staff channels hear of it as an unclaimed case, which anyone may claim.
   */
  async handBack(actor: StaffActor, caseRef: string): Promise<DeskResult> {
    if (!this.isStaff(actor.id)) return refused('not-staff');
    const at = this.#now();
    const result = await this.#move(
      'hand-back',
      caseRef,
      actor.id,
      at,
      {},
      {
        assignee: { id: actor.id, name: actor.name },
        remove: ['assignee', 'assigneeId', 'claimedAt', 'waitingSince'],
      },
    );
    if (result !== 'ok') return this.#refusal('hand-back', result);
    const record = await this.#d.cases.get(caseRef);
    if (record) await this.#d.notifier.notify('unclaimed', record, at);
    return done;
  }

  async note(actor: StaffActor, caseRef: string, text: string): Promise<DeskResult> {
    if (!this.isStaff(actor.id)) return refused('not-staff');
    if (text.trim() === '') return refused('empty');
    const at = this.#now();
    const result = await this.#move('note', caseRef, actor.id, at);
    if (result !== 'ok') return this.#refusal('note', result);
    await this.#d.cases.addNote(
      caseRef,
      sealJson({ at, by: actor.name, text: text.trim() }, this.#d.publicKey, noteContext(caseRef)),
    );
    return done;
  }

  async reply(actor: StaffActor, caseRef: string, text: string): Promise<DeskResult> {
    if (!this.isStaff(actor.id)) return refused('not-staff');
    if (text.trim() === '') return refused('empty');
    const at = this.#now();
    // A claimed case is its assignee's: a colleague's reply or close is refused (notes stay open).
    const result = await this.#move(
      'reply',
      caseRef,
      actor.id,
      at,
      { waitingSince: at },
      { assignee: { id: actor.id, name: actor.name } },
    );
    if (result !== 'ok') return this.#refusal('reply', result);
    const record = await this.#d.cases.get(caseRef);
    if (record === undefined) return refused('unknown-case');
    const id = randomUUID();
    await this.#d.cases.addMessage(
      caseRef,
      sealJson(
        { id, at, from: 'staff', by: actor.name, text: text.trim() },
        this.#d.publicKey,
        messageContext(caseRef),
      ),
    );
    // Queued is written before the job exists, so the worker's "sent" always finds it.
    await recordDelivery(this.#d.cases, this.#d.publicKey, caseRef, id, { status: 'queued', at });
    const botKey = this.#d.botPublicKey;
    if (botKey === undefined) this.#d.queuedPlain?.();
    await this.#d.outbound.enqueue(
      {
        v: 1,
        address: record.address,
        lang: record.lang,
        message:
          botKey === undefined
            ? { kind: 'staff-reply', caseRef, text: text.trim() }
            : { kind: 'staff-reply', caseRef, box: sealReply(text.trim(), botKey, caseRef, id) },
      },
      id,
    );
    await this.#d.reminders.waiting(caseRef, at);
    return done;
  }

  async close(actor: StaffActor, caseRef: string, outcome: string): Promise<DeskResult> {
    if (!this.isStaff(actor.id)) return refused('not-staff');
    if (outcome.trim() === '') return refused('empty');
    const at = this.#now();
    const result = await this.#move(
      'close',
      caseRef,
      actor.id,
      at,
      {
        closedAt: at,
        outcome: sealJson(
          outcome.trim().slice(0, 2000),
          this.#d.publicKey,
          outcomeContext(caseRef),
        ),
      },
      { assignee: { id: actor.id, name: actor.name } },
    );
    if (result !== 'ok') return this.#refusal('close', result);
    const record = await this.#d.cases.get(caseRef);
    if (record) {
      await this.#d.cases.expire(caseRef, record.conv, this.#d.retentionSeconds, this.#clock());
      await this.#d.notifier.notify('closed', record, at);
    }
    return done;
  }

  async show(actor: StaffActor, caseRef: string): Promise<DeskResult<CaseDetails>> {
    if (!this.isStaff(actor.id)) return refused('not-staff');
    const key = this.#d.privateKey;
    if (key === undefined) return refused('no-key');
    const record = await this.#d.cases.get(caseRef);
    const sealed = await this.#d.cases.sealed(caseRef);
    if (record === undefined || sealed === undefined) return refused('unknown-case');
    let payload, report, notes, messages;
    try {
      payload = reportPayloadSchema.parse(openJson(sealed, key, reportContext(caseRef)));
      // A short report with the details added since in their place.
      const parsed = reportSchema.safeParse(payload.report);
      report = parsed.success ? await this.#withDetails(parsed.data, caseRef, key) : payload.report;
      notes = (await this.#d.cases.notes(caseRef)).map((box) =>
        noteSchema.parse(openJson(box, key, noteContext(caseRef))),
      );
      const deliveries = await this.#d.cases.deliveries(caseRef);
      messages = (await this.#d.cases.messages(caseRef)).map((box) => {
        const { id, ...message } = messageSchema.parse(openJson(box, key, messageContext(caseRef)));
        const delivery = id === undefined ? undefined : deliveries[id];
        if (id === undefined || delivery === undefined) return message;
        const opened = openJson(delivery, key, deliveryContext(caseRef, id));
        return { ...message, delivery: deliverySchema.parse(opened) };
      });
    } catch (error) {
      // Sealed to a key this process does not hold (an old key dropped too early, a wrong key).
      if (error instanceof SealError) return refused('wrong-key');
      throw error;
    }
    await this.#move('show', caseRef, actor.id, this.#now());
    return {
      ok: true,
      value: {
        caseRef,
        status: record.status,
        urgent: record.urgent,
        report,
        notes,
        messages,
        eraseRequested: record.eraseRequested,
        ...(record.assignee === undefined ? {} : { assignee: record.assignee }),
        ...(record.outcome === undefined
          ? {}
          : { outcome: z.string().parse(openJson(record.outcome, key, outcomeContext(caseRef))) }),
      },
    };
  }

  /** The case's evidence: its files (Lotse-made name, sent name, type, size, SHA-256, receipt) and links. */
  async evidence(
    actor: StaffActor,
    caseRef: string,
  ): Promise<DeskResult<{ files: EvidenceItem[]; links: LinkView[] }>> {
    const report = await this.#readable(actor, caseRef);
    if (!report.ok) return report;
    const { files, links } = report.value.evidence;
    return { ok: true, value: { files: listEvidence(files), links: links.map(linkView) } };
  }

  /**
   * One evidence file's bytes by its Lotse-made name, only when they match the SHA-256 and size
   * the report recorded; the audit trail notes who opened which file.
   */
  async evidenceFile(
    actor: StaffActor,
    caseRef: string,
    name: string,
  ): Promise<DeskResult<EvidenceBytes>> {
    const report = await this.#readable(actor, caseRef);
    if (!report.ok) return report;
    const read = this.#d.readFile;
    if (read === undefined) return refused('no-key');
    const opened = await openEvidence(report.value.evidence.files, name, (file) =>
      read(caseRef, file),
    );
    if (opened.ok || opened.reason !== 'unknown-file')
      await this.#d.cases.transition(caseRef, allowedFrom('file'), targetOf('file'), {
        at: this.#now(),
        actor: actor.id,
        action: 'file',
        detail: opened.item.name,
      });
    return { ok: true, value: opened };
  }

  /**
   * The report for a referral document (src/staff/referral.ts makes the PDF of it); the audit
   * trail notes who made one, and for whom.
   */
  async referral(
    actor: StaffActor,
    caseRef: string,
    purpose: ReferralPurpose,
  ): Promise<DeskResult<Report>> {
    const report = await this.#readable(actor, caseRef);
    if (!report.ok) return report;
    await this.#d.cases.transition(caseRef, allowedFrom('referral'), targetOf('referral'), {
      at: this.#now(),
      actor: actor.id,
      action: 'referral',
      detail: purpose,
    });
    return report;
  }

  /** The report of a case, opened for a staff member in a process that holds the key. */
  async #readable(actor: StaffActor, caseRef: string): Promise<DeskResult<Report>> {
    if (!this.isStaff(actor.id)) return refused('not-staff');
    if (this.#d.privateKey === undefined) return refused('no-key');
    const sealed = await this.#d.cases.sealed(caseRef);
    if (sealed === undefined) return refused('unknown-case');
    try {
      return { ok: true, value: this.openReport(caseRef, sealed).report };
    } catch (error) {
      if (error instanceof SealError) return refused('wrong-key');
      throw error;
    }
  }

  /**
   * Erases a case now, with its files, notes, messages and audit trail (a person's erase request,
   * or a case that must not wait for the retention period). The anonymous statistics stay.
   */
  async eraseNow(actor: StaffActor, caseRef: string): Promise<DeskResult> {
    if (!this.isStaff(actor.id)) return refused('not-staff');
    const record = await this.#d.cases.get(caseRef);
    if (record === undefined) return refused('unknown-case');
    await this.#erase(record);
    return done;
  }

  /** Erases a case when the same staff member asks twice within five minutes (chat rooms). */
  async erase(actor: StaffActor, caseRef: string): Promise<DeskResult<'confirm' | 'erased'>> {
    if (!this.isStaff(actor.id)) return refused('not-staff');
    const record = await this.#d.cases.get(caseRef);
    if (record === undefined) return refused('unknown-case');
    if (!(await this.#d.cases.repeated(`erase:${actor.id}:${caseRef}`, 300)))
      return { ok: true, value: 'confirm' };
    await this.#erase(record);
    return { ok: true, value: 'erased' };
  }

  /** A case with everything waiting for it: staff reminders, the deadline reminder, replies. */
  async #erase(record: CaseRecord): Promise<void> {
    const { caseRef } = record;
    await this.#d.cases.erase(caseRef, record.conv, this.#clock());
    await this.#d.reminders.removeFor(new Set([caseRef]));
    await this.#d.outbound.removeWhere(
      record.address.platform,
      (job) => job.message.caseRef === caseRef,
    );
    await this.#d.notifier.notify('erased', { ...record, status: 'closed' }, this.#now());
  }

  /** A message from the person (the bot role can seal but not read). */
  async personMessage(caseRef: string, text: string): Promise<'ok' | 'unknown' | 'closed'> {
    const at = this.#now();
    const result = await this.#move('message', caseRef, 'person', at);
    if (result === 'unknown') {
      if (!(await this.#d.reports.pending(caseRef))) return 'unknown';
      // The report is still on its way (the worker lags or a restart came between): the message
      // waits beside it, sealed, and is part of the case from its start.
      await this.#d.cases.addMessage(
        caseRef,
        sealJson({ at, from: 'person', text }, this.#d.publicKey, messageContext(caseRef)),
      );
      return 'ok';
    }
    if (result !== 'ok') return 'closed';
    await this.#d.cases.addMessage(
      caseRef,
      sealJson({ at, from: 'person', text }, this.#d.publicKey, messageContext(caseRef)),
    );
    const record = await this.#d.cases.get(caseRef);
    if (record?.status === 'waiting') {
      await this.#move('answered', caseRef, 'person', at);
    }
    const fresh = await this.#d.cases.get(caseRef);
    if (fresh) await this.#d.notifier.notify('message', fresh, at);
    return 'ok';
  }

  /**
   * Details the person gave after a short report (`details`: all of them as they stand now): the
   * case keeps them sealed and its facets and statistics move to them, so the document shows them
   * in place and the statistics stop counting them as unknown; `text`, their lines, joins the
   * case's messages (none when empty). A report still queued keeps them beside it for the worker.
   */
  async personDetails(
    caseRef: string,
    details: ReportDetails,
    text: string,
  ): Promise<'ok' | 'unknown' | 'closed'> {
    const at = this.#now();
    const result = await this.#d.cases.details(
      caseRef,
      allowedFrom('details'),
      sealDetails(caseRef, details, at, this.#d.publicKey),
      facetsOf({ ...details.fields, urgent: details.urgent }),
      { at, actor: 'person', action: 'details' },
    );
    if (result === 'kept') {
      // Neither queued nor a case (the person erased it, or it was removed by hand): not kept.
      if (!(await this.#d.reports.pending(caseRef)) && !(await this.#d.cases.get(caseRef))) {
        await this.#d.cases.dropDetails(caseRef);
        return 'unknown';
      }
    } else if (result === 'unknown') return 'unknown';
    else if (result !== 'ok') return 'closed';
    return text === '' ? 'ok' : this.personMessage(caseRef, text);
  }

  /**
   * The person asked to erase their data ("delete my data"). Reports still queued are withdrawn
   * and closed cases erased at once; open cases are flagged for staff, who decide and erase (they
   * may be acting on it). Messages waiting for the person and their deadline reminders go too.
   */
  async erasePerson(address: ReplyAddress, conv: string): Promise<PersonErasure> {
    const at = this.#now();
    const result = { withdrawn: 0, erased: 0, flagged: 0, messages: 0, reminders: 0 };
    const gone = new Set<string>();
    const all = new Set<string>();
    for (const caseRef of await this.#d.cases.refsOf(conv, this.#clock())) {
      all.add(caseRef);
      let record = await this.#d.cases.get(caseRef);
      if (record === undefined) {
        // Not a case (yet): queued, kept aside, or removed by hand. Marked first, so a worker
        // that holds it this moment drops it; then a case made just before is found below.
        await this.#d.cases.withdraw(caseRef);
        const removed = await this.#d.reports.remove(caseRef);
        if (removed !== 'absent') result.withdrawn++;
        record = await this.#d.cases.get(caseRef);
        if (record === undefined) {
          // A held report is dropped by its worker, which also clears the mark and the entry.
          if (removed !== 'held') await this.#d.cases.untrack(conv, caseRef, this.#clock());
          gone.add(caseRef);
          continue;
        }
      }
      if (record.status === 'closed') {
        await this.#erase(record);
        gone.add(caseRef);
        result.erased++;
        continue;
      }
      const flagged = await this.#move('erase-request', caseRef, 'person', at, {
        eraseRequested: '1',
      });
      if (flagged !== 'ok') continue;
      result.flagged++;
      const fresh = await this.#d.cases.get(caseRef);
      if (fresh) await this.#d.notifier.notify('erase-request', fresh, at);
    }
    // Staff reminders stay for the flagged cases: staff still have to act on the request.
    result.reminders =
      (await this.#d.reminders.removeFor(gone)) +
      (await this.#d.reminders.removeFor(new Set([...all].filter((ref) => !gone.has(ref))), [
        'deadline',
      ]));
    // By account, not chat: a Matrix account may have had several direct chats with the bot.
    result.messages = await this.#d.outbound.removeWhere(
      address.platform,
      (job) => job.address.userId === address.userId,
    );
    return result;
  }

  /** Opens a case's report for staff tools that need more than `show` (export, files). */
  openReport(caseRef: string, sealed: string) {
    const key = this.#d.privateKey;
    if (key === undefined) throw new SealError('no staff private key in this process');
    const payload = reportPayloadSchema.parse(openJson(sealed, key, reportContext(caseRef)));
    return { ...payload, report: reportSchema.parse(payload.report) };
  }

  /** The report with its details in place; details that cannot be read leave it as sent. */
  async #withDetails(report: Report, caseRef: string, key: string): Promise<Report> {
    try {
      return withDetails(report, caseRef, await this.#d.cases.detailsOf(caseRef), key);
    } catch (error) {
      if (error instanceof ZodError) return report;
      throw error;
    }
  }

  async #announce(kind: 'claimed', caseRef: string, at: string): Promise<void> {
    const record: CaseRecord | undefined = await this.#d.cases.get(caseRef);
    if (record) await this.#d.notifier.notify(kind, record, at);
  }

  /** Moves a case as the transition table (case-transitions.ts) says, with an audit line. */
  #move(
    action: CaseAction,
    caseRef: string,
    actor: string,
    at: string,
    fields?: Record<string, string>,
    options?: TransitionOptions,
  ): ReturnType<DeskCases['transition']> {
    return this.#d.cases.transition(
      caseRef,
      allowedFrom(action),
      targetOf(action),
      { at, actor, action },
      fields,
      options,
    );
  }

  #refusal(
    action: CaseAction,
    result: Exclude<Awaited<ReturnType<DeskCases['transition']>>, 'ok'>,
  ): DeskResult<never> {
    if (result === 'unknown') return refused('unknown-case');
    if (result === 'not-assignee') return refused('not-assignee');
    return refused(refusalOf(action, result.from));
  }

  #now(): string {
    return this.#clock().toISOString();
  }
}
