import { DEFAULT_TIME_ZONE, isTimeZone } from '../bot/local-time.ts';
import { z } from 'zod';
import { LANGUAGES } from '../flows/types.ts';

/** Whole positive integer read from an environment string. */
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
/** A raw 32-byte key in base64url. */
const key32 = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'a 32-byte key in base64url (43 characters)');
/** One or more 32-byte keys, comma-separated: the current one first, then older ones (rotation). */
const keyring = z
  .string()
  .regex(
    /^[A-Za-z0-9_-]{43}(,[A-Za-z0-9_-]{43})*$/,
    'one or more 32-byte keys in base64url (43 characters), comma-separated, the current one first',
  );
/** One session key: 32 random bytes in base64 or base64url (43 characters, maybe one "="). */
export const SESSION_KEY_PATTERN = /^[A-Za-z0-9+/_-]{43}=?$/;
/** Session keys, comma-separated, the current one first. */
const sessionKeyring = z
  .string()
  .refine(
    (ring) => ring.split(',').every((key) => SESSION_KEY_PATTERN.test(key)),
    'one or more 32-byte keys in base64 (e.g. from `openssl rand -base64 32`), comma-separated, the current one first',
  );
/** A comma-separated list. */
const list = z
  .string()
  .default('')
  .transform((v) =>
    v
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== ''),
  );
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => ['true', '1', 'yes'].includes(v));

/**
 * Every setting Lotse reads from the environment, with its default and a description.
 * `.env.example` is generated from this schema (`npm run env:example`), so the two never drift.
 */
