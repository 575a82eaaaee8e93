import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ClientEvent,
  EventType,
  HttpApiEvent,
  KnownMembership,
  SyncState,
  type MatrixClient,
} from 'matrix-js-sdk';
import type { FileIntake } from '../../bot/files.ts';
import type { Translator } from '../../bot/i18n.ts';
import type { Logger, Pseudonymizer } from '../../bot/logger.ts';
import type { Telemetry } from '../../bot/telemetry.ts';
import type { InboundEvent, Language, OutboundMessage } from '../../bot/types.ts';
import { text } from '../../flows/types.ts';
import type { StaffDesk } from '../../staff/ports.ts';
import { StaffRoster } from '../../staff/roster.ts';
import type { ChannelAdapter, EventSink } from '../channel.ts';
import { createCryptoClient, syncFilter, INITIAL_SYNC_LIMIT } from './client.ts';
import type { DurableIndexedDb } from './durable-idb.ts';
import {
  describeNetworkError,
  MatrixConnectError,
  obtainSession,
  type MatrixSession,
} from './login.ts';
import { NO_MENTIONS, renderNotice } from './render.ts';
import { RoomEvents, type ChannelNotice } from './room-events.ts';
import { RoomMarks } from './room-marks.ts';
import { asRefusal, NotInRoom, retryDelay, transactionId, type SendRetry } from './send-policy.ts';
import { setUpDeviceTrust } from './device-trust.ts';
import { MatrixStaffRoom, type StaffMessage } from './staff-room.ts';
import { acceptIdentity, roomAudience, shareKeysOnlyWithStaff } from './staff-trust.ts';

/** How long a send waits for a room to show as joined (see #joined). */
const ROOM_WAIT_MS = 15_000;

export interface MatrixChannelOptions {
  readonly homeserverUrl: string;
  readonly userId: string;
  readonly accessToken?: string;
  readonly password?: string;
  readonly deviceName: string;
  /** DATA_DIR; the channel keeps its state in DATA_DIR/matrix. */
  readonly dataDir: string;
  readonly cryptoPassphrase?: string;
  /** MATRIX_STAFF_ROOM: a room id or alias. */
  readonly staffRoom?: string;
  /** Who is staff; the room's staff are its MATRIX_STAFF_USER_IDS accounts. */
  readonly roster?: StaffRoster;
  /** Where staff commands go; without it the staff room only receives notices. */
  readonly desk?: StaffDesk;
  readonly files: FileIntake;
  readonly i18n: Translator;
  /** For the staff room and the channel's own notices. */
  readonly language: Language;
  readonly logger: Logger;
  /** Names conversations in the log; default: keyed with a random secret of this process. */
  readonly pseudonym?: Pseudonymizer;
  /** For tests: a fetch that fails or rate-limits on purpose. */
  readonly fetch?: typeof globalThis.fetch;
  /** First and longest wait between connection attempts (default 2 s and 5 min). */
  readonly retryMs?: { readonly first: number; readonly max: number };
  /** How long an undecryptable message waits for its key (default 20 s). */
  readonly undecryptableWaitMs?: number;
  /** Events of one room that may wait to be handled here; more are dropped (default 100). */
  readonly maxRoomBacklog?: number;
  /** How long deliveries wait for a connection before they fail (default 60 s). */
  readonly deliveryWaitMs?: number;
  /** Counts undecryptable messages for the metrics. */
  readonly telemetry?: Telemetry;
}

/** How long a stop waits for events being handled. */
const STOP_WAIT_MS = 15_000;

interface Connection {
  readonly session: MatrixSession;
  readonly client: MatrixClient;
  readonly sends: SendRetry;
  readonly store: DurableIndexedDb;
  readonly marks: RoomMarks;
  readonly events: RoomEvents;
  readonly staffRoomId: string | undefined;
}

