/**
 * The bot side of the Matrix integration tests: a MatrixChannel on a real engine with the real
 * flows and the Redis conversation store, in this process. Stopping and starting it again with the
 * same data folder is a restart of the bot (same device, crypto store from disk).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { OutboundRouter } from '../../../../src/adapters/channel.ts';
import {
  MatrixChannel,
  type MatrixChannelOptions,
} from '../../../../src/adapters/matrix/matrix-channel.ts';
import { Engine, type EngineDeps } from '../../../../src/bot/engine.ts';
import type { FileSender } from '../../../../src/bot/file-gate.ts';
import { FileIntake, newFileId, type FileVault } from '../../../../src/bot/files.ts';
import { Translator } from '../../../../src/bot/i18n.ts';
import { RedisConversationStore } from '../../../../src/infra/redis/conversation-store.ts';
import { StateSeal } from '../../../../src/bot/state-seal.ts';
import type { InboundEvent } from '../../../../src/bot/types.ts';
import { createFlowRegistry } from '../../../../src/flows/index.ts';
import type { Effect } from '../../../../src/flows/types.ts';
import type { StaffDesk } from '../../../../src/staff/ports.ts';
import { StaffRoster } from '../../../../src/staff/roster.ts';
import { SYNAPSE_URL, type Account } from './synapse.ts';

/** Files kept in memory, for assertions. */
export class MemoryVault implements FileVault {
  readonly files = new Map<string, { owner: string; bytes: Uint8Array }>();
  put(owner: string, bytes: Uint8Array): Promise<string> {
    const id = newFileId();
    this.files.set(id, { owner, bytes });
    return Promise.resolve(id);
  }
}

export interface TestBotOptions {
  readonly account: Account;
  readonly redis: Redis;
  readonly prefix: string;
  readonly staffRoom?: string;
  readonly staffUserIds?: readonly string[];
  readonly desk?: StaffDesk;
  readonly fetch?: typeof globalThis.fetch;
  /** LOG_LEVEL of the bot (default: LOTSE_TEST_LOG_LEVEL or silent). */
  readonly logLevel?: string;
  /** Where the bot's log lines go (default: stdout). */
  readonly logTo?: { write(line: string): void };
  /** RATE_LIMIT_MESSAGES per minute (default 1000: no limit a test meets by chance). */
  readonly rateLimit?: number;
  readonly undecryptableWaitMs?: number;
  /** The engine's file limits (budget, gate); unset, files are limited only by the step. */
  readonly files?: EngineDeps['files'];
}

export class TestBot {
  readonly #o: TestBotOptions;
  readonly vault = new MemoryVault();
  /** The session key, the same across restarts of the bot. */
  readonly #seal = StateSeal.fromKeyring(StateSeal.generateKey());
  /** Every effect the engine ran (submitted reports …). */
  readonly effects: Effect[] = [];
  /** Every event the channel handed to the engine, over all starts. */
  readonly handled: InboundEvent[] = [];
  /** Every message the channel asked to answer by itself (`admitMessage`), and the engine's answer. */
  readonly admissions: { readonly sender: FileSender; readonly admitted: boolean }[] = [];
  readonly i18n = Translator.create();
  dataDir = '';
  channel: MatrixChannel | undefined;

  constructor(options: TestBotOptions) {
    this.#o = options;
  }

  static async create(options: TestBotOptions): Promise<TestBot> {
    const bot = new TestBot(options);
    bot.dataDir = await mkdtemp(join(tmpdir(), 'lotse-matrix-'));
    return bot;
  }

  get userId(): string {
    return this.#o.account.userId;
  }

  /** Starts the channel on the data folder (again, after a stop) and waits until it is connected. */
  async start(extra: Partial<MatrixChannelOptions> = {}): Promise<MatrixChannel> {
    const level = this.#o.logLevel ?? process.env['LOTSE_TEST_LOG_LEVEL'] ?? 'silent';
    const logger = this.#o.logTo === undefined ? pino({ level }) : pino({ level }, this.#o.logTo);
    const store = new RedisConversationStore(this.#o.redis, {
      prefix: this.#o.prefix,
      sessionTtlSeconds: 3600,
      rateLimit: this.#o.rateLimit ?? 1000,
      rateWindowMs: 60_000,
      seal: this.#seal,
    });
    const router = new OutboundRouter();
    const engine = new Engine({
      store,
      flows: createFlowRegistry(),
      i18n: this.i18n,
      outbound: router,
      logger,
      defaultLanguage: 'de',
      ...(this.#o.files === undefined ? {} : { files: this.#o.files }),
      effects: {
        run: (_event, effect) => {
          this.effects.push(effect);
          return Promise.resolve(undefined);
        },
      },
    });
    const channel = new MatrixChannel({
      homeserverUrl: SYNAPSE_URL,
      userId: this.#o.account.userId,
      password: this.#o.account.password,
      deviceName: 'Lotse (test)',
      dataDir: this.dataDir,
      roster: new StaffRoster({ matrix: this.#o.staffUserIds ?? [] }),
      files: new FileIntake(this.vault),
      i18n: this.i18n,
      language: 'de',
      logger,
      retryMs: { first: 200, max: 2_000 },
      undecryptableWaitMs: this.#o.undecryptableWaitMs ?? 10_000,
      ...(this.#o.staffRoom === undefined ? {} : { staffRoom: this.#o.staffRoom }),
      ...(this.#o.desk === undefined ? {} : { desk: this.#o.desk }),
      ...(this.#o.fetch === undefined ? {} : { fetch: this.#o.fetch }),
      ...extra,
    });
    router.add(channel);
    this.channel = channel;
    await channel.start({
      handle: (event) => {
        this.handled.push(event);
        return engine.handle(event);
      },
      admitFile: (sender, offer) => engine.admitFile(sender, offer),
      admitMessage: async (sender) => {
        const admitted = await engine.admitMessage(sender);
        this.admissions.push({ sender, admitted });
        return admitted;
      },
    });
    return channel;
  }

  /** The bot's stored session (access token and device), as the channel keeps it. */
  async session(): Promise<{ deviceId: string; accessToken: string }> {
    return JSON.parse(await readFile(join(this.dataDir, 'matrix', 'session.json'), 'utf8')) as {
      deviceId: string;
      accessToken: string;
    };
  }

  async stop(): Promise<void> {
    await this.channel?.stop();
    this.channel = undefined;
  }

  /** Stops and removes the data folder. */
  async dispose(): Promise<void> {
    await this.stop();
    if (this.dataDir !== '') await rm(this.dataDir, { recursive: true, force: true });
  }
}
