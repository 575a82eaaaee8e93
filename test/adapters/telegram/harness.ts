/**
 * Runs the real Telegram channel against telegram-test-api, a Bot API emulator on a loopback port,
 * with the real engine (createApp) on the real Redis. People are driven with the emulator's client
 * over real HTTP. What the emulator lacks is filled in by one API transformer (`emulatorGaps`):
 * setMyCommands, getFile (with a small local file server for the downloads), and a short pause
 * on empty getUpdates, because the emulator answers at once instead of long polling.
 *
 *   const h = await TelegramHarness.start({ redis: redis.client, prefix: redis.prefix });
 *   const anna = h.user({ userId: 101 });
 *   await anna.send('/start');
 *   await anna.tap('report');
 *   expect((await anna.lastQuestion()).text).toContain('Gefahr');
 *   await h.stop();
 */
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
// The package's main entry is CommonJS with a default export TypeScript misreads; the class itself:
import { TelegramServer } from 'telegram-test-api/lib/telegramServer.js';
import { createApp, type App } from '../../../src/app.ts';
import { Translator } from '../../../src/bot/i18n.ts';
import { createLogger } from '../../../src/bot/logger.ts';
import { StateSeal } from '../../../src/bot/state-seal.ts';
import { loadConfig } from '../../../src/config/load.ts';
import type { StaffDesk } from '../../../src/staff/ports.ts';
import type { BotKeys } from '../../../src/staff/bot-keys.ts';
import type { StaffKeys } from '../../../src/staff/keys.ts';
import { StaffRoster } from '../../../src/staff/roster.ts';
import { parseCallbackData } from '../../../src/adapters/telegram/callback-data.ts';
import { MARK } from '../../../src/adapters/telegram/keyboard.ts';
import {
  TelegramChannel,
  type Transformer,
} from '../../../src/adapters/telegram/telegram-channel.ts';
import type { RateLimits } from '../../../src/adapters/telegram/throttle.ts';

export const TOKEN = '123456789:TEST-token_for-the-emulator';

/** Limits fast enough for tests that walk a whole intake; the real ones are unit-tested. */
export const TEST_LIMITS: RateLimits = {
  global: { perSecond: 1000, burst: 100 },
  privateChat: { perSecond: 100, burst: 10 },
  groupChat: { perSecond: 100, burst: 10 },
};

/** A free TCP port on the loopback interface. */
export async function freePort(): Promise<number> {
  const probe = createNetServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) =>
    probe.close(() => {
      resolve();
    }),
  );
  return port;
}

/** A file the fake getFile knows, served by the local file server. */
export interface HostedFile {
  readonly bytes: Uint8Array;
  /** What getFile reports (default: the real size). */
  readonly size?: number;
}

/** One Bot API call the channel made, as the emulator-gaps transformer saw it. */
export interface ApiCall {
  readonly method: string;
  readonly payload: Record<string, unknown>;
}

export interface HarnessOptions {
  readonly redis: Redis;
  readonly prefix: string;
  /** The staff group: its chat, the Telegram user ids of staff, and a desk (else none). */
  readonly staff?: {
    readonly chatId: string;
    readonly userIds: readonly string[];
    readonly desk?: StaffDesk;
    /** Matrix staff accounts on the same desk (for tests that also drive the Matrix staff room). */
    readonly matrixUserIds?: readonly string[];
  };
  /**
   * The app's own case desk and workers instead of a fake desk: reports become cases, notices go
   * to the staff group, staff replies travel through the outbound queue.
   */
  readonly appDesk?: boolean;
  /** The staff keys of the app (default: a fresh pair), for tests that seal reports themselves. */
  readonly keys?: StaffKeys;
  /** The bot keys of the app (default: none, replies queued plain). */
  readonly botKeys?: BotKeys;
  readonly webhook?: { readonly secret: string };
  /** More transformers, innermost (e.g. a slow sendMessage). */
  readonly transformers?: readonly Transformer[];
  readonly albumWaitMs?: number;
  /** More settings for the app, over the harness's own (e.g. a small REPORT_FILE_BUDGET_MB). */
  readonly config?: Readonly<Record<string, string>>;
  /** Telegram's rate limits instead of the fast test ones. */
  readonly limits?: RateLimits;
  /** The app's logs at info level into this file (as LOG_FILE does), for tests that read them. */
  readonly logFile?: string;
}

