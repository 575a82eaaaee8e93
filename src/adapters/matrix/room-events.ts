import { setTimeout as sleep } from 'node:timers/promises';
import {
  EventTimeline,
  MatrixEventEvent,
  RoomEvent,
  type MatrixClient,
  type MatrixEvent,
  type Room,
} from 'matrix-js-sdk';
import type { FileSender } from '../../bot/file-gate.ts';
import { FileRejected, type FileIntake } from '../../bot/files.ts';
import { keyedPseudonym, type Logger, type Pseudonymizer } from '../../bot/logger.ts';
import { conversationKey, type InboundEvent, type InboundInput } from '../../bot/types.ts';
import type { EventSink } from '../channel.ts';
import { readMessage } from './inbound.ts';
import { fetchMedia, MediaError, type MediaClient } from './media.ts';
import type { RoomMarks } from './room-marks.ts';
import { RoomQueue } from './room-queue.ts';
import type { MatrixStaffRoom } from './staff-room.ts';
import { senderProof } from './staff-trust.ts';

/** Events kept in a room's live timeline before it is cut back (the bot never scrolls back). */
const MAX_TIMELINE_EVENTS = 60;
/** Tries to hand one event to the engine (about 7 s in all). */
const ENGINE_ATTEMPTS = 4;
/** Events of one room that may wait to be handled, by default (as the Telegram channel's chats). */
export const MAX_ROOM_BACKLOG = 100;

/** Short notices the channel sends on its own, in the default language. */
export type ChannelNotice = 'matrix:undecryptable' | 'matrix:directOnly';

export interface RoomEventsOptions {
  readonly client: MatrixClient;
  readonly userId: string;
  readonly marks: RoomMarks;
  readonly sink: EventSink;
  readonly files: FileIntake;
  readonly media: MediaClient;
  readonly staffRoomId?: string;
  readonly staffRoom?: MatrixStaffRoom;
  readonly notice: (roomId: string, key: ChannelNotice, causeEventId: string) => Promise<void>;
  /** Told of each message that stayed undecryptable (for the metrics). */
  readonly undecryptable?: () => void;
  /** How long an undecryptable message may wait for its key, from its arrival, before the person is told. */
  readonly undecryptableWaitMs: number;
  /** Events of one room that may wait to be handled; more are dropped (default MAX_ROOM_BACKLOG). */
  readonly maxRoomBacklog?: number;
  readonly logger: Logger;
  /** Names conversations in the log; default: keyed with a random secret of this process. */
  readonly pseudonym?: Pseudonymizer;
}

/**
 * Turns the Matrix client's room events into InboundEvents, strictly in order per room: invites to
 * direct chats are accepted (others declined, the staff room joined), the bot's own join greets the
 * person, messages are decrypted (waiting a while for late keys), read as text or evidence files,
 * and handed to the engine. Own events, events from before the bot joined and events an earlier
 * run handled (the backlog an initial sync replays) are skipped. A room's backlog is bounded, and
 * the notices the channel sends by itself count against the person's rate limit first, so that a
 * flood gets no flood of answers.
 */
export class RoomEvents {
  readonly #o: RoomEventsOptions;
  readonly #log: Logger;
  readonly #queue: RoomQueue;
  readonly #pseudonym: Pseudonymizer;

