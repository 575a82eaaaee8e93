import type { FileRef, FileRejection } from '../../flows/types.ts';

/** What became of one file of an album: stored, or refused with a reason. */
export type AlbumPart =
  | { readonly ok: true; readonly file: FileRef }
  | { readonly ok: false; readonly reason: FileRejection };

/** An album, complete: all files that arrived together under one media group id. */
export interface Album<C> {
  readonly chatId: string;
  readonly groupId: string;
  /** What the adapter noted with the album's first file (who sent it, their language). */
  readonly context: C;
  readonly files: readonly FileRef[];
  readonly rejected: readonly FileRejection[];
}

interface Pending<C> {
  readonly groupId: string;
  readonly context: C;
  readonly files: FileRef[];
  readonly rejected: FileRejection[];
  /** Called once the album has been handed on (the engine's file reservations). */
  readonly after: (() => Promise<void>)[];
  timer: NodeJS.Timeout;
}

/**
 * Telegram delivers an album as one message per file with a shared media_group_id. The collector
 * gathers them briefly and hands each album on once, as one files input. Another message of the
 * same chat, or stopping, hands a waiting album on at once, so the order of a chat is kept.
 */
export class AlbumCollector<C> {
  readonly #waitMs: number;
  readonly #emit: (album: Album<C>) => Promise<void>;
  readonly #pending = new Map<string, Pending<C>>();
  /** Albums being handed on, per chat. */
  readonly #running = new Map<string, Promise<void>>();

  /** `emit` hands an album on; it handles its own errors and never rejects. */
  constructor(waitMs: number, emit: (album: Album<C>) => Promise<void>) {
    this.#waitMs = waitMs;
    this.#emit = emit;
  }

  /**
   * Adds a file of an album; an album of another group waiting in the chat goes first. `after`
   * (which must not reject) runs once the album has been handed on.
   */
  async add(
    chatId: string,
    groupId: string,
    part: AlbumPart,
    context: C,
    after?: () => Promise<void>,
  ): Promise<void> {
    let pending = this.#pending.get(chatId);
    if (pending !== undefined && pending.groupId !== groupId) {
      await this.flush(chatId);
      pending = undefined;
    }
    if (pending === undefined) {
      pending = {
        groupId,
        context,
        files: [],
        rejected: [],
        after: [],
        timer: this.#timer(chatId),
      };
      this.#pending.set(chatId, pending);
    } else {
      clearTimeout(pending.timer);
      pending.timer = this.#timer(chatId);
    }
    if (part.ok) pending.files.push(part.file);
    else pending.rejected.push(part.reason);
    if (after !== undefined) pending.after.push(after);
  }

  /** Hands on the chat's waiting album now; resolves when the chat's albums are handed on. */
  async flush(chatId: string): Promise<void> {
    const pending = this.#pending.get(chatId);
    if (pending !== undefined) {
      clearTimeout(pending.timer);
      this.#pending.delete(chatId);
      const { groupId, context, files, rejected, after } = pending;
      const before = this.#running.get(chatId) ?? Promise.resolve();
      const work = before
        .then(() => this.#emit({ chatId, groupId, context, files, rejected }))
        .then(() => Promise.all(after.map((done) => done())))
        .then(() => undefined);
      this.#running.set(chatId, work);
      void work.finally(() => {
        if (this.#running.get(chatId) === work) this.#running.delete(chatId);
      });
    }
    await this.#running.get(chatId);
  }

  /** Hands on every waiting album (on stop). */
  async flushAll(): Promise<void> {
    const chats = new Set([...this.#pending.keys(), ...this.#running.keys()]);
    await Promise.all([...chats].map((chatId) => this.flush(chatId)));
  }

  #timer(chatId: string): NodeJS.Timeout {
    return setTimeout(() => {
      void this.flush(chatId);
    }, this.#waitMs);
  }
}
