/** What became of a task handed to `RoomQueue.push`. */
export type PushResult =
  /** Queued behind the room's earlier tasks. */
  | { readonly kind: 'queued' }
  /**
   * Not queued: `waiting` tasks of the room (the one running among them) had reached the limit.
   * `first` for the first task dropped since the room last had no work: one to tell the log about.
   */
  | { readonly kind: 'dropped'; readonly waiting: number; readonly first: boolean };

interface RoomWork {
  tail: Promise<void>;
  /** Tasks queued and not yet finished, the running one included. */
  waiting: number;
  /** A task was dropped since the room last had no work. */
  dropping: boolean;
}

/**
 * Runs tasks one after another per room, rooms in parallel. Keeps an entry only while a room has
 * work, so the map stays as small as the number of busy rooms; a room's backlog can be bounded.
 */
export class RoomQueue {
  readonly #rooms = new Map<string, RoomWork>();
  readonly #onError: (error: unknown) => void;

  constructor(onError: (error: unknown) => void) {
    this.#onError = onError;
  }

  /**
   * Queues a task behind the room's earlier ones, unless `limit` of them wait already (running
   * one included): then the task is dropped.
   */
  push(roomId: string, task: () => Promise<void>, limit = Infinity): PushResult {
    const work = this.#rooms.get(roomId) ?? {
      tail: Promise.resolve(),
      waiting: 0,
      dropping: false,
    };
    if (work.waiting >= limit) {
      const first = !work.dropping;
      work.dropping = true;
      return { kind: 'dropped', waiting: work.waiting, first };
    }
    work.waiting++;
    work.tail = work.tail
      .then(task)
      .catch(this.#onError)
      .finally(() => {
        if (--work.waiting === 0) this.#rooms.delete(roomId);
      });
    this.#rooms.set(roomId, work);
    return { kind: 'queued' };
  }

  /** Resolves when every task queued so far has finished. */
  async idle(): Promise<void> {
    while (this.#rooms.size > 0) await Promise.all([...this.#rooms.values()].map((w) => w.tail));
  }

  /** Rooms with queued work. */
  get busy(): number {
    return this.#rooms.size;
  }
}