/** A bot message as the emulator keeps it (edits applied). */
export interface BotMessage {
  readonly messageId: number;
  readonly chatId: string;
  readonly text: string;
  readonly buttons: readonly { readonly text: string; readonly data: string }[];
  readonly payload: Record<string, unknown>;
}

/** A sticker message: content no question can use, which the channel answers itself. */
export function stickerMessage(id: string): Record<string, unknown> {
  return {
    sticker: {
      file_id: id,
      file_unique_id: `u-${id}`,
      type: 'regular',
      width: 512,
      height: 512,
      is_animated: false,
      is_video: false,
    },
  };
}

export class TelegramHarness {
  readonly server: TelegramServer;
  readonly options: HarnessOptions;
  readonly calls: ApiCall[] = [];
  /** Files the fake getFile knows, by file_id. */
  readonly files: Map<string, HostedFile>;
  readonly i18n = Translator.create();
  #app: App | undefined;
  /** The session key, the same across restarts (as an installation's bots share theirs). */
  readonly #sessionKey = StateSeal.generateKey();
  #channel: TelegramChannel | undefined;
  readonly #fileServer: Server;
  readonly #fileRoot: string;
  readonly #done = new Set<number>();
  readonly #waiters: { id: number; resolve: () => void }[] = [];

  private constructor(
    server: TelegramServer,
    fileServer: Server,
    fileRoot: string,
    files: Map<string, HostedFile>,
    options: HarnessOptions,
  ) {
    this.server = server;
    this.files = files;
    this.#fileServer = fileServer;
    this.#fileRoot = fileRoot;
    this.options = options;
  }

  /** A document message (a PDF) for a file this harness's getFile serves. */
  document(id: string, bytes: Uint8Array, extra: Record<string, unknown> = {}) {
    this.files.set(id, { bytes });
    return {
      document: {
        file_id: id,
        file_unique_id: `u-${id}`,
        file_name: `${id}.pdf`,
        mime_type: 'application/pdf',
        file_size: bytes.byteLength,
      },
      ...extra,
    };
  }

  static async start(options: HarnessOptions): Promise<TelegramHarness> {
    const server = new TelegramServer({
      port: await freePort(),
      host: '127.0.0.1',
      storeTimeout: 600,
    });
    await server.start();
    // Where a file_path from the fake getFile is downloaded: /file/bot<token>/documents/<id>.
    const files = new Map<string, HostedFile>();
    const fileServer = createServer((request, response) => {
      const id = /\/file\/bot[^/]+\/documents\/(.+)$/.exec(request.url ?? '')?.[1];
      const file = id === undefined ? undefined : files.get(decodeURIComponent(id));
      if (file === undefined) response.writeHead(404).end();
      else response.writeHead(200, { 'content-type': 'application/octet-stream' }).end(file.bytes);
    });
    await new Promise<void>((resolve) => fileServer.listen(0, '127.0.0.1', resolve));
    const fileRoot = `http://127.0.0.1:${(fileServer.address() as AddressInfo).port}`;
    const harness = new TelegramHarness(server, fileServer, fileRoot, files, options);
    await harness.startBot();
    return harness;
  }

