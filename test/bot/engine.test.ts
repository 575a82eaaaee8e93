import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { DeliveryRefused } from '../../src/bot/delivery.ts';
import { Engine, type EffectRunner } from '../../src/bot/engine.ts';
import { Translator } from '../../src/bot/i18n.ts';
import { keyedPseudonym, type Pseudonymizer } from '../../src/bot/logger.ts';
import { loadSession, type Session } from '../../src/bot/session.ts';
import { UNREADABLE, type CommitResult } from '../../src/bot/store.ts';
import type { InboundEvent, InboundInput, Outbound, OutboundMessage } from '../../src/bot/types.ts';
import { defineFlow, type FlowRegistry } from '../../src/flows/define.ts';
import { text, type FileRef, type Language } from '../../src/flows/types.ts';
import type { FileGate } from '../../src/bot/file-gate.ts';
import { reportFigures } from '../support/figures.ts';
import { echo, frame, registryWith, sessionAt } from '../support/flows.ts';
import { MemoryConversationStore, type MemoryStoreOptions } from '../support/memory-store.ts';

const i18n = Translator.create();
const NOW = new Date('2026-03-14T10:00:00.000Z');
const KEY = 'console:anna';
const tr = (lang: Language, key: string) => i18n.t(lang, text(key));

const echoFlow = echo('echo');

/** A step with a bug. */
const boomFlow = defineFlow<Record<string, never>>({
  id: 'boom',
  initialData: () => ({}),
  parseData: () => ({}),
  start: () => 'ask',
  steps: {
    ask: {
      view: () => ({ say: [text('common:nav.menu')], input: { kind: 'text', min: 1, max: 100 } }),
      onAnswer: () => {
        throw new Error('a bug in a flow');
      },
    },
  },
});

const ECHO = JSON.stringify(sessionAt([frame('echo', 'listen')]));
const seenIn = (raw: string | null): string[] => {
  const loaded = loadSession(raw);
  if (loaded.kind !== 'ok') throw new Error(`no session: ${loaded.kind}`);
  return (loaded.session.data['echo'] as { seen: string[] } | undefined)?.seen ?? [];
};
const sessionIn = (raw: string | null): Session => {
  const loaded = loadSession(raw);
  if (loaded.kind !== 'ok') throw new Error(`no session: ${loaded.kind}`);
  return loaded.session;
};

/** What the outbound side saw, with the store's state at the moment of sending. */
interface Sent {
  readonly event: InboundEvent;
  readonly messages: readonly OutboundMessage[];
  readonly storedSession: string | null;
  readonly inbox: readonly string[];
}

/** A store that writes its commits into a shared timeline. */
class TimelineStore extends MemoryConversationStore {
  readonly timeline: string[];

  constructor(options: MemoryStoreOptions, timeline: string[]) {
    super(options);
    this.timeline = timeline;
  }

  override async commit(
    key: string,
    token: string,
    session: string | null,
    outbox?: string,
  ): Promise<CommitResult> {
    const result = await super.commit(key, token, session, outbox);
    this.timeline.push(`commit:${result.kind}`);
    return result;
  }

  override async settle(key: string, token: string): ReturnType<MemoryConversationStore['settle']> {
    const result = await super.settle(key, token);
    this.timeline.push(`settle:${result.kind}`);
    return result;
  }
}

interface Setup {
  readonly flows?: FlowRegistry;
  readonly store?: MemoryStoreOptions;
  readonly effects?: EffectRunner;
  readonly busyWaitMs?: number;
  readonly pseudonym?: Pseudonymizer;
  readonly deliver?: (event: InboundEvent, messages: readonly OutboundMessage[]) => void;
  readonly files?: { readonly budgetBytes: number; readonly gate?: FileGate };
  readonly clock?: () => Date;
  readonly undelivered?: { readonly attempts: number; readonly maxAgeMs: number };
}

