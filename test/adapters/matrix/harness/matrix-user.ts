/**
 * A person on Matrix for the integration tests: a matrix-js-sdk client with Rust crypto (in
 * memory), as Element would be. It opens encrypted direct chats, writes, and collects the bot's
 * replies grouped by the input they answer (`de.lotse.batch`).
 *
 *   const anna = await MatrixUser.create('anna');
 *   const room = await anna.openDirectChat(botId);
 *   const hello = await anna.nextBatch(room);          // the greeting after the bot joined
 *   const reply = await anna.say(room, '1');           // all replies to that message
 */
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import {
  ClientEvent,
  createClient,
  EventType,
  KnownMembership,
  MatrixEvent,
  MatrixEventEvent,
  Preset,
  RoomEvent,
  SyncState,
  Visibility,
  type MatrixClient,
  type Room,
} from 'matrix-js-sdk';
import { logger as sdkLogger } from 'matrix-js-sdk/lib/logger.js';
import { eventually } from '../../../support/wait.ts';
import { loginDevice, registerUser, SYNAPSE_URL, type Account } from './synapse-api.ts';

/** One message of the bot as the person's client decrypted it. */
export interface BotMessage {
  readonly eventId: string;
  readonly roomId: string;
  readonly sender: string;
  readonly msgtype: string;
  readonly body: string;
  readonly html?: string;
  readonly expects?: { kind: string; options?: { id: string; label: string }[] };
  readonly caseRef?: string;
  readonly batch?: { of: string; index: number; count: number };
  /** The event this message replies to (m.in_reply_to). */
  readonly replyTo?: string;
  /** The event's `m.mentions`, as sent. */
  readonly mentions?: unknown;
  readonly encrypted: boolean;
}

interface Waiter {
  readonly done: (messages: BotMessage[]) => boolean;
  readonly resolve: () => void;
}

const silent = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  getChild: () => silent,
};

/** An event from someone else that this device could not decrypt (its key was withheld). */
export interface Undecryptable {
  readonly eventId: string;
  readonly roomId: string;
  readonly sender: string;
}

export class MatrixUser {
  readonly account: Account;
  readonly client: MatrixClient;
  /** Every message from others, in arrival order. */
  readonly received: BotMessage[] = [];
  /** Events from others that stayed undecryptable here. */
  readonly undecryptable: Undecryptable[] = [];
  readonly #waiters = new Set<Waiter>();

  private constructor(account: Account, client: MatrixClient) {
    this.account = account;
    this.client = client;
  }

  get userId(): string {
    return this.account.userId;
  }

  static async create(label: string): Promise<MatrixUser> {
    return MatrixUser.open(await registerUser(label));
  }

  /** Another session (device) of an existing account: logged in with the password, not verified. */
  static async anotherDevice(account: Account): Promise<MatrixUser> {
    return MatrixUser.open(await loginDevice(account));
  }

  static async open(account: Account): Promise<MatrixUser> {
    // The SDK's fallback logger writes to the console (stdout); loggers made from it copy this.
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- the one logger to silence
    const root = sdkLogger as unknown as { methodFactory: () => () => void; rebuild(): void };
    root.methodFactory = () => () => undefined;
    root.rebuild();
    const client = createClient({
      baseUrl: SYNAPSE_URL,
      userId: account.userId,
      deviceId: account.deviceId,
      accessToken: account.accessToken,
      logger: silent,
    });
    await client.initRustCrypto({ useIndexedDB: false });
    const user = new MatrixUser(account, client);
    client.on(RoomEvent.Timeline, (event, room, toStart) => {
      if (room === undefined || toStart === true) return;
      void user.#collect(event, room.roomId);
    });
    await client.startClient({ initialSyncLimit: 10, lazyLoadMembers: true });
    await new Promise<void>((resolve) => {
      const onSync = (state: SyncState) => {
        if (state === SyncState.Prepared) {
          client.off(ClientEvent.Sync, onSync);
          resolve();
        }
      };
      client.on(ClientEvent.Sync, onSync);
    });
    return user;
  }

