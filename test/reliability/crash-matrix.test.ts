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
import { pathToFileURL } from 'node:url';
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
import { ROOT, useJsonl, type JsonlProcess } from '../support/jsonl-process.ts';
import { useTestRedis } from '../support/redis.ts';

/** The first steps of the intake: /start, "report", no danger, consent. */
const STEPS = GERMAN_INTAKE.slice(0, 4) as readonly (
  { text: string } | { choice: string } | { command: string }
)[];
const CRASH_AT = pathToFileURL(join(ROOT, 'test/support/crash-at.ts')).href;

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
    const account = await registerUser('lotse-crash-bot', { login: false });
    const dataDir = await mkdtemp(join(tmpdir(), 'lotse-crash-mx-'));
    defer(() => rm(dataDir, { recursive: true, force: true }));
    const keys = generateStaffKeyPair();
    const SESSION_KEY = StateSeal.generateKey();
    const run = (crashAt?: string): JsonlProcess =>
      start({
        prefix: redis.prefix,
        logLevel: 'info',
        env: {
          DATA_DIR: dataDir,
          SESSION_KEY,
          STAFF_PRIVATE_KEY: keys.privateKey,
          MATRIX_HOMESERVER_URL: SYNAPSE_URL,
          MATRIX_USER_ID: account.userId,
          MATRIX_PASSWORD: account.password,
          NODE_COMPILE_CACHE: join(tmpdir(), 'lotse-test-compile-cache'),
          ...(crashAt === undefined
            ? {}
            : { NODE_OPTIONS: `--import ${CRASH_AT}`, LOTSE_CRASH_AT: crashAt }),
        },
      });
    const stop = async (bot: JsonlProcess) => {
      bot.child.stdin.end();
      return bot.kill('SIGTERM');
    };

    // Three people open a direct chat while the bot runs: one for the reference, one per point.
    let bot = run();
    const people = await Promise.all(
      ['ref', 'received', 'saved'].map(async (label) => {
        const user = await MatrixUser.create(`crash-${label}`);
        defer(() => user.stop());
        const room = await user.openDirectChat(account.userId);
        const hello = await user.nextBatch(room);
        return { label, user, room, asked: hello.at(-1) };
      }),
    );
    const [ref, ...crashing] = people as [(typeof people)[number], ...(typeof people)[number][]];

    // The reference: the steps without a crash.
    for (const step of STEPS)
      ref.asked = (await ref.user.say(ref.room, typed(step, ref.asked))).at(-1);
    expect(await stop(bot)).toMatchObject({ signal: null });
    const expected = transcript(ref.user, ref.room);

    // Each point: one process per step, killed at its input; the next one answers it.
    let processes = 0;
    for (const person of crashing) {
      bot = run(person.label);
      processes++;
      for (const [index, step] of STEPS.entries()) {
        const sent = await person.user.send(person.room, typed(step, person.asked));
        expect(await bot.exited, `${person.label}: ${bot.stderr.slice(-800)}`).toMatchObject({
          signal: 'SIGKILL',
        });
        // The killed process's lock would expire after 10 s; the test lets it expire at once.
        await redis.client.del(`${redis.prefix}:conv:{matrix:${person.user.userId}}:lock`);
        // The next step's process (the last one without a crash) sends the answer.
        bot = run(index === STEPS.length - 1 ? undefined : person.label);
        processes++;
        const answering = bot;
        person.asked = (
          await person.user.replies(sent, 60_000).catch((error: unknown) => {
            throw new Error(`${String(error)}\nthe answering process:\n${answering.stderr}`);
          })
        ).at(-1);
      }
      expect(await stop(bot)).toMatchObject({ signal: null });
    }

    const session = JSON.parse(await readFile(join(dataDir, 'matrix', 'session.json'), 'utf8')) as {
      accessToken: string;
      deviceId: string;
    };
    const devices = await devicesOf(session.accessToken);
    const figures = crashing.map((person) => {
      const seen = transcript(person.user, person.room);
      const same = seen.length === expected.length && seen.every((t, i) => t === expected[i]);
      return `kill -9 ${person.label} at ${STEPS.length} steps: ${seen.length}/${expected.length} messages seen, ${repeats(person.user, person.room)} repeated, order ${same ? 'kept' : 'BROKEN'}`;
    });
    figures.push(`${processes} processes, ${devices.length} device of the bot`);
    reportFigures('crash, matrix', figures);
    for (const person of crashing) {
      expect(transcript(person.user, person.room), person.label).toEqual(expected);
      expect(repeats(person.user, person.room), person.label).toBe(0);
    }
    expect(devices).toEqual([session.deviceId]);
  }, 240_000);
});
