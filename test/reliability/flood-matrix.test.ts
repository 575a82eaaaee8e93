/**
 * A flood on Matrix: one person sends a few hundred messages into an encrypted direct chat as fast
 * as their client can encrypt and post them – some of them undecryptable (encrypted with a room key
 * that was never shared) – through the real Synapse, the real Matrix channel and the real engine on
 * Redis, while another person walks the first steps of the intake.
 *
 * The flooder's room may hold only so many events waiting (the rest are dropped with one log line);
 * the channel's own notices (here: "could not decrypt") count against the rate limit before they
 * go out; so the flooder gets a bounded number of answers and one slow-down message, their keys in
 * Redis stay few, and nothing of what they wrote reaches the log. The other person sees exactly
 * what a person who walked the same steps before the flood saw, in the same order.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MAX_ROOM_BACKLOG } from '../../src/adapters/matrix/room-events.ts';
import { MatrixUser, typed, type BotMessage } from '../adapters/matrix/harness/matrix-user.ts';
import { registerUser, useSynapse } from '../adapters/matrix/harness/synapse.ts';
import { TestBot } from '../adapters/matrix/harness/test-bot.ts';
import { reportFigures } from '../support/figures.ts';
import { GERMAN_INTAKE } from '../support/intake-script.ts';
import { keysUnder, useTestRedis } from '../support/redis.ts';

const TEXTS = 300;
/** Of every UNDECRYPTABLE_EVERY messages, one is undecryptable. */
const UNDECRYPTABLE_EVERY = 6;
/** Posts the flooder keeps in flight at Synapse: as fast as it takes them. */
const IN_FLIGHT = 8;
const RATE_LIMIT = 30;
/** How long the bot waits for a missing room key (20 s in production). */
const KEY_WAIT_MS = 2_000;
/** What the other people walk: /start to the choice of what happened (no files). */
const STEPS = GERMAN_INTAKE.slice(0, 8) as readonly (
  { text: string } | { choice: string } | { choices: string[] } | { command: string }
)[];
/** The flooder's keys may hold a seen mark per admitted message and a few of the conversation's. */
const FLOODER_KEYS_MAX = RATE_LIMIT + 10;

const redis = useTestRedis('flood_mx');
const { defer } = useSynapse();

async function person(label: string): Promise<MatrixUser> {
  const user = await MatrixUser.create(label);
  defer(() => user.stop());
  return user;
}

/** Walks the steps in the room; each answer's latency goes to `latencies`. */
async function walkSteps(
  user: MatrixUser,
  room: string,
  question: BotMessage | undefined,
  latencies: number[],
): Promise<void> {
  let asked = question;
  for (const line of STEPS) {
    const started = performance.now();
    const replies = await user.say(room, typed(line, asked), 60_000);
    latencies.push(performance.now() - started);
    asked = replies.at(-1);
  }
}

/** What a person has seen in their room, in order. */
const transcript = (user: MatrixUser, room: string): string[] =>
  user.received.filter((m) => m.roomId === room).map((m) => m.body);

const ms = (value: number) => `${Math.round(value).toLocaleString('en')} ms`;
const max = (values: readonly number[]) => Math.max(...values);