  /**
   * Sets up cross-signing for the account, as Element does at first login, and signs this device
   * with it: the device is then "verified by its owner". With `reset`, replaces the account's
   * cross-signing identity by a new one (as "reset cryptographic identity" in Element does).
   */
  async crossSign(reset = false): Promise<void> {
    const crypto = this.client.getCrypto();
    if (crypto === undefined) throw new Error('no crypto');
    await crypto.bootstrapCrossSigning({
      setupNewCrossSigning: reset,
      authUploadDeviceSigningKeys: async (makeRequest) => {
        await makeRequest({
          type: 'm.login.password',
          identifier: { type: 'm.id.user', user: this.userId },
          password: this.account.password,
        });
      },
    });
    // After a reset the new identity becomes the device's own a moment later.
    const signed = await eventually(
      async () => {
        await crypto.getUserDeviceInfo([this.userId], true);
        const status = await crypto.getDeviceVerificationStatus(this.userId, this.account.deviceId);
        return status?.signedByOwner === true;
      },
      (ok) => ok,
      10_000,
    );
    if (!signed) throw new Error(`${this.userId}: device not cross-signed`);
  }

  /** Leaves a room. */
  async leave(roomId: string): Promise<void> {
    await this.client.leave(roomId);
  }

  /**
   * Encrypts a message for a room with this device's room key (shared with the room's devices as
   * usual) without sending it; returns the encrypted content, which anyone could send as theirs.
   */
  async encryptOnly(roomId: string, content: Record<string, unknown>): Promise<object> {
    const room = this.client.getRoom(roomId);
    if (room === null) throw new Error(`${this.userId} is not in ${roomId}`);
    const event = new MatrixEvent({
      type: EventType.RoomMessage,
      room_id: roomId,
      sender: this.userId,
      content,
      event_id: `~${randomBytes(6).toString('hex')}`,
    });
    const backend = (
      this.client as unknown as {
        cryptoBackend: { encryptEvent(event: MatrixEvent, room: Room): Promise<void> };
      }
    ).cryptoBackend;
    await backend.encryptEvent(event, room);
    return event.getWireContent();
  }

  /**
   * Sends a message no one can read: megolm-encrypted content of a session whose room key was
   * never shared (random session id and ciphertext), from this device; returns its event id.
   */
  async sendUndecryptable(roomId: string): Promise<string> {
    const keys = await this.client.getCrypto()?.getOwnDeviceKeys();
    const unpadded = (bytes: number) => randomBytes(bytes).toString('base64').replace(/=+$/, '');
    return this.sendRaw(roomId, EventType.RoomMessageEncrypted, {
      algorithm: 'm.megolm.v1.aes-sha2',
      sender_key: keys?.curve25519 ?? unpadded(32),
      device_id: this.account.deviceId,
      session_id: unpadded(32),
      ciphertext: unpadded(120),
    });
  }

