import { describe, expect, it } from 'vitest';
import { RoomQueue } from '../../../src/adapters/matrix/room-queue.ts';

/** A task that runs until `open` is called, recording its name when it starts. */
function gate(log: string[], name: string): { task: () => Promise<void>; open: () => void } {
  const { promise, resolve } = Promise.withResolvers<undefined>();
  return {
    task: async () => {
      log.push(name);
      await promise;
    },
    open: () => {
      resolve(undefined);
    },
  };
}

describe('room queue', () => {
  it('runs a room`s tasks in order and rooms side by side', async () => {
    const log: string[] = [];
    const queue = new RoomQueue(() => undefined);
    const a1 = gate(log, 'a1');
    const a2 = gate(log, 'a2');
    const b1 = gate(log, 'b1');
    queue.push('!a', a1.task);
    queue.push('!a', a2.task);
    queue.push('!b', b1.task);
    await Promise.resolve();
    await Promise.resolve();
    expect(log).toEqual(['a1', 'b1']);
    a1.open();
    b1.open();
    a2.open();
    await queue.idle();
    expect(log).toEqual(['a1', 'b1', 'a2']);
    expect(queue.busy).toBe(0);
  });

  it('drops what waits beyond the limit, says so once per overflow, and takes tasks again once caught up', async () => {
    const log: string[] = [];
    const errors: unknown[] = [];
    const queue = new RoomQueue((error) => errors.push(error));
    const gates = Array.from({ length: 3 }, (_, i) => gate(log, `t${String(i)}`));
    for (const g of gates) expect(queue.push('!a', g.task, 3)).toEqual({ kind: 'queued' });
    expect(queue.push('!a', () => Promise.resolve(), 3)).toEqual({
      kind: 'dropped',
      waiting: 3,
      first: true,
    });
    expect(queue.push('!a', () => Promise.resolve(), 3)).toEqual({
      kind: 'dropped',
      waiting: 3,
      first: false,
    });
    // Another room and an unbounded task are not affected.
    expect(queue.push('!b', () => Promise.resolve(), 3).kind).toBe('queued');
    expect(queue.push('!a', () => Promise.resolve()).kind).toBe('queued');

    // One finished: one place free again, still the same overflow.
    gates[0]?.open();
    await new Promise((r) => setTimeout(r, 0));
    expect(queue.push('!a', () => Promise.reject(new Error('x')), 4).kind).toBe('queued');
    expect(queue.push('!a', () => Promise.resolve(), 4)).toMatchObject({ first: false });

    for (const g of gates) g.open();
    await queue.idle();
    expect(log).toEqual(['t0', 't1', 't2']);
    expect(errors).toHaveLength(1);
    // Caught up: a new overflow is told again.
    const again = gate(log, 'again');
    expect(queue.push('!a', again.task, 1).kind).toBe('queued');
    expect(queue.push('!a', () => Promise.resolve(), 1)).toMatchObject({ first: true });
    again.open();
    await queue.idle();
    expect(queue.busy).toBe(0);
  });
});
