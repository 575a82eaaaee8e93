import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { Logger } from '../../bot/logger.ts';
import { writeFileAtomic } from './atomic-file.ts';

/** Event ids kept per mark for events sharing the newest timestamp. */
const MAX_IDS = 20;
/** Marks older than this are forgotten (their events are long past any sync). */
const FORGET_AFTER_MS = 180 * 86_400_000;
/** How soon after a change the file is written. */
const SAVE_DELAY_MS = 200;

const markSchema = z.object({ ts: z.number(), ids: z.array(z.string()).max(MAX_IDS) });
const fileSchema = z.object({
  v: z.literal(2),
  /** Room id → sender → mark. */
  rooms: z.record(z.string(), z.record(z.string(), markSchema)),
});

type Mark = z.infer<typeof markSchema>;

/**
 * How far each sender's events in each room have been handled, kept under DATA_DIR, so that the
 * history a sync replays after a restart is not answered again: an event at or before its mark
 * was handled (or deliberately skipped) before. Marks are per sender because timestamps come from
 * the sender's server clock: one sender's events are in order, two servers' clocks need not agree.
 * One small entry per room and sender (a direct chat has two).
 *
 * Written shortly after each change; an event handled just before a crash may be replayed once and
 * is then caught by the engine's de-duplication by event id.
 */
export class RoomMarks {
  readonly #file: string;
  readonly #log: Logger;
  readonly #marks: Map<string, Map<string, Mark>>;
  #timer: NodeJS.Timeout | undefined;
  #saving: Promise<void> = Promise.resolve();

  private constructor(file: string, marks: Map<string, Map<string, Mark>>, log: Logger) {
    this.#file = file;
    this.#marks = marks;
    this.#log = log;
  }

  static async load(file: string, logger: Logger): Promise<RoomMarks> {
    const log = logger.child({ module: 'matrix-marks' });
    const marks = new Map<string, Map<string, Mark>>();
    try {
      const parsed = fileSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
      if (parsed.success)
        for (const [room, senders] of Object.entries(parsed.data.rooms))
          marks.set(room, new Map(Object.entries(senders)));
      else log.warn('room marks unreadable; starting without (the engine still de-duplicates)');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
        log.warn({ err: error }, 'room marks unreadable; starting without');
    }
    return new RoomMarks(file, marks, log);
  }

  /** True when the event is at or before its sender's mark in the room: it was dealt with. */
  handledBefore(roomId: string, sender: string, ts: number, eventId: string): boolean {
    const mark = this.#marks.get(roomId)?.get(sender);
    if (mark === undefined) return false;
    return ts < mark.ts || (ts === mark.ts && mark.ids.includes(eventId));
  }

  /** Moves the sender's mark in the room forward to this event. */
  record(roomId: string, sender: string, ts: number, eventId: string): void {
    let senders = this.#marks.get(roomId);
    if (senders === undefined) {
      senders = new Map();
      this.#marks.set(roomId, senders);
    }
    const mark = senders.get(sender);
    if (mark === undefined || ts > mark.ts) senders.set(sender, { ts, ids: [eventId] });
    else if (ts === mark.ts && !mark.ids.includes(eventId))
      mark.ids = [...mark.ids, eventId].slice(-MAX_IDS);
    else return;
    this.#schedule();
  }

  /** Forgets a room the bot left. */
  forget(roomId: string): void {
    if (this.#marks.delete(roomId)) this.#schedule();
  }

  /** Writes pending changes now. */
  async flush(): Promise<void> {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
      this.#saving = this.#saving.then(() => this.#save());
    }
    await this.#saving;
  }

  #schedule(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#saving = this.#saving.then(() => this.#save());
    }, SAVE_DELAY_MS);
    this.#timer.unref();
  }

  async #save(): Promise<void> {
    const cutoff = Date.now() - FORGET_AFTER_MS;
    const rooms: Record<string, Record<string, Mark>> = {};
    for (const [room, senders] of this.#marks) {
      for (const [sender, mark] of senders) if (mark.ts < cutoff) senders.delete(sender);
      if (senders.size === 0) this.#marks.delete(room);
      else rooms[room] = Object.fromEntries(senders);
    }
    try {
      await writeFileAtomic(this.#file, JSON.stringify({ v: 2, rooms }));
    } catch (error) {
      this.#log.error({ err: error }, 'saving room marks failed');
      this.#schedule();
    }
  }
}
