/**
 * The real program (`node src/main.ts`) with the Matrix channel, killed with SIGKILL in the middle
 * of an encrypted conversation: started again on the same DATA_DIR it is the same device, reads the
 * message written while it was dead, and answers it once.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StateSeal } from '../../../src/bot/state-seal.ts';
import { generateStaffKeyPair } from '../../../src/staff/seal.ts';
import { GERMAN_INTAKE } from '../../support/intake-script.ts';
import { matrixEnv, stopGently } from '../../support/crash-runs.ts';
import { useJsonl, type JsonlProcess } from '../../support/jsonl-process.ts';
import { useTestRedis } from '../../support/redis.ts';
import { MatrixUser, typed, walk } from './harness/matrix-user.ts';
import { devicesOf, registerUser, SYNAPSE_URL, useSynapse } from './harness/synapse.ts';

const redis = useTestRedis('matrix_crash');
const start = useJsonl();
const { defer } = useSynapse();

/** Resolves once the process has logged that the Matrix channel is connected (the n-th time). */
async function connected(bot: JsonlProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!bot.stderr.includes('Matrix channel connected')) {
    if (Date.now() > deadline)
      throw new Error(`the Matrix channel did not connect; stderr:\n${bot.stderr.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('Matrix channel in the real program', () => {
  it('survives kill -9 mid-conversation: same device, the missed message answered once', async () => {
    const account = await registerUser('lotse-bot', { login: false });
    const dataDir = await mkdtemp(join(tmpdir(), 'lotse-matrix-crash-'));
    defer(() => rm(dataDir, { recursive: true, force: true }));
    const keys = generateStaffKeyPair();
    // Both runs share the session key, as a restarted installation does.
    const SESSION_KEY = StateSeal.generateKey();
    const run = () =>
      start({
        prefix: redis.prefix,
        logLevel: 'info',
        env: matrixEnv({
          homeserver: SYNAPSE_URL,
          account,
          dataDir,
          sessionKey: SESSION_KEY,
          staffPrivateKey: keys.privateKey,
        }),
      });

    const first = run();
    await connected(first);
    const anna = await MatrixUser.create('anna');
    defer(() => anna.stop());
    const room = await anna.openDirectChat(account.userId);
    const hello = await anna.nextBatch(room);
    const platform = await walk(anna, room, GERMAN_INTAKE.slice(0, 7), hello.at(-1));
    expect(platform?.body).toContain('Plattform');
    await first.kill('SIGKILL');

    const whileDead = await anna.send(room, typed({ choice: 'instagram' }, platform));
    const second = run();
    await connected(second);
    const link = (await anna.replies(whileDead)).at(-1);
    expect(link?.body).toContain('Link');
    const when = await walk(anna, room, GERMAN_INTAKE.slice(8, 9), link);
    expect(when?.body).toContain('Wann');

    const session = JSON.parse(await readFile(join(dataDir, 'matrix', 'session.json'), 'utf8')) as {
      deviceId: string;
      accessToken: string;
    };
    expect(await devicesOf(session.accessToken)).toEqual([session.deviceId]);
    const parts = anna.received.map((m) => `${m.batch?.of ?? m.eventId}/${String(m.batch?.index)}`);
    expect(new Set(parts).size).toBe(parts.length);
    expect(second.stderr).not.toContain('"level":50');
    expect(await stopGently(second)).toEqual({ code: 0, signal: null });
  }, 120_000);
});