  constructor(options: RoomEventsOptions) {
    this.#o = options;
    this.#pseudonym = options.pseudonym ?? keyedPseudonym();
    this.#log = options.logger.child({ module: 'matrix-rooms' });
    this.#queue = new RoomQueue((error) => {
      this.#log.error({ err: error }, 'handling a Matrix event failed');
    });
  }

  attach(): void {
    this.#o.client.on(RoomEvent.Timeline, this.#onTimeline);
    this.#o.client.on(RoomEvent.MyMembership, this.#onMembership);
  }

  detach(): void {
    this.#o.client.off(RoomEvent.Timeline, this.#onTimeline);
    this.#o.client.off(RoomEvent.MyMembership, this.#onMembership);
  }

  /** Resolves when every event received so far has been handled. */
  idle(): Promise<void> {
    return this.#queue.idle();
  }

  readonly #onTimeline = (
    event: MatrixEvent,
    room: Room | undefined,
    toStartOfTimeline: boolean | undefined,
    removed: boolean,
  ): void => {
    if (room === undefined || toStartOfTimeline === true || removed) return;
    const arrived = Date.now();
    // Membership is never dropped: the bot must follow who is in the room (and leave with them).
    const bounded = room.roomId !== this.#o.staffRoomId && event.getType() !== 'm.room.member';
    const queued = this.#queue.push(
      room.roomId,
      () => this.#handle(event, room, arrived),
      bounded ? (this.#o.maxRoomBacklog ?? MAX_ROOM_BACKLOG) : Infinity,
    );
    if (queued.kind === 'dropped' && queued.first)
      this.#log.info(
        { conv: this.#pseudonym(`matrix:${event.getSender() ?? ''}`), backlog: queued.waiting },
        'a room sends faster than it is handled; its messages are dropped until it catches up',
      );
  };

  readonly #onMembership = (room: Room, membership: string): void => {
    if (membership === 'invite') this.#queue.push(room.roomId, () => this.#invited(room));
    else if (membership === 'leave' || membership === 'ban') this.#o.marks.forget(room.roomId);
  };

  async #invited(room: Room): Promise<void> {
    if (room.getMyMembership() !== 'invite') return;
    const staff = room.roomId === this.#o.staffRoomId;
    const direct = room.getDMInviter() !== undefined;
    if (staff || direct) {
      await this.#o.client.joinRoom(room.roomId);
      this.#log.info({ staff }, 'joined a room on invitation');
    } else {
      await this.#o.client.leave(room.roomId);
      this.#log.info('declined an invitation to a room that is no direct chat');
    }
  }

  /**
   * Handles one event of the room's queue. The bound above keeps a flood from piling up here:
   * what waits beyond it is dropped without a trace but the log line, and never marked as handled
   * (a later event's mark covers it). The person is far over the rate limit by then (the bound
   * lies above it) and is told to slow down by the engine once, when the messages that did wait
   * reach it.
   */
  async #handle(event: MatrixEvent, room: Room, arrived: number): Promise<void> {
    const id = event.getId();
    const sender = event.getSender();
    // Local echoes of our own sends have no server id yet.
    if (id === undefined || id.startsWith('~') || sender === undefined) return;
    const ts = event.getTs();
    // A sync after a restart replays recent history, and Synapse may even answer the first sync
    // from its cache of an earlier one: whatever was handled before is recognised by its mark.
    if (this.#o.marks.handledBefore(room.roomId, sender, ts, id)) {
      this.#log.trace('event handled before; skipped');
      return;
    }
    try {
      await this.#dispatch(event, room, id, sender, arrived);
      // Marked only once handled: an event that failed comes again with the next start's replay.
      // Not for a room the bot has left meanwhile (the person erased their data): its marks are
      // gone for good, and a sync may still bring the room's last events.
      if (this.#o.client.getRoom(room.roomId)?.getMyMembership() === 'join')
        this.#o.marks.record(room.roomId, sender, ts, id);
    } finally {
      if (room.getLiveTimeline().getEvents().length > MAX_TIMELINE_EVENTS) room.resetLiveTimeline();
    }
  }

  async #dispatch(
    event: MatrixEvent,
    room: Room,
    id: string,
    sender: string,
    arrived: number,
  ): Promise<void> {
    const me = this.#o.userId;
    const staff = room.roomId === this.#o.staffRoomId;
    if (event.getType() === 'm.room.member') {
      const joined =
        event.getStateKey() === me &&
        event.getContent<{ membership?: string }>().membership === 'join' &&
        (event.getPrevContent() as { membership?: string }).membership !== 'join';
      if (joined && !staff) await this.#joinedDirect(room, id, sender);
      const gone = ['leave', 'ban'].includes(
        event.getContent<{ membership?: string }>().membership ?? '',
      );
      // The member list, not the summary count: the count is updated after the timeline.
      const others = room.getMembersWithMembership('join').filter((m) => m.userId !== me);
      if (gone && !staff && event.getStateKey() !== me && others.length === 0)
        await this.#leaveEmpty(room);
      return;
    }
    if (sender === me) return;
    const base = { platform: 'matrix', userId: sender, chatId: room.roomId, eventId: id } as const;
    if (event.isEncrypted() && !(await this.#decrypt(event, arrived))) {
      this.#log.warn(
        { conv: this.#pseudonym(`matrix:${sender}`) },
        'message could not be decrypted',
      );
      this.#o.undecryptable?.();
      // Told in a direct chat only, as far as the rate limit allows (over it, the engine has told
      // the person to slow down).
      if (!staff && !this.#group(room) && (await this.#o.sink.admitMessage(base)))
        await this.#o.notice(room.roomId, 'matrix:undecryptable', id);
      return;
    }
    if (event.getType() !== 'm.room.message') return;
    if (this.#beforeMyJoin(room, event)) return;
    if (staff) {
      const body = event.getContent<{ body?: unknown }>().body;
      if (typeof body === 'string' && this.#o.staffRoom !== undefined)
        await this.#o.staffRoom.handle({
          roomId: room.roomId,
          eventId: id,
          sender,
          body,
          proof: () => senderProof(this.#o.client, event, this.#log),
        });
      return;
    }
    if (this.#group(room)) return;
    const got = await this.#input(event, base);
    if (got === undefined) return;
    try {
      await this.#toEngine({ ...base, input: got.input });
    } finally {
      await got.release?.();
    }
  }

  /** Hands an event to the engine, riding out short outages (Redis restarting); idempotent by id. */
  async #toEngine(event: InboundEvent): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.#o.sink.handle(event);
        return;
      } catch (error) {
        if (attempt >= ENGINE_ATTEMPTS) throw error;
        this.#log.warn({ err: error, attempt }, 'handing an event to the engine failed; retrying');
        await sleep(500 * 2 ** attempt);
      }
    }
  }

  /** The bot joined a room: greet the person of a direct chat, leave a group. */
  async #joinedDirect(room: Room, id: string, inviter: string | undefined): Promise<void> {
    const others = room
      .getMembers()
      .filter(
        (m) =>
          m.userId !== this.#o.userId && (m.membership === 'join' || m.membership === 'invite'),
      );
    if (this.#group(room) || others.length > 1) {
      // Counted against whoever invited the bot: a stream of such rooms gets no stream of notices.
      const invitedBy = room.getDMInviter() ?? others[0]?.userId;
      const mayTell =
        invitedBy !== undefined &&
        (await this.#o.sink.admitMessage({
          platform: 'matrix',
          userId: invitedBy,
          chatId: room.roomId,
          eventId: id,
        }));
      if (mayTell) await this.#o.notice(room.roomId, 'matrix:directOnly', id);
      await this.#o.client.leave(room.roomId);
      this.#log.info('left a room with more than two members');
      return;
    }
    const person = others[0]?.userId ?? room.getDMInviter() ?? inviter;
    if (person === undefined || person === this.#o.userId) return;
    await this.#toEngine({
      platform: 'matrix',
      userId: person,
      chatId: room.roomId,
      eventId: id,
      input: { kind: 'hello' },
    });
  }

  /** The person left the direct chat: the bot leaves too and forgets the room (memory, history). */
  async #leaveEmpty(room: Room): Promise<void> {
    if (room.getMyMembership() === 'join') await this.#o.client.leave(room.roomId);
    await this.#o.client.forget(room.roomId, true);
    this.#o.marks.forget(room.roomId);
    this.#log.info('left a direct chat the person had left');
  }

  /** More than the bot and one person: no direct chat; the bot does not talk there. */
  #group(room: Room): boolean {
    return room.getInvitedAndJoinedMemberCount() > 2;
  }

  /**
   * Waits for the event's decryption, giving late room keys a while from the event's arrival (the
   * client keeps trying while it waits in the queue): a run of undecryptable messages waits about
   * as long as one, not one wait after the other. True when readable.
   */
  async #decrypt(event: MatrixEvent, arrived: number): Promise<boolean> {
    await this.#o.client.decryptEventIfNeeded(event);
    const deadline = arrived + this.#o.undecryptableWaitMs;
    while (event.isDecryptionFailure() && Date.now() < deadline)
      await decryptedOrTimeout(event, deadline - Date.now());
    return !event.isDecryptionFailure();
  }

  /**
   * True for events sent before the bot's latest join: history it was not there for. Decided by
   * the order of the timeline, not by timestamps, which other servers' clocks set. When the join is
   * no longer in the live timeline, every event there came after it.
   */
  #beforeMyJoin(room: Room, event: MatrixEvent): boolean {
    const mine = room
      .getLiveTimeline()
      .getState(EventTimeline.FORWARDS)
      ?.getStateEvents('m.room.member', this.#o.userId);
    if (mine?.getContent<{ membership?: string }>().membership !== 'join') return false;
    const events = room.getLiveTimeline().getEvents();
    const join = events.findIndex((e) => e.getId() === mine.getId());
    if (join < 0) return false;
    const at = events.indexOf(event);
    return at >= 0 && at < join;
  }

  /**
   * What the person sent, as engine input; undefined for things the conversation ignores and for
   * files the engine refused before download (it told the person). `release` is to be called once
   * the input has been handed on: until then an admitted file counts against the report's budget.
   */
  async #input(
    event: MatrixEvent,
    sender: FileSender,
  ): Promise<{ input: InboundInput; release?: () => Promise<void> } | undefined> {
    const message = readMessage(event.getContent());
    switch (message.kind) {
      case 'ignore':
        return undefined;
      case 'text':
        return { input: { kind: 'text', text: message.text } };
      case 'refused':
        return { input: { kind: 'files', files: [], rejected: [message.reason] } };
      case 'media': {
        const admission = await this.#o.sink.admitFile(sender, {
          mime: message.mime,
          ...(message.size === undefined ? {} : { size: message.size }),
        });
        if (admission.kind === 'refused') return undefined;
        const { release } = admission;
        try {
          const bytes = await fetchMedia(this.#o.media, message.source, admission.maxBytes);
          const owner = conversationKey(sender);
          const file = await this.#o.files.receive(owner, {
            name: message.name,
            mime: message.mime,
            bytes,
            ...(message.seconds === undefined ? {} : { seconds: message.seconds }),
          });
          await admission.stored(file.size);
          return { input: { kind: 'files', files: [file] }, release };
        } catch (error) {
          await release();
          if (error instanceof FileRejected)
            return { input: { kind: 'files', files: [], rejected: [error.reason] } };
          if (error instanceof MediaError) {
            this.#log.warn({ reason: error.reason }, 'attachment not received');
            const reason = error.reason === 'tooLarge' ? 'tooLarge' : 'empty';
            return { input: { kind: 'files', files: [], rejected: [reason] } };
          }
          throw error;
        }
      }
    }
  }
}

/** Resolves at the event's next decryption attempt or after `ms`, whichever comes first. */
function decryptedOrTimeout(event: MatrixEvent, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const finish = () => {
      clearTimeout(timer);
      event.off(MatrixEventEvent.Decrypted, finish);
      resolve();
    };
    const timer = setTimeout(finish, Math.max(ms, 0));
    event.on(MatrixEventEvent.Decrypted, finish);
    if (!event.isDecryptionFailure()) finish();
  });
}
