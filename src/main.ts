import { parseArgs } from 'node:util';
import { createApp } from './app.ts';
import { InteractiveChannel } from './adapters/console/interactive-channel.ts';
import { JsonlChannel } from './adapters/console/jsonl-channel.ts';
import { createLogger } from './bot/logger.ts';
import { connectRedis, StartupError } from './bot/redis.ts';
import { ConfigError, loadConfig } from './config/load.ts';

const USAGE = `Usage: npm start -- [--jsonl] [--user ID] [--lang de|en]
  --jsonl      console channel in JSON-lines mode (one JSON object per line on stdin/stdout)
  --user ID    console user id (default "console")
  --lang de|en language to start in (default: German)`;

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({
      options: {
        jsonl: { type: 'boolean', default: false },
        user: { type: 'string', default: 'console' },
        lang: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
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

  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL);
  const redisHandle = await connectRedis({
    url: config.REDIS_URL,
    autostart: config.REDIS_AUTOSTART,
    dataDir: config.DATA_DIR,
    logger,
  });
  const app = createApp(config, redisHandle.redis, logger);

  let stopping: Promise<void> | undefined;
  const stop = (reason: string): Promise<void> => {
    stopping ??= (async () => {
      logger.info({ reason }, 'stopping');
      await app.stop();
      await redisHandle.close();
    })();
    return stopping;
  };

  const ended = new Promise<void>((resolve) => {
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
  await app.engine.sweep();
  logger.info(
    { channels: ['console'], mode: args.jsonl ? 'jsonl' : 'interactive' },
    'lotse started',
  );

  const signalled = new Promise<string>((resolve) => {
    process.once('SIGINT', () => {
      resolve('SIGINT');
    });
    process.once('SIGTERM', () => {
      resolve('SIGTERM');
    });
  });
  const reason = await Promise.race([ended.then(() => 'input ended'), signalled]);
  await stop(reason);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof ConfigError || error instanceof StartupError) {
      process.stderr.write(`lotse: ${error.message}\n`);
    } else {
      process.stderr.write(
        `lotse: could not start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
    }
    process.exitCode = 1;
  },
);
