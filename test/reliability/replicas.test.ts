/**
 * Duplicate and out-of-order deliveries across two replicas of the bot on one Redis (the real
 * engine, flows, effects and queues of `createApp`): every event of a whole intake delivered to
 * both replicas at once and retried later, and then messages to the case sent in racing pairs, one
 * to each replica, each pair also delivered twice. One answer per event, in the order the events
 * were queued, one report, every case message stored once in that order.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { fileInput } from '../../src/adapters/console/file-input.ts';
import type { ChannelAdapter } from '../../src/adapters/channel.ts';
import { createApp, type App } from '../../src/app.ts';
import { createLogger } from '../../src/bot/logger.ts';
import { StateSeal } from '../../src/bot/state-seal.ts';
import type { InboundEvent, InboundInput, OutboundMessage } from '../../src/bot/types.ts';
import { loadConfig } from '../../src/config/load.ts';
import { generateStaffKeyPair, openJson } from '../../src/staff/seal.ts';
import { messageContext } from '../../src/staff/desk.ts';
import { reportFigures } from '../support/figures.ts';
import { GERMAN_INTAKE } from '../support/intake-script.ts';
import { useTestRedis } from '../support/redis.ts';

interface Delivery {
  readonly replica: string;
  readonly eventId: string;
  readonly messages: readonly OutboundMessage[];
}

/** The console channel of one replica: records what it sends. */
function recorder(replica: string, log: Delivery[]): ChannelAdapter {
  return {
    platform: 'console',
    start: () => Promise.resolve(),
    stop: () => Promise.resolve(),
    deliver: (event, messages) => {
      log.push({ replica, eventId: event.eventId, messages });
      return Promise.resolve();
    },
  };
}

const USER = 'racer';

/** The input of a script line; a file is admitted and stored through replica `app`. */
async function inputOf(
  app: App,
  line: Record<string, unknown>,
  eventId: string,
): Promise<InboundInput> {
  if (typeof line['text'] === 'string') return { kind: 'text', text: line['text'] };
  if (typeof line['choice'] === 'string') return { kind: 'choice', id: line['choice'] };
  if (Array.isArray(line['choices'])) return { kind: 'choices', ids: line['choices'] as string[] };
  if (typeof line['command'] === 'string')
    return { kind: 'command', command: line['command'] as 'start' };
  const file = line['file'] as { name: string; mime: string; data: string };
  const prepared = await fileInput(
    app.files,
    app.engine,
    { platform: 'console', userId: USER, chatId: USER, eventId },
    { name: file.name, mime: file.mime, bytes: Buffer.from(file.data, 'base64') },
  );
  if (prepared === undefined) throw new Error('the file was refused');
  await prepared.release?.();
  return prepared.input;
}

const eventOf = (input: InboundInput, eventId: string = randomUUID()): InboundEvent => ({
  platform: 'console',
  userId: USER,
  chatId: USER,
  eventId,
  input,
});

describe('two replicas, duplicate and racing deliveries', () => {
  const redis = useTestRedis('replicas');
  const apps: App[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((a) => a.stop()));
  });

  it('answers each event once, in queue order, and makes one report', async () => {
    const keys = generateStaffKeyPair();
    const config = loadConfig(
      { REDIS_KEY_PREFIX: redis.prefix, LOG_LEVEL: 'silent', RATE_LIMIT_MESSAGES: '1000' },
      null,
    );
    const log: Delivery[] = [];
    // Replicas of one installation share the staff keys and the session key.
    const sessionKey = StateSeal.generateKey();
    const replica = async (name: string) => {
      const app = createApp(config, redis.connection(), createLogger('silent'), {
        keys,
        sessionKey,
      });
      apps.push(app);
      await app.addChannel(recorder(name, log));
      return app;
    };
    const a = await replica('A');
    const b = await replica('B');
    await a.startWorkers();

    // The intake: every event to both replicas at the same moment, then once more (a retry).
    const intake: InboundEvent[] = [];
    for (const line of [...GERMAN_INTAKE, { choice: 'send' }]) {
      const eventId = randomUUID();
      const event = eventOf(await inputOf(a, line as Record<string, unknown>, eventId), eventId);
      intake.push(event);
      await Promise.all([a.engine.handle(event), b.engine.handle(event)]);
    }
    for (const event of intake) await b.engine.handle(event);
    const caseRef = log.flatMap((d) => d.messages).find((m) => m.caseRef)?.caseRef ?? '';
    expect(caseRef).not.toBe('');

    // The case chat: pairs racing across the replicas, each also delivered twice.
    const chat: InboundEvent[] = [];
    for (let pair = 0; pair < 5; pair++) {
      const first = eventOf({ kind: 'text', text: `Nachricht ${2 * pair}` });
      const second = eventOf({ kind: 'text', text: `Nachricht ${2 * pair + 1}` });
      chat.push(first, second);
      await Promise.all([
        a.engine.handle(first),
        b.engine.handle(second),
        b.engine.handle(first),
        a.engine.handle(second),
      ]);
    }

    const all = [...intake, ...chat];
    const answers = (id: string) => log.filter((d) => d.eventId === id).length;
    const once = all.filter((e) => answers(e.eventId) === 1).length;
    const twice = all.filter((e) => answers(e.eventId) > 1).length;
    const never = all.filter((e) => answers(e.eventId) === 0).length;
    // The order the case stored the messages in is the order they were queued in.
    const stored = (await a.cases.messages(caseRef)).map(
      (box) => (openJson(box, keys.privateKey, messageContext(caseRef)) as { text: string }).text,
    );
    const answeredOrder = log
      .filter((d) => chat.some((e) => e.eventId === d.eventId))
      .map((d) => {
        const event = chat.find((e) => e.eventId === d.eventId);
        return event?.input.kind === 'text' ? event.input.text : '';
      });
    // The worker makes the case (it may still be at it).
    let cases = await a.cases.list();
    for (let i = 0; i < 100 && cases.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      cases = await a.cases.list();
    }
    reportFigures('replicas', [
      `${all.length} events × 2 replicas at once (+${intake.length} retried): ${once} answered once, ${twice} more than once, ${never} never`,
      `${chat.length} case messages in racing pairs: ${stored.length} stored, answers ${sameList(answeredOrder, stored) ? 'in' : 'NOT in'} the stored order; reports: ${cases.length}`,
    ]);
    expect({ once, twice, never }).toEqual({ once: all.length, twice: 0, never: 0 });
    expect([...stored].sort()).toEqual(
      chat.map((e) => (e.input.kind === 'text' ? e.input.text : '')).sort(),
    );
    expect(answeredOrder).toEqual(stored);
    expect(cases.map((c) => c.caseRef)).toEqual([caseRef]);
  }, 60_000);
});

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
