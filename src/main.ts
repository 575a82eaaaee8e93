import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Redis } from 'ioredis';
import { createApp } from './app.ts';
import { InteractiveChannel } from './adapters/console/interactive-channel.ts';
import { JsonlChannel } from './adapters/console/jsonl-channel.ts';
import { matrixChannelFromConfig } from './adapters/matrix/settings.ts';
import { telegramChannelFromConfig } from './adapters/telegram/settings.ts';
import { createLogger } from './bot/logger.ts';
import { closableOnStop } from './infra/redis/closable.ts';
import { connectRedis, sentinelSettings, StartupError } from './infra/redis/connect.ts';
import {
  exitWithin,
  firstSignal,
  signalStatus,
  stopWithin,
  type StopStep,
} from './bot/shutdown.ts';
import { resolveSessionKey } from './bot/session-key.ts';
import { ConfigError, loadConfig } from './config/load.ts';
import type { Config } from './config/schema.ts';
import { HealthServer } from './ops/health-server.ts';
import { Metrics } from './ops/metrics.ts';
import { relayFeed, type FeedRelay } from './staff/feed-channel.ts';
import type { StaffChannel } from './staff/ports.ts';
import { resolveBotKeys } from './staff/bot-keys.ts';
import { resolveStaffKeys, type StaffKeys } from './staff/keys.ts';
import { StaffAccounts } from './staff/accounts.ts';
import { WebServer } from './web/server.ts';
import { trustedProxies } from './web/client-address.ts';

