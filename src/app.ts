import type { Redis } from 'ioredis';
import { OutboundRouter, type ChannelAdapter } from './adapters/channel.ts';
import { Engine, type EffectRunner } from './bot/engine.ts';
import { FileIntake } from './bot/files.ts';
import { Translator } from './bot/i18n.ts';
import type { Logger } from './bot/logger.ts';
import { RedisFileVault } from './bot/redis-file-vault.ts';
import { RedisConversationStore } from './bot/redis-store.ts';
import { conversationKey } from './bot/types.ts';
import { REPORT_JOB_VERSION, ReportsQueue } from './queue/reports-queue.ts';
import type { Config } from './config/schema.ts';
import { createFlowRegistry } from './flows/index.ts';

/** The running parts of one Lotse process, wired together. */
export interface App {
  readonly engine: Engine;
  readonly router: OutboundRouter;
  readonly files: FileIntake;
  readonly store: RedisConversationStore;
  readonly reports: ReportsQueue;
  /** Adds a channel and starts it. */
  addChannel(adapter: ChannelAdapter): Promise<void>;
  /** Stops channels and timers; in-flight events finish first. */
  stop(): Promise<void>;
}

const DAY = 86_400;

/** Wires engine, store, flows, i18n and channels. No module-level state: tests build their own. */
export function createApp(
  config: Config,
  redis: Redis,
  logger: Logger,
  options: { clock?: () => Date } = {},
): App {
  const ttl = config.DRAFT_TTL_DAYS * DAY;
  const store = new RedisConversationStore(redis, {
    prefix: config.REDIS_KEY_PREFIX,
    sessionTtlSeconds: ttl,
    rateLimit: config.RATE_LIMIT_MESSAGES,
    rateWindowMs: config.RATE_LIMIT_WINDOW_SECONDS * 1000,
  });
  const vault = new RedisFileVault(redis, config.REDIS_KEY_PREFIX, ttl);
  const reports = new ReportsQueue(redis, config.REDIS_KEY_PREFIX);
  const effects: EffectRunner = {
    run: async (event, effect) => {
      switch (effect.kind) {
        case 'erase-my-data': {
          const files = await vault.eraseAll(conversationKey(event));
          logger.info({ module: 'erase', files }, 'erased a conversation on request');
          return;
        }
        case 'submit-report': {
          const { platform, userId, chatId } = event;
          const fresh = await reports.submit({
            v: REPORT_JOB_VERSION,
            caseRef: effect.caseRef,
            urgent: effect.urgent,
            queuedAt: (options.clock?.() ?? new Date()).toISOString(),
            address: { platform, userId, chatId },
            report: effect.report,
          });
          logger.info({ module: 'reports', urgent: effect.urgent, fresh }, 'report queued');
          return;
        }
        case 'set-language':
          return;
      }
    },
  };
  const router = new OutboundRouter();
  const engine = new Engine({
    store,
    flows: createFlowRegistry(),
    i18n: Translator.create(),
    outbound: router,
    logger,
    defaultLanguage: config.DEFAULT_LANGUAGE,
    effects,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const channels: ChannelAdapter[] = [];
  const sweeper = setInterval(() => {
    engine.sweep().catch((error: unknown) => {
      logger.warn({ err: error }, 'sweep failed');
    });
  }, 30_000);
  sweeper.unref();

  return {
    engine,
    router,
    store,
    reports,
    files: new FileIntake(vault, options.clock),
    async addChannel(adapter) {
      router.add(adapter);
      channels.push(adapter);
      await adapter.start(engine);
    },
    async stop() {
      clearInterval(sweeper);
      await Promise.all(channels.map((c) => c.stop()));
      await reports.close();
    },
  };
}
