/**
 * The small part of the IndexedDB API that the durable store uses, typed structurally (the project
 * compiles without the DOM library), and promise helpers for its requests.
 */

export type IdbKey = unknown;

export interface IdbRequest<T> {
  readonly result: T;
  readonly error: unknown;
  addEventListener(type: 'success' | 'error', listener: () => void): void;
}

export interface IdbOpenRequest extends IdbRequest<IdbDatabase> {
  addEventListener(
    type: 'success' | 'error' | 'upgradeneeded' | 'blocked',
    listener: () => void,
  ): void;
  readonly transaction: IdbTransaction | null;
}

export interface IdbIndex {
  readonly name: string;
  readonly keyPath: string | string[];
  readonly unique: boolean;
  readonly multiEntry: boolean;
}

export interface IdbObjectStore {
  readonly name: string;
  readonly keyPath: string | string[] | null;
  readonly autoIncrement: boolean;
  readonly indexNames: ArrayLike<string>;
  index(name: string): IdbIndex;
  createIndex(
    name: string,
    keyPath: string | string[],
    options: { unique: boolean; multiEntry: boolean },
  ): IdbIndex;
  getAll(): IdbRequest<unknown[]>;
  getAllKeys(): IdbRequest<IdbKey[]>;
  put(value: unknown, key?: IdbKey): IdbRequest<IdbKey>;
}

export interface IdbTransaction {
  readonly mode: 'readonly' | 'readwrite' | 'versionchange';
  readonly objectStoreNames: ArrayLike<string>;
  objectStore(name: string): IdbObjectStore;
  addEventListener(type: 'complete' | 'abort' | 'error', listener: () => void): void;
}

export interface IdbDatabase {
  readonly name: string;
  readonly version: number;
  readonly objectStoreNames: ArrayLike<string>;
  transaction(stores: string | string[], mode?: 'readonly' | 'readwrite'): IdbTransaction;
  createObjectStore(
    name: string,
    options: { keyPath: string | string[] | null; autoIncrement: boolean },
  ): IdbObjectStore;
  close(): void;
  addEventListener(type: 'versionchange' | 'close', listener: () => void): void;
}

export interface IdbFactory {
  open(name: string, version?: number): IdbOpenRequest;
  deleteDatabase(name: string): IdbRequest<undefined>;
  databases(): Promise<{ name?: string; version?: number }[]>;
}

/** Resolves with a request's result, rejects with its error. */
export function done<T>(request: IdbRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.addEventListener('success', () => {
      resolve(request.result);
    });
    request.addEventListener('error', () => {
      reject(toError(request.error));
    });
  });
}

/** Resolves when a transaction has committed. */
export function committed(tx: IdbTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.addEventListener('complete', () => {
      resolve();
    });
    tx.addEventListener('abort', () => {
      reject(new Error('IndexedDB transaction aborted'));
    });
  });
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