  /** Sends an event as this account straight to the server, bypassing the client's encryption. */
  async sendRaw(roomId: string, type: string, content: object): Promise<string> {
    const txn = randomBytes(8).toString('hex');
    const response = await fetch(
      `${SYNAPSE_URL}/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/${type}/${txn}`,
      {
        method: 'PUT',
        headers: {
          authorization: `Bearer ${this.account.accessToken}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify(content),
      },
    );
    const body = (await response.json()) as { event_id?: string };
    if (!response.ok || body.event_id === undefined)
      throw new Error(`sending ${type} failed: ${JSON.stringify(body)}`);
    return body.event_id;
  }

  /** Opens an encrypted direct chat with someone, as Element does, and returns its room id. */
  async openDirectChat(other: string): Promise<string> {
    const { room_id } = await this.client.createRoom({
      is_direct: true,
      invite: [other],
      preset: Preset.TrustedPrivateChat,
      visibility: Visibility.Private,
      initial_state: [
        {
          type: EventType.RoomEncryption,
          state_key: '',
          content: { algorithm: 'm.megolm.v1.aes-sha2' },
        },
      ],
    });
    return room_id;
  }

  /** Creates an encrypted room that is no direct chat and invites others to it. */
  async openGroup(invite: readonly string[], encrypted = true): Promise<string> {
    const { room_id } = await this.client.createRoom({
      invite: [...invite],
      preset: Preset.PrivateChat,
      visibility: Visibility.Private,
      initial_state: encrypted
        ? [
            {
              type: EventType.RoomEncryption,
              state_key: '',
              content: { algorithm: 'm.megolm.v1.aes-sha2' },
            },
          ]
        : [],
    });
    return room_id;
  }

  /** Waits until a user's membership in a room is as wanted (as this client sees it). */
  async membership(
    roomId: string,
    userId: string,
    wanted: string,
    timeoutMs = 30_000,
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const member = this.client.getRoom(roomId)?.getMember(userId);
      if (member?.membership === wanted) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(
      `${userId} did not reach membership ${wanted} in ${roomId} within ${timeoutMs} ms`,
    );
  }

  /** Joins a room this user was invited to. */
  async join(roomId: string): Promise<void> {
    const deadline = Date.now() + 30_000;
    while (this.client.getRoom(roomId)?.getMyMembership() !== KnownMembership.Invite) {
      if (Date.now() > deadline) throw new Error(`no invitation to ${roomId}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    await this.client.joinRoom(roomId);
  }

  /** Sends a text and returns its event id. */
  async send(roomId: string, text: string): Promise<string> {
    const { event_id } = await this.client.sendTextMessage(roomId, text);
    return event_id;
  }

  /** Sends any message content and returns its event id. */
  async sendContent(roomId: string, content: Record<string, unknown>): Promise<string> {
    const { event_id } = await this.client.sendEvent(
      roomId,
      EventType.RoomMessage,
      content as never,
    );
    return event_id;
  }

  /**
   * Uploads a file encrypted, as Element does in encrypted rooms, and sends it; returns the event
   * id. With `voiceMs`, an audio file goes as Element sends a voice message: m.audio with its
   * length in `info.duration` or (`voice`, MSC3245) only in the extensible-event audio part.
   */
  async sendFile(
    roomId: string,
    file: {
      readonly name: string;
      readonly mime: string;
      readonly bytes: Uint8Array;
      readonly voiceMs?: number;
      readonly voice?: boolean;
    },
    encrypted = true,
  ): Promise<string> {
    const msgtype = file.mime.startsWith('image/')
      ? 'm.image'
      : file.mime.startsWith('audio/')
        ? 'm.audio'
        : 'm.file';
    const length =
      file.voiceMs === undefined || file.voice === true ? {} : { duration: file.voiceMs };
    const info = { mimetype: file.mime, size: file.bytes.byteLength, ...length };
    const voice =
      file.voice === true
        ? {
            'org.matrix.msc1767.audio': { duration: file.voiceMs, waveform: [0, 256, 1024] },
            'org.matrix.msc3245.voice': {},
          }
        : {};
    if (!encrypted) {
      const { content_uri } = await this.client.uploadContent(Buffer.from(file.bytes), {
        type: file.mime,
        name: file.name,
      });
      return this.sendContent(roomId, {
        msgtype,
        body: file.name,
        info,
        url: content_uri,
        ...voice,
      });
    }
    const attachment = encryptAttachment(file.bytes);
    const { content_uri } = await this.client.uploadContent(attachment.data, {
      type: 'application/octet-stream',
    });
    return this.sendContent(roomId, {
      msgtype,
      body: file.name,
      filename: file.name,
      info,
      file: { ...attachment.file, url: content_uri },
      ...voice,
    });
  }

  /** Sends a text and resolves with every reply to it, in order. */
  async say(roomId: string, text: string, timeoutMs = 30_000): Promise<BotMessage[]> {
    const eventId = await this.send(roomId, text);
    return this.replies(eventId, timeoutMs);
  }

  /** All replies to one event, once the last of them has arrived. */
  async replies(eventId: string, timeoutMs = 30_000): Promise<BotMessage[]> {
    const batch = () => this.received.filter((m) => m.batch?.of === eventId);
    await this.until(
      () => {
        const got = batch();
        const count = got[0]?.batch?.count;
        return count !== undefined && new Set(got.map((m) => m.batch?.index)).size >= count;
      },
      timeoutMs,
      `replies to ${eventId}`,
    );
    return batch().sort((a, b) => (a.batch?.index ?? 0) - (b.batch?.index ?? 0));
  }

  /** The next complete batch in a room that is not among `seen` (e.g. the greeting after a join). */
  async nextBatch(
    roomId: string,
    seen: ReadonlySet<string> = new Set(),
    timeoutMs = 30_000,
  ): Promise<BotMessage[]> {
    let of: string | undefined;
    await this.until(
      () => {
        const complete = this.#completeBatches(roomId).find((id) => !seen.has(id));
        of = complete;
        return complete !== undefined;
      },
      timeoutMs,
      `a reply batch in ${roomId}`,
    );
    return this.replies(of ?? '', timeoutMs);
  }

  /** Messages in a room that answer nothing in particular (staff room answers, notices). */
  async nextMessage(
    roomId: string,
    match: (m: BotMessage) => boolean,
    timeoutMs = 30_000,
  ): Promise<BotMessage> {
    let found: BotMessage | undefined;
    await this.until(
      () => {
        found = this.received.find((m) => m.roomId === roomId && match(m));
        return found !== undefined;
      },
      timeoutMs,
      `a matching message in ${roomId}`,
    );
    if (found === undefined) throw new Error('unreachable');
    return found;
  }

  /** Resolves once the condition over the received messages holds; rejects after the timeout. */
  until(done: (messages: BotMessage[]) => boolean, timeoutMs: number, what: string): Promise<void> {
    if (done(this.received)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        done,
        resolve: () => {
          clearTimeout(timer);
          this.#waiters.delete(waiter);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(
          new Error(
            `${this.userId}: no ${what} within ${timeoutMs} ms; received:\n${this.received
              .slice(-8)
              .map((m) => `  ${m.batch?.of ?? '-'} ${m.body.slice(0, 80)}`)
              .join('\n')}`,
          ),
        );
      }, timeoutMs);
      this.#waiters.add(waiter);
    });
  }

