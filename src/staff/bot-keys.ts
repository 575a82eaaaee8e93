import { ConfigError } from '../config/load.ts';
import type { Config } from '../config/schema.ts';
import { readKeyFile, type KeyHolder } from './keys.ts';
import { publicKeyOf } from './seal.ts';

/**
 * The bot key pair of one process: staff replies are sealed to its public key by whoever writes
 * them and opened with its private key by the bot just before delivery (src/queue/sealed-reply.ts).
 * Both unset: replies travel plain (development only, with a warning).
 */
export interface BotKeys {
  /** What replies are sealed to; unset, they are queued plain. */
  readonly publicKey?: string;
  /** Only in a process that delivers (`bot`, `all`); a keyring `current,older,…` in a rotation. */
  readonly privateKey?: string;
}

/** The processes that deliver replies to people: only they may hold the bot private key. */
const delivers = (holder: KeyHolder): boolean => holder === 'bot' || holder === 'all';

const holderName = (holder: KeyHolder): string =>
  holder === 'staff' ? 'the staff CLI' : `the ${holder} role`;

const MADE = 'made with `npm run staff -- keygen --bot --out FILE`';

/**
 * Finds the bot keys for a process role or the staff CLI. Only a process that delivers (`bot`,
 * `all`) holds the private key – the worker, the inbox and the staff CLI are refused one – and it
 * must hold it to open what the others seal; they hold the public key. With NODE_ENV=production a
 * missing key stops start-up with one sentence; elsewhere (a developer's machine) replies are queued
 * plain, with a warning, as before the bot key existed.
 */
export function resolveBotKeys(config: Config, holder: KeyHolder): BotKeys {
  if (config.BOT_PRIVATE_KEY !== undefined && config.BOT_PRIVATE_KEY_FILE !== undefined)
    throw new ConfigError('Set BOT_PRIVATE_KEY or BOT_PRIVATE_KEY_FILE, not both.');
  const configured =
    config.BOT_PRIVATE_KEY !== undefined || config.BOT_PRIVATE_KEY_FILE !== undefined;
  if (!delivers(holder)) {
    if (configured)
      throw new ConfigError(
        `BOT_PRIVATE_KEY and BOT_PRIVATE_KEY_FILE are for the bot only: ${holderName(holder)} seals replies to BOT_PUBLIC_KEY`,
      );
    if (config.BOT_PUBLIC_KEY !== undefined) return { publicKey: config.BOT_PUBLIC_KEY };
    return unsealed(
      config,
      `no bot key configured for ${holderName(holder)}: set BOT_PUBLIC_KEY (the public key of a pair ${MADE})`,
    );
  }
  const privateKey =
    config.BOT_PRIVATE_KEY ??
    (config.BOT_PRIVATE_KEY_FILE === undefined
      ? undefined
      : readKeyFile(config.BOT_PRIVATE_KEY_FILE, 'BOT_PRIVATE_KEY_FILE', 'bot key').privateKey);
  if (privateKey === undefined) {
    // A bot that seals what it cannot open would make its own staff group's replies undeliverable.
    if (config.BOT_PUBLIC_KEY !== undefined)
      throw new ConfigError(
        `${holderName(holder)} delivers staff replies and must open them: set BOT_PRIVATE_KEY_FILE (the key file ${MADE}), not BOT_PUBLIC_KEY alone`,
      );
    return unsealed(
      config,
      `no bot key configured for ${holderName(holder)}: set BOT_PRIVATE_KEY_FILE to a key file ${MADE}`,
    );
  }
  const publicKey = publicKeyOf(privateKey);
  if (config.BOT_PUBLIC_KEY !== undefined && config.BOT_PUBLIC_KEY !== publicKey)
    throw new ConfigError('BOT_PUBLIC_KEY does not belong to the bot private key');
  return { publicKey, privateKey };
}

/**
 * No bot key: refused in production; elsewhere replies travel plain, and the log says so when one
 * is queued that way (PLAIN_REPLY_WARNING, src/app.ts) – not at every start of every tool.
 */
function unsealed(config: Config, missing: string): BotKeys {
  if (config.NODE_ENV === 'production')
    throw new ConfigError(`${missing} (required with NODE_ENV=production)`);
  return {};
}

/** Logged once per process when a staff reply is queued plain (no bot key, development only). */
export const PLAIN_REPLY_WARNING =
  'a staff reply was queued PLAIN: no bot key is configured, so its text waits unsealed in Redis (and its append-only file) until delivered; set BOT_PUBLIC_KEY on the staff side and BOT_PRIVATE_KEY_FILE on the bot (`npm run staff -- keygen --bot`)';
