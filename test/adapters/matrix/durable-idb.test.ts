import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DurableIndexedDb, SnapshotError } from '../../../src/adapters/matrix/durable-idb.ts';
import {
  committed,
  done,
  type IdbDatabase,
  type IdbFactory,
} from '../../../src/adapters/matrix/idb.ts';

const logger = pino({ level: 'silent' });
let dir = '';
let file = '';
const opened: DurableIndexedDb[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lotse-idb-'));
  file = join(dir, 'crypto.idb');
});
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
  await rm(dir, { recursive: true, force: true });
});

async function open(): Promise<DurableIndexedDb> {
  const store = await DurableIndexedDb.open(file, logger);
  opened.push(store);
  return store;
}

/** Opens (and on first use lays out) the test database, as a crypto store would. */
async function database(factory: IdbFactory): Promise<IdbDatabase> {
  const request = factory.open('lotse::test', 3);
  request.addEventListener('upgradeneeded', () => {
    const db = request.result;
    db.createObjectStore('kv', { keyPath: null, autoIncrement: false });
    const items = db.createObjectStore('items', { keyPath: 'id', autoIncrement: false });
    items.createIndex('byName', 'name', { unique: false, multiEntry: false });
    db.createObjectStore('log', { keyPath: null, autoIncrement: true });
  });
  return done(request);
}

async function write(db: IdbDatabase, store: string, value: unknown, key?: unknown): Promise<void> {
  const tx = db.transaction(store, 'readwrite');
  if (key === undefined) tx.objectStore(store).put(value);
  else tx.objectStore(store).put(value, key);
  await committed(tx);
}

async function read(db: IdbDatabase, store: string): Promise<[unknown[], unknown[]]> {
  const tx = db.transaction(store, 'readonly');
  const s = tx.objectStore(store);
  return Promise.all([done(s.getAllKeys()), done(s.getAll())]);
}

describe('durable IndexedDB', () => {
  it('restores databases, stores, indexes and values (binary too) after a restart', async () => {
    const first = await open();
    const db = await database(first.factory);
    await write(db, 'kv', { pickle: new Uint8Array([1, 2, 3]), at: new Date(5) }, ['account', 1]);
    await write(db, 'items', { id: 'a', name: 'Anna', keys: new Map([['k', 'v']]) });
    await write(db, 'items', { id: 'b', name: 'Ben' });
    await write(db, 'log', 'first');
    await write(db, 'log', 'second');
    expect(first.dirty).toBe(true);
    expect(await first.flush()).toBe(true);
    expect(await first.flush()).toBe(false);
    db.close();
    await first.close();
    opened.splice(0);

    const second = await open();
    expect(second.dirty).toBe(false);
    expect(await second.factory.databases()).toEqual([{ name: 'lotse::test', version: 3 }]);
    const again = await database(second.factory);
    expect(await read(again, 'kv')).toEqual([
      [['account', 1]],
      [{ pickle: new Uint8Array([1, 2, 3]), at: new Date(5) }],
    ]);
    const [, items] = await read(again, 'items');
    expect(items).toEqual([
      { id: 'a', name: 'Anna', keys: new Map([['k', 'v']]) },
      { id: 'b', name: 'Ben' },
    ]);
    const tx = again.transaction('items', 'readonly');
    const index = tx.objectStore('items').index('byName') as unknown as {
      get(key: string): Parameters<typeof done>[0];
    };
    expect(await done(index.get('Ben'))).toEqual({ id: 'b', name: 'Ben' });
    // The key generator goes on after the restored keys.
    await write(again, 'log', 'third');
    expect((await read(again, 'log'))[0]).toEqual([1, 2, 3]);
    again.close();
  });

  it('writes only when something changed, and changes of one store keep the others', async () => {
    const first = await open();
    const db = await database(first.factory);
    await write(db, 'kv', 'one', 'a');
    await write(db, 'items', { id: 'x', name: 'X' });
    await first.flush();
    const reading = db.transaction('kv', 'readonly');
    await committed(reading);
    expect(first.dirty).toBe(false);
    await write(db, 'kv', 'two', 'a');
    expect(first.dirty).toBe(true);
    await first.flush();
    db.close();
    await first.close();
    opened.splice(0);

    const second = await open();
    const again = await database(second.factory);
    expect((await read(again, 'kv'))[1]).toEqual(['two']);
    expect((await read(again, 'items'))[1]).toEqual([{ id: 'x', name: 'X' }]);
    again.close();
  });

  it('forgets a deleted database', async () => {
    const first = await open();
    const db = await database(first.factory);
    await write(db, 'kv', 'v', 'k');
    await first.flush();
    db.close();
    await done(first.factory.deleteDatabase('lotse::test'));
    await first.flush();
    await first.close();
    opened.splice(0);
    const second = await open();
    expect(await second.factory.databases()).toEqual([]);
  });

  it('refuses a damaged snapshot with a clear error', async () => {
    await writeFile(file, 'not a snapshot');
    await expect(DurableIndexedDb.open(file, logger)).rejects.toBeInstanceOf(SnapshotError);
  });
});