  stop(): Promise<void> {
    this.client.stopClient();
    this.client.removeAllListeners();
    return Promise.resolve();
  }

  #completeBatches(roomId: string): string[] {
    const counts = new Map<string, Set<number>>();
    const wanted = new Map<string, number>();
    for (const m of this.received) {
      if (m.roomId !== roomId || m.batch === undefined) continue;
      const set = counts.get(m.batch.of) ?? new Set<number>();
      set.add(m.batch.index);
      counts.set(m.batch.of, set);
      wanted.set(m.batch.of, m.batch.count);
    }
    return [...counts]
      .filter(([of, got]) => got.size >= (wanted.get(of) ?? Infinity))
      .map(([of]) => of);
  }

  async #collect(event: MatrixEvent, roomId: string): Promise<void> {
    if (event.getSender() === this.userId) return;
    const encrypted = event.isEncrypted();
    if (encrypted) {
      await this.client.decryptEventIfNeeded(event);
      if (event.isDecryptionFailure())
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 20_000);
          event.once(MatrixEventEvent.Decrypted, () => {
            clearTimeout(timer);
            resolve();
          });
        });
    }
    if (event.isDecryptionFailure()) {
      this.undecryptable.push({
        eventId: event.getId() ?? '',
        roomId,
        sender: event.getSender() ?? '',
      });
      this.#wake();
      return;
    }
    if (event.getType() !== 'm.room.message') return;
    const content = event.getContent<Record<string, unknown>>();
    const replyTo = (
      content['m.relates_to'] as { 'm.in_reply_to'?: { event_id?: string } } | undefined
    )?.['m.in_reply_to']?.event_id;
    const message: BotMessage = {
      eventId: event.getId() ?? '',
      roomId,
      sender: event.getSender() ?? '',
      msgtype: String(content['msgtype']),
      body: String(content['body']),
      encrypted,
      ...(replyTo === undefined ? {} : { replyTo }),
      ...(content['m.mentions'] === undefined ? {} : { mentions: content['m.mentions'] }),
      ...(typeof content['formatted_body'] === 'string' ? { html: content['formatted_body'] } : {}),
      ...(content['de.lotse.expects'] === undefined
        ? {}
        : { expects: content['de.lotse.expects'] as BotMessage['expects'] }),
      ...(typeof content['de.lotse.case'] === 'string'
        ? { caseRef: content['de.lotse.case'] }
        : {}),
      ...(content['de.lotse.batch'] === undefined
        ? {}
        : { batch: content['de.lotse.batch'] as BotMessage['batch'] }),
    };
    this.received.push(message);
    this.#wake();
  }

  #wake(): void {
    for (const waiter of [...this.#waiters]) if (waiter.done(this.received)) waiter.resolve();
  }
}

