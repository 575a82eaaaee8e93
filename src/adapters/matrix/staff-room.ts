import type { Translator } from '../../bot/i18n.ts';
import type { Logger } from '../../bot/logger.ts';
import { text, type Language, type Text } from '../../flows/types.ts';
import {
  answerText,
  StaffCommands,
  type StaffRefusal,
  type StaffSurface,
} from '../../staff/dispatch.ts';
import { noticeView } from '../../staff/notices.ts';
import type { CaseNotice, NoticeRenderer, StaffChannel, StaffDesk } from '../../staff/ports.ts';
import type { StaffRoster } from '../../staff/roster.ts';
import { escapeHtml, textToHtml } from './render.ts';

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
  /** Who is staff: the room's staff are its MATRIX_STAFF_USER_IDS accounts. */
  readonly roster: StaffRoster;
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
  unencrypted: 'unencrypted-command',
  unverified: 'unverified-device',
  'identity-changed': 'identity-changed',
} as const satisfies Record<Exclude<SenderProof, 'verified'>, StaffRefusal>;

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
export class MatrixStaffRoom implements StaffChannel, NoticeRenderer<StaffMessage> {
  readonly name = 'matrix';
  readonly #o: StaffRoomOptions;
  readonly #log: Logger;
  readonly #commands: StaffCommands;

  constructor(options: StaffRoomOptions) {
    this.#o = options;
    this.#log = options.logger.child({ module: 'matrix-staff' });
    this.#commands = new StaffCommands({
      roster: options.roster,
      ...(options.desk === undefined ? {} : { desk: options.desk }),
      logger: this.#log,
    });
  }

  async notify(notice: CaseNotice): Promise<void> {
    const roomId = await this.#o.port.roomId();
    if (roomId === undefined) throw new Error('no MATRIX_STAFF_ROOM is configured');
    await this.#o.port.send(
      roomId,
      this.render(notice),
      `notice:${notice.kind}:${notice.caseRef}:${notice.at}`,
    );
  }

  /** The notice as staff read it. */
  render(notice: CaseNotice): StaffMessage {
    const t = (value: Text) => this.#o.i18n.t(this.#o.language, value);
    const view = noticeView(notice, this.#o.i18n, this.#o.language);
    const title = [
      t(text(`matrix:staff.notice.${view.kind}`)),
      view.caseRef,
      ...(view.urgent ? [t(text('matrix:staff.urgent'))] : []),
    ].join(' · ');
    const kinds = view.kinds.join(', ');
    const line = t(
      text('matrix:staff.line', {
        kinds: kinds === '' ? '–' : kinds,
        state: view.state === '' ? '–' : view.state,
        status: view.status,
      }),
    );
    const assignee =
      view.assignee === undefined
        ? []
        : [t(text('matrix:staff.assignee', { assignee: view.assignee }))];
    const hint = t(text('matrix:staff.hint', { caseRef: view.caseRef }));
    const lines = [line, ...assignee, hint];
    return {
      body: [title, ...lines].join('\n'),
      html: `<p><strong>${escapeHtml(title)}</strong><br>${lines.map(escapeHtml).join('<br>')}</p>`,
    };
  }

  /** Handles a message in the staff room; ordinary talk between staff is left alone. */
  async handle(message: StaffRoomMessage): Promise<void> {
    const surface = this.#surface(message);
    const command = StaffCommands.read(surface, message.body);
    if (command === undefined) return;
    const answer = await this.#commands.run(
      surface,
      {
        account: message.sender,
        name: this.#o.port.displayName(message.roomId, message.sender),
      },
      command,
    );
    if (answer.kind === 'quiet') return;
    if (answer.kind === 'refused' && PROOF_REASONS.has(answer.reason))
      this.#log.warn({ command: command.kind, reason: answer.reason }, 'staff command refused');
    const reply = plain(answerText(answer, surface, this.#o.i18n, this.#o.language));
    await this.#o.port.send(message.roomId, reply, `staff:${message.eventId}`, message.eventId);
  }

  /**
   * The staff room as a staff surface for one message: `!` commands, `!trust`; a command counts
   * only from a cross-signed device over an encrypted message; case details only while the room is
   * encrypted and holds no one but staff.
   */
  #surface(message: StaffRoomMessage): StaffSurface {
    const port = this.#o.port;
    return {
      name: 'matrix',
      prefix: '!',
      words: ['claim', 'handback', 'show', 'reply', 'note', 'close', 'erase', 'help', 'trust'],
      eraseTwice: true,
      quietOnUnknown: false,
      admit: async () => {
        const proof = await message.proof();
        return proof === 'verified' ? undefined : PROOF_REFUSALS[proof];
      },
      mayShow: async () => {
        const audience = await port.audience(message.roomId);
        if (audience === 'staff-only') return undefined;
        this.#log.warn({ command: 'show', audience }, 'case details withheld from the room');
        return audience === 'unencrypted' ? 'room-unencrypted' : 'room-outsiders';
      },
      acceptIdentity: (userId) => port.acceptIdentity(userId),
    };
  }
}

const PROOF_REASONS: ReadonlySet<StaffRefusal> = new Set(Object.values(PROOF_REFUSALS));

const plain = (value: string): StaffMessage => ({ body: value, html: textToHtml(value) });
