/**
 * Erased data leaves the disk: a Redis of its own (append-only file on, in a temp folder) holds a
 * staff reply waiting for delivery; staff erase the case; the reply is still in the append-only
 * file until the worker's scheduled rewrite runs, and gone from every file on the disk after it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.ts';
import { createLogger } from '../../src/bot/logger.ts';
import { loadConfig } from '../../src/config/load.ts';
import { generateStaffKeyPair } from '../../src/staff/seal.ts';
import { startOwnRedis } from '../support/own-redis.ts';
import { connect, uniquePrefix } from '../support/redis.ts';
import { eventually, until } from '../support/wait.ts';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/** Starts a redis-server of this test's own, with every write in its append-only file at once. */
async function ownRedis(): Promise<{ client: Redis; dir: string }> {
  const own = await startOwnRedis({ args: ['--appendonly', 'yes', '--appendfsync', 'always'] });
  cleanup.push(() => own.stop());
  const client = connect(own.url);
  cleanup.push(() => {
    client.disconnect();
  });
  return { client, dir: own.dir };
}

/** Everything Redis keeps on the disk, as text. */
function onDisk(dir: string): string {
  const files: string[] = [];
  const walk = (path: string) => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(path, entry.name));
      else files.push(readFileSync(join(path, entry.name), 'latin1'));
    }
  };
  walk(dir);
  return files.join('\n');
}

/** How many append-only file rewrites this Redis has done. */
async function rewrites(client: Redis): Promise<number> {
  return Number(/aof_rewrites:(\d+)/.exec(await client.info('persistence'))?.[1]);
}

async function rewriteIdle(client: Redis): Promise<boolean> {
  const info = await client.info('persistence');
  return /aof_rewrite_in_progress:0/.test(info) && /aof_rewrite_scheduled:0/.test(info);
}

describe('the append-only file after an erase', () => {
  it('holds an erased staff reply only until the worker’s scheduled rewrite', async () => {
    const { client, dir } = await ownRedis();
    const prefix = uniquePrefix('aof');
    const config = loadConfig(
      { REDIS_KEY_PREFIX: prefix, STAFF_USERS: 'anna', REDIS_AOF_REWRITE_HOURS: '6' },
      null,
    );
    const app: App = createApp(config, client, createLogger('silent'), {
      keys: generateStaffKeyPair(),
      role: 'worker',
    });
    cleanup.push(() => app.stop());
    await app.startWorkers();
    // The worker scheduled the rewrite at the configured interval.
    const scheduler = await app.reminders.queue.getJobScheduler('aof-rewrite');
    expect(scheduler?.every).toBe(6 * 3_600_000);
    // Its first run comes at once.
    await until(async () => (await rewrites(client)) === 1 && (await rewriteIdle(client)));

    const caseRef = 'AOFA-AOFB-AOFC-D';
    await app.cases.create({
      actor: 'system',
      sealed: 'x',
      record: {
        caseRef,
        urgent: false,
        kinds: ['insult'],
        state: 'HE',
        role: 'council',
        channel: 'letter',
        platform: 'console',
        lang: 'de',
        address: { platform: 'console', userId: 'p1', chatId: 'p1' },
        createdAt: new Date().toISOString(),
        conv: app.cases.convId('console:p1'),
      },
    });
    // A reply waits for the person (no channel runs here), readable until delivered.
    await app.outbound.enqueue({
      v: 1,
      address: { platform: 'console', userId: 'p1', chatId: 'p1' },
      lang: 'de',
      message: { kind: 'staff-reply', caseRef, text: 'AOF-MARKER-REPLY' },
    });
    expect(onDisk(dir)).toContain('AOF-MARKER-REPLY');

    expect((await app.desk.eraseNow({ id: 'anna', name: 'anna' }, caseRef)).ok).toBe(true);
    // Erased in Redis, but the append-only file still holds the write.
    expect(await app.outbound.queue('console').getJobCounts('waiting')).toEqual({ waiting: 0 });
    expect(onDisk(dir)).toContain('AOF-MARKER-REPLY');

    // The scheduled job comes due (here at once) and the worker has Redis rewrite the file.
    await app.reminders.queue.add('aof-rewrite', { kind: 'aof-rewrite' });
    await until(async () => (await rewrites(client)) === 2 && (await rewriteIdle(client)));
    const disk = await eventually(
      () => onDisk(dir),
      (text) => !text.includes('AOF-MARKER-REPLY'),
    );
    expect(disk).not.toContain('AOF-MARKER-REPLY');
    expect(disk).not.toContain(caseRef);
  });
});