/**
 * The text a person types for a JSON-lines style answer: the number of a choice, the numbers of
 * several, or the text itself.
 */
export function typed(
  answer: { text: string } | { choice: string } | { choices: string[] } | { command: string },
  question: BotMessage | undefined,
): string {
  if ('text' in answer) return answer.text;
  if ('command' in answer) return `/${answer.command}`;
  const options = question?.expects?.options ?? [];
  const kind = question?.expects?.kind ?? '';
  if ('choice' in answer && !['choice', 'multi', 'confirm'].includes(kind)) {
    // A shortcut beside a typed answer is typed as its words.
    const shortcut = options.find((o) => o.id === answer.choice);
    if (shortcut === undefined)
      throw new Error(
        `shortcut ${answer.choice} not offered; the question was: ${question?.body ?? '(none)'}`,
      );
    return shortcut.label;
  }
  const number = (id: string) => {
    const index = options.findIndex((o) => o.id === id);
    if (index < 0)
      throw new Error(`option ${id} not offered; the question was: ${question?.body ?? '(none)'}`);
    return String(index + 1);
  };
  return 'choice' in answer ? number(answer.choice) : answer.choices.map(number).join(', ');
}

/** Encrypts an attachment the way the spec describes (AES-256-CTR, JWK key, SHA-256 of the ciphertext). */
export function encryptAttachment(bytes: Uint8Array): {
  data: Buffer;
  file: {
    key: { kty: 'oct'; key_ops: string[]; alg: 'A256CTR'; k: string; ext: true };
    iv: string;
    hashes: { sha256: string };
    v: 'v2';
  };
} {
  const key = randomBytes(32);
  // The counter's low 64 bits start at zero, as the spec asks.
  const iv = Buffer.concat([randomBytes(8), Buffer.alloc(8)]);
  const cipher = createCipheriv('aes-256-ctr', key, iv);
  const data = Buffer.concat([cipher.update(bytes), cipher.final()]);
  const unpadded = (b: Buffer) => b.toString('base64').replace(/=+$/, '');
  return {
    data,
    file: {
      key: {
        kty: 'oct',
        key_ops: ['encrypt', 'decrypt'],
        alg: 'A256CTR',
        k: key.toString('base64url'),
        ext: true,
      },
      iv: unpadded(iv),
      hashes: { sha256: unpadded(createHash('sha256').update(data).digest()) },
      v: 'v2',
    },
  };
}

/** A line of test/support/intake-script.ts. */
type Line =
  | { text: string }
  | { choice: string }
  | { choices: string[] }
  | { command: string }
  | { file: { name: string; mime: string; data: string } };

/** Answers the questions in turn, files as encrypted attachments; returns the last question. */
export async function walk(
  user: MatrixUser,
  room: string,
  lines: readonly object[],
  question: BotMessage | undefined,
): Promise<BotMessage | undefined> {
  let asked = question;
  for (const line of lines as readonly Line[]) {
    const replies =
      'file' in line
        ? await user.replies(
            await user.sendFile(room, {
              name: line.file.name,
              mime: line.file.mime,
              bytes: Buffer.from(line.file.data, 'base64'),
            }),
          )
        : await user.say(room, typed(line, asked));
    asked = replies.at(-1);
  }
  return asked;
}
