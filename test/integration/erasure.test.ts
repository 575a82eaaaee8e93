/**
 * "Delete my data" end to end: the real console bot (JSON lines, `--role bot`, public key only)
 * takes a report while no worker runs; the person deletes their data; a worker started afterwards
 * must not make a case of it, and nothing of the report is left under the prefix.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { createLogger } from '../../src/bot/logger.ts';
import { loadConfig } from '../../src/config/load.ts';
import { generateStaffKeyPair } from '../../src/staff/seal.ts';
import { GERMAN_INTAKE, MARKER, walk } from '../support/intake-script.ts';
import { questionOf, useJsonl, type MessageLine } from '../support/jsonl-process.ts';
import { keysUnder, useTestRedis } from '../support/redis.ts';
import { until } from '../support/wait.ts';

const redis = useTestRedis('erase_e2e');
const start = useJsonl();

describe('delete my data, end to end through the console channel', () => {
  it('withdraws a report still in the queue, so no worker makes a case of it later', async () => {
    const keys = generateStaffKeyPair();
    const bot = start({
      prefix: redis.prefix,
      user: 'mayor',
      args: ['--role', 'bot'],
      env: {
        STAFF_PUBLIC_KEY: keys.publicKey,
        DATA_DIR: mkdtempSync(join(tmpdir(), 'lotse-erase-')),
      },
    });
    await walk(bot, GERMAN_INTAKE);
    const sent = await bot.send({ choice: 'send' });
    const caseRef =
      sent.find((l): l is MessageLine => l.type === 'message' && l.case !== undefined)?.case ?? '';
    expect(caseRef).not.toBe('');
    const queued = () => keysUnder(redis.client, `${redis.prefix}:bull:reports:${caseRef}`);
    expect(await queued()).not.toEqual([]);

    expect(questionOf(await bot.send({ command: 'delete' })).expects.kind).toBe('confirm');
    await bot.send({ choice: 'yes' });

    // The job is gone; a worker that starts now finds nothing to make a case of.
    expect(await queued()).toEqual([]);
    const config = loadConfig({ REDIS_KEY_PREFIX: redis.prefix, STAFF_USERS: 'anna' }, null);
    const worker = createApp(config, redis.client, createLogger('silent'), {
      keys,
      role: 'worker',
    });
    try {
      await worker.startWorkers();
      // Once the worker listens, a waiting report would be taken within milliseconds.
      await until(async () => (await worker.reports.queue.getWorkersCount()) > 0);
      await new Promise((r) => setTimeout(r, 500));
      expect(await worker.cases.list()).toEqual([]);
    } finally {
      await worker.stop();
    }
    // Nothing of the report, its files or its conversation is left (the anonymous counters are
    // made only for cases, so there are none).
    const left = await keysUnder(redis.client, redis.prefix);
    // Only the rate counter names the account, until its window ends (a minute by default).
    expect(left.filter((k) => k.includes(caseRef) || k.includes('mayor'))).toEqual([
      `${redis.prefix}:conv:{console:mayor}:rate`,
    ]);
    for (const key of left) {
      const type = await redis.client.type(key);
      if (type === 'string')
        expect((await redis.client.getBuffer(key))?.toString('latin1')).not.toContain(MARKER);
    }
    expect(await bot.close()).toBe(0);
  });
});
