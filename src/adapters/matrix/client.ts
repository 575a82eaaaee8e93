import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  createClient,
  Filter,
  MatrixScheduler,
  type IFilterDefinition,
  type MatrixClient,
} from 'matrix-js-sdk';
import type { Logger } from '../../bot/logger.ts';
import { writeFileAtomic } from './atomic-file.ts';
import { DurableIndexedDb } from './durable-idb.ts';
import { MatrixConnectError, type MatrixSession } from './login.ts';
import { routeSdkLogs, sdkLogger } from './sdk-logger.ts';
import { queueByRoom, SendRetry } from './send-policy.ts';

/** Events kept per room in the first sync after a start: the backlog a restart replays. */
export const INITIAL_SYNC_LIMIT = 30;

/** Event types the bot needs in room timelines; everything else stays on the server. */
const TIMELINE_TYPES = ['m.room.message', 'm.room.encrypted', 'm.room.member'];
/** Room state the client and the crypto need (members are loaded lazily). */
const STATE_TYPES = [
  'm.room.create',
  'm.room.member',
  'm.room.encryption',
  'm.room.history_visibility',
  'm.room.join_rules',
  'm.room.power_levels',
];

/**
 * The sync filter: message and membership events only, a short timeline, members loaded lazily, no
 * presence, typing, receipts or room account data. Keeps each sync and the memory small.
 */
export function syncFilterDefinition(timelineLimit: number): IFilterDefinition {
  return {
    presence: { not_types: ['*'] },
    account_data: { not_types: ['*'] },
    room: {
      timeline: { limit: timelineLimit, types: TIMELINE_TYPES, lazy_load_members: true },
      state: { types: STATE_TYPES, lazy_load_members: true },
      ephemeral: { not_types: ['*'] },
      account_data: { not_types: ['*'] },
      include_leave: false,
    },
  };
}

export interface ClientOptions {
  readonly session: MatrixSession;
  /** DATA_DIR/matrix. */
  readonly dir: string;
  /** Encrypts the crypto store at rest; without it a random key is kept in `dir`. */
  readonly passphrase?: string;
  readonly fetch?: typeof globalThis.fetch;
  readonly logger: Logger;
}

/** A client with end-to-end encryption whose crypto state lives in a durable store. */
export interface CryptoClient {
  readonly client: MatrixClient;
  readonly store: DurableIndexedDb;
  /** Tells a failed send from one that reached the server after all. */
  readonly sends: SendRetry;
}

/**
 * Creates the Matrix client for a session: Rust crypto on a DurableIndexedDb under `dir` (one store
 * per device), every request that could reveal unsaved crypto state held until the store is
 * written, and a send queue per room that retries rate limits and network errors.
 */
export async function createCryptoClient(options: ClientOptions): Promise<CryptoClient> {
  const { session, logger } = options;
  routeSdkLogs(logger);
  const store = await DurableIndexedDb.open(
    join(options.dir, `crypto-${fileSafe(session.deviceId)}.idb`),
    logger,
  );
  store.install();
  const baseFetch = options.fetch ?? globalThis.fetch;
  const sends = new SendRetry();
  const client = createClient({
    baseUrl: session.homeserverUrl,
    userId: session.userId,
    deviceId: session.deviceId,
    accessToken: session.accessToken,
    fetchFn: flushBeforeAcknowledging(store, baseFetch, logger),
    logger: sdkLogger(logger),
    scheduler: new MatrixScheduler(sends.algorithm, queueByRoom),
    timelineSupport: false,
  });
  try {
    const key = options.passphrase === undefined ? await localStoreKey(options.dir) : undefined;
    await client.initRustCrypto({
      cryptoDatabasePrefix: 'lotse',
      ...(key === undefined ? { storagePassword: options.passphrase } : { storageKey: key }),
    });
  } catch (error) {
    client.stopClient();
    await store.close();
    throw new MatrixConnectError(
      'config',
      `The Matrix crypto store under ${options.dir} cannot be opened (${error instanceof Error ? error.message : String(error)}); was MATRIX_CRYPTO_PASSPHRASE changed?`,
      { cause: error },
    );
  }
  return { client, store, sends };
}

/** A client filter for startClient. */
export function syncFilter(userId: string): Filter {
  return Filter.fromJson(userId, '', syncFilterDefinition(INITIAL_SYNC_LIMIT));
}

/**
 * Wraps fetch so that the crypto store is written before any request that tells the server
 * something depends on it: a /sync with a `since` token (the server then deletes the to-device
 * messages, room keys among them, delivered before), and every non-GET request (key uploads, keys
 * sent to other devices, encrypted messages that advance a ratchet). A crash therefore never loses
 * crypto state that someone else relies on; what it loses the server delivers again.
 */
export function flushBeforeAcknowledging(
  store: DurableIndexedDb,
  base: typeof globalThis.fetch,
  logger: Logger,
): typeof globalThis.fetch {
  const log = logger.child({ module: 'matrix-store' });
  return async (input, init) => {
    const method = (
      init?.method ?? (input instanceof Request ? input.method : 'GET')
    ).toUpperCase();
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (store.dirty && (method !== 'GET' || acknowledgesSync(url))) {
      try {
        await store.flush();
      } catch (error) {
        log.error({ err: error }, 'writing the Matrix crypto store failed; request held back');
        throw error;
      }
    }
    return base(input, init);
  };
}

function acknowledgesSync(url: string): boolean {
  const parsed = new URL(url);
  return parsed.pathname.endsWith('/sync') && parsed.searchParams.has('since');
}

/** The random key that encrypts the crypto store when no passphrase is configured. */
async function localStoreKey(dir: string): Promise<Uint8Array> {
  const file = join(dir, 'store-key');
  try {
    const key = Buffer.from((await readFile(file, 'utf8')).trim(), 'base64url');
    if (key.length === 32) return key;
    throw new MatrixConnectError('config', `${file} does not hold a 32-byte key.`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const key = randomBytes(32);
  await writeFileAtomic(file, `${key.toString('base64url')}\n`);
  return key;
}

/** A device id as part of a file name. */
function fileSafe(value: string): string {
  return /^[A-Za-z0-9_-]{1,64}$/.test(value) ? value : Buffer.from(value).toString('base64url');
}
