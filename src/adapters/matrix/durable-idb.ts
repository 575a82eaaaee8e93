import * as fake from 'fake-indexeddb';
import { readFile } from 'node:fs/promises';
import { deserialize, serialize } from 'node:v8';
import type { Logger } from '../../bot/logger.ts';
import { writeFileAtomic } from './atomic-file.ts';
import {
  committed,
  done,
  type IdbDatabase,
  type IdbFactory,
  type IdbOpenRequest,
  type IdbTransaction,
} from './idb.ts';

/**
 * IndexedDB for Node that survives restarts: an in-memory IndexedDB (fake-indexeddb) restored from
 * a snapshot file before use and written back to it by `flush()`.
 *
 * Why a snapshot and not a write-through database: matrix-js-sdk's Rust crypto persists only to
 * IndexedDB, and no maintained file- or SQLite-backed IndexedDB for Node exists (indexeddbshim
 * needs the native sqlite3 module). The snapshot is only as fresh as the last flush, so the owner
 * flushes *before* anything leaves the process that depends on the state (see matrix/client.ts):
 * before a /sync that acknowledges to-device messages, before key uploads and before sends. A crash
 * then loses only state nobody outside has seen, which the server delivers again.
 *
 * Writes are incremental in cost: only object stores changed by a committed read-write transaction
 * are read again; the others are taken from a cache of their serialised records. The file is
 * replaced atomically (write, fsync, rename), so it is always a complete, consistent snapshot.
 */
export class DurableIndexedDb {
  /** The IndexedDB to hand to the code that stores its state here. */
  readonly factory: IdbFactory;
  readonly #file: string;
  readonly #log: Logger;
  /** Serialised records per "database/store"; absent entries are read at the next flush. */
  readonly #records = new Map<string, Buffer>();
  /** Stores changed since their records were cached. */
  readonly #dirty = new Set<string>();
  /** Databases whose layout (stores, indexes, version) changed or that were deleted. */
  #layoutChanged = false;
  readonly #connections = new Map<string, IdbDatabase>();
  #flushing: Promise<boolean> = Promise.resolve(false);
  #closed = false;

  private constructor(file: string, factory: IdbFactory, log: Logger) {
    this.#file = file;
    this.factory = factory;
    this.#log = log;
  }

  /**
   * Opens the snapshot file (a missing file means an empty IndexedDB) and restores it into a fresh
   * in-memory IndexedDB. Throws SnapshotError when the file exists but cannot be read.
   */
  static async open(file: string, logger: Logger): Promise<DurableIndexedDb> {
    const log = logger.child({ module: 'matrix-store' });
    const factory = new (fake.IDBFactory as unknown as new () => IdbFactory)();
    const durable = new DurableIndexedDb(file, factory, log);
    const snapshot = await readSnapshot(file);
    if (snapshot !== undefined) {
      for (const db of snapshot.dbs) await durable.#restore(db);
      log.debug({ databases: snapshot.dbs.length }, 'crypto store restored');
    }
    durable.#track();
    return durable;
  }

  /**
   * Makes this IndexedDB the process-wide one (`globalThis.indexedDB` and the IDB* classes), as the
   * Rust crypto's WebAssembly looks it up there. One durable IndexedDB per process at a time.
   */
  install(): void {
    installClasses();
    Object.defineProperty(globalThis, 'indexedDB', {
      value: this.factory,
      configurable: true,
      writable: true,
      enumerable: false,
    });
  }

  /** True when something changed since the last successful flush. */
  get dirty(): boolean {
    return this.#layoutChanged || this.#dirty.size > 0;
  }