  get app(): App {
    if (this.#app === undefined) throw new Error('harness not started');
    return this.#app;
  }

  get channel(): TelegramChannel {
    if (this.#channel === undefined) throw new Error('harness not started');
    return this.#channel;
  }

  /**
   * Builds an app and a channel and starts them (again, after stopBot: a restart), with
   * `settings` over the options' config.
   */
  async startBot(settings: Readonly<Record<string, string>> = {}): Promise<void> {
    const config = loadConfig(
      {
        REDIS_KEY_PREFIX: this.options.prefix,
        RATE_LIMIT_MESSAGES: '1000',
        DEFAULT_LANGUAGE: 'de',
        ...this.options.config,
        ...settings,
      },
      null,
    );
    const logFile = this.options.logFile;
    const logger =
      logFile === undefined
        ? createLogger(process.env['TEST_LOG_LEVEL'] ?? 'silent')
        : createLogger('info', logFile);
    const staff = this.options.staff;
    const appDesk = this.options.appDesk === true;
    const roster = new StaffRoster({
      telegram: staff?.userIds ?? [],
      matrix: staff?.matrixUserIds ?? [],
    });
    const app = createApp(config, this.options.redis, logger, {
      roster,
      ...(this.options.keys === undefined ? {} : { keys: this.options.keys }),
      ...(this.options.botKeys === undefined ? {} : { botKeys: this.options.botKeys }),
      sessionKey: this.#sessionKey,
    });
    if (appDesk) await app.startWorkers();
    const webhook = this.options.webhook;
    const channel = new TelegramChannel({
      token: TOKEN,
      apiRoot: this.server.config.apiURL,
      fileRoot: this.#fileRoot,
      mode:
        webhook === undefined
          ? { kind: 'polling' }
          : {
              kind: 'webhook',
              url: 'https://lotse.example.org/telegram/hook',
              secret: webhook.secret,
              port: 0,
              host: '127.0.0.1',
            },
      redis: this.options.redis,
      prefix: this.options.prefix,
      retentionSeconds: 3600,
      files: app.files,
      i18n: this.i18n,
      logger,
      defaultLanguage: 'de',
      limits: this.options.limits ?? TEST_LIMITS,
      albumWaitMs: this.options.albumWaitMs ?? 300,
      pollTimeoutSeconds: 1,
      transformers: [...(this.options.transformers ?? []), this.#emulatorGaps()],
      onUpdateDone: (id) => {
        this.#updateDone(id);
      },
      ...(staff === undefined
        ? {}
        : {
            staff: {
              chatId: staff.chatId,
              roster,
              ...(appDesk
                ? { desk: app.desk }
                : staff.desk === undefined
                  ? {}
                  : { desk: staff.desk }),
            },
          }),
    });
    if (appDesk && channel.staffNotices) app.notifier.add(channel.staffNotices);
    await app.addChannel(channel);
    this.#app = app;
    this.#channel = channel;
  }

  /** Stops the channel (waiting for in-flight updates) and the app. */
  async stopBot(): Promise<void> {
    await this.#app?.stop();
    this.#app = undefined;
    this.#channel = undefined;
  }

  async stop(): Promise<void> {
    await this.stopBot();
    await this.server.stop();
    await new Promise<void>((resolve) =>
      this.#fileServer.close(() => {
        resolve();
      }),
    );
  }

  user(options: UserOptions): TelegramUser {
    return new TelegramUser(this, options);
  }

  /** Resolves when the channel has handled the update completely. */
  async handled(updateId: number, timeoutMs = 15_000): Promise<void> {
    if (this.#done.has(updateId)) return;
    await Promise.race([
      new Promise<void>((resolve) => this.#waiters.push({ id: updateId, resolve })),
      sleep(timeoutMs).then(() => {
        throw new Error(`update ${updateId} not handled within ${timeoutMs} ms`);
      }),
    ]);
  }

  /**
   * The id of the update the emulator queued last – of one person (`userId`) where others may be
   * sending at the same moment.
   */
  lastUpdateId(userId?: number): number {
    const updates = this.server.storage.userMessages;
    for (let i = updates.length - 1; i >= 0; i--) {
      const update = updates[i] as (typeof updates)[number] & {
        message?: { from?: { id?: number } };
        callbackQuery?: { from?: { id?: number } };
      };
      const from = update.message?.from?.id ?? update.callbackQuery?.from?.id;
      if (userId === undefined || from === userId) return update.updateId;
    }
    throw new Error('no update queued');
  }

  /** How many updates the channel has handled completely. */
  get handledCount(): number {
    return this.#done.size;
  }

  /** Every bot message of a chat as it stands now (edits applied, deleted ones gone). */
  botMessages(chatId: number | string): Promise<BotMessage[]> {
    return botMessagesOf(this.server, chatId);
  }

  /** Calls of one Bot API method. */
  callsOf(method: string): ApiCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  #updateDone(id: number): void {
    this.#done.add(id);
    for (let i = this.#waiters.length - 1; i >= 0; i--) {
      const waiter = this.#waiters[i];
      if (waiter?.id === id) {
        this.#waiters.splice(i, 1);
        waiter.resolve();
      }
    }
  }

  /** What the emulator does not do, done here; every call is recorded. */
  #emulatorGaps(): Transformer {
    return async (prev, method, payload, signal) => {
      const args = payload as unknown as Record<string, unknown>;
      if (method !== 'getUpdates') this.calls.push({ method, payload: args });
      switch (method) {
        case 'setMyCommands':
          return { ok: true, result: true } as never;
        case 'getFile': {
          const id = String(args['file_id']);
          const file = this.files.get(id);
          if (file === undefined)
            return {
              ok: false,
              error_code: 400,
              description: 'Bad Request: invalid file_id',
            } as never;
          const size = file.size ?? file.bytes.byteLength;
          if (size > 20 * 1024 * 1024)
            return {
              ok: false,
              error_code: 400,
              description: 'Bad Request: file is too big',
            } as never;
          return {
            ok: true,
            result: {
              file_id: id,
              file_unique_id: `u-${id}`,
              file_size: size,
              file_path: `documents/${id}`,
            },
          } as never;
        }
        case 'getUpdates': {
          const result = await prev(method, payload, signal);
          // The emulator does not long-poll: wait a little on an empty answer, like Telegram would.
          if (result.ok && Array.isArray(result.result) && result.result.length === 0)
            await sleep(30);
          return result;
        }
        default:
          return prev(method, payload, signal);
      }
    };
  }
}

export interface UserOptions {
  readonly userId: number;
  /** Default: the user id (a private chat). */
  readonly chatId?: number;
  readonly type?: 'private' | 'group' | 'supergroup';
  readonly languageCode?: string;
  readonly firstName?: string;
  readonly userName?: string;
  /** Where to note, in ms, how long each send or tap took from the post until it was handled. */
  readonly latencies?: number[];
}

/** What a person has on screen: the last bot message's text and the options of its buttons. */
export interface Seen {
  readonly text: string;
  readonly options: readonly { readonly id: string; readonly label: string }[];
}

/** A person (or staff member) using Telegram, driven over the emulator's client HTTP API. */
export class TelegramUser {
  readonly h: TelegramHarness;
  readonly o: Required<Pick<UserOptions, 'userId' | 'chatId' | 'type'>> & UserOptions;
  readonly #client;