export const configSchema = z.object({
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info')
    .describe(
      'Log level of the JSON logs on stderr. Only debug and trace may contain pseudonymous details; message content is never logged.',
    ),
  LOG_FILE: z
    .string()
    .min(1)
    .optional()
    .describe(
      'Where the logs go: a file to append to, or - for stderr. Unset: the interactive console logs to DATA_DIR/lotse.log (so that log lines do not run through the conversation), every other mode to stderr.',
    ),
  REDIS_URL: z
    .url({ protocol: /^rediss?$/ })
    .default('redis://127.0.0.1:6379')
    .describe('Redis for sessions, locks and queues, e.g. redis://:password@host:6379/0.'),
  REDIS_SENTINELS: list
    .refine(
      (items) => items.every((item) => /^[^\s:,]+:\d{1,5}$/.test(item)),
      'host:port of each sentinel, comma-separated',
    )
    .describe(
      'Redis Sentinel: host:port of the sentinels, comma-separated. Set, Lotse asks them for the master REDIS_SENTINEL_MASTER and follows a failover; REDIS_URL then gives only the password and database number.',
    ),
  REDIS_SENTINEL_MASTER: z
    .string()
    .regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, ., _ and -')
    .default('mymaster')
    .describe('The name under which the sentinels watch the master (sentinel monitor NAME …).'),
  REDIS_SENTINEL_PASSWORD: z
    .string()
    .optional()
    .describe(
      'Password of the sentinels themselves, if they ask for one (requirepass in sentinel.conf).',
    ),
  REDIS_REPLICA_ACKS: int(0, 10)
    .optional()
    .describe(
      'A sent report is confirmed to the person only after this many Redis replicas hold it (WAIT), so that a failover cannot lose it. Unset: 1 with REDIS_SENTINELS, else 0.',
    ),
  REDIS_AUTOSTART: bool
    .default(true)
    .describe(
      'If nothing answers at a local REDIS_URL and redis-server is on PATH, start one with data under DATA_DIR/redis and stop it on exit.',
    ),
  REDIS_AOF_REWRITE_HOURS: int(1, 24)
    .default(24)
    .describe(
      "Hours between two rewrites of Redis's append-only file, started by the worker (BGREWRITEAOF), so that erased data leaves the disk within this time.",
    ),
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[a-z0-9_-]+$/i, 'letters, digits, - and _ only')
    .default('lotse')
    .describe('Prefix of every Redis key, so that several installations can share one Redis.'),
  DATA_DIR: z
    .string()
    .min(1)
    .default('./data')
    .describe('Folder for local state (the auto-started Redis, Matrix crypto store).'),
  HEALTH_PORT: int(1, 65_535)
    .optional()
    .describe('Port of /healthz, /readyz and /metrics (Prometheus). Unset: no such server.'),
  HEALTH_HOST: z
    .string()
    .min(1)
    .default('127.0.0.1')
    .describe(
      'Address the health and metrics server binds to; 0.0.0.0 only inside a container network where Prometheus scrapes it.',
    ),
  WEB_PORT: int(1, 65_535)
    .optional()
    .describe(
      'Port of the staff inbox in the browser (a staff-side process: `--role web`, or `worker`/`all` when set). Unset: no inbox, except in `--role web`, which uses 8090.',
    ),
  WEB_HOST: z
    .string()
    .min(1)
    .default('127.0.0.1')
    .describe(
      'Address the staff inbox binds to; keep 127.0.0.1 and put the office reverse proxy or VPN in front.',
    ),
  WEB_ORIGIN: z
    .url()
    .optional()
    .describe(
      'The public origin of the staff inbox behind a reverse proxy (https://lotse.example.org), for the cross-site check and Secure cookies. Unset: http://127.0.0.1:WEB_PORT.',
    ),
  WEB_TRUSTED_PROXIES: list.describe(
    "Reverse proxies in front of the staff inbox, comma-separated addresses or ranges (127.0.0.1, 172.16.0.0/12). A request from one of them counts for the sign-in limit under the client address the proxy appends to X-Forwarded-For, not the proxy's. Unset: every request counts under its connection's address.",
  ),
  WEB_SESSION_IDLE_MINUTES: int(5, 24 * 60)
    .default(30)
    .describe('Minutes after which an unused staff sign-in in the browser ends.'),
  DEFAULT_LANGUAGE: z
    .enum(LANGUAGES)
    .default('de')
    .describe('Language for people whose messenger does not tell theirs.'),
  DRAFT_TTL_DAYS: int(1, 90)
    .default(7)
    .describe(
      'Days after the last message until an unfinished conversation and its draft answers are erased.',
    ),
  PRIVACY_CONTROLLER: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .optional()
    .describe(
      'Who is responsible for the data (GDPR controller), as the consent names them, e.g. "Stiftung Example, Musterstr. 1, 12345 Musterstadt". Unset: the consent says to ask the contact point.',
    ),
  PRIVACY_NOTICE_URL: z
    .url({ protocol: /^https$/ })
    .max(500)
    .optional()
    .describe(
      'Web address of the privacy notice the consent links to (https). Unset: the consent says to ask the contact point.',
    ),
  RATE_LIMIT_MESSAGES: int(1, 10_000)
    .default(30)
    .describe(
      'Messages one person may send within RATE_LIMIT_WINDOW_SECONDS before Lotse asks them to slow down; each file counts, before it is downloaded.',
    ),
  RATE_LIMIT_WINDOW_SECONDS: int(1, 3600)
    .default(60)
    .describe('Length of the rate-limit window in seconds.'),
  SHUTDOWN_TIMEOUT_SECONDS: int(1, 300)
    .default(5)
    .describe(
      'Seconds a stop (end of input, SIGTERM, Ctrl-C) may take to finish the work in hand; then the process exits anyway, also when Redis or a messenger does not answer. A second signal ends it at once.',
    ),
  SESSION_KEY: sessionKeyring
    .optional()
    .describe(
      'Key that seals unfinished conversations (draft answers, waiting messages) in Redis; held by the bot only, never stored in Redis. Prefer SESSION_KEY_FILE. Create one with `openssl rand -base64 32`. During a rotation: the new key, a comma, the old one. Unset, with only the console and not NODE_ENV=production: a development key is kept in DATA_DIR/session-key.',
    ),
  SESSION_KEY_FILE: z
    .string()
    .optional()
    .describe(
      'File holding the session key (readable by its owner only), or several keys one per line, the current one first. Required, like SESSION_KEY, as soon as Telegram or Matrix is configured or NODE_ENV=production.',
    ),
  EVIDENCE_MAX_FILES: int(1, 50)
    .default(20)
    .describe(
      'Evidence files one report may carry. Beyond it the person is asked to finish and send further files to staff later.',
    ),
  EVIDENCE_MAX_LINKS: int(1, 50)
    .default(20)
    .describe('Evidence links one report may carry, like EVIDENCE_MAX_FILES.'),
  EVIDENCE_MAX_PER_MESSAGE: int(1, 50)
    .default(10)
    .describe(
      'Files one message (e.g. a Telegram album) may bring at once; more are refused with a short explanation.',
    ),
  REPORT_FILE_BUDGET_MB: int(1, 400)
    .default(50)
    .describe(
      'Megabytes of evidence files one report may carry in all (each file at most 20 MB). Further files are refused with a short explanation before they are downloaded.',
    ),
  FILE_MEMORY_LIMIT_PERCENT: int(1, 100)
    .default(80)
    .describe(
      "New files are refused (conversations go on) while Redis uses more than this share of its maxmemory, or of the machine's memory when Redis has no maxmemory.",
    ),
  // --- staff side (cases, sealed storage, reminders) ---
  NODE_ENV: z
    .string()
    .optional()
    .describe(
      'production (the Docker image sets it): a missing staff key, or bot key, stops start-up; no development key pair is ever made.',
    ),
  STAFF_PUBLIC_KEY: key32
    .optional()
    .describe(
      'Staff public key (base64url, from `npm run staff -- keygen`). Enough for a bot-only process: it seals reports but cannot read them.',
    ),
  STAFF_PRIVATE_KEY: keyring
    .optional()
    .describe(
      'Staff private key (base64url). Only for the worker and staff tools, never for a public-facing bot. Prefer STAFF_PRIVATE_KEY_FILE. During a key rotation: the new key, a comma, the old one.',
    ),
  STAFF_PRIVATE_KEY_FILE: z
    .string()
    .optional()
    .describe(
      'File holding the staff private key (as written by `npm run staff -- keygen --out FILE`), or several bare keys one per line, the current one first.',
    ),
  BOT_PUBLIC_KEY: key32
    .optional()
    .describe(
      'Bot public key (base64url, from `npm run staff -- keygen --bot`): every process that writes staff replies (worker, web, staff CLI) seals them to it, so that only the bot can read them in Redis until delivery. Unset: replies wait plain, with a warning at start; with NODE_ENV=production start-up stops.',
    ),
  BOT_PRIVATE_KEY: keyring
    .optional()
    .describe(
      'Bot private key (base64url) that opens staff replies just before delivery. Only for the bot (`--role bot` or `all`), never for the worker, the inbox or the staff CLI. Prefer BOT_PRIVATE_KEY_FILE. During a key rotation: the new key, a comma, the old one.',
    ),
  BOT_PRIVATE_KEY_FILE: z
    .string()
    .optional()
    .describe(
      'File holding the bot private key (as written by `npm run staff -- keygen --bot --out FILE`), or several bare keys one per line, the current one first. Required, like BOT_PRIVATE_KEY, for a bot with NODE_ENV=production.',
    ),
  STAFF_USERS: list.describe(
    'Staff members allowed to use the staff CLI, comma-separated names (the CLI acts as --as NAME or $STAFF_USER).',
  ),
  TIME_ZONE: z
    .string()
    .default(DEFAULT_TIME_ZONE)
    .refine(isTimeZone, 'an IANA time zone, like Europe/Berlin')
    .describe(
      'Time zone of every time shown to people and staff (summaries, case documents, CLI, feed) and of the day a person means by "today" in a report (never in the future); stored times stay UTC.',
    ),
  CASE_RETENTION_DAYS: int(1, 3650)
    .default(90)
    .describe('Days after closing until a case and its files are erased.'),
  UNCLAIMED_REMINDER_MINUTES: int(1, 10_080)
    .default(60)
    .describe(
      'Minutes a new case may stay unclaimed before staff are told again (then again each period).',
    ),
  WAITING_REMINDER_HOURS: int(1, 2160)
    .default(72)
    .describe('Hours a case may wait for the reporter before its assignee is reminded.'),
  // --- Telegram channel (src/adapters/telegram) ---
  TELEGRAM_BOT_TOKEN: z
    .string()
    .regex(/^\d+:[\w-]+$/, 'a bot token from @BotFather, like 123456789:AAE…')
    .optional()
    .describe(
      'Token of the Telegram bot (from @BotFather). When set, the Telegram channel starts.',
    ),
  TELEGRAM_API_ROOT: z
    .url({ protocol: /^https?$/ })
    .optional()
    .describe(
      'Another Bot API server, e.g. a self-hosted one (http://127.0.0.1:8081) for files over 20 MB. Unset: https://api.telegram.org.',
    ),
  TELEGRAM_WEBHOOK_URL: z
    .url({ protocol: /^https$/ })
    .optional()
    .describe(
      'Public HTTPS URL Telegram posts updates to (webhook mode, for several replicas behind a reverse proxy). Unset: long polling.',
    ),
  TELEGRAM_WEBHOOK_SECRET: z
    .string()
    .regex(/^[A-Za-z0-9_-]{16,256}$/, '16 to 256 letters, digits, _ and -')
    .optional()
    .describe(
      'Secret Telegram sends with every webhook update; other requests are refused. Required with TELEGRAM_WEBHOOK_URL.',
    ),
  TELEGRAM_WEBHOOK_PORT: int(1, 65_535)
    .default(8080)
    .describe(
      'Local port of the webhook server; the reverse proxy forwards TELEGRAM_WEBHOOK_URL to it.',
    ),
  TELEGRAM_STAFF_CHAT_ID: z
    .string()
    .regex(/^-\d+$/, 'a group chat id, negative, e.g. -1001234567890')
    .optional()
    .describe(
      'The Telegram staff group for case notices and Claim buttons (no case details: Telegram groups are not end-to-end encrypted).',
    ),
  TELEGRAM_STAFF_USER_IDS: list
    .refine((ids) => ids.every((id) => /^\d+$/.test(id)), 'numeric Telegram user ids')
    .describe(
      'Telegram user ids of staff, comma-separated: only they may use /claim, /reply, /note, /close and the Claim button.',
    ),
  // --- Matrix channel (src/adapters/matrix) ---
  MATRIX_HOMESERVER_URL: z
    .url({ protocol: /^https?$/ })
    .optional()
    .describe(
      "Client-server URL of the bot account's homeserver, e.g. https://matrix.example.org. With MATRIX_USER_ID and a token or password, the Matrix channel starts.",
    ),
  MATRIX_USER_ID: z
    .string()
    .regex(/^@[^:\s]+:\S+$/, 'a Matrix user id like @lotse:example.org')
    .optional()
    .describe("The bot's Matrix account, e.g. @lotse:example.org."),
  MATRIX_ACCESS_TOKEN: z
    .string()
    .optional()
    .describe(
      'Access token of the bot account. Alternatively MATRIX_PASSWORD: Lotse logs in once and keeps token and device under DATA_DIR/matrix.',
    ),
  MATRIX_PASSWORD: z
    .string()
    .optional()
    .describe(
      'Password of the bot account; used to log in when no stored session works (the same device is reused) and to set up cross-signing.',
    ),
  MATRIX_DEVICE_NAME: z
    .string()
    .max(100)
    .default('Lotse')
    .describe("Display name of the bot's device, as people see it when they verify it."),
  MATRIX_STAFF_ROOM: z
    .string()
    .regex(/^[!#][^:\s]+:\S+$/, 'a room id (!abc:example.org) or alias (#staff:example.org)')
    .optional()
    .describe(
      'The encrypted staff room for case notices and !claim/!reply/!note/!close/!show; invite the bot to it.',
    ),
  MATRIX_STAFF_USER_IDS: list.describe(
    'Matrix accounts of staff, comma-separated (@anna:example.org,…): only they may use staff commands.',
  ),
  MATRIX_CRYPTO_PASSPHRASE: z
    .string()
    .min(12)
    .optional()
    .describe(
      "Passphrase that encrypts the bot's Matrix crypto store at rest. Unset: a random key is kept in DATA_DIR/matrix beside the store.",
    ),
});

/** The validated configuration. */
export type Config = z.infer<typeof configSchema>;

/** Values the texts name that come from the configuration. */
export interface TextValues {
  /** Days until an unfinished draft is erased. */
  readonly draftDays: number;
  /** Days after closing until a case is erased. */
  readonly caseDays: number;
  /** Megabytes of evidence files one report may carry. */
  readonly reportFileMb: number;
  /** The controller of the data; unset, the texts say where to ask. */
  readonly controller?: string;
  /** The privacy notice's address; unset, the texts say where to ask. */
  readonly privacyUrl?: string;
  /** The time zone times are shown in (IANA name). */
  readonly timeZone: string;
}

/** What the texts promise to people from the configuration: retention periods, controller, notice. */
export const textValues = (config: Config): TextValues => ({
  draftDays: config.DRAFT_TTL_DAYS,
  caseDays: config.CASE_RETENTION_DAYS,
  reportFileMb: config.REPORT_FILE_BUDGET_MB,
  timeZone: config.TIME_ZONE,
  ...(config.PRIVACY_CONTROLLER === undefined ? {} : { controller: config.PRIVACY_CONTROLLER }),
  ...(config.PRIVACY_NOTICE_URL === undefined ? {} : { privacyUrl: config.PRIVACY_NOTICE_URL }),
});

/** The evidence limits of the settings, in the shape the intake takes (EvidenceLimits). */
export const evidenceLimits = (
  config: Config,
): { readonly files: number; readonly links: number; readonly filesPerMessage: number } => ({
  files: config.EVIDENCE_MAX_FILES,
  links: config.EVIDENCE_MAX_LINKS,
  filesPerMessage: config.EVIDENCE_MAX_PER_MESSAGE,
});