describe('a flood from one person (Matrix)', () => {
  it('bounds their backlog, answers them a bounded number of times and everyone else as usual', async () => {
    const logs: string[] = [];
    const bot = await TestBot.create({
      account: await registerUser('lotse-flood', { login: false }),
      redis: redis.client,
      prefix: redis.prefix,
      rateLimit: RATE_LIMIT,
      undecryptableWaitMs: KEY_WAIT_MS,
      logLevel: 'info',
      logTo: { write: (line) => logs.push(line) },
    });
    defer(() => bot.dispose());
    await bot.start();
    const [flooder, calm, other] = await Promise.all([
      person('flooder'),
      person('calm'),
      person('other'),
    ]);
    const [floodRoom, calmRoom, otherRoom] = await Promise.all([
      flooder.openDirectChat(bot.userId),
      calm.openDirectChat(bot.userId),
      other.openDirectChat(bot.userId),
    ]);
    const [floodHello, calmHello, otherHello] = await Promise.all([
      flooder.nextBatch(floodRoom),
      calm.nextBatch(calmRoom),
      other.nextBatch(otherRoom),
    ]);

    // Unloaded: one person walks the steps before the flood.
    const unloaded: number[] = [];
    await walkSteps(calm, calmRoom, calmHello.at(-1), unloaded);

    const mark = `FLUT-${randomBytes(4).toString('hex')}`;
    const inbox = `${redis.prefix}:conv:{matrix:${flooder.userId}}:inbox`;
    const keysBefore = (await keysUnder(redis.client, redis.prefix)).length;
    const total = TEXTS + Math.floor(TEXTS / (UNDECRYPTABLE_EVERY - 1));
    let posted = 0;
    let undecryptable = 0;
    const post = async () => {
      for (let n = posted++; n < total; n = posted++) {
        if (n % UNDECRYPTABLE_EVERY === UNDECRYPTABLE_EVERY - 1) {
          undecryptable++;
          await flooder.sendUndecryptable(floodRoom);
        } else {
          const content = { msgtype: 'm.text', body: `${mark} ${String(n)}` };
          const sealed = await flooder.encryptOnly(floodRoom, content);
          await flooder.sendRaw(floodRoom, 'm.room.encrypted', sealed);
        }
      }
    };
    const state = { flooding: true };
    let longestInbox = 0;
    const sampling = (async () => {
      while (state.flooding) {
        longestInbox = Math.max(longestInbox, await redis.client.llen(inbox));
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const started = performance.now();
    const during: number[] = [];
    const [postedMs] = await Promise.all([
      (async () => {
        await Promise.all(Array.from({ length: IN_FLIGHT }, post));
        return performance.now() - started;
      })(),
      walkSteps(other, otherRoom, otherHello.at(-1), during),
    ]);

    // Done once nothing more happens for a while (longer than the wait for a missing key).
    const activity = () =>
      bot.handled.length + bot.admissions.length + flooder.received.length + logs.length;
    let last = -1;
    let quietSince = performance.now();
    while (performance.now() - quietSince < KEY_WAIT_MS + 3_000) {
      const now = activity();
      if (now !== last) {
        last = now;
        quietSince = performance.now();
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    const handledMs = quietSince - started;
    state.flooding = false;
    await sampling;

    const t = (key: string) => bot.i18n.t('de', { key });
    const hello = new Set(floodHello.map((m) => m.eventId));
    const answers = flooder.received.filter((m) => m.roomId === floodRoom && !hello.has(m.eventId));
    const slowDowns = answers.filter((m) => m.body === t('common:rateLimited')).length;
    const notices = answers.filter((m) => m.body === t('matrix:undecryptable')).length;
    const batches = new Set(answers.map((m) => m.batch?.of ?? m.eventId)).size;
    const isFlooder = (userId: string) => userId === flooder.userId;
    const handed = bot.handled.filter((e) => isFlooder(e.userId) && e.input.kind !== 'hello');
    const asked = bot.admissions.filter((a) => isFlooder(a.sender.userId));
    const dropped = total - handed.length - asked.length;
    const lines = logs.map((line) => JSON.parse(line) as { level: number; msg: string });
    const dropLines = lines.filter((l) => l.msg.startsWith('a room sends faster')).length;
    const leaked = logs.filter((line) => line.includes(mark)).length;
    const keys = await keysUnder(redis.client, redis.prefix);
    const theirs = keys.filter((k) => k.includes(flooder.userId));

    reportFigures('flood-matrix', [
      `${String(total)} messages (${String(undecryptable)} undecryptable) from one person into an encrypted direct chat (Synapse, rate limit ${String(RATE_LIMIT)}/min, room backlog ${String(MAX_ROOM_BACKLOG)}): posted in ${ms(postedMs)}, all handled after ${ms(handledMs)}; ${String(handed.length)} handed to the engine, ${String(asked.length)} counted for a notice (${String(asked.filter((a) => a.admitted).length)} admitted), ${String(dropped)} dropped (${String(dropLines)} log line)`,
      `to them: ${String(answers.length)} bot messages answering ${String(batches)} inputs, ${String(slowDowns)} slow-down message, ${String(notices)} "could not decrypt" notices; log lines ${String(logs.length)} (at info and above), ${String(leaked)} with their text`,
      `Redis: keys under the prefix ${String(keysBefore)} before, ${String(keys.length)} after (3 people); the flooder's ${String(theirs.length)}; longest inbox ${String(longestInbox)}`,
      `others: ${String(during.length)} answers during the flood, slowest ${ms(max(during))} (before the flood: ${ms(max(unloaded))}), the same transcript as before the flood: ${String(transcript(other, otherRoom).join('\n') === transcript(calm, calmRoom).join('\n'))}`,
    ]);

    expect(bot.channel?.connected()).toBe(true);
    expect(slowDowns).toBe(1);
    expect(batches).toBeLessThanOrEqual(RATE_LIMIT + 1);
    expect(answers.length).toBeLessThanOrEqual(3 * RATE_LIMIT + 1);
    expect(notices).toBeLessThanOrEqual(RATE_LIMIT);
    expect(notices).toBeGreaterThan(0);
    expect(dropped).toBeGreaterThan(0);
    expect(dropLines).toBeGreaterThanOrEqual(1);
    expect(dropLines).toBeLessThanOrEqual(3);
    expect(leaked).toBe(0);
    expect(longestInbox).toBeLessThanOrEqual(RATE_LIMIT);
    expect(theirs.length).toBeLessThanOrEqual(FLOODER_KEYS_MAX);
    expect(transcript(other, otherRoom)).toEqual(transcript(calm, calmRoom));
    expect(during).toHaveLength(STEPS.length);
  }, 120_000);
});
