import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { OutboundRouter, type ChannelAdapter } from './adapters/channel.ts';
import { closableOnStop } from './infra/redis/closable.ts';
import { eraseConversationTraces } from './infra/redis/conversation-traces.ts';
import { Engine } from './bot/engine.ts';
import { RedisFileGate } from './infra/redis/file-gate.ts';
import { FileIntake } from './bot/files.ts';
import { Translator } from './bot/i18n.ts';
import { keyedPseudonym, type Logger, type Pseudonymizer } from './bot/logger.ts';
import { noTelemetry, type Telemetry } from './bot/telemetry.ts';
import { fileContext, RedisFileVault } from './infra/redis/file-vault.ts';
import { effectMarks } from './infra/redis/effect-marks.ts';
import { waitForReplicas } from './infra/redis/replicas.ts';
import { RedisConversationStore } from './infra/redis/conversation-store.ts';
import { StateSeal } from './bot/state-seal.ts';
import type { Platform } from './bot/types.ts';
import { evidenceLimits, textValues, type Config } from './config/schema.ts';
import { createFlowRegistry } from './flows/index.ts';
import { effectRunner } from './effects/index.ts';
import { undeliverable } from './effects/undeliverable.ts';
import { deliveryReason, recordDelivery } from './staff/delivery.ts';
import { CaseStore } from './staff/case-store.ts';
import { FeedStaffChannel } from './staff/feed-channel.ts';
import { gaveUp, OutboundQueue, startOutboundWorker } from './queue/outbound.ts';
import { Reminders, startReminderWorker } from './queue/reminders.ts';
import { startReportWorker } from './queue/report-worker.ts';
import { ReportsQueue } from './queue/reports-queue.ts';
import { generateStaffKeyPair, open, seal } from './staff/seal.ts';
import type { FileRef } from './flows/types.ts';
import { CaseDesk } from './staff/desk.ts';
import { PLAIN_REPLY_WARNING, type BotKeys } from './staff/bot-keys.ts';
import type { StaffKeys } from './staff/keys.ts';
import { StaffNotifier } from './staff/notifier.ts';
import { StaffRoster } from './staff/roster.ts';

/**
 * What a process does: talk to people, work for staff, or both (the default for a small office);
 * `web` serves the staff inbox in the browser alone (src/web/).
 */
export type Role = 'all' | 'bot' | 'worker' | 'web';

export interface AppOptions {
  readonly role?: Role;
  /** The staff keys (src/staff/keys.ts); tests may leave them out to get a fresh pair. */
  readonly keys?: StaffKeys;
  /**
   * The bot keys (src/staff/bot-keys.ts): replies are sealed to the public key and opened with the
   * private one. Left out, replies are queued plain (as in development without a bot key).
   */
  readonly botKeys?: BotKeys;
  /**
   * The session keyring `current,older,…` (src/bot/session-key.ts) sealing sessions and inbox
   * events; tests and processes that talk to nobody (worker, staff CLI) may leave it out: a random
   * key of this process then.
   */
  readonly sessionKey?: string;
  /** Who is staff; by default the staff lists of the configuration (StaffRoster.fromConfig). */
  readonly roster?: StaffRoster;
  readonly clock?: () => Date;
  /** Counts for the metrics (src/ops/metrics.ts); default: nothing. */
  readonly telemetry?: Telemetry;
}

/** What the readiness check looks at: is each channel connected, is each queue worker consuming. */
export interface AppStatus {
  readonly channels: Readonly<Record<string, boolean>>;
  readonly workers: Readonly<Record<string, boolean>>;
}

/** The running parts of one Lotse process, wired together. */
export interface App {
  readonly engine: Engine;
  readonly router: OutboundRouter;
  readonly files: FileIntake;
  readonly store: RedisConversationStore;
  readonly reports: ReportsQueue;
  readonly cases: CaseStore;
  readonly desk: CaseDesk;
  /** Who is staff, on every surface: the list the desk and the staff surfaces ask. */
  readonly roster: StaffRoster;
  readonly notifier: StaffNotifier;
  readonly outbound: OutboundQueue;
  readonly reminders: Reminders;
  readonly i18n: Translator;
  /** Names conversations in logs, keyed with a secret derived from the session key. */
  readonly pseudonym: Pseudonymizer;
  /** Adds a channel and starts it. */
  addChannel(adapter: ChannelAdapter): Promise<void>;
  /** Starts the queue workers of the role. */
  startWorkers(): Promise<void>;
  /** Stops channels, workers and timers; in-flight work finishes first. */
  stop(): Promise<void>;
  /** The channels' and workers' state now. */
  status(): AppStatus;
}

