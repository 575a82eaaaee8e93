import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RoomMarks } from '../../../src/adapters/matrix/room-marks.ts';

const logger = pino({ level: 'silent' });
let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lotse-marks-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('room marks', () => {
  it('knows what was handled, per room and sender, across a restart', async () => {
    const file = join(dir, 'rooms.json');
    const now = Date.now();
    const marks = await RoomMarks.load(file, logger);
    marks.record('!a', '@anna', now, '$1');
    marks.record('!a', '@anna', now + 10, '$2');
    marks.record('!a', '@anna', now + 10, '$3');
    marks.record('!a', '@bot', now + 50, '$4');
    await marks.flush();

    const again = await RoomMarks.load(file, logger);
    expect(again.handledBefore('!a', '@anna', now, '$1')).toBe(true);
    expect(again.handledBefore('!a', '@anna', now + 10, '$3')).toBe(true);
    expect(again.handledBefore('!a', '@anna', now + 10, '$new-same-ms')).toBe(false);
    expect(again.handledBefore('!a', '@anna', now + 11, '$5')).toBe(false);
    // Another sender's clock does not count: the bot's later reply hides nothing of Anna's.
    expect(again.handledBefore('!a', '@anna', now + 20, '$6')).toBe(false);
    expect(again.handledBefore('!b', '@anna', now, '$1')).toBe(false);
  });

  it('forgets rooms left and marks grown old', async () => {
    const file = join(dir, 'rooms.json');
    const marks = await RoomMarks.load(file, logger);
    marks.record('!left', '@anna', Date.now(), '$1');
    marks.record('!old', '@anna', Date.now() - 400 * 86_400_000, '$2');
    marks.forget('!left');
    await marks.flush();
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ v: 2, rooms: {} });
  });

  it('starts empty from a damaged file', async () => {
    const file = join(dir, 'rooms.json');
    await writeFile(file, '{"v":2,"rooms":');
    const marks = await RoomMarks.load(file, logger);
    expect(marks.handledBefore('!a', '@anna', 1, '$1')).toBe(false);
  });
});
