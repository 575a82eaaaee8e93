import { autoRetry } from '@grammyjs/auto-retry';
import { run, sequentialize, type RunnerHandle } from '@grammyjs/runner';
import { Bot, GrammyError, type Context, type NextFunction, type Transformer } from 'grammy';
import type { Redis } from 'ioredis';
import { pickLanguage } from '../../bot/conversation.ts';
import { DeliveryRefused } from '../../bot/delivery.ts';
import type { FileIntake } from '../../bot/files.ts';
import type { Translator } from '../../bot/i18n.ts';
import type { Logger } from '../../bot/logger.ts';
import { StartupError } from '../../infra/redis/connect.ts';
import type { InboundEvent, Language, OutboundMessage } from '../../bot/types.ts';
import type { StaffRoster } from '../../staff/roster.ts';
import type { StaffDesk } from '../../staff/ports.ts';
import type { ChannelAdapter, EventSink } from '../channel.ts';
import { registerCommands } from './bot-commands.ts';
import { farewellChat } from './chat-wipe.ts';
import { MessageLog } from './message-log.ts';
import { networkRetry } from './network-retry.ts';
import { QuestionState } from './question-state.ts';
import { ReporterChat } from './reporter-chat.ts';
import { SeenUpdates } from './seen-updates.ts';
import { TelegramSender } from './sender.ts';
import { registerStaffCommands, StaffGroup } from './staff-group.ts';
import { TelegramStaffNotices } from './staff-notices.ts';
import { RateLimiter, TELEGRAM_LIMITS, throttle, type RateLimits } from './throttle.ts';
import { WebhookServer } from './webhook-server.ts';

export type { Transformer };

/** How updates arrive: long polling (one process), or a webhook (several replicas behind a proxy). */
export type TelegramMode =
  | { readonly kind: 'polling' }
  | {
      readonly kind: 'webhook';
      /** The public HTTPS URL Telegram posts to; its path is served. */
      readonly url: string;
      readonly secret: string;
      readonly port: number;
      readonly host?: string;
    };

export interface TelegramStaffOptions {
  /** The staff group's chat id. */
  readonly chatId: string;
  /** Who is staff (TELEGRAM_STAFF_USER_IDS, with the other surfaces' lists). */
  readonly roster: StaffRoster;
  /** The case desk staff commands go to; without it the group only receives notices. */
  readonly desk?: StaffDesk;
}

export interface TelegramChannelOptions {
  readonly token: string;
  /** Another Bot API server (self-hosted, or an emulator in tests). */
  readonly apiRoot?: string;
  /** Where files are downloaded from (default: apiRoot). */
  readonly fileRoot?: string;
  readonly mode: TelegramMode;
  readonly redis: Redis;
  /** REDIS_KEY_PREFIX. */
  readonly prefix: string;
  /** How long the adapter's per-chat state lives: as long as sessions. */
  readonly retentionSeconds: number;
  readonly files: FileIntake;
  readonly i18n: Translator;
  readonly logger: Logger;
  readonly defaultLanguage: Language;
  readonly staff?: TelegramStaffOptions;
  readonly limits?: RateLimits;
  /** How long to wait for more files of an album (default 800 ms). */
  readonly albumWaitMs?: number;
  /** Long-polling timeout in seconds (default 30). */
  readonly pollTimeoutSeconds?: number;
  /** How long start-up may wait for Telegram to answer (default 30 s). */
  readonly startTimeoutMs?: number;
  /** API transformers next to the network, below retries and limits (tests: emulator gaps). */
  readonly transformers?: readonly Transformer[];
  /** Called after each update has been handled completely (tests, metrics). */
  readonly onUpdateDone?: (updateId: number) => void;
  /** Updates of one chat that may wait to be handled here; more are dropped (default 100). */
  readonly maxChatBacklog?: number;
}

/** The updates Lotse asks Telegram for; edits, reactions, channel posts … never arrive. */
const ALLOWED_UPDATES = ['message', 'callback_query'] as const;