const DAY = 86_400;

/** Wires engine, stores, flows, i18n, queues and channels. No module-level state: tests build their own. */
export function createApp(
  config: Config,
  redis: Redis,
  logger: Logger,
  options: AppOptions = {},
): App {
  const role = options.role ?? 'all';
  const prefix = config.REDIS_KEY_PREFIX;
  const clock = options.clock ?? (() => new Date());
  const { publicKey, privateKey } = options.keys ?? generateStaffKeyPair();
  const botKeys = options.botKeys ?? {};
  const ttl = config.DRAFT_TTL_DAYS * DAY;
  const replicaAcks = config.REDIS_REPLICA_ACKS ?? (config.REDIS_SENTINELS.length > 0 ? 1 : 0);
  const i18n = Translator.create({ values: textValues(config) });
  if (config.PRIVACY_CONTROLLER === undefined || config.PRIVACY_NOTICE_URL === undefined)
    logger.warn(
      'PRIVACY_CONTROLLER or PRIVACY_NOTICE_URL is not set: the consent tells people to ask the contact point instead',
    );
  const sealer = StateSeal.fromKeyring(options.sessionKey ?? StateSeal.generateKey());
  const pseudonym = keyedPseudonym(sealer.pseudonymSecret);
  const store = new RedisConversationStore(redis, {
    prefix,
    seal: sealer,
    logger,
    sessionTtlSeconds: ttl,
    rateLimit: config.RATE_LIMIT_MESSAGES,
    rateWindowMs: config.RATE_LIMIT_WINDOW_SECONDS * 1000,
  });
  const vault = new RedisFileVault(redis, prefix, ttl, (bytes, context) =>
    seal(bytes, publicKey, context),
  );
  const reports = new ReportsQueue(redis, prefix);
  const outbound = new OutboundQueue(redis, prefix);
  const cases = new CaseStore(redis, prefix);
  const notifier = new StaffNotifier(logger);
  notifier.add(new FeedStaffChannel(redis, prefix));
  const reminders = new Reminders(
    redis,
    prefix,
    {
      unclaimedMs: config.UNCLAIMED_REMINDER_MINUTES * 60_000,
      waitingMs: config.WAITING_REMINDER_HOURS * 3_600_000,
    },
    clock,
  );
  const roster = options.roster ?? StaffRoster.fromConfig(config);
  let plainWarned = false;
  const desk = new CaseDesk({
    cases,
    reports,
    outbound,
    notifier,
    reminders,
    publicKey,
    ...(botKeys.publicKey === undefined
      ? {
          queuedPlain: () => {
            if (plainWarned) return;
            plainWarned = true;
            logger.warn(PLAIN_REPLY_WARNING);
          },
        }
      : { botPublicKey: botKeys.publicKey }),
    ...(privateKey === undefined
      ? {}
      : {
          privateKey,
          readFile: async (caseRef: string, file: FileRef) => {
            const sealed = await cases.getFile(caseRef, file.ref);
            return sealed === null
              ? null
              : open(sealed.toString(), privateKey, fileContext(file.ref));
          },
        }),
    roster,
    retentionSeconds: config.CASE_RETENTION_DAYS * DAY,
    clock,
  });

  const convId = (key: string): string => cases.convId(key);
  const effects = effectRunner({
    eraseMyData: {
      files: vault,
      traces: (key) => eraseConversationTraces(redis, prefix, key),
      desk,
      convId,
      logger,
    },
    submitReport: {
      cases,
      convId,
      reports,
      files: vault,
      publicKey,
      // The reports queue writes through this same connection.
      replicated: () => waitForReplicas(redis, replicaAcks),
      clock,
      logger,
    },
    caseMessage: { firstTime: effectMarks(redis, prefix), desk },
    caseDetails: { firstTime: effectMarks(redis, prefix), desk, i18n },
    caseStatus: { cases, reports },
  });
  const telemetry = options.telemetry ?? noTelemetry;
  const router = new OutboundRouter(telemetry);
  const engine = new Engine({
    store,
    flows: createFlowRegistry({ evidence: evidenceLimits(config) }),
    i18n,
    outbound: router,
    logger,
    defaultLanguage: config.DEFAULT_LANGUAGE,
    effects,
    clock,
    pseudonym,
    files: {
      budgetBytes: config.REPORT_FILE_BUDGET_MB * 1024 * 1024,
      gate: new RedisFileGate(redis, prefix, config.FILE_MEMORY_LIMIT_PERCENT),
    },
    telemetry,
  });
  const channels: ChannelAdapter[] = [];
  /** Whether each channel's start has resolved (true), is under way (false) or failed (false). */
  const started = new Map<ChannelAdapter, boolean>();
  const workers: Worker[] = [];
  const connections: Redis[] = [];
  let sweeper: NodeJS.Timeout | undefined;
  let sweeping = false;
  let stopping = false;
  // Workers block on Redis: each gets a connection of its own that retries forever – and that
  // closes when the app stops, also while it waits to reconnect after a Redis restart.
  const connection = () => {
    const duplicate = closableOnStop(
      redis.duplicate({ maxRetriesPerRequest: null }),
      () => stopping,
    );
    // BullMQ listens while a worker runs; after its close, a connection still waiting for Redis
    // would otherwise report every failed attempt as an unhandled error on stderr.
    duplicate.on('error', (error: Error) => {
      logger.debug(
        { err: { name: error.name, message: error.message } },
        'worker connection error',
      );
    });
    connections.push(duplicate);
    return duplicate;
  };
  // Once the workers run, each channel of the process gets a delivery worker for its platform.
  let delivering = false;
  const delivered = new Set<Platform>();
  const deliverFor = (platform: Platform) => {
    if (!delivering || delivered.has(platform)) return;
    delivered.add(platform);
    const worker = startOutboundWorker({
      platform,
      connection: connection(),
      redis,
      prefix,
      outbound: router,
      i18n,
      ...(botKeys.privateKey === undefined ? {} : { botPrivateKey: botKeys.privateKey }),
      caseOpened: (event) => engine.handle(event),
      delivered: async (caseRef, id) => {
        await recordDelivery(cases, publicKey, caseRef, id, {
          status: 'sent',
          at: clock().toISOString(),
        });
      },
      undeliverable: async (caseRef, id, reason) => {
        await recordDelivery(cases, publicKey, caseRef, id, {
          status: 'undeliverable',
          at: clock().toISOString(),
          reason: deliveryReason(reason),
        });
        await undeliverable({ cases, notifier, clock }, caseRef);
      },
      logger,
    });
    // A failed attempt with attempts left is a retry.
    worker.on('failed', (job, error) => {
      if (job !== undefined && !gaveUp(job, error)) telemetry.outboundRetry(platform);
    });
    workers.push(worker);
  };

  return {
    engine,
    router,
    store,
    reports,
    cases,
    desk,
    roster,
    notifier,
    outbound,
    reminders,
    i18n,
    pseudonym,
    files: new FileIntake(vault, clock),
    async addChannel(adapter) {
      router.add(adapter);
      channels.push(adapter);
      deliverFor(adapter.platform);
      started.set(adapter, false);
      await adapter.start(engine);
      started.set(adapter, true);
      // One sweep at a time: with replies kept through a channel's outage, a sweep tries each of
      // them and may take longer than the interval.
      sweeper ??= setInterval(() => {
        if (sweeping) return;
        sweeping = true;
        engine
          .sweep()
          .catch((error: unknown) => {
            logger.warn({ err: error }, 'sweep failed');
          })
          .finally(() => {
            sweeping = false;
          });
      }, 30_000).unref();
    },
    async startWorkers() {
      if (role === 'all' || role === 'bot') {
        delivering = true;
        for (const channel of channels) deliverFor(channel.platform);
      }
      if (role === 'all' || role === 'worker') {
        if (privateKey === undefined)
          throw new Error('the worker role needs the staff private key');
        workers.push(
          startReportWorker({
            connection: connection(),
            redis,
            prefix,
            privateKey,
            cases,
            notifier,
            reminders,
            logger,
            clock,
          }),
        );
        workers.push(
          startReminderWorker({
            connection: connection(),
            redis,
            prefix,
            cases,
            notifier,
            reminders,
            outbound,
            logger,
            clock,
          }),
        );
        await reminders.scheduleMaintenance(config.REDIS_AOF_REWRITE_HOURS * 3_600_000);
      }
    },
    async stop() {
      stopping = true;
      if (sweeper) clearInterval(sweeper);
      await Promise.all(channels.map((c) => c.stop()));
      await Promise.all(workers.map((w) => w.close()));
      await Promise.all(
        connections.map((c) =>
          c.quit().catch(() => {
            c.disconnect();
          }),
        ),
      );
      await Promise.all([reports.close(), outbound.close(), reminders.close()]);
    },
    status() {
      return {
        channels: Object.fromEntries(
          channels.map((c) => [c.platform, started.get(c) === true && (c.connected?.() ?? true)]),
        ),
        workers: Object.fromEntries(workers.map((w) => [w.name, w.isRunning() && !w.isPaused()])),
      };
    },
  };
}
