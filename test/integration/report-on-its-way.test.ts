/**
 * A report the worker has not yet turned into a case (the worker lags, is down or restarting) has
 * still arrived: the person's status question says so, and a message to the case is kept with it.
 * Found by the crash suite (test/reliability/crash-console.test.ts).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateStaffKeyPair } from '../../src/staff/seal.ts';
import { GERMAN_INTAKE, walk } from '../support/intake-script.ts';
import { messagesOf, useJsonl, type OutputLine } from '../support/jsonl-process.ts';
import { useTestRedis } from '../support/redis.ts';
import { staffCli } from '../support/staff-cli.ts';

const texts = (lines: readonly OutputLine[]) =>
  messagesOf(lines)
    .map((m) => m.text)
    .join('\n');

describe('a report on its way to the worker', () => {
  const redis = useTestRedis('onway');
  const start = useJsonl();

  it('reads as arrived, and a message to it is kept for the case', async () => {
    const keys = generateStaffKeyPair();
    const dataDir = mkdtempSync(join(tmpdir(), 'lotse-onway-'));
    const bot = start({
      prefix: redis.prefix,
      user: 'early',
      args: ['--role', 'bot'],
      env: { STAFF_PUBLIC_KEY: keys.publicKey, DATA_DIR: dataDir },
    });
    await walk(bot, GERMAN_INTAKE);
    const caseRef = messagesOf(await bot.send({ choice: 'send' })).find((m) => m.case)?.case ?? '';
    expect(caseRef).not.toBe('');

    // No worker runs: the case does not exist yet.
    const status = texts(await bot.send({ text: '/status' }));
    expect(status).toContain('eingegangen');
    expect(status).not.toContain('finde ich nichts');
    const early = texts(await bot.send({ text: 'Es ist noch etwas passiert. EARLY-1' }));
    expect(early).toContain('angekommen');
    expect(early).not.toContain('finde ich nichts');

    // The worker comes: the case holds the early message.
    const env = {
      REDIS_KEY_PREFIX: redis.prefix,
      STAFF_PRIVATE_KEY: keys.privateKey,
      STAFF_USERS: 'anna',
      STAFF_USER: 'anna',
      DATA_DIR: dataDir,
    };
    const worker = start({
      prefix: redis.prefix,
      args: ['--role', 'worker'],
      env: { STAFF_PRIVATE_KEY: keys.privateKey, DATA_DIR: dataDir },
    });
    let shown = await staffCli(['show', caseRef, '--json'], env);
    for (let i = 0; i < 100 && shown.code !== 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      shown = await staffCli(['show', caseRef, '--json'], env);
    }
    const details = JSON.parse(shown.stdout) as { messages: { from: string; text: string }[] };
    expect(details.messages).toMatchObject([
      { from: 'person', text: expect.stringContaining('EARLY-1') },
    ]);
    await worker.kill('SIGTERM');
    expect(await bot.close()).toBe(0);
  });
});