  constructor(harness: TelegramHarness, options: UserOptions) {
    this.h = harness;
    this.o = {
      ...options,
      chatId: options.chatId ?? options.userId,
      type: options.type ?? 'private',
    };
    this.#client = harness.server.getClient(TOKEN, {
      userId: options.userId,
      chatId: this.o.chatId,
      type: this.o.type,
      firstName: options.firstName ?? `User${options.userId}`,
      userName: options.userName ?? `user${options.userId}`,
    });
  }

  get chatId(): number {
    return this.o.chatId;
  }

  #from(): Record<string, unknown> {
    return {
      id: this.o.userId,
      is_bot: false,
      first_name: this.o.firstName ?? `User${this.o.userId}`,
      username: this.o.userName ?? `user${this.o.userId}`,
      language_code: this.o.languageCode ?? 'de',
    };
  }

  /** Sends a text (a command when it starts with "/") and waits until it has been handled. */
  async send(text: string): Promise<number> {
    const started = performance.now();
    if (text.startsWith('/')) {
      await this.#client.sendCommand(this.#client.makeCommand(text, { from: this.#from() }));
    } else {
      await this.#client.sendMessage(this.#client.makeMessage(text, { from: this.#from() }));
    }
    const id = this.h.lastUpdateId(this.o.userId);
    await this.h.handled(id);
    this.o.latencies?.push(performance.now() - started);
    return id;
  }

  /** Sends a text without waiting for it to be handled (a flood). */
  async post(text: string): Promise<void> {
    await this.#client.sendMessage(this.#client.makeMessage(text, { from: this.#from() }));
  }

  /** Sends a message with other content (photo, document, media_group_id …) and waits. */
  async sendContent(content: Record<string, unknown>, wait = true): Promise<number> {
    const message = this.#client.makeMessage(undefined as unknown as string, {
      from: this.#from(),
      ...content,
    }) as Record<string, unknown>;
    delete message['text'];
    await this.#client.sendMessage(message);
    const id = this.h.lastUpdateId(this.o.userId);
    if (wait) await this.h.handled(id);
    return id;
  }

  /** Sends callback data as if a button of the message had been tapped, and waits. */
  async callback(data: string, message: BotMessage): Promise<number> {
    const started = performance.now();
    const query = this.#client.makeCallbackQuery(data, {
      from: this.#from(),
      message: {
        message_id: message.messageId,
        date: Math.floor(Date.now() / 1000),
        chat: { id: this.o.chatId, type: this.o.type },
        text: message.text,
        reply_markup: message.payload['reply_markup'],
      },
    });
    await this.#client.sendCallback(query);
    const id = this.h.lastUpdateId(this.o.userId);
    await this.h.handled(id);
    this.o.latencies?.push(performance.now() - started);
    return id;
  }

  /** Taps the button of an option (or "done": the multi-choice send button) on the newest message with it. */
  async tap(optionId: string): Promise<number> {
    const messages = await this.messages();
    for (const message of [...messages].reverse()) {
      const button = message.buttons.find((b) => buttonOption(b.data) === optionId);
      if (button !== undefined) return this.callback(button.data, message);
    }
    throw new Error(
      `no button for ${optionId}; last message: ${JSON.stringify(messages.at(-1) ?? null)}`,
    );
  }

  /** Marks options of a several-choice question and sends them. */
  async choose(optionIds: readonly string[]): Promise<void> {
    for (const id of optionIds) await this.tap(id);
    await this.tap('done');
  }

  /** The bot's messages in this chat. */
  messages(): Promise<BotMessage[]> {
    return this.h.botMessages(this.o.chatId);
  }

  /** The last bot message and the options of its buttons. */
  async lastQuestion(): Promise<Seen> {
    const last = (await this.messages()).at(-1);
    if (last === undefined) throw new Error('no bot message');
    return seenOf(last);
  }

  /** Waits until the bot has sent more than `count` messages to this chat. */
  async waitForMessages(count: number, timeoutMs = 10_000): Promise<BotMessage[]> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const messages = await this.messages();
      if (messages.length > count) return messages;
      if (Date.now() > until) throw new Error(`no new bot message after ${count}`);
      await sleep(25);
    }
  }
}

