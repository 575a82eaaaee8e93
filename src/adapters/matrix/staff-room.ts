import type { Translator } from '../../bot/i18n.ts';
import type { Logger } from '../../bot/logger.ts';
import { text, type Language, type Text } from '../../flows/types.ts';
import type {
  CaseDetails,
  CaseNotice,
  DeskResult,
  StaffActor,
  StaffChannel,
  StaffDesk,
} from '../../queue/staff-ports.ts';
import { caseDocument } from '../../queue/case-document.ts';
import { escapeHtml, textToHtml } from './render.ts';
import { parseStaffCommand, type StaffCommand } from './staff-commands.ts';

/** A message for the staff room: plain text and HTML. */
export interface StaffMessage {
  readonly body: string;
  readonly html: string;
}

/** What the staff room needs from the Matrix client. */
export interface StaffRoomPort {
  /** The staff room's id (an alias is resolved at start), waiting a while for a connection. */
  roomId(): Promise<string | undefined>;
  /** Sends a notice to the room; `txnKey` makes the send idempotent. */
  send(roomId: string, message: StaffMessage, txnKey: string, replyTo?: string): Promise<void>;
  /** Who would read a message posted to the room now. */
  audience(roomId: string): Promise<RoomAudience>;
  /** A display name for the audit trail. */
  displayName(roomId: string, userId: string): string;
  /**
   * Accepts the account's current cross-signing identity where it changed since the bot first saw
   * it; false when there was no change to accept.
   */
  acceptIdentity(userId: string): Promise<boolean>;
}

export interface StaffRoomOptions {
  readonly port: StaffRoomPort;
  /** MATRIX_STAFF_USER_IDS. */
  readonly staffIds: ReadonlySet<string>;
  readonly desk?: StaffDesk;
  readonly i18n: Translator;
  readonly language: Language;
  readonly logger: Logger;
}

/**
 * How far the sender of a staff room message is proven (see `senderProof` in staff-trust.ts):
 * `verified` – encrypted, from a device its owner cross-signed, over the sender's own session;
 * `unencrypted` – sent in the clear, which whoever runs a homeserver could have written;
 * `unverified` – encrypted, but from an unsigned or unknown device, over a forwarded key or
 * another account's session; `identity-changed` – from a device signed by a cross-signing identity
 * other than the one the bot first saw for the account (until staff accept it with `!trust`).
 */
export type SenderProof = 'verified' | 'unencrypted' | 'unverified' | 'identity-changed';

const PROOF_REFUSALS = {
  unencrypted: 'matrix:staff.unencryptedCommand',
  unverified: 'matrix:staff.unverifiedDevice',
  'identity-changed': 'matrix:staff.identityChanged',
} as const;

/**
 * Who would read a message posted to the staff room: `staff-only` – encrypted, and every joined
 * or invited member is on the staff list; `unencrypted` – the homeservers would read it;
 * `outsiders` – someone in the room (or invited) is not on the staff list.
 */
export type RoomAudience = 'staff-only' | 'unencrypted' | 'outsiders';

/** A message in the staff room. */
export interface StaffRoomMessage {
  readonly roomId: string;
  readonly eventId: string;
  readonly sender: string;
  readonly body: string;
  /** Asked only for commands: ordinary talk between staff is not looked at. */
  readonly proof: () => Promise<SenderProof>;
}

/**
 * The Matrix staff room: case notices go in (reference, categories, urgency, Land; never what the
 * person wrote), staff commands come out and go to the StaffDesk. A command counts only from
 * MATRIX_STAFF_USER_IDS, encrypted, from a device the staff member cross-signed; case details are
 * posted only while the room is encrypted and holds no one but staff. Each refusal is one sentence.
 */
export class MatrixStaffRoom implements StaffChannel {
  readonly name = 'matrix';
  readonly #o: StaffRoomOptions;
  readonly #log: Logger;

  constructor(options: StaffRoomOptions) {
    this.#o = options;
    this.#log = options.logger.child({ module: 'matrix-staff' });
  }

