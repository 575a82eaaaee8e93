import type { FileIntake } from '../../bot/files.ts';
import { Translator } from '../../bot/i18n.ts';
import type { Logger, Pseudonymizer } from '../../bot/logger.ts';
import type { Telemetry } from '../../bot/telemetry.ts';
import { ConfigError } from '../../config/load.ts';
import { textValues, type Config } from '../../config/schema.ts';
import type { StaffDesk } from '../../staff/ports.ts';
import { StaffRoster } from '../../staff/roster.ts';
import type { MatrixChannel } from './matrix-channel.ts';

/** What a running process hands the Matrix channel besides the configuration. */
export interface MatrixRuntime {
  readonly files: FileIntake;
  readonly logger: Logger;
  /** The staff desk for commands in the staff room, when this process has one. */
  readonly desk?: StaffDesk;
  /** Who is staff (default: the configuration's staff lists). */
  readonly roster?: StaffRoster;
  readonly i18n?: Translator;
  /** Names conversations in the log (the process's keyed pseudonyms). */
  readonly pseudonym?: Pseudonymizer;
  /** Counts for the metrics. */
  readonly telemetry?: Telemetry;
}

/**
 * The Matrix channel as the configuration describes it, or undefined when MATRIX_HOMESERVER_URL is
 * unset. Throws a ConfigError for settings that only make sense together. The SDK and its
 * WebAssembly crypto are loaded only when Matrix is configured.
 */
export async function matrixChannelFromConfig(
  config: Config,
  runtime: MatrixRuntime,
): Promise<MatrixChannel | undefined> {
  const homeserverUrl = config.MATRIX_HOMESERVER_URL;
  if (homeserverUrl === undefined) return undefined;
  if (config.MATRIX_USER_ID === undefined)
    throw new ConfigError('MATRIX_USER_ID must be set when MATRIX_HOMESERVER_URL is.');
  if (config.MATRIX_ACCESS_TOKEN === undefined && config.MATRIX_PASSWORD === undefined)
    throw new ConfigError(
      'Matrix needs MATRIX_ACCESS_TOKEN or MATRIX_PASSWORD for MATRIX_USER_ID to log in.',
    );
  if (config.MATRIX_STAFF_USER_IDS.length > 0 && config.MATRIX_STAFF_ROOM === undefined)
    throw new ConfigError(
      'MATRIX_STAFF_USER_IDS needs MATRIX_STAFF_ROOM, where staff give commands.',
    );
  const { MatrixChannel } = await import('./matrix-channel.ts');
  return new MatrixChannel({
    homeserverUrl: homeserverUrl.replace(/\/+$/, ''),
    userId: config.MATRIX_USER_ID,
    ...(config.MATRIX_ACCESS_TOKEN === undefined
      ? {}
      : { accessToken: config.MATRIX_ACCESS_TOKEN }),
    ...(config.MATRIX_PASSWORD === undefined ? {} : { password: config.MATRIX_PASSWORD }),
    deviceName: config.MATRIX_DEVICE_NAME,
    dataDir: config.DATA_DIR,
    ...(config.MATRIX_CRYPTO_PASSPHRASE === undefined
      ? {}
      : { cryptoPassphrase: config.MATRIX_CRYPTO_PASSPHRASE }),
    ...(config.MATRIX_STAFF_ROOM === undefined ? {} : { staffRoom: config.MATRIX_STAFF_ROOM }),
    roster: runtime.roster ?? StaffRoster.fromConfig(config),
    ...(runtime.desk === undefined ? {} : { desk: runtime.desk }),
    files: runtime.files,
    i18n: runtime.i18n ?? Translator.create({ values: textValues(config) }),
    language: config.DEFAULT_LANGUAGE,
    logger: runtime.logger,
    ...(runtime.pseudonym === undefined ? {} : { pseudonym: runtime.pseudonym }),
    ...(runtime.telemetry === undefined ? {} : { telemetry: runtime.telemetry }),
  });
}
