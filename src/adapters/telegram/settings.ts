import type { Redis } from 'ioredis';
import type { FileIntake } from '../../bot/files.ts';
import { Translator } from '../../bot/i18n.ts';
import type { Logger } from '../../bot/logger.ts';
import { ConfigError } from '../../config/load.ts';
import { textValues, type Config } from '../../config/schema.ts';
import type { StaffDesk } from '../../staff/ports.ts';
import { StaffRoster } from '../../staff/roster.ts';
import { TelegramChannel, type TelegramMode } from './telegram-channel.ts';

/** What a running process hands the Telegram channel besides the configuration. */
export interface TelegramRuntime {
  readonly redis: Redis;
  readonly files: FileIntake;
  readonly logger: Logger;
  /** The staff desk for commands in the staff group, when this process has one. */
  readonly desk?: StaffDesk;
  /** Who is staff (default: the configuration's staff lists). */
  readonly roster?: StaffRoster;
  readonly i18n?: Translator;
}

/**
 * The Telegram channel as the configuration describes it, or undefined when TELEGRAM_BOT_TOKEN is
 * unset. Throws a ConfigError for settings that only make sense together.
 */
export function telegramChannelFromConfig(
  config: Config,
  runtime: TelegramRuntime,
): TelegramChannel | undefined {
  const token = config.TELEGRAM_BOT_TOKEN;
  if (token === undefined) return undefined;
  let mode: TelegramMode = { kind: 'polling' };
  if (config.TELEGRAM_WEBHOOK_URL !== undefined) {
    if (config.TELEGRAM_WEBHOOK_SECRET === undefined)
      throw new ConfigError(
        'TELEGRAM_WEBHOOK_SECRET must be set when TELEGRAM_WEBHOOK_URL is: it keeps anyone else from posting updates to the webhook.',
      );
    mode = {
      kind: 'webhook',
      url: config.TELEGRAM_WEBHOOK_URL,
      secret: config.TELEGRAM_WEBHOOK_SECRET,
      port: config.TELEGRAM_WEBHOOK_PORT,
    };
  }
  const staffChat = config.TELEGRAM_STAFF_CHAT_ID;
  return new TelegramChannel({
    token,
    ...(config.TELEGRAM_API_ROOT === undefined
      ? {}
      : { apiRoot: config.TELEGRAM_API_ROOT.replace(/\/+$/, '') }),
    mode,
    redis: runtime.redis,
    prefix: config.REDIS_KEY_PREFIX,
    retentionSeconds: config.DRAFT_TTL_DAYS * 86_400,
    files: runtime.files,
    i18n: runtime.i18n ?? Translator.create({ values: textValues(config) }),
    logger: runtime.logger,
    defaultLanguage: config.DEFAULT_LANGUAGE,
    ...(staffChat === undefined
      ? {}
      : {
          staff: {
            chatId: staffChat,
            roster: runtime.roster ?? StaffRoster.fromConfig(config),
            ...(runtime.desk === undefined ? {} : { desk: runtime.desk }),
          },
        }),
  });
}