  async notify(notice: CaseNotice): Promise<void> {
    const roomId = await this.#o.port.roomId();
    if (roomId === undefined) throw new Error('no MATRIX_STAFF_ROOM is configured');
    await this.#o.port.send(
      roomId,
      this.renderNotice(notice),
      `notice:${notice.kind}:${notice.caseRef}:${notice.at}`,
    );
  }

  /** The notice as staff read it. */
  renderNotice(notice: CaseNotice): StaffMessage {
    const t = (value: Text) => this.#o.i18n.t(this.#o.language, value);
    const kinds = notice.kinds.map((k) => t(text(`intake:kinds.options.${k}`))).join(', ');
    const state = this.#o.i18n.has(this.#o.language, `intake:state.options.${notice.state}`)
      ? t(text(`intake:state.options.${notice.state}`))
      : notice.state;
    const title = [
      t(text(`matrix:staff.notice.${notice.kind}`)),
      notice.caseRef,
      ...(notice.urgent ? [t(text('matrix:staff.urgent'))] : []),
    ].join(' · ');
    const line = t(
      text('matrix:staff.line', {
        kinds: kinds === '' ? '–' : kinds,
        state: state === '' ? '–' : state,
        status: t(text(`matrix:staff.status.${notice.status}`)),
      }),
    );
    const assignee =
      notice.assignee === undefined
        ? []
        : [t(text('matrix:staff.assignee', { assignee: notice.assignee }))];
    const hint = t(text('matrix:staff.hint', { caseRef: notice.caseRef }));
    const lines = [line, ...assignee, hint];
    return {
      body: [title, ...lines].join('\n'),
      html: `<p><strong>${escapeHtml(title)}</strong><br>${lines.map(escapeHtml).join('<br>')}</p>`,
    };
  }

  /** Handles a message in the staff room; ordinary talk between staff is left alone. */
  async handle(message: StaffRoomMessage): Promise<void> {
    const command = parseStaffCommand(message.body);
    if (command === undefined) return;
    const answer = await this.#run(command, message);
    await this.#o.port.send(message.roomId, answer, `staff:${message.eventId}`, message.eventId);
  }

  async #run(command: StaffCommand, message: StaffRoomMessage): Promise<StaffMessage> {
    const say = (key: string, params?: Record<string, string>) =>
      plain(this.#o.i18n.t(this.#o.language, text(key, params)));
    if (!this.#o.staffIds.has(message.sender)) return say('matrix:staff.notStaff');
    const proof = await message.proof();
    if (proof !== 'verified') {
      this.#log.warn({ command: command.kind, proof }, 'staff command refused');
      return say(PROOF_REFUSALS[proof], { userId: message.sender });
    }
    const desk = this.#o.desk;
    switch (command.kind) {
      case 'help':
        return say('matrix:staff.help');
      case 'unknown':
        return say('matrix:staff.unknown');
      case 'bad-ref':
        return say('staff:refused.bad-ref');
      case 'bad-user':
        return say('matrix:staff.badUser');
      case 'trust':
        return this.#trust(command.userId, message.sender, say);
      default:
    }
    if (desk === undefined) return say('matrix:staff.noDesk');
    const actor: StaffActor = {
      id: message.sender,
      name: this.#o.port.displayName(message.roomId, message.sender),
    };
    const { caseRef } = command;
    let result: DeskResult<CaseDetails | 'confirm' | 'erased' | undefined>;
    switch (command.kind) {
      case 'claim':
        result = await desk.claim(actor, caseRef);
        break;
      case 'note':
        result = await desk.note(actor, caseRef, command.text);
        break;
      case 'reply':
        result = await desk.reply(actor, caseRef, command.text);
        break;
      case 'close':
        result = await desk.close(actor, caseRef, command.outcome);
        break;
      case 'show': {
        const audience = await this.#o.port.audience(message.roomId);
        if (audience !== 'staff-only') {
          this.#log.warn({ command: 'show', audience }, 'case details withheld from the room');
          return say(
            audience === 'unencrypted' ? 'matrix:staff.unencrypted' : 'matrix:staff.outsiders',
          );
        }
        result = await desk.show(actor, caseRef);
        // A public-facing process holds no private key: say where the case can be read.
        if (!result.ok && result.reason === 'no-key')
          return say('matrix:staff.showElsewhere', { caseRef });
        break;
      }
      case 'erase':
        result = await desk.erase(actor, caseRef);
        break;
    }
    this.#log.info(
      { command: command.kind, ok: result.ok, ...(result.ok ? {} : { reason: result.reason }) },
      'staff command',
    );
    if (!result.ok) return say(`staff:refused.${result.reason}`);
    if (result.value === 'confirm') return say('staff:confirmErase', { caseRef });
    if (typeof result.value === 'object') return this.#details(result.value);
    return say(`staff:done.${command.kind}`, { caseRef });
  }

  /** `!trust`: a verified staff member accepts a colleague's new cross-signing identity. */
  async #trust(
    userId: string,
    by: string,
    say: (key: string, params?: Record<string, string>) => StaffMessage,
  ): Promise<StaffMessage> {
    if (!this.#o.staffIds.has(userId)) return say('matrix:staff.trustNotStaff', { userId });
    const accepted = await this.#o.port.acceptIdentity(userId);
    this.#log.info({ command: 'trust', accepted, self: userId === by }, 'staff command');
    return say(accepted ? 'matrix:staff.trusted' : 'matrix:staff.trustUnchanged', { userId });
  }

  /** A case's details for the encrypted staff room: the same document as the CLI's `show`. */
  #details(details: CaseDetails): StaffMessage {
    return plain(caseDocument(details, this.#o.language, this.#o.i18n));
  }
}

const plain = (value: string): StaffMessage => ({ body: value, html: textToHtml(value) });