/**
 * The Matrix channel: a bot account with end-to-end encryption whose device and keys survive
 * restarts (see client.ts and durable-idb.ts), answering in direct chats with m.notice messages and
 * serving the staff room. Connecting is retried with backoff; a wrong password or an unreachable
 * server is logged as one sentence each time, never a crash.
 */
export class MatrixChannel implements ChannelAdapter {
  readonly platform = 'matrix' as const;
  readonly #o: MatrixChannelOptions;
  readonly #log: Logger;
  readonly #dir: string;
  readonly #staff: MatrixStaffRoom;
  readonly #staffIds: ReadonlySet<string>;
  #sink: EventSink | undefined;
  #conn: Connection | undefined;
  #running = false;
  #stopping = new AbortController();
  #loop: Promise<void> | undefined;
  #waiters: (() => void)[] = [];

  constructor(options: MatrixChannelOptions) {
    this.#o = options;
    this.#log = options.logger.child({ module: 'matrix' });
    this.#dir = join(options.dataDir, 'matrix');
    const roster = options.roster ?? new StaffRoster({});
    this.#staffIds = roster.accounts('matrix');
    this.#staff = new MatrixStaffRoom({
      port: {
        roomId: async () => (await this.#connection()).staffRoomId,
        send: (roomId, message, key, replyTo) => this.#sendStaff(roomId, message, key, replyTo),
        audience: async (roomId) =>
          roomAudience((await this.#connection()).client, roomId, this.#staffIds),
        acceptIdentity: async (userId) => acceptIdentity((await this.#connection()).client, userId),
        displayName: (roomId, userId) =>
          this.#conn?.client.getRoom(roomId)?.getMember(userId)?.rawDisplayName ?? userId,
      },
      roster,
      ...(options.desk === undefined ? {} : { desk: options.desk }),
      i18n: options.i18n,
      language: options.language,
      logger: options.logger,
    });
  }

  /** The staff room as a place for case notices. */
  get staffChannel(): MatrixStaffRoom {
    return this.#staff;
  }

  /** Connected and syncing (the readiness check). */
  connected(): boolean {
    const state = this.#conn?.client.getSyncState();
    return state === SyncState.Prepared || state === SyncState.Syncing;
  }

  /** The bot's device id, once connected. */
  get deviceId(): string | undefined {
    return this.#conn?.session.deviceId;
  }

  /** Starts connecting in the background; resolves once connected (or when stopped before). */
  start(sink: EventSink): Promise<void> {
    if (this.#running) throw new Error('the Matrix channel is already running');
    this.#sink = sink;
    this.#running = true;
    this.#stopping = new AbortController();
    const up = this.#whenConnected();
    this.#loop = this.#connectLoop();
    return up;
  }

  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    this.#stopping.abort();
    await this.#loop;
    await this.#disconnect();
    for (const wake of this.#waiters.splice(0)) wake();
  }

  async deliver(event: InboundEvent, messages: readonly OutboundMessage[]): Promise<void> {
    try {
      for (const [index, message] of messages.entries()) {
        await this.#send(
          event.chatId,
          { ...renderNotice(message, { of: event.eventId, index, count: messages.length }) },
          transactionId(event.eventId, index),
        );
      }
    } catch (error) {
      throw asRefusal(error, this.#running);
    }
  }

  /**
   * The person erased their data: the last messages with a word that the bot leaves, then it
   * leaves this direct chat and any other one with the same person (the conversation is theirs,
   * not the room's), forgets the rooms (history and state) and drops their marks.
   */
  async farewell(event: InboundEvent, messages: readonly OutboundMessage[]): Promise<void> {
    const lang = messages.find((m) => m.lang !== undefined)?.lang ?? this.#o.language;
    await this.deliver(event, [
      ...messages,
      { text: this.#o.i18n.t(lang, text('matrix:farewell')), expects: { kind: 'none' }, lang },
    ]);
    const { client, marks, staffRoomId } = await this.#connection();
    const direct = client
      .getRooms()
      .filter(
        (room) =>
          room.roomId !== staffRoomId &&
          room.getMyMembership() === 'join' &&
          room.getJoinedMemberCount() <= 2 &&
          room.getMember(event.userId)?.membership === KnownMembership.Join,
      )
      .map((room) => room.roomId);
    for (const roomId of new Set([event.chatId, ...direct])) {
      await client.leave(roomId);
      await client.forget(roomId, true);
      marks.forget(roomId);
    }
    await marks.flush();
    this.#log.info(
      { rooms: direct.length },
      'left the direct chats of a person who erased their data',
    );
  }

  async #connectLoop(): Promise<void> {
    const retry = this.#o.retryMs ?? { first: 2_000, max: 300_000 };
    for (let attempt = 0; this.#running; attempt++) {
      try {
        await this.#connect();
        return;
      } catch (error) {
        await this.#disconnect();
        if (!this.#isRunning()) return;
        const delay = Math.min(retry.first * 2 ** attempt, retry.max);
        this.#log.error(
          { retryInSeconds: Math.round(delay / 1000), kind: kindOf(error) },
          `${describe(error)} Retrying in ${String(Math.round(delay / 1000))} s.`,
        );
        try {
          await sleep(delay, undefined, { signal: this.#stopping.signal });
        } catch {
          return;
        }
      }
    }
  }

  async #connect(): Promise<void> {
    const sink = this.#sink;
    if (sink === undefined) throw new Error('not started');
    const o = this.#o;
    const session = await obtainSession(
      {
        homeserverUrl: o.homeserverUrl,
        userId: o.userId,
        deviceName: o.deviceName,
        sessionFile: join(this.#dir, 'session.json'),
        ...(o.accessToken === undefined ? {} : { accessToken: o.accessToken }),
        ...(o.password === undefined ? {} : { password: o.password }),
        ...(o.fetch === undefined ? {} : { fetch: o.fetch }),
      },
      o.logger,
    );
    const { client, store, sends } = await createCryptoClient({
      session,
      dir: this.#dir,
      logger: o.logger,
      ...(o.cryptoPassphrase === undefined ? {} : { passphrase: o.cryptoPassphrase }),
      ...(o.fetch === undefined ? {} : { fetch: o.fetch }),
    });
    const marks = await RoomMarks.load(join(this.#dir, 'rooms.json'), o.logger);
    const staffRoomId =
      o.staffRoom === undefined ? undefined : await resolveRoom(client, o.staffRoom);
    const events = new RoomEvents({
      client,
      userId: session.userId,
      marks,
      sink,
      files: o.files,
      media: {
        homeserverUrl: session.homeserverUrl,
        accessToken: () => session.accessToken,
        fetch: o.fetch ?? globalThis.fetch,
      },
      ...(staffRoomId === undefined ? {} : { staffRoomId, staffRoom: this.#staff }),
      notice: (roomId, key, cause) => this.#notice(roomId, key, cause),
      undecryptableWaitMs: o.undecryptableWaitMs ?? 20_000,
      ...(o.maxRoomBacklog === undefined ? {} : { maxRoomBacklog: o.maxRoomBacklog }),
      ...(o.telemetry === undefined
        ? {}
        : { undecryptable: o.telemetry.decryptionFailure.bind(o.telemetry) }),
      logger: o.logger,
      ...(o.pseudonym === undefined ? {} : { pseudonym: o.pseudonym }),
    });
    this.#conn = { session, client, sends, store, marks, events, staffRoomId };
    events.attach();
    client.on(HttpApiEvent.SessionLoggedOut, () => {
      this.#log.error('the Matrix session was logged out; connecting again');
      void this.#reconnect();
    });
    await client.startClient({
      filter: syncFilter(session.userId),
      initialSyncLimit: INITIAL_SYNC_LIMIT,
      lazyLoadMembers: true,
      disablePresence: true,
      threadSupport: false,
      pollTimeout: 30_000,
    });
    await firstSync(client, this.#stopping.signal);
    await this.#joinStaffRoom(client, staffRoomId);
    this.#log.info({ device: session.deviceId }, 'Matrix channel connected');
    for (const wake of this.#waiters.splice(0)) wake();
    await setUpDeviceTrust(client, {
      userId: session.userId,
      ...(o.password === undefined ? {} : { password: o.password }),
      logger: o.logger,
    });
  }

  async #reconnect(): Promise<void> {
    if (!this.#running) return;
    await this.#disconnect();
    await this.#loop;
    if (this.#isRunning()) this.#loop = this.#connectLoop();
  }

  async #disconnect(): Promise<void> {
    const conn = this.#conn;
    if (conn === undefined) return;
    this.#conn = undefined;
    conn.events.detach();
    // Events in hand are finished, unless one hangs (a reply that cannot be sent): then stop anyway.
    await Promise.race([conn.events.idle(), sleep(STOP_WAIT_MS, undefined, { ref: false })]);
    conn.client.stopClient();
    conn.client.removeAllListeners();
    try {
      await conn.store.close();
    } catch (error) {
      this.#log.error({ err: error }, 'writing the Matrix crypto store failed at stop');
    }
    await conn.marks.flush();
  }

  /** Joins the staff room when the bot is not in it yet (it must be invited or the room public). */
  async #joinStaffRoom(client: MatrixClient, roomId: string | undefined): Promise<void> {
    if (roomId === undefined) return;
    if (client.getRoom(roomId)?.getMyMembership() !== KnownMembership.Join) {
      try {
        await client.joinRoom(roomId);
      } catch (error) {
        this.#log.warn(
          { err: errorSummary(error) },
          'cannot join MATRIX_STAFF_ROOM yet: invite the bot to it',
        );
        return;
      }
    }
    // Asked of the server: right after a join the client has not synced the room's state yet.
    const encrypted = await client.getStateEvent(roomId, EventType.RoomEncryption, '').then(
      () => true,
      (error: unknown) => (error as { errcode?: unknown }).errcode !== 'M_NOT_FOUND',
    );
    if (!encrypted)
      this.#log.warn('MATRIX_STAFF_ROOM is not encrypted: case notices only, no commands there');
  }

  #whenConnected(): Promise<void> {
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Read through a method, so that checks after an await see the current value. */
  #isRunning(): boolean {
    return this.#running;
  }

  /** The connection, waiting a while for one. */
  async #connection(): Promise<Connection> {
    const wait = this.#o.deliveryWaitMs ?? 60_000;
    const deadline = Date.now() + wait;
    while (this.#running && Date.now() < deadline) {
      const conn = this.#conn;
      if (conn?.client.isInitialSyncComplete() === true) return conn;
      await sleep(250);
    }
    throw new Error('the Matrix channel is not connected');
  }

  /**
   * Whether the client knows the room as one the bot has joined. Right after a start, the first
   * sync may not have shown a room yet, or the bot is joining it on the invitation again, while
   * the start-up sweep already sends replies a killed process left (found by
   * test/reliability/crash-matrix.test.ts): so a room not (yet) joined is waited for a while, as
   * the connection is (but not as long: a room the bot has left stays so).
   */
  async #joined(client: MatrixClient, roomId: string): Promise<boolean> {
    const deadline = Date.now() + Math.min(this.#o.deliveryWaitMs ?? 60_000, ROOM_WAIT_MS);
    for (;;) {
      if (client.getRoom(roomId)?.getMyMembership() === KnownMembership.Join) return true;
      if (!this.#running || Date.now() >= deadline) return false;
      await sleep(250);
    }
  }

  /**
   * Sends one message. The SDK's scheduler retries rate limits and network errors with the same
   * transaction id; if it gives up on a message whose queue was cleared by another's failure, one
   * more attempt follows, again with the same id, so the server never takes it twice.
   */
  async #send(roomId: string, content: Record<string, unknown>, txnId: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const { client, sends } = await this.#connection();
      // Never send into a room the client does not know: it could not tell whether to encrypt.
      if (!(await this.#joined(client, roomId)))
        throw new NotInRoom('the bot is not in that Matrix room');
      try {
        await client.sendEvent(roomId, EventType.RoomMessage, content as never, txnId);
        return;
      } catch (error) {
        if (sends.wasSent(txnId)) return;
        if (attempt >= 2 || retryDelay(error, 1) < 0) throw error;
      }
    }
  }

  async #notice(roomId: string, key: ChannelNotice, cause: string): Promise<void> {
    const message = {
      text: this.#o.i18n.t(this.#o.language, text(key)),
      expects: { kind: 'none' },
    } as const;
    await this.#send(
      roomId,
      { ...renderNotice(message, { of: cause, index: 0, count: 1 }) },
      transactionId(`${key}:${cause}`, 0),
    );
  }

  async #sendStaff(
    roomId: string,
    message: StaffMessage,
    key: string,
    replyTo?: string,
  ): Promise<void> {
    // The room key of what follows reaches the cross-signed devices of listed staff only.
    await shareKeysOnlyWithStaff((await this.#connection()).client, roomId, this.#staffIds);
    await this.#send(
      roomId,
      {
        msgtype: 'm.notice',
        body: message.body,
        format: 'org.matrix.custom.html',
        formatted_body: message.html,
        'm.mentions': NO_MENTIONS,
        ...(replyTo === undefined
          ? {}
          : { 'm.relates_to': { 'm.in_reply_to': { event_id: replyTo } } }),
      },
      transactionId(key, 0),
    );
  }
}

/** Waits for the first sync to be processed; a failed first sync fails the connection attempt. */
function firstSync(client: MatrixClient, abort: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      finish(
        new MatrixConnectError('unreachable', 'The first Matrix sync took longer than 3 minutes.'),
      );
    }, 180_000);
    const onSync = (state: SyncState, _prev: SyncState | null, data?: { error?: Error }) => {
      if (state === SyncState.Prepared || state === SyncState.Syncing) finish();
      else if (state === SyncState.Error)
        finish(
          new MatrixConnectError(
            'unreachable',
            `The first Matrix sync failed (${data?.error === undefined ? 'unknown error' : describeNetworkError(data.error)}).`,
          ),
        );
    };
    const onAbort = () => {
      finish(new MatrixConnectError('unreachable', 'stopped'));
    };
    function finish(error?: Error) {
      clearTimeout(timer);
      client.off(ClientEvent.Sync, onSync);
      abort.removeEventListener('abort', onAbort);
      if (error === undefined) resolve();
      else reject(error);
    }
    client.on(ClientEvent.Sync, onSync);
    abort.addEventListener('abort', onAbort);
  });
}

/** A room id for an id or alias. */
async function resolveRoom(client: MatrixClient, idOrAlias: string): Promise<string> {
  if (idOrAlias.startsWith('!')) return idOrAlias;
  try {
    return (await client.getRoomIdForAlias(idOrAlias)).room_id;
  } catch (error) {
    throw new MatrixConnectError(
      'config',
      `MATRIX_STAFF_ROOM ${idOrAlias} cannot be resolved (${errorSummary(error)}).`,
      { cause: error },
    );
  }
}

function describe(error: unknown): string {
  if (error instanceof MatrixConnectError) return error.message;
  return `The Matrix channel could not start: ${errorSummary(error)}.`;
}

function kindOf(error: unknown): string {
  return error instanceof MatrixConnectError ? error.kind : 'unexpected';
}

function errorSummary(error: unknown): string {
  if (error instanceof Error) {
    const errcode = (error as { errcode?: unknown }).errcode;
    return typeof errcode === 'string' ? `${errcode}: ${error.message}` : error.message;
  }
  return String(error);
}