/**
 * The Telegram channel (grammY). Long polling with the runner by default – updates of one chat in
 * order, different chats at once – or a webhook. Private chats are the people's conversations;
 * in the configured staff group staff receive case notices and work on cases; every other group
 * is ignored. Outbound calls are throttled to Telegram's limits and retried by error type.
 */
export class TelegramChannel implements ChannelAdapter {
  readonly platform = 'telegram' as const;
  /** Case notices for the staff group; undefined without a staff group. */
  readonly staffNotices: TelegramStaffNotices | undefined;
  readonly #o: TelegramChannelOptions;
  readonly #bot: Bot;
  readonly #log: Logger;
  readonly #sender: TelegramSender;
  readonly #wipe: Parameters<typeof farewellChat>[0];
  readonly #reporter: ReporterChat;
  readonly #staff: StaffGroup | undefined;
  readonly #inflight = new Set<Promise<void>>();
  /** Updates per chat taken and not yet handled (each chat's are handled one after another). */
  readonly #backlog = new Map<string, number>();
  /** Chats whose backlog overflowed; told in the log once until it is worked off. */
  readonly #overflowing = new Set<string>();
  readonly #messages: MessageLog;
  #sink: EventSink | undefined;
  #runner: RunnerHandle | undefined;
  #webhook: WebhookServer | undefined;

  constructor(options: TelegramChannelOptions) {
    this.#o = options;
    this.#log = options.logger.child({ module: 'telegram' });
    const apiRoot = options.apiRoot ?? 'https://api.telegram.org';
    this.#bot = new Bot(options.token, { client: { apiRoot } });
    const api = this.#bot.api;
    // Innermost first: the last transformer installed is the first to see a call.
    api.config.use(...(options.transformers ?? []), this.#logFetchErrors());
    api.config.use(networkRetry());
    api.config.use(
      autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 60, rethrowHttpErrors: true }),
    );
    api.config.use(throttle(new RateLimiter(), options.limits ?? TELEGRAM_LIMITS));