  /**
   * Writes the snapshot if anything changed. Flushes run one after another; a flush requested while
   * one runs waits for it and then writes what changed meanwhile. Resolves with true if it wrote.
   */
  flush(): Promise<boolean> {
    const next = this.#flushing.then(
      () => this.#write(),
      () => this.#write(),
    );
    this.#flushing = next;
    return next;
  }

  /** Writes what is left and closes the snapshot's own connections. */
  async close(): Promise<void> {
    if (this.#closed) return;
    await this.flush();
    this.#closed = true;
    for (const db of this.#connections.values()) db.close();
    this.#connections.clear();
  }

  async #write(): Promise<boolean> {
    if (!this.dirty || this.#closed) return false;
    const dirty = [...this.#dirty];
    const layoutChanged = this.#layoutChanged;
    this.#dirty.clear();
    this.#layoutChanged = false;
    try {
      const started = Date.now();
      const dbs = await this.#collect(new Set(dirty), layoutChanged);
      const bytes = serialize({ v: SNAPSHOT_VERSION, dbs } satisfies Snapshot);
      await writeFileAtomic(this.#file, bytes);
      this.#log.trace({ bytes: bytes.byteLength, ms: Date.now() - started }, 'crypto store saved');
      return true;
    } catch (error) {
      // Keep the changes marked, so the next flush tries again.
      for (const key of dirty) this.#dirty.add(key);
      this.#layoutChanged ||= layoutChanged;
      throw error;
    }
  }

  /** Reads the changed stores, takes the others from the cache, and returns the whole snapshot. */
  async #collect(dirty: ReadonlySet<string>, layoutChanged: boolean): Promise<DbSnapshot[]> {
    const listed = await this.factory.databases();
    const result: DbSnapshot[] = [];
    for (const { name } of listed) {
      if (name === undefined) continue;
      const db = await this.#connection(name, layoutChanged);
      const storeNames = Array.from(db.objectStoreNames);
      const toRead = storeNames.filter((s) => {
        const key = storeKey(name, s);
        return dirty.has(key) || !this.#records.has(key);
      });
      if (toRead.length > 0) {
        const tx = db.transaction(toRead, 'readonly');
        const reads = toRead.map(async (s) => {
          const store = tx.objectStore(s);
          const [keys, values] = await Promise.all([
            done(store.getAllKeys()),
            done(store.getAll()),
          ]);
          const records: [unknown, unknown][] = keys.map((k, i) => [k, values[i]]);
          this.#records.set(storeKey(name, s), serialize(records));
        });
        await Promise.all([...reads, committed(tx)]);
      }
      const layout = db.transaction(storeNames, 'readonly');
      const stores = storeNames.map((s): StoreSnapshot => {
        const store = layout.objectStore(s);
        return {
          name: s,
          keyPath: store.keyPath,
          autoIncrement: store.autoIncrement,
          indexes: Array.from(store.indexNames).map((i) => {
            const index = store.index(i);
            return {
              name: i,
              keyPath: index.keyPath,
              unique: index.unique,
              multiEntry: index.multiEntry,
            };
          }),
          records: this.#records.get(storeKey(name, s)) ?? serialize([]),
        };
      });
      result.push({ name, version: db.version, stores });
    }
    // Forget cached stores of databases or stores that are gone.
    const live = new Set(result.flatMap((d) => d.stores.map((s) => storeKey(d.name, s.name))));
    for (const key of this.#records.keys()) if (!live.has(key)) this.#records.delete(key);
    return result;
  }

  /** The snapshot's own connection to a database, opened again after a layout change. */
  async #connection(name: string, reopen: boolean): Promise<IdbDatabase> {
    const open = this.#connections.get(name);
    if (open !== undefined && !reopen) return open;
    open?.close();
    this.#connections.delete(name);
    const db = await done(this.factory.open(name));
    // Never block an upgrade or a deletion by whoever owns the database.
    db.addEventListener('versionchange', () => {
      db.close();
      if (this.#connections.get(name) === db) this.#connections.delete(name);
      this.#layoutChanged = true;
    });
    this.#connections.set(name, db);
    return db;
  }

  async #restore(snapshot: DbSnapshot): Promise<void> {
    const request = this.factory.open(snapshot.name, snapshot.version);
    request.addEventListener('upgradeneeded', () => {
      const db = request.result;
      for (const s of snapshot.stores) {
        const store = db.createObjectStore(s.name, {
          keyPath: s.keyPath,
          autoIncrement: s.autoIncrement,
        });
        for (const i of s.indexes)
          store.createIndex(i.name, i.keyPath, { unique: i.unique, multiEntry: i.multiEntry });
      }
    });
    const db = await done(request);
    try {
      const names = snapshot.stores.map((s) => s.name);
      if (names.length === 0) return;
      const tx = db.transaction(names, 'readwrite');
      for (const s of snapshot.stores) {
        const store = tx.objectStore(s.name);
        const records = deserialize(s.records) as [unknown, unknown][];
        for (const [key, value] of records) {
          if (store.keyPath === null) store.put(value, key);
          else store.put(value);
        }
        this.#records.set(storeKey(snapshot.name, s.name), s.records);
      }
      await committed(tx);
    } finally {
      db.close();
    }
  }

  /** Marks stores dirty when a read-write transaction on them commits, and layouts on upgrades. */
  #track(): void {
    const factory = this.factory;
    const open = factory.open.bind(factory);
    const deleteDatabase = factory.deleteDatabase.bind(factory);
    const markCommitted = (dbName: string, tx: IdbTransaction) => {
      const stores = Array.from(tx.objectStoreNames);
      tx.addEventListener('complete', () => {
        for (const s of stores) this.#dirty.add(storeKey(dbName, s));
      });
    };
    Object.assign(factory, {
      open: (name: string, version?: number): IdbOpenRequest => {
        const request = version === undefined ? open(name) : open(name, version);
        request.addEventListener('upgradeneeded', () => {
          const upgrade = request.transaction;
          upgrade?.addEventListener('complete', () => {
            this.#layoutChanged = true;
          });
        });
        request.addEventListener('success', () => {
          const db = request.result;
          const transaction = db.transaction.bind(db);
          Object.assign(db, {
            transaction: (stores: string | string[], mode?: 'readonly' | 'readwrite') => {
              const tx = mode === undefined ? transaction(stores) : transaction(stores, mode);
              if (mode === 'readwrite') markCommitted(name, tx);
              return tx;
            },
          });
        });
        return request;
      },
      deleteDatabase: (name: string) => {
        const request = deleteDatabase(name);
        request.addEventListener('success', () => {
          this.#layoutChanged = true;
        });
        return request;
      },
    });
  }
}

/** The snapshot file could not be read; the message says which file and why. */
export class SnapshotError extends Error {
  override readonly name = 'SnapshotError';
}

const SNAPSHOT_VERSION = 1;

interface Snapshot {
  readonly v: typeof SNAPSHOT_VERSION;
  readonly dbs: DbSnapshot[];
}

interface DbSnapshot {
  readonly name: string;
  readonly version: number;
  readonly stores: StoreSnapshot[];
}

interface StoreSnapshot {
  readonly name: string;
  readonly keyPath: string | string[] | null;
  readonly autoIncrement: boolean;
  readonly indexes: {
    name: string;
    keyPath: string | string[];
    unique: boolean;
    multiEntry: boolean;
  }[];
  /** v8-serialised `[key, value][]`. */
  readonly records: Buffer;
}

const storeKey = (db: string, store: string): string => `${db}\u0000${store}`;

async function readSnapshot(file: string): Promise<Snapshot | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new SnapshotError(`cannot read the crypto store ${file}: ${String(error)}`);
  }
  let parsed: unknown;
  try {
    parsed = deserialize(bytes);
  } catch (error) {
    throw new SnapshotError(`the crypto store ${file} is damaged: ${String(error)}`);
  }
  if (!isSnapshot(parsed))
    throw new SnapshotError(`the crypto store ${file} has an unknown format`);
  return parsed;
}

function isSnapshot(value: unknown): value is Snapshot {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { v?: unknown }).v === SNAPSHOT_VERSION &&
    Array.isArray((value as { dbs?: unknown }).dbs)
  );
}

const IDB_CLASSES = [
  'IDBCursor',
  'IDBCursorWithValue',
  'IDBDatabase',
  'IDBFactory',
  'IDBIndex',
  'IDBKeyRange',
  'IDBObjectStore',
  'IDBOpenDBRequest',
  'IDBRequest',
  'IDBTransaction',
  'IDBVersionChangeEvent',
] as const;

/** The IDB* classes, which the WebAssembly checks values against, from fake-indexeddb. */
function installClasses(): void {
  for (const name of IDB_CLASSES) {
    Object.defineProperty(globalThis, name, {
      value: (fake as Record<string, unknown>)[name],
      configurable: true,
      writable: true,
      enumerable: false,
    });
  }
}
