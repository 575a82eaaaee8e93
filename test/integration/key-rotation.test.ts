/**
 * Rotating the staff key pair with the real processes: bots get the new public key, the worker and
 * staff the keyring "new,old". Cases sealed before, after and across the rotation stay readable;
 * without the old key the old boxes are not.
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

const redis = useTestRedis('rotation');
const start = useJsonl();

interface Shown {
  report: { description: string };
  notes: { text: string }[];
}

describe('staff key rotation', () => {
  it('keeps old, new and mixed cases readable with the keyring', async () => {
    const old = generateStaffKeyPair();
    const fresh = generateStaffKeyPair();
    const ring = `${fresh.privateKey},${old.privateKey}`;
    const dataDir = mkdtempSync(join(tmpdir(), 'lotse-rotation-'));
    const common = { REDIS_KEY_PREFIX: redis.prefix, DATA_DIR: dataDir };
    const cli = (key: string, ...args: string[]) =>
      staffCli(args, {
        ...common,
        STAFF_PRIVATE_KEY: key,
        STAFF_USERS: 'anna',
        STAFF_USER: 'anna',
      });
    const report = async (user: string, publicKey: string): Promise<string> => {
      const bot = start({
        prefix: redis.prefix,
        user,
        args: ['--role', 'bot'],
        env: { ...common, STAFF_PUBLIC_KEY: publicKey },
      });
      await walk(bot, GERMAN_INTAKE);
      const sent = await bot.send({ choice: 'send' });
      expect(await bot.close()).toBe(0);
      return (
        sent.find((l): l is MessageLine => l.type === 'message' && l.case !== undefined)?.case ?? ''
      );
    };
    const listed = (key: string, count: number) =>
      eventually(
        async () =>
          (JSON.parse((await cli(key, 'list', '--json')).stdout) as { caseRef: string }[]).map(
            (c) => c.caseRef,
          ),
        (refs) => refs.length >= count,
      );
    const show = async (key: string, caseRef: string) => {
      const result = await cli(key, 'show', caseRef, '--json');
      expect(result.code, result.stderr).toBe(0);
      return JSON.parse(result.stdout) as Shown;
    };

    // Before: everything sealed to the old key.
    let worker = start({
      prefix: redis.prefix,
      args: ['--role', 'worker'],
      env: { ...common, STAFF_PRIVATE_KEY: old.privateKey },
    });
    const before = await report('before', old.publicKey);
    expect(await listed(old.privateKey, 1)).toEqual([before]);
    expect((await cli(old.privateKey, 'note', before, 'NOTE-OLD')).code).toBe(0);
    expect((await worker.kill('SIGTERM')).code).toBe(0);

    // The rotation: bots seal to the new key, the worker and staff hold the keyring.
    worker = start({
      prefix: redis.prefix,
      args: ['--role', 'worker'],
      env: { ...common, STAFF_PRIVATE_KEY: ring, STAFF_PUBLIC_KEY: fresh.publicKey },
    });
    const after = await report('after', fresh.publicKey);
    expect((await listed(ring, 2)).sort()).toEqual([before, after].sort());
    // The old case gets a note sealed to the new key: a case of mixed boxes.
    expect((await cli(ring, 'note', before, 'NOTE-NEW')).code).toBe(0);
    const mixed = await show(ring, before);
    expect(mixed.report.description).toContain(MARKER);
    expect(mixed.notes.map((n) => n.text)).toEqual(['NOTE-OLD', 'NOTE-NEW']);
    expect((await show(ring, after)).report.description).toContain(MARKER);
    // The new key alone reads the new case, not the old one.
    expect((await show(fresh.privateKey, after)).report.description).toContain(MARKER);
    const without = await cli(fresh.privateKey, 'show', before);
    expect(without.code).toBe(3);
    expect(without.stdout).toContain('lässt sich mit dem Schlüssel dieses Prozesses nicht öffnen');
    expect(without.stdout).not.toContain(MARKER);
    expect((await worker.kill('SIGTERM')).code).toBe(0);
  });
});
