/**
 * Crash at every step, through Matrix, across the intake's first steps: the real program with the
 * Matrix channel (real Synapse, an encrypted direct chat) is killed with SIGKILL at each input –
 * once right after it was queued, once right after the answer was saved – and started again on
 * the same DATA_DIR, so it is the same device. Each person must see exactly what a person sees
 * without a crash, in the same order; the bot keeps one device.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StateSeal } from '../../src/bot/state-seal.ts';
import { generateStaffKeyPair } from '../../src/staff/seal.ts';
import { MatrixUser, typed } from '../adapters/matrix/harness/matrix-user.ts';
import {
  devicesOf,
  registerUser,
  SYNAPSE_URL,
  useSynapse,
} from '../adapters/matrix/harness/synapse.ts';
import { reportFigures } from '../support/figures.ts';
import { GERMAN_INTAKE } from '../support/intake-script.ts';
import { crashEnv, matrixEnv, releaseLock, stopGently } from '../support/crash-runs.ts';
import { useJsonl, type JsonlProcess } from '../support/jsonl-process.ts';
import { useTestRedis } from '../support/redis.ts';

/** The first steps of the intake: /start, "report", no danger, consent. */
const STEPS = GERMAN_INTAKE.slice(0, 4) as readonly (
  { text: string } | { choice: string } | { command: string }
)[];

const redis = useTestRedis('crash_mx');
const start = useJsonl();
const { defer } = useSynapse();

/** What a person has seen in their room, in order: each message's text. */
const transcript = (user: MatrixUser, room: string): string[] =>
  user.received.filter((m) => m.roomId === room).map((m) => m.body);

/** Each reply part seen more than once (the same batch and index twice). */
function repeats(user: MatrixUser, room: string): number {
  const parts = user.received
    .filter((m) => m.roomId === room)
    .map((m) => `${m.batch?.of ?? m.eventId}/${String(m.batch?.index)}`);
  return parts.length - new Set(parts).size;
}

describe('kill -9 at the first steps of the Matrix channel', () => {
  it('shows every answer once and in order, and keeps one device', async () => {
    const keys = generateStaffKeyPair();
    const SESSION_KEY = StateSeal.generateKey();

    /**
     * One point: a bot of its own (account, DATA_DIR, key prefix), so that both points run at
     * once. The people open an encrypted direct chat while it runs; the reference person (at the
     * first bot) then walks the steps without a crash; then the point's person is answered by one
     * process per step, each killed at the person's input, the next one answering it.
     */
    const series = async (point: 'received' | 'saved', withReference: boolean) => {
      const account = await registerUser(`lotse-crash-${point}`, { login: false });
      const dataDir = await mkdtemp(join(tmpdir(), 'lotse-crash-mx-'));
      defer(() => rm(dataDir, { recursive: true, force: true }));
      const prefix = `${redis.prefix}_${point}`;
      const run = (crashAt?: string): JsonlProcess =>
        start({
          prefix,
          logLevel: 'info',
          env: {
            ...matrixEnv({
              homeserver: SYNAPSE_URL,
              account,
              dataDir,
              sessionKey: SESSION_KEY,
              staffPrivateKey: keys.privateKey,
            }),
            ...crashEnv(crashAt),
          },
        });

      let bot = run();
      const [person, ref] = await Promise.all(
        [point, ...(withReference ? ['ref'] : [])].map(async (label) => {
          const user = await MatrixUser.create(`crash-${label}`);
          defer(() => user.stop());
          const room = await user.openDirectChat(account.userId);
          const hello = await user.nextBatch(room);
          return { label, user, room, asked: hello.at(-1) };
        }),
      );
      if (person === undefined) throw new Error('unreachable');
      if (ref !== undefined)
        for (const step of STEPS)
          ref.asked = (await ref.user.say(ref.room, typed(step, ref.asked))).at(-1);
      expect(await stopGently(bot)).toMatchObject({ signal: null });

      // The first process, each crashed one and the last.
      let processes = 2;
      bot = run(point);
      for (const [index, step] of STEPS.entries()) {
        const sent = await person.user.send(person.room, typed(step, person.asked));
        expect(await bot.exited, `${point}: ${bot.stderr.slice(-800)}`).toMatchObject({
          signal: 'SIGKILL',
        });
        await releaseLock(redis.client, prefix, `matrix:${person.user.userId}`);
        // The next step's process (the last one without a crash) sends the answer.
        bot = run(index === STEPS.length - 1 ? undefined : point);
        processes++;
        const answering = bot;
        person.asked = (
          await person.user.replies(sent, 60_000).catch((error: unknown) => {
            throw new Error(`${String(error)}\nthe answering process:\n${answering.stderr}`);
          })
        ).at(-1);
      }
      expect(await stopGently(bot)).toMatchObject({ signal: null });

      const session = JSON.parse(
        await readFile(join(dataDir, 'matrix', 'session.json'), 'utf8'),
      ) as { accessToken: string; deviceId: string };
      const devices = await devicesOf(session.accessToken);
      return {
        point,
        person,
        ...(ref === undefined ? {} : { expected: transcript(ref.user, ref.room) }),
        processes,
        devices,
        deviceId: session.deviceId,
      };
    };

    // Both to the end, so that a failing one leaves no process starting after the test.
    const settledRuns = await Promise.allSettled([
      series('received', true),
      series('saved', false),
    ]);
    const runs = settledRuns.map((r) => {
      if (r.status === 'rejected') throw r.reason;
      return r.value;
    });
    const expected = runs[0]?.expected ?? [];

    const figures = runs.map(({ point, person, processes, devices }) => {
      const seen = transcript(person.user, person.room);
      const same = seen.length === expected.length && seen.every((t, i) => t === expected[i]);
      return `kill -9 ${point} at ${STEPS.length} steps (${processes} processes): ${seen.length}/${expected.length} messages seen, ${repeats(person.user, person.room)} repeated, order ${same ? 'kept' : 'BROKEN'}; ${devices.length} device of the bot`;
    });
    reportFigures('crash, matrix', figures);
    expect(expected.length).toBeGreaterThan(STEPS.length);
    for (const { point, person, devices, deviceId } of runs) {
      expect(transcript(person.user, person.room), point).toEqual(expected);
      expect(repeats(person.user, person.room), point).toBe(0);
      expect(devices, point).toEqual([deviceId]);
    }
  }, 240_000);
});
