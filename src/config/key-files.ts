/**
 * What the staff keys and the session key share: where a development key may be made at all, and
 * how a key file is read (owner-only, or refused with one sentence naming the variable).
 */
import { readFileSync, statSync } from 'node:fs';
import { ConfigError } from './load.ts';
import type { Config } from './schema.ts';

/**
 * Why someone outside could reach this process, or undefined where nobody can: the console alone
 * (no messenger configured) and not NODE_ENV=production. Only there may a development key be made.
 */
export function reachableBy(config: Config): string | undefined {
  if (config.NODE_ENV === 'production') return 'NODE_ENV=production';
  if (config.TELEGRAM_BOT_TOKEN !== undefined) return 'a Telegram bot';
  if (config.MATRIX_HOMESERVER_URL !== undefined) return 'a Matrix bot';
  return undefined;
}

/** The file's permission bits when group or others may use it, else undefined (POSIX only). */
function openToOthers(path: string): number | undefined {
  if (process.platform === 'win32') return undefined;
  const mode = statSync(path).mode & 0o777;
  return (mode & 0o077) === 0 ? undefined : mode;
}

/**
 * The trimmed text of a key file. A missing file, or one that group or others may read, is refused
 * with one sentence naming the variable (and the `chmod` that fixes it).
 */
export function readOwnerOnlyFile(path: string, variable: string): string {
  try {
    const mode = openToOthers(path);
    if (mode !== undefined)
      throw new ConfigError(
        `${variable}: ${path} is open to other users (mode ${mode.toString(8).padStart(4, '0')}), run \`chmod 600 ${path}\``,
      );
    return readFileSync(path, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new ConfigError(`${variable}: ${path} does not exist`);
    throw error;
  }
}