    const { redis, prefix, retentionSeconds: ttl } = options;
    const questions = new QuestionState(redis, prefix, ttl);
    const messages = new MessageLog(redis, prefix, ttl);
    this.#messages = messages;
    const seen = new SeenUpdates(redis, prefix);
    const common = { api, i18n: options.i18n, defaultLanguage: options.defaultLanguage };
    this.#sender = new TelegramSender({
      ...common,
      redis,
      prefix,
      questions,
      messages,
      logger: this.#log,
    });
    this.#wipe = {
      api,
      redis,
      prefix,
      messages,
      questions,
      sender: this.#sender,
      i18n: options.i18n,
      logger: this.#log,
    };
    this.#reporter = new ReporterChat({
      ...common,
      sink: () => this.#requireSink(),
      sender: this.#sender,
      questions,
      messages,
      seen,
      files: options.files,
      download: { api, fileRoot: options.fileRoot ?? apiRoot, token: options.token },
      logger: this.#log,
      albumWaitMs: options.albumWaitMs ?? 800,
    });
    const staff = options.staff;
    this.#staff =
      staff === undefined
        ? undefined
        : new StaffGroup({
            api,
            chatId: staff.chatId,
            roster: staff.roster,
            ...(staff.desk === undefined ? {} : { desk: staff.desk }),
            seen,
            i18n: options.i18n,
            lang: options.defaultLanguage,
            logger: this.#log.child({ part: 'staff' }),
          });
    this.staffNotices =
      staff === undefined
        ? undefined
        : new TelegramStaffNotices(api, staff.chatId, options.i18n, options.defaultLanguage);

    this.#bot.use((ctx, next) => this.#track(ctx, next));
    this.#bot.use((ctx, next) => this.#bounded(ctx, next));
    this.#bot.use(sequentialize((ctx: Context) => ctx.chat?.id.toString()));
    this.#bot.use((ctx) => this.#dispatch(ctx));
    this.#bot.catch((error) => {
      this.#log.error({ err: error.error }, 'handling a Telegram update failed');
    });
  }

  async start(sink: EventSink): Promise<void> {
    this.#sink = sink;
    await this.#init();
    const api = this.#bot.api;
    const { i18n, defaultLanguage } = this.#o;
    await registerCommands(api, i18n, defaultLanguage, this.#log);
    if (this.#o.staff)
      await registerStaffCommands(api, this.#o.staff.chatId, i18n, defaultLanguage, this.#log);
    const mode = this.#o.mode;
    if (mode.kind === 'webhook') {
      const webhook = new WebhookServer({
        port: mode.port,
        ...(mode.host === undefined ? {} : { host: mode.host }),
        path: new URL(mode.url).pathname,
        secret: mode.secret,
        handle: (update) => this.#bot.handleUpdate(update),
        logger: this.#log,
      });
      await webhook.listen();
      this.#webhook = webhook;
      await api.setWebhook(mode.url, {
        secret_token: mode.secret,
        allowed_updates: ALLOWED_UPDATES,
        drop_pending_updates: false,
      });
    } else {
      // A webhook left from another deployment would make getUpdates fail with 409.
      await api.deleteWebhook({ drop_pending_updates: false });
      this.#runner = run(this.#bot, {
        runner: {
          fetch: {
            allowed_updates: ALLOWED_UPDATES,
            timeout: this.#o.pollTimeoutSeconds ?? 30,
          },
          silent: true,
        },
      });
      this.#runner.task()?.catch((error: unknown) => {
        this.#log.error({ err: error }, 'long polling stopped; Telegram updates no longer arrive');
      });
    }
    this.#log.info(
      { mode: mode.kind, bot: this.#bot.botInfo.username, staffGroup: this.#o.staff !== undefined },
      'telegram channel started',
    );
  }

  /**
   * Stops taking updates, then waits until every update taken has been handled and every album
   * handed on. Updates fetched but not yet confirmed to Telegram come again after a restart and
   * are dropped as duplicates.
   */
  async stop(): Promise<void> {
    if (this.#runner?.isRunning()) await this.#runner.stop();
    await this.#webhook?.close();
    while (this.#inflight.size > 0) await Promise.allSettled([...this.#inflight]);
    await this.#reporter.flushAll();
    this.#log.info('telegram channel stopped');
  }

  async deliver(event: InboundEvent, messages: readonly OutboundMessage[]): Promise<void> {
    try {
      await this.#sender.deliver(event, messages);
    } catch (error) {
      throw refusalOf(error);
    }
  }

  async farewell(event: InboundEvent, messages: readonly OutboundMessage[]): Promise<void> {
    const lang =
      messages.find((m) => m.lang !== undefined)?.lang ??
      pickLanguage(event.languageHint, this.#o.defaultLanguage);
    try {
      await farewellChat(
        this.#wipe,
        event.chatId,
        lang,
        messages.map((m) => m.text),
      );
    } catch (error) {
      throw refusalOf(error);
    }
  }

  /** Long polling runs, or the webhook server listens (the readiness check). */
  connected(): boolean {
    return this.#runner !== undefined ? this.#runner.isRunning() : this.#webhook !== undefined;
  }

  /** The port the webhook server listens on (for tests with port 0). */
  get webhookPort(): number | undefined {
    return this.#webhook?.port;
  }

  async #init(): Promise<void> {
    try {
      // grammY types its signal after a polyfill; Node's own AbortSignal is what it uses at run time.
      const signal = AbortSignal.timeout(this.#o.startTimeoutMs ?? 30_000);
      await this.#bot.init(signal as unknown as Parameters<Bot['init']>[0]);
    } catch (error) {
      if (error instanceof GrammyError && (error.error_code === 401 || error.error_code === 404))
        throw new StartupError(
          'Telegram does not accept TELEGRAM_BOT_TOKEN: copy the bot token again from @BotFather.',
          { cause: error },
        );
      throw new StartupError(
        `the Telegram Bot API at ${this.#o.apiRoot ?? 'https://api.telegram.org'} did not answer; check the network or TELEGRAM_API_ROOT.`,
        { cause: error },
      );
    }
  }

  async #track(ctx: Context, next: NextFunction): Promise<void> {
    const work = next();
    this.#inflight.add(work);
    try {
      await work;
    } finally {
      this.#inflight.delete(work);
      this.#o.onUpdateDone?.(ctx.update.update_id);
    }
  }

  /**
   * Bounds each chat's backlog. A chat's updates are handled one after another, and each waiting
   * one holds a place among the runner's concurrent updates (or an open webhook request): a person
   * sending thousands of messages at once would take all of them, and everyone else's messages
   * would wait behind the flood. Beyond `maxChatBacklog` waiting updates, a chat's updates are
   * dropped – that person is over the rate limit long before and has been told to slow down – and
   * only their message ids are kept, for the chat wipe. The staff group is never bounded.
   */
  async #bounded(ctx: Context, next: NextFunction): Promise<void> {
    const chat = ctx.chat?.id.toString();
    if (chat === undefined || chat === this.#o.staff?.chatId) return next();
    const waiting = this.#backlog.get(chat) ?? 0;
    if (waiting >= (this.#o.maxChatBacklog ?? 100)) {
      if (!this.#overflowing.has(chat)) {
        this.#overflowing.add(chat);
        this.#log.warn(
          { backlog: waiting },
          'a chat sends faster than it is handled; its updates are dropped until it catches up',
        );
      }
      const message = ctx.update.message;
      if (message !== undefined && ctx.chat?.type === 'private')
        await this.#messages.add(chat, [{ messageId: message.message_id, at: message.date }]);
      return;
    }
    this.#backlog.set(chat, waiting + 1);
    try {
      await next();
    } finally {
      const left = (this.#backlog.get(chat) ?? 1) - 1;
      if (left > 0) this.#backlog.set(chat, left);
      else {
        this.#backlog.delete(chat);
        this.#overflowing.delete(chat);
      }
    }
  }

  async #dispatch(ctx: Context): Promise<void> {
    const { update } = ctx;
    const chat = ctx.chat;
    const isStaffChat = chat !== undefined && String(chat.id) === this.#o.staff?.chatId;
    if (update.message !== undefined && chat !== undefined) {
      if (chat.type === 'private') await this.#reporter.onMessage(update.message, update.update_id);
      else if (isStaffChat) await this.#staff?.onMessage(update.message, update.update_id);
      // Any other group or channel: Lotse stays silent there.
      return;
    }
    const query = update.callback_query;
    if (query === undefined) return;
    if (chat?.type === 'private') await this.#reporter.onCallback(query, update.update_id);
    else if (isStaffChat) await this.#staff?.onCallback(query, update.update_id);
    else
      await ctx.answerCallbackQuery().catch((error: unknown) => {
        this.#log.debug({ err: error }, 'could not answer a callback query');
      });
  }

  #requireSink(): EventSink {
    if (this.#sink === undefined) throw new Error('telegram channel used before start');
    return this.#sink;
  }

  /** Logs failed fetches of updates: the runner retries them silently. */
  #logFetchErrors(): Transformer {
    return async (prev, method, payload, signal) => {
      try {
        return await prev(method, payload, signal);
      } catch (error) {
        if (method === 'getUpdates' && signal?.aborted !== true)
          this.#log.warn({ err: error }, 'fetching Telegram updates failed; retrying');
        throw error;
      }
    };
  }
}

/**
 * Telegram's final answers to a message (403: the person blocked the bot or deleted their account;
 * 400: the chat is gone or the request can never succeed) as a refusal the engine does not try
 * again; network errors, 429 (after auto-retry) and 5xx stay as they are: they may pass.
 */
export function refusalOf(error: unknown): unknown {
  if (error instanceof GrammyError && (error.error_code === 403 || error.error_code === 400))
    return new DeliveryRefused(error.description, {
      cause: error,
      status: error.error_code,
    });
  return error;
}