/** Walks from /start to the evidence step with taps and typed answers. */
export async function toEvidence(user: TelegramUser): Promise<void> {
  await user.send('/start');
  await user.tap('report');
  await user.tap('no'); // danger
  await user.tap('agree'); // consent
  await user.send('1'); // role, typed as a number
  await user.choose(['threat', 'hateOnline']); // kinds: toggles, then "done"
  await user.tap('online');
  await user.send('Instagram'); // platform, typed as a label
  await user.send('https://instagram.com/p/abc');
  await user.tap('yesterday'); // a shortcut beside a typed date
  await user.send('Bayern');
  await user.tap('skip');
  await user.send('Drohung unter meinem Beitrag. MARKER-4711');
}

/** The option id a button's callback data names ("done" for the send button of a multi). */
export function buttonOption(data: string): string | undefined {
  const parsed = parseCallbackData(data);
  if (parsed === undefined) return undefined;
  if (parsed.kind === 'done') return 'done';
  if (parsed.kind === 'claim') return `claim:${parsed.caseRef}`;
  return 'id' in parsed.option ? parsed.option.id : undefined;
}

export function seenOf(message: BotMessage): Seen {
  return {
    text: message.text,
    options: message.buttons.flatMap((b) => {
      const id = buttonOption(b.data);
      return id === undefined || id === 'done'
        ? []
        : [{ id, label: b.text.startsWith(MARK) ? b.text.slice(MARK.length) : b.text }];
    }),
  };
}

/**
 * Every bot message of a chat on the emulator as it stands now (edits applied, deleted ones gone),
 * read from the emulator's storage in this process: what its history endpoint serves, without
 * sending every person's updates over HTTP each time (a flood test holds thousands).
 */
