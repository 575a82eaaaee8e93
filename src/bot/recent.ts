/**
 * A small in-process memory of what each conversation last wrote, so that reading it back on the
 * person's next message skips work already done (opening the seal, parsing, checking). Only a hint:
 * a caller uses an entry only after checking it against what was read, so a stale or missing
 * entry costs time, never correctness. Bounded in entries and in time – it holds plain session
 * data, which should not linger in memory for people who have gone quiet.
 */
export class Recent<V> {
  readonly #entries = new Map<string, { readonly value: V; readonly at: number }>();
  readonly #max: number;
  readonly #ttlMs: number;
  readonly #now: () => number;

  /**
   * By default 4,096 conversations written to in the last 5 minutes: a few kilobytes each, so at
   * most some 20 MB however many people write, and nothing of people who have gone quiet.
   */
  constructor(options: { max?: number; ttlMs?: number; now?: () => number } = {}) {
    this.#max = options.max ?? 4096;
    this.#ttlMs = options.ttlMs ?? 5 * 60_000;
    this.#now = options.now ?? Date.now;
  }

  get(key: string): V | undefined {
    this.#expire();
    return this.#entries.get(key)?.value;
  }

  set(key: string, value: V): void {
    // Newest last: the map's order is the order of writing, so the oldest are at the front.
    this.#entries.delete(key);
    this.#entries.set(key, { value, at: this.#now() });
    this.#expire();
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Drops the oldest entries while there are too many or they are too old. */
  #expire(): void {
    const oldest = this.#now() - this.#ttlMs;
    for (const [key, entry] of this.#entries) {
      if (this.#entries.size <= this.#max && entry.at > oldest) return;
      this.#entries.delete(key);
    }
  }
}

/**
 * Makes a value what reading it back from its JSON would give, in place, and freezes it: properties
 * set to undefined are dropped (JSON has none), everything is frozen so that what several steps
 * share cannot be changed by accident. Values are plain JSON data (objects, arrays, strings,
 * numbers, booleans, null); the tests check on every step of every flow that the result equals
 * the value read back.
 */
export function asStored<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  if (Array.isArray(value)) for (const inner of value as unknown[]) asStored(inner);
  else {
    const record = value as Record<string, unknown>;
    for (const key in record) {
      const inner = record[key];
      if (inner === undefined) Reflect.deleteProperty(record, key);
      else asStored(inner);
    }
  }
  return Object.freeze(value);
}
