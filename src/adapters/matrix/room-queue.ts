/**
 * Runs tasks one after another per room, rooms in parallel. Keeps an entry only while a room has
 * work, so the map stays as small as the number of busy rooms.
 */
export class RoomQueue {
  readonly #tails = new Map<string, Promise<void>>();
  readonly #onError: (error: unknown) => void;

  constructor(onError: (error: unknown) => void) {
    this.#onError = onError;
  }

  /** Queues a task behind the room's earlier ones. */
  push(roomId: string, task: () => Promise<void>): void {
    const tail = (this.#tails.get(roomId) ?? Promise.resolve())
      .then(task)
      .catch(this.#onError)
      .finally(() => {
        if (this.#tails.get(roomId) === tail) this.#tails.delete(roomId);
      });
    this.#tails.set(roomId, tail);
  }

  /** Resolves when every task queued so far has finished. */
  async idle(): Promise<void> {
    while (this.#tails.size > 0) await Promise.all(this.#tails.values());
  }

  /** Rooms with queued work. */
  get busy(): number {
    return this.#tails.size;
  }
}
