/**
 * Reports the worker cannot read are kept aside, never dropped: here a worker started with the
 * wrong staff key. Staff see them with `failed`, fix the key, hand one to the worker again (it
 * becomes a case, files included) and delete the other.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateStaffKeyPair } from '../../src/staff/seal.ts';
import { GERMAN_INTAKE, MARKER, walk } from '../support/intake-script.ts';
import { useJsonl, type MessageLine } from '../support/jsonl-process.ts';
import { useTestRedis } from '../support/redis.ts';
import { staffCli } from '../support/staff-cli.ts';
import { eventually } from '../support/wait.ts';

const redis = useTestRedis('kept_aside');
const start = useJsonl();

describe('reports kept aside', () => {
  it('are listed, handed to the worker again after a key fix, or deleted', async () => {
    const right = generateStaffKeyPair();
    const wrong = generateStaffKeyPair();
    const dataDir = mkdtempSync(join(tmpdir(), 'lotse-kept-'));
    const common = { REDIS_KEY_PREFIX: redis.prefix, DATA_DIR: dataDir };
    const cli = (...args: string[]) =>
      staffCli(args, {
        ...common,
        STAFF_PRIVATE_KEY: right.privateKey,
        STAFF_USERS: 'anna',
        STAFF_USER: 'anna',
      });
    const report = async (user: string): Promise<string> => {
      const bot = start({
        prefix: redis.prefix,
        user,
        args: ['--role', 'bot'],
        env: { ...common, STAFF_PUBLIC_KEY: right.publicKey },
      });
      await walk(bot, GERMAN_INTAKE);
      const sent = await bot.send({ choice: 'send' });
      expect(await bot.close()).toBe(0);
      return (
        sent.find((l): l is MessageLine => l.type === 'message' && l.case !== undefined)?.case ?? ''
      );
    };
    const first = await report('first');
    const second = await report('second');

    // A worker with the wrong key cannot read them: both are kept aside with the reason.
    const mistaken = start({
      prefix: redis.prefix,
      args: ['--role', 'worker'],
      env: { ...common, STAFF_PRIVATE_KEY: wrong.privateKey },
    });
    type Row = { id: string; reason: string };
    const failed = async () => JSON.parse((await cli('failed', '--json')).stdout) as Row[];
    const kept = await eventually(failed, (rows) => rows.length === 2);
    expect(kept).toHaveLength(2);
    expect(kept.every((r) => r.reason.includes('wrong STAFF_PRIVATE_KEY'))).toBe(true);
    expect((await cli('failed')).stdout).toContain('wrong STAFF_PRIVATE_KEY');
    expect(JSON.parse((await cli('list', '--json')).stdout)).toEqual([]);
    expect((await mistaken.kill('SIGTERM')).code).toBe(0);

    // The key fixed, one report goes to the worker again and becomes a case with its file.
    const worker = start({
      prefix: redis.prefix,
      args: ['--role', 'worker'],
      env: { ...common, STAFF_PRIVATE_KEY: right.privateKey },
    });
    const [one, other] = kept;
    const retried = await cli('failed', 'retry', one?.id ?? '');
    expect(retried.code).toBe(0);
    expect(retried.stdout).toContain('geht wieder an den Worker');
    const listed = await eventually(
      async () => JSON.parse((await cli('list', '--json')).stdout) as { caseRef: string }[],
      (rows) => rows.length === 1,
    );
    expect([first, second]).toContain(listed[0]?.caseRef);
    const shown = JSON.parse((await cli('show', listed[0]?.caseRef ?? '', '--json')).stdout) as {
      report: { description: string; evidence: { files: unknown[] } };
    };
    expect(shown.report.description).toContain(MARKER);
    expect(shown.report.evidence.files).toHaveLength(1);

    // The other is deleted; neither can be retried or deleted again.
    expect((await cli('failed', 'remove', other?.id ?? '')).code).toBe(0);
    expect(await failed()).toEqual([]);
    expect((await cli('failed', 'retry', one?.id ?? '')).code).toBe(3);
    const gone = await cli('failed', 'remove', other?.id ?? '');
    expect(gone.code).toBe(3);
    expect(gone.stdout).toContain('gibt es nicht');
    expect((await cli('failed', 'resend', 'x')).code).toBe(2);
    expect((await worker.kill('SIGTERM')).code).toBe(0);
  });
});