function setup(options: Setup = {}) {
  const timeline: string[] = [];
  const store = new TimelineStore(options.store ?? {}, timeline);
  const sent: Sent[] = [];
  const logs: Record<string, unknown>[] = [];
  const logger = pino(
    { level: 'debug' },
    {
      write: (line: string) => {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      },
    },
  );
  const outbound: Outbound = {
    deliver: (event, messages) => {
      timeline.push(`deliver:${event.eventId}`);
      sent.push({ event, messages, storedSession: store.session(KEY), inbox: store.inbox(KEY) });
      options.deliver?.(event, messages);
      return Promise.resolve();
    },
  };
  const engineFor = (s: MemoryConversationStore) =>
    new Engine({
      store: s,
      flows: options.flows ?? registryWith(echoFlow, boomFlow),
      i18n,
      outbound,
      logger,
      defaultLanguage: 'de',
      clock: options.clock ?? (() => NOW),
      newCaseRef: () => 'TEST-CASE-REF-0',
      ...(options.undelivered ? { undelivered: options.undelivered } : {}),
      ...(options.effects ? { effects: options.effects } : {}),
      busyWaitMs: options.busyWaitMs ?? 2_000,
      ...(options.pseudonym ? { pseudonym: options.pseudonym } : {}),
      ...(options.files ? { files: options.files } : {}),
    });
  return { store, engine: engineFor(store), engineFor, sent, logs, timeline };
}

let seq = 0;
const event = (input: InboundInput, extra: Partial<InboundEvent> = {}): InboundEvent => ({
  platform: 'console',
  userId: 'anna',
  chatId: 'anna',
  eventId: `ev-${++seq}`,
  input,
  ...extra,
});
const say = (value: string, extra: Partial<InboundEvent> = {}) =>
  event({ kind: 'text', text: value }, extra);

/** A name, then files: the shape of the intake's question before evidence and its evidence step. */
const dropFlow = defineFlow<{ name: string; files: FileRef[] }>({
  id: 'drop',
  initialData: () => ({ name: '', files: [] }),
  parseData: (raw) => raw as { name: string; files: FileRef[] },
  start: () => 'name',
  steps: {
    name: {
      view: () => ({ say: [text('common:nav.menu')], input: { kind: 'text', min: 1, max: 100 } }),
      onAnswer: (answer, ctx) =>
        answer.kind === 'text'
          ? { type: 'goto', step: 'files', data: { ...ctx.data, name: answer.text } }
          : { type: 'invalid', hint: text('common:invalid.expectedText') },
    },
    files: {
      view: (ctx) => ({
        say: [text('common:nav.menu')],
        input: {
          kind: 'files',
          maxFiles: 20,
          heldBytes: ctx.data.files.reduce((sum, f) => sum + f.size, 0),
        },
      }),
      onAnswer: (answer, ctx) =>
        answer.kind === 'files'
          ? {
              type: 'goto',
              step: 'files',
              data: { ...ctx.data, files: [...ctx.data.files, ...answer.files] },
            }
          : { type: 'invalid', hint: text('common:invalid.expectedText') },
    },
  },
});
const fileRef = (size: number): FileRef => ({
  name: 'beweis.pdf',
  mime: 'application/pdf',
  size,
  sha256: 'a'.repeat(64),
  receivedAt: NOW.toISOString(),
  ref: `file-${String(++seq)}`,
});

/** Reservations in memory, as RedisFileGate keeps them. */
class MemoryFileGate implements FileGate {
  readonly held = new Map<string, number>();
  roomForFiles() {
    return Promise.resolve(true);
  }
  reserve(key: string, bytes: number, bytesLeft: number) {
    const held = this.held.get(key) ?? 0;
    if (held + bytes > bytesLeft) return Promise.resolve(false);
    this.held.set(key, held + bytes);
    return Promise.resolve(true);
  }
  release(key: string, bytes: number) {
    this.held.set(key, (this.held.get(key) ?? 0) - bytes);
    return Promise.resolve();
  }
}