export function botMessagesOf(
  server: TelegramServer,
  chatId: number | string,
): Promise<BotMessage[]> {
  const stored = server.storage.botMessages as unknown as {
    messageId: number;
    botToken: string;
    message: Record<string, unknown>;
  }[];
  return Promise.resolve(
    stored
      .filter(
        (h) =>
          h.botToken === TOKEN &&
          'chat_id' in h.message &&
          String(h.message['chat_id']) === String(chatId),
      )
      .map((h) => toBotMessage(h.messageId, h.message))
      .sort((a, b) => a.messageId - b.messageId),
  );
}

function toBotMessage(messageId: number, message: Record<string, unknown>): BotMessage {
  const markup = message['reply_markup'] as
    { inline_keyboard?: { text: string; callback_data?: string }[][] } | undefined;
  return {
    messageId,
    chatId: String(message['chat_id']),
    text: typeof message['text'] === 'string' ? message['text'] : '',
    buttons: (markup?.inline_keyboard ?? [])
      .flat()
      .map((b) => ({ text: b.text, data: b.callback_data ?? '' })),
    payload: message,
  };
}

/** A fake staff desk that records calls and answers as told. */
export class FakeDesk implements StaffDesk {
  readonly calls: { action: string; actor: string; caseRef: string; text?: string }[] = [];
  readonly staff: ReadonlySet<string>;
  claimed = new Set<string>();
  onReply: ((caseRef: string, text: string) => Promise<void>) | undefined;

  constructor(staff: readonly string[]) {
    this.staff = new Set(staff);
  }

  isStaff(actorId: string): boolean {
    return this.staff.has(actorId);
  }

  claim(actor: { id: string }, caseRef: string) {
    this.calls.push({ action: 'claim', actor: actor.id, caseRef });
    if (this.claimed.has(caseRef))
      return Promise.resolve({ ok: false as const, reason: 'already-claimed' as const });
    this.claimed.add(caseRef);
    return Promise.resolve({ ok: true as const, value: undefined });
  }

  handBack(actor: { id: string }, caseRef: string) {
    this.calls.push({ action: 'handback', actor: actor.id, caseRef });
    if (!this.claimed.delete(caseRef))
      return Promise.resolve({ ok: false as const, reason: 'not-claimed' as const });
    return Promise.resolve({ ok: true as const, value: undefined });
  }

  note(actor: { id: string }, caseRef: string, text: string) {
    this.calls.push({ action: 'note', actor: actor.id, caseRef, text });
    return Promise.resolve({ ok: true as const, value: undefined });
  }

  async reply(actor: { id: string }, caseRef: string, text: string) {
    this.calls.push({ action: 'reply', actor: actor.id, caseRef, text });
    if (!this.claimed.has(caseRef)) return { ok: false as const, reason: 'not-claimed' as const };
    await this.onReply?.(caseRef, text);
    return { ok: true as const, value: undefined };
  }

  close(actor: { id: string }, caseRef: string, outcome: string) {
    this.calls.push({ action: 'close', actor: actor.id, caseRef, text: outcome });
    return Promise.resolve({ ok: true as const, value: undefined });
  }

  show() {
    return Promise.resolve({ ok: false as const, reason: 'no-key' as const });
  }

  erase(actor: { id: string }, caseRef: string) {
    this.calls.push({ action: 'erase', actor: actor.id, caseRef });
    return Promise.resolve({ ok: true as const, value: 'confirm' as const });
  }

  eraseNow(actor: { id: string }, caseRef: string) {
    this.calls.push({ action: 'erase', actor: actor.id, caseRef });
    return Promise.resolve({ ok: true as const, value: undefined });
  }
}

/** A text message update from a private chat, as Telegram posts it to a webhook (commands marked). */
export function textUpdate(updateId: number, userId: number, text: string): object {
  return {
    update_id: updateId,
    message: {
      message_id: updateId,
      date: Math.floor(Date.now() / 1000),
      chat: { id: userId, type: 'private', first_name: 'Wera' },
      from: { id: userId, is_bot: false, first_name: 'Wera', language_code: 'de' },
      text,
      ...(text.startsWith('/')
        ? { entities: [{ type: 'bot_command', offset: 0, length: text.split(' ')[0]!.length }] }
        : {}),
    },
  };
}