const USAGE = `Usage: npm start -- [--jsonl | --no-console] [--user ID] [--lang de|en] [--role all|bot|worker|web]
  --jsonl      console channel in JSON-lines mode (one JSON object per line on stdin/stdout)
  --no-console messengers only, no console channel (for services; logs on stderr)
  --user ID    console user id (default "console")
  --lang de|en language to start in (default: German)
  --role R     all (default): bot and staff worker in one process; bot: channels only (needs
               STAFF_PUBLIC_KEY and the bot private key); worker: the staff worker alone (needs the
               staff private key and BOT_PUBLIC_KEY);
               web: the staff inbox in the browser alone (needs the staff private key; WEB_PORT,
               default 8090). WEB_PORT set: all and worker serve the inbox too.`;

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({
      options: {
        jsonl: { type: 'boolean', default: false },
        console: { type: 'boolean', default: true },
        user: { type: 'string', default: 'console' },
        lang: { type: 'string' },
        role: { type: 'string', default: 'all' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowNegative: true,
    }).values;
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (args.lang !== undefined && args.lang !== 'de' && args.lang !== 'en') {
    process.stderr.write(`--lang must be de or en\n${USAGE}\n`);
    return 2;
  }
  const language = args.lang;
  const role = args.role;
  if (role !== 'all' && role !== 'bot' && role !== 'worker' && role !== 'web') {
    process.stderr.write(`--role must be all, bot, worker or web\n${USAGE}\n`);
    return 2;
  }

  // Until Lotse runs, a signal ends it at once: nothing is in hand yet (and as the first process
  // of a container, Node would ignore SIGTERM without a handler).
  const early = (signal: NodeJS.Signals) => {
    process.exit(signalStatus(signal));
  };
  process.once('SIGINT', early);
  process.once('SIGTERM', early);

  const config = loadConfig();
  // The staff-side roles talk to no person.
  const staffOnly = role === 'worker' || role === 'web';
  const withConsole = !staffOnly && args.console;
  // The interactive console is for people: log lines would run through the conversation.
  const interactive = withConsole && !args.jsonl;
  const logFile = logDestination(config.LOG_FILE, config.DATA_DIR, interactive);
  const logger = createLogger(config.LOG_LEVEL, logFile);
  if (logFile !== undefined && interactive)
    process.stderr.write(`lotse: logs go to ${logFile} (LOG_FILE=- shows them here)\n`);
  if (!withConsole && role === 'bot' && !messengerConfigured(config)) {
    process.stderr.write(
      'lotse: --no-console in the bot role needs a messenger: set TELEGRAM_BOT_TOKEN or MATRIX_HOMESERVER_URL.\n',
    );
    return 2;
  }
  // Keys fail closed before anything connects: a missing key stops start-up with one sentence.
  const keys = resolveStaffKeys(config, role, logger);
  // Staff replies are sealed to the bot key; only a process that delivers them holds its private half.
  const botKeys = resolveBotKeys(config, role);
  // The worker talks to nobody: it holds no session key.
  const sessionKey = staffOnly ? undefined : resolveSessionKey(config, logger);
  const timeoutMs = config.SHUTDOWN_TIMEOUT_SECONDS * 1000;
  const redisHandle = await connectRedis({
    url: config.REDIS_URL,
    sentinel: sentinelSettings(config),
    autostart: config.REDIS_AUTOSTART,
    dataDir: config.DATA_DIR,
    logger,
  });
  // Once the stop begins, connections that wait to reconnect after a Redis restart end when they
  // are closed – the relays' readers and the workers' connections are duplicates of this one.
  let closing = false;
  closableOnStop(redisHandle.redis, () => closing);
  const relays: FeedRelay[] = [];
  const metrics = config.HEALTH_PORT === undefined ? undefined : new Metrics(logger);
  let started = false;
  let health: HealthServer | undefined;
  let web: WebServer | undefined;
  let built: ReturnType<typeof createApp> | undefined;
  let stopping: Promise<number> | undefined;
  /**
   * Stops whatever has started, within SHUTDOWN_TIMEOUT_SECONDS (also after a failed start: a
   * Redis this process started is stopped again). Resolves with the exit status, 1 when cut short.
   */
  const stop = (reason: string): Promise<number> => {
    closing = true;
    stopping ??= (async () => {
      logger.info({ reason }, 'stopping');
      const app = built;
      const server = health;
      const inbox = web;
      const steps: StopStep[] = [
        ...(inbox ? [{ name: 'staff inbox', run: () => inbox.close() }] : []),
        {
          name: 'staff notice relays',
          run: () => Promise.all(relays.map((r) => r.stop())).then(() => undefined),
        },
        ...(app ? [{ name: 'channels and workers', run: () => app.stop() }] : []),
        ...(server ? [{ name: 'health server', run: () => server.close() }] : []),
        { name: 'redis', run: () => redisHandle.close() },
      ];
      const outcome = await stopWithin(steps, timeoutMs, logger);
      if (outcome.kind === 'done') return 0;
      // Nothing is lost by exiting now: an event is kept in its conversation's inbox in Redis
      // until it has been handled, and a Telegram update not yet answered is delivered again.
      logger.warn(
        { unfinished: outcome.unfinished, timeoutSeconds: config.SHUTDOWN_TIMEOUT_SECONDS },
        'stopped before everything finished; events not yet handled wait in Redis for the next start',
      );
      return 1;
    })();
    return stopping;
  };

  try {
    built = createApp(config, redisHandle.redis, logger, {
      role,
      keys,
      botKeys,
      ...(sessionKey === undefined ? {} : { sessionKey }),
      ...(metrics === undefined ? {} : { telemetry: metrics }),
    });
    if (!staffOnly) {
      // Sessions and waiting events an older version left readable are sealed before anyone writes.
      const sealed = await built.store.sealPlain();
      if (sealed.sessions + sealed.events > 0) logger.info(sealed, 'sealed plain conversations');
    }
    await built.startWorkers();
    const webPort = config.WEB_PORT ?? (role === 'web' ? DEFAULT_WEB_PORT : undefined);
    if (role !== 'bot' && webPort !== undefined)
      web = await startInbox(config, webPort, built, redisHandle.redis, keys, logger);
    if (metrics !== undefined && config.HEALTH_PORT !== undefined) {
      const running = built;
      const checks = async () => {
        const status = running.status();
        return {
          redis: await answersNow(redisHandle.redis),
          started,
          ...prefixed('channel:', status.channels),
          ...prefixed('worker:', status.workers),
        };
      };
      metrics.watch({ reports: running.reports.queue, cases: running.cases, checks });
      health = await HealthServer.start({
        host: config.HEALTH_HOST,
        port: config.HEALTH_PORT,
        checks,
        metrics,
        logger,
      });
    }
  } catch (error) {
    await stop('start-up failed');
    throw error;
  }
  const app = built;

  // TELEGRAM_BOT_TOKEN set: the Telegram channel runs beside the console (its staff group gets
  // case notices in every role, the worker's too); a refused token stops start-up with one sentence.
  let telegram;
  let matrix;
  try {
    telegram =
      role === 'web'
        ? undefined
        : telegramChannelFromConfig(config, {
            redis: redisHandle.redis,
            files: app.files,
            logger,
            desk: app.desk,
            roster: app.roster,
            i18n: app.i18n,
          });
    // The staff group and the staff room relay the feed: every notice, whichever process or the
    // staff CLI raised it, is posted there once, by one of the processes that run the channel.
    const relay = (channel: StaffChannel) => {
      relays.push(
        relayFeed(redisHandle.redis, config.REDIS_KEY_PREFIX, channel, (error) => {
          logger.warn({ err: error, channel: channel.name }, 'relaying staff notices failed');
        }),
      );
    };
    if (telegram?.staffNotices) relay(telegram.staffNotices);
    if (telegram && !staffOnly) await app.addChannel(telegram);
    // MATRIX_HOMESERVER_URL set: the Matrix channel (one device, so never in the worker role).
    matrix = staffOnly
      ? undefined
      : await matrixChannelFromConfig(config, {
          files: app.files,
          logger,
          desk: app.desk,
          roster: app.roster,
          i18n: app.i18n,
          pseudonym: app.pseudonym,
          ...(metrics === undefined ? {} : { telemetry: metrics }),
        });
    if (matrix && config.MATRIX_STAFF_ROOM !== undefined) relay(matrix.staffChannel);
  } catch (error) {
    await stop('start-up failed');
    throw error;
  }

  // Matrix connects in the background: an unreachable homeserver or a wrong password is logged as
  // one sentence and retried with backoff, never fatal.
  if (matrix)
    app.addChannel(matrix).catch((error: unknown) => {
      logger.error({ err: error }, 'the Matrix channel stopped');
    });

  // The worker role has no console: it runs until it is told to stop.
  const ended = new Promise<void>((resolve) => {
    if (!withConsole) return;
    const onEnd = () => {
      resolve();
    };
    const files = app.files;
    const console = args.jsonl
      ? new JsonlChannel({
          input: process.stdin,
          output: process.stdout,
          defaultUser: args.user,
          files,
          onEnd,
          ...(language ? { language } : {}),
        })
      : new InteractiveChannel({
          input: process.stdin,
          output: process.stdout,
          user: args.user,
          files,
          onEnd,
          ...(language ? { language } : {}),
        });
    void app.addChannel(console);
  });
  // From here a signal stops Lotse gracefully (a second one at once): the channels run, and the
  // sweep of conversations left waiting by an earlier run may take a while on a large Redis.
  process.off('SIGINT', early);
  process.off('SIGTERM', early);
  const signalled = firstSignal(logger);
  if (!staffOnly) {
    const cut = await Promise.race([app.engine.sweep().then(() => undefined), signalled]);
    if (cut !== undefined) return stop(cut);
  }
  logger.info(
    {
      role,
      channels: staffOnly
        ? []
        : [
            ...(withConsole ? ['console'] : []),
            ...(telegram ? ['telegram'] : []),
            ...(matrix ? ['matrix'] : []),
          ],
      mode: !withConsole ? 'none' : args.jsonl ? 'jsonl' : 'interactive',
    },
    'lotse started',
  );
  started = true;

  // With Telegram or Matrix running, the end of the console's input does not end the process.
  const inputEnded =
    (telegram ?? matrix) || !withConsole
      ? new Promise<string>(() => undefined)
      : ended.then(() => 'input ended');
  return stop(await Promise.race([inputEnded, signalled]));
}

/**
 * Where the logs go: LOG_FILE when set (`-`: stderr); unset, the interactive console's logs go to
 * DATA_DIR/lotse.log and every other mode's to stderr. `undefined` means stderr.
 */
function logDestination(
  setting: string | undefined,
  dataDir: string,
  interactive: boolean,
): string | undefined {
  if (setting === '-') return undefined;
  if (setting !== undefined) return setting;
  return interactive ? join(dataDir, 'lotse.log') : undefined;
}

/** Whether Redis answers a PING within a second (a readiness check must not hang). */
async function answersNow(redis: Redis): Promise<boolean> {
  if (redis.status !== 'ready') return false;
  const timeout = new Promise<boolean>((resolve) => setTimeout(resolve, 1_000, false).unref());
  return Promise.race([
    redis.ping().then(
      () => true,
      () => false,
    ),
    timeout,
  ]);
}

/** The entries with `prefix` before each name. */
function prefixed(
  prefix: string,
  entries: Readonly<Record<string, boolean>>,
): Record<string, boolean> {
  return Object.fromEntries(Object.entries(entries).map(([name, ok]) => [`${prefix}${name}`, ok]));
}

/** The inbox's port in `--role web` when WEB_PORT is unset. */
const DEFAULT_WEB_PORT = 8090;

/** The staff inbox in the browser, on the desk and case store of this process. */
async function startInbox(
  config: Config,
  port: number,
  app: ReturnType<typeof createApp>,
  redis: Redis,
  keys: StaffKeys,
  logger: ReturnType<typeof createLogger>,
): Promise<WebServer> {
  if (keys.privateKey === undefined)
    throw new ConfigError('the staff inbox reads cases: set STAFF_PRIVATE_KEY_FILE');
  let proxies;
  try {
    proxies = trustedProxies(config.WEB_TRUSTED_PROXIES);
  } catch (error) {
    throw new ConfigError(error instanceof Error ? error.message : String(error));
  }
  return WebServer.start({
    redis,
    prefix: config.REDIS_KEY_PREFIX,
    desk: app.desk,
    cases: app.cases,
    accounts: new StaffAccounts(redis, config.REDIS_KEY_PREFIX, keys.privateKey),
    roster: app.roster,
    i18n: app.i18n,
    logger,
    host: config.WEB_HOST,
    port,
    ...(config.WEB_ORIGIN === undefined ? {} : { origin: new URL(config.WEB_ORIGIN).origin }),
    idleSeconds: config.WEB_SESSION_IDLE_MINUTES * 60,
    trustedProxies: proxies,
  });
}

function messengerConfigured(config: Config): boolean {
  return config.TELEGRAM_BOT_TOKEN !== undefined || config.MATRIX_HOMESERVER_URL !== undefined;
}

// The process ends when main is done, whatever still holds it: matrix-js-sdk leaves timers of
// finished requests running (up to 110 s after a long-poll sync), and a refusal at start-up must
// not wait for standard input or a connection.
main().then(
  (code) => {
    exitWithin(code);
  },
  (error: unknown) => {
    if (error instanceof ConfigError || error instanceof StartupError) {
      process.stderr.write(`lotse: ${error.message}\n`);
    } else {
      process.stderr.write(
        `lotse: could not start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
    }
    exitWithin(1);
  },
);