describe('Engine', () => {
  it('handles a first contact: saves the session, then sends the rendered replies', async () => {
    const { engine, store, sent } = setup();
    await engine.handle(event({ kind: 'hello' }));
    expect(sent).toHaveLength(1);
    const [welcome, menu] = sent[0]!.messages;
    expect(welcome).toEqual({
      text: tr('de', 'common:welcome'),
      expects: { kind: 'none' },
      lang: 'de',
    });
    expect(menu?.text).toBe(tr('de', 'common:menu.prompt'));
    expect(menu?.expects.kind).toBe('choice');
    const saved = sessionIn(store.session(KEY));
    expect(saved.stack).toEqual([frame('menu', 'main')]);
    expect(saved.createdAt).toBe(NOW.toISOString());
    expect(store.inbox(KEY)).toEqual([]);
    expect(store.isLocked(KEY)).toBe(false);
  });

  it('stores the answer before the reply is sent', async () => {
    const { engine, store, sent, timeline } = setup();
    store.setSession(KEY, ECHO);
    const events = [say('eins'), say('zwei'), say('drei')];
    for (const e of events) await engine.handle(e);
    expect(timeline).toEqual(
      events.flatMap((e) => ['commit:saved', `deliver:${e.eventId}`, 'settle:done']),
    );
    // At each sending, the session already held that answer and the event had left the inbox.
    expect(sent.map((s) => seenIn(s.storedSession))).toEqual([
      ['eins'],
      ['eins', 'zwei'],
      ['eins', 'zwei', 'drei'],
    ]);
    expect(sent.every((s) => s.inbox.length === 0)).toBe(true);
    expect(sessionIn(store.session(KEY)).updatedAt).toBe(NOW.toISOString());
  });

  it('changes nothing on a duplicate delivery, one after the other or at once', async () => {
    const { engine, store, sent } = setup();
    store.setSession(KEY, ECHO);
    const once = say('nur einmal');
    await engine.handle(once);
    const after = store.session(KEY);
    await engine.handle(once);
    await engine.handle({ ...once });
    expect(store.session(KEY)).toBe(after);
    const twice = say('gleichzeitig');
    await Promise.all([engine.handle(twice), engine.handle(twice), engine.handle(twice)]);
    expect(sent.map((s) => s.event.eventId)).toEqual([once.eventId, twice.eventId]);
    expect(seenIn(store.session(KEY))).toEqual(['nur einmal', 'gleichzeitig']);
  });

  it('tells a person over the rate limit once per window, in the language of their session', async () => {
    const { engine, store, sent } = setup({ store: { rateLimit: 3, rateWindowMs: 60_000 } });
    store.setSession(KEY, ECHO);
    for (let n = 1; n <= 6; n++) await engine.handle(say(`m${n}`, { languageHint: 'en-US' }));
    expect(seenIn(store.session(KEY))).toEqual(['m1', 'm2', 'm3']);
    expect(sent).toHaveLength(4);
    expect(sent[3]!.messages).toEqual([
      // The session speaks German; the messenger's English hint does not override it.
      { text: tr('de', 'common:rateLimited'), expects: { kind: 'none' }, lang: 'de' },
    ]);
    expect(sent[3]!.event.input).toEqual({ kind: 'text', text: 'm4' });
  });

  it('answers a failing flow with the localised internal error and keeps the session', async () => {
    for (const lang of ['de', 'en'] as const) {
      const { engine, store, sent, logs } = setup();
      const before = JSON.stringify(sessionAt([frame('boom', 'ask')], { lang }));
      store.setSession(KEY, before);
      await engine.handle(say('löst den Fehler aus'));
      expect(sent).toHaveLength(1);
      expect(sent[0]!.messages).toEqual([
        { text: tr(lang, 'common:error.internal'), expects: { kind: 'none' }, lang },
      ]);
      expect(store.session(KEY)).toBe(before);
      // The event is used up (not retried for ever); the conversation goes on.
      expect(store.inbox(KEY)).toEqual([]);
      expect(store.isLocked(KEY)).toBe(false);
      const error = logs.find((l) => l['msg'] === 'handling an event failed');
      expect(error?.['level']).toBe(50);
      expect(JSON.stringify(error)).not.toContain('löst den Fehler aus');
      await engine.handle(event({ kind: 'command', command: 'menu' }));
      expect(sessionIn(store.session(KEY)).stack).toEqual([frame('menu', 'main')]);
    }
  });

  it('runs effects before saving, and keeps everything when an effect fails', async () => {
    const calls: string[] = [];
    const ok = setup({
      effects: {
        run: (e, effect) => {
          calls.push(
            `${effect.kind}:${e.userId}:${ok.store.session(KEY) === null ? 'gone' : 'kept'}`,
          );
          return Promise.resolve(undefined);
        },
      },
    });
    await ok.engine.handle(event({ kind: 'hello' }));
    await ok.engine.handle(event({ kind: 'command', command: 'delete' }));
    await ok.engine.handle(event({ kind: 'choice', id: 'yes' }));
    expect(calls).toEqual(['erase-my-data:anna:kept']);
    expect(ok.store.session(KEY)).toBeNull();
    expect(ok.sent.at(-1)?.messages[0]?.text).toBe(tr('de', 'common:delete.done'));

    const failing = setup({
      effects: { run: () => Promise.reject(new Error('vault down')) },
    });
    await failing.engine.handle(event({ kind: 'hello' }));
    await failing.engine.handle(event({ kind: 'command', command: 'delete' }));
    const before = failing.store.session(KEY);
    await failing.engine.handle(event({ kind: 'choice', id: 'yes' }));
    expect(failing.store.session(KEY)).toBe(before);
    expect(failing.sent.at(-1)?.messages).toEqual([
      { text: tr('de', 'common:error.internal'), expects: { kind: 'none' }, lang: 'de' },
    ]);
  });

  it('handles the events of one conversation in order when they arrive at once', async () => {
    const { engine, store, sent, timeline } = setup({ store: { latencyMs: 1 } });
    store.setSession(KEY, ECHO);
    const events = Array.from({ length: 12 }, (_, i) => say(`n${i}`));
    await Promise.all(events.map((e) => engine.handle(e)));
    // They queued up behind the lock and were passed along; every reply right after its commit.
    expect(timeline).toContain('settle:next');
    const deliveries = timeline.flatMap((t, i) => (t.startsWith('deliver:') ? [i] : []));
    expect(deliveries.every((i) => timeline[i - 1] === 'commit:saved')).toBe(true);
    expect(deliveries.every((i) => timeline[i + 1]?.startsWith('settle:'))).toBe(true);
    const texts = events.map((_, i) => `n${i}`);
    expect(seenIn(store.session(KEY))).toEqual(texts);
    expect(sent.map((s) => s.event.eventId)).toEqual(events.map((e) => e.eventId));
    expect(store.inbox(KEY)).toEqual([]);
    expect(store.isLocked(KEY)).toBe(false);
  });

  it('keeps that order with two engines on one store (two processes), each event once', async () => {
    const { engineFor, store, sent } = setup({ store: { latencyMs: 1 } });
    const engines = [engineFor(store), engineFor(store)];
    store.setSession(KEY, ECHO);
    const events = Array.from({ length: 12 }, (_, i) => say(`n${i}`));
    await Promise.all(events.map((e, i) => engines[i % 2]!.handle(e)));
    expect(seenIn(store.session(KEY))).toEqual(events.map((_, i) => `n${i}`));
    expect(sent.map((s) => s.event.eventId)).toEqual(events.map((e) => e.eventId));
  });

  it('keeps conversations apart', async () => {
    const { engine, store, sent } = setup();
    await Promise.all([
      engine.handle(event({ kind: 'hello' })),
      engine.handle(event({ kind: 'hello' }, { userId: 'ben', chatId: 'ben', languageHint: 'en' })),
    ]);
    expect(sent).toHaveLength(2);
    expect(sessionIn(store.session('console:ben')).lang).toBe('en');
    expect(sessionIn(store.session(KEY)).lang).toBe('de');
  });

  it('sends the replies of a worker that died between saving and sending, once, before anything newer', async () => {
    const { engine, store, sent, timeline } = setup();
    store.setSession(KEY, ECHO);
    // A worker handles "eins" and saves it with its replies, then dies before it sends them.
    let died: readonly OutboundMessage[] = [];
    const dying = new Engine({
      store: {
        begin: (...args) => store.begin(...args),
        charge: (key) => store.charge(key),
        commit: async (key, token, session, outbox) => {
          const result = await store.commit(key, token, session, outbox);
          died = (JSON.parse(outbox ?? '{}') as { messages: OutboundMessage[] }).messages;
          throw new Error(`killed after ${result.kind}`);
        },
        settle: (...args) => store.settle(...args),
        keep: (...args) => store.keep(...args),
        waiting: () => store.waiting(),
      },
      flows: registryWith(echoFlow),
      i18n,
      outbound: { deliver: () => Promise.reject(new Error('never reached')) },
      logger: pino({ level: 'silent' }),
      defaultLanguage: 'de',
    });
    const first = say('eins');
    await expect(dying.handle(first)).rejects.toThrow('killed after saved');
    expect(died.length).toBeGreaterThan(0);
    expect(sent).toEqual([]);
    // A redelivery is a duplicate; the next message waits behind the unsent replies.
    await engine.handle(first);
    expect(sent).toEqual([]);
    store.dropLock(KEY);
    const second = say('zwei');
    await engine.handle(second);
    expect(sent.map((s) => [s.event.eventId, s.messages])).toEqual([
      [first.eventId, died],
      [second.eventId, expect.any(Array)],
    ]);
    expect(timeline.filter((t) => t.startsWith('deliver:'))).toHaveLength(2);
    expect(store.outbox(KEY)).toBeNull();
    // Nothing is sent again by a later sweep.
    expect(await engine.sweep()).toBe(0);
    expect(sent).toHaveLength(2);
    expect(seenIn(store.session(KEY))).toEqual(['eins', 'zwei']);
  });

  it('the sweeper sends unsent replies when nothing else waits', async () => {
    const { engine, store, sent } = setup();
    const begun = await store.begin(KEY, 'x', JSON.stringify(say('drei')));
    if (begun.kind !== 'go') throw new Error(begun.kind);
    const messages: OutboundMessage[] = [{ text: 'Gespeichert.', expects: { kind: 'none' } }];
    const outbox = JSON.stringify({ event: say('drei'), messages });
    expect(await store.commit(KEY, begun.token, ECHO, outbox)).toEqual({ kind: 'saved' });
    store.dropLock(KEY);
    expect(await engine.sweep()).toBe(1);
    expect(sent.map((s) => s.messages)).toEqual([messages]);
    expect(await engine.sweep()).toBe(0);
    expect(store.isLocked(KEY)).toBe(false);
  });

  it('saves and sends nothing for a commit whose lock was lost, and handles the event again', async () => {
    const holder: { store?: MemoryConversationStore } = {};
    let attempts = 0;
    // The first attempt takes so long that the lock runs out.
    const flaky = echo('flaky', () => {
      if (++attempts === 1) holder.store?.dropLock(KEY);
    });
    const s = setup({ flows: registryWith(flaky) });
    holder.store = s.store;
    s.store.setSession(KEY, JSON.stringify(sessionAt([frame('flaky', 'listen')])));
    const e = say('einmal');
    await s.engine.handle(e);
    expect(attempts).toBe(2);
    expect(s.timeline).toEqual([
      'commit:lost',
      'commit:saved',
      `deliver:${e.eventId}`,
      'settle:done',
    ]);
    const saved = sessionIn(s.store.session(KEY));
    expect(saved.data['flaky']).toEqual({ seen: ['einmal'] });
  });

  it('names the conversation in its logs by the keyed pseudonym it was given, never by the id', async () => {
    const pseudonym = keyedPseudonym(Buffer.alloc(32, 1));
    const { engine, logs } = setup({ pseudonym });
    await engine.handle(say('hallo'));
    const handled = logs.find((l) => l['msg'] === 'event handled');
    expect(handled?.['conv']).toBe(pseudonym(KEY));
    expect(JSON.stringify(logs)).not.toContain('anna');
  });

  it('starts again, telling the person, when the stored session cannot be opened', async () => {
    // As the Redis store hands it over for a session sealed with a dropped key, or a plain one.
    const { engine, store, sent } = setup();
    store.setSession(KEY, UNREADABLE);
    await engine.handle(say('hallo'));
    expect(sent[0]?.messages[0]?.text).toBe(tr('de', 'common:session.restarted'));
    expect(sessionIn(store.session(KEY)).stack).toEqual([frame('menu', 'main')]);
  });

  it('drops a damaged event from the inbox without a reply and goes on', async () => {
    const { engine, store, sent, logs } = setup();
    store.setSession(KEY, ECHO);
    await store.begin(KEY, 'bad-1', '{not json');
    await store.begin(KEY, 'bad-2', JSON.stringify({ platform: 'fax', input: {} }));
    const good = say('danach');
    await store.begin(KEY, `console:${good.eventId}`, JSON.stringify(good));
    store.dropLock(KEY);
    await engine.drain(KEY);
    expect(sent.map((s) => s.event.eventId)).toEqual([good.eventId]);
    expect(seenIn(store.session(KEY))).toEqual(['danach']);
    expect(logs.filter((l) => l['msg'] === 'damaged event in inbox dropped')).toHaveLength(2);
  });

  it('leaves an event to the sweeper while another worker holds the lock, and sweeps it later', async () => {
    const { engine, store, sent, logs } = setup({ busyWaitMs: 150 });
    store.setSession(KEY, ECHO);
    const held = await store.begin(KEY, 'other-worker', JSON.stringify(say('vom anderen')));
    expect(held.kind).toBe('go');
    const waiting = say('wartet');
    await engine.handle(waiting);
    expect(sent).toEqual([]);
    expect(logs.some((l) => l['msg'] === 'conversation still locked; left for the sweeper')).toBe(
      true,
    );
    expect(store.inbox(KEY)).toHaveLength(2);
    // The other worker crashed: its lock runs out, the sweeper handles both in order.
    store.dropLock(KEY);
    expect(await engine.sweep()).toBe(1);
    expect(seenIn(store.session(KEY))).toEqual(['vom anderen', 'wartet']);
    expect(sent).toHaveLength(2);
    expect(await engine.sweep()).toBe(0);
  });

  it('admits a file at the step the queued answer before it leads to', async () => {
    const { engine, store, sent } = setup({ flows: registryWith(dropFlow) });
    store.setSession(KEY, JSON.stringify(sessionAt([frame('drop', 'name')])));
    // The answer to the question before the files is queued; a worker holds the lock, still at it.
    const answer = say('Anna');
    expect((await store.begin(KEY, answer.eventId, JSON.stringify(answer))).kind).toBe('go');
    const admission = await engine.admitFile(
      { platform: 'console', userId: 'anna', chatId: 'anna', eventId: 'file-1' },
      { size: 100 },
    );
    expect(admission.kind).toBe('take');
    expect(sent).toEqual([]);
    // Without the queued answer, the same file is refused at the step before, in one sentence.
    store.setSession('console:ben', JSON.stringify(sessionAt([frame('drop', 'name')])));
    const refused = await engine.admitFile(
      { platform: 'console', userId: 'ben', chatId: 'ben', eventId: 'file-2' },
      { size: 100 },
    );
    expect(refused.kind).toBe('refused');
    expect(sent.map((s) => s.messages[0]?.text)).toEqual([tr('de', 'common:file.notHere')]);
  });

  it('counts the bytes of a queued file once against the budget, not twice', async () => {
    const gate = new MemoryFileGate();
    const { engine, store } = setup({
      flows: registryWith(dropFlow),
      files: { budgetBytes: 1_000, gate },
    });
    store.setSession(KEY, JSON.stringify(sessionAt([frame('drop', 'files')])));
    // A file of 600 bytes is queued, and still reserved by the adapter that handed it on.
    const queued = event({ kind: 'files', files: [fileRef(600)] });
    expect(
      (await store.begin(KEY, queued.eventId, JSON.stringify(queued), { counted: true })).kind,
    ).toBe('go');
    gate.held.set(KEY, 600);
    const sender = { platform: 'console', userId: 'anna', chatId: 'anna' } as const;
    const fits = await engine.admitFile({ ...sender, eventId: 'f-300' }, { size: 300 });
    expect(fits.kind).toBe('take');
    const over = await engine.admitFile({ ...sender, eventId: 'f-200' }, { size: 200 });
    expect(over.kind).toBe('refused');
  });

  it('survives a failing delivery: the answer is stored all the same', async () => {
    const { engine, store, logs } = setup({
      deliver: () => {
        throw new Error('network down');
      },
    });
    store.setSession(KEY, ECHO);
    await engine.handle(say('trotzdem'));
    expect(seenIn(store.session(KEY))).toEqual(['trotzdem']);
    expect(logs.some((l) => l['msg'] === 'delivering replies failed')).toBe(true);
  });

  it('keeps replies the channel failed to deliver, and sends them once, in order, after the sweeper', async () => {
    // The channel fails three deliveries, then works; what it took is what the person saw.
    let failures = 3;
    const seen: string[] = [];
    const { engine, store, logs } = setup({
      deliver: (e) => {
        if (failures > 0) {
          failures--;
          throw new Error('socket hang up');
        }
        seen.push(e.eventId);
      },
    });
    store.setSession(KEY, ECHO);
    const eins = say('eins');
    const zwei = say('zwei');
    await engine.handle(eins); // fails: kept
    expect(store.outbox(KEY)).not.toBeNull();
    expect(store.isLocked(KEY)).toBe(false);
    // A later message tries the kept replies first (fails again) and waits behind them.
    await engine.handle(zwei);
    expect(store.inbox(KEY)).toHaveLength(1);
    expect(seenIn(store.session(KEY))).toEqual(['eins']);
    expect(await engine.sweep()).toBe(1); // the third failure
    expect(seen).toEqual([]);
    expect(await engine.sweep()).toBe(1); // works: "eins", then "zwei" handled and sent
    expect(seen).toEqual([eins.eventId, zwei.eventId]);
    expect(seenIn(store.session(KEY))).toEqual(['eins', 'zwei']);
    expect(store.outbox(KEY)).toBeNull();
    expect(store.inbox(KEY)).toEqual([]);
    expect(store.isLocked(KEY)).toBe(false);
    expect(await engine.sweep()).toBe(0);
    expect(seen).toEqual([eins.eventId, zwei.eventId]);
    expect(logs.filter((l) => l['msg'] === 'replies kept for the sweeper')).toHaveLength(3);
    reportFigures('undelivered replies, engine', [
      `3 failed deliveries, 2 sweeps: ${String(seen.length)}/2 replies arrived, each once, in order`,
    ]);
  });

  it('drops replies at once on a final refusal and goes on with the next message', async () => {
    let refuse = true;
    const seen: string[] = [];
    const { engine, store, logs } = setup({
      deliver: (e) => {
        if (refuse) throw new DeliveryRefused('telegram 403');
        seen.push(e.eventId);
      },
    });
    store.setSession(KEY, ECHO);
    await engine.handle(say('eins'));
    expect(store.outbox(KEY)).toBeNull();
    expect(store.isLocked(KEY)).toBe(false);
    expect(await engine.sweep()).toBe(0);
    const dropped = logs.find(
      (l) => l['msg'] === 'replies refused by the channel for good; dropped',
    );
    expect(dropped).toMatchObject({ level: 40, tries: 1, platform: 'console', messages: 1 });
    refuse = false;
    const zwei = say('zwei');
    await engine.handle(zwei);
    expect(seen).toEqual([zwei.eventId]);
    expect(seenIn(store.session(KEY))).toEqual(['eins', 'zwei']);
  });

  it('gives up on undeliverable replies after the bound of attempts, then after the bound of age', async () => {
    let now = NOW.getTime();
    const { engine, store, logs } = setup({
      clock: () => new Date(now),
      undelivered: { attempts: 3, maxAgeMs: 60_000 },
      deliver: () => {
        throw new Error('502 Bad Gateway');
      },
    });
    store.setSession(KEY, ECHO);
    const gaveUp = () => logs.filter((l) => l['msg'] === 'replies undeliverable; given up');
    await engine.handle(say('eins')); // attempt 1
    expect(await engine.sweep()).toBe(1); // attempt 2
    expect(store.outbox(KEY)).not.toBeNull();
    expect(await engine.sweep()).toBe(1); // attempt 3: the bound
    expect(store.outbox(KEY)).toBeNull();
    expect(gaveUp()).toHaveLength(1);
    expect(gaveUp()[0]).toMatchObject({ level: 40, tries: 3 });
    expect(await engine.sweep()).toBe(0);
    // By age: the first failure a minute ago ends it, however few the attempts.
    await engine.handle(say('zwei'));
    expect(store.outbox(KEY)).not.toBeNull();
    now += 61_000;
    expect(await engine.sweep()).toBe(1);
    expect(store.outbox(KEY)).toBeNull();
    expect(gaveUp()).toHaveLength(2);
    expect(gaveUp()[1]).toMatchObject({ tries: 2, ageSeconds: 61 });
    expect(store.isLocked(KEY)).toBe(false);
  });

  it('does not keep a farewell the channel failed to deliver', async () => {
    const { engine, store, logs } = setup({
      deliver: () => {
        throw new Error('socket hang up');
      },
    });
    store.setSession(KEY, ECHO);
    const begun = await store.begin(KEY, 'bye', JSON.stringify(say('tschüss')));
    if (begun.kind !== 'go') throw new Error(begun.kind);
    const messages: OutboundMessage[] = [{ text: 'Alles gelöscht.', expects: { kind: 'none' } }];
    const outbox = JSON.stringify({ event: say('tschüss'), messages, erased: true });
    expect(await store.commit(KEY, begun.token, null, outbox)).toEqual({ kind: 'saved' });
    store.dropLock(KEY);
    expect(await engine.sweep()).toBe(1);
    expect(store.outbox(KEY)).toBeNull();
    expect(logs.some((l) => l['msg'] === 'farewell undeliverable; dropped')).toBe(true);
  });

  it('logs a failed delivery without what the error carries', async () => {
    const secret = 'Geheimnis Musterstraße 12';
    const { engine, store, logs } = setup({
      deliver: () => {
        throw Object.assign(new Error(`could not send ${secret}`), { error_code: 502 });
      },
    });
    store.setSession(KEY, ECHO);
    await engine.handle(say('eins'));
    const failed = logs.find((l) => l['msg'] === 'delivering replies failed');
    expect(failed).toMatchObject({ failure: { name: 'Error', status: 502 } });
    expect(JSON.stringify(logs)).not.toContain(secret);
  });

  it('logs no message content and no platform id', async () => {
    const { engine, store, logs } = setup();
    store.setSession('console:anna-4711', ECHO);
    const secret = 'Geheimnis Musterstraße 12';
    await engine.handle(say(secret, { userId: 'anna-4711', chatId: 'anna-4711' }));
    await engine.handle(say('Notfall', { userId: 'anna-4711', chatId: 'anna-4711' }));
    const text = JSON.stringify(logs);
    expect(logs.length).toBeGreaterThan(0);
    expect(text).not.toContain('Geheimnis');
    expect(text).not.toContain('Musterstra');
    expect(text).not.toContain('Notfall');
    expect(text).not.toContain('anna-4711');
  });
});
