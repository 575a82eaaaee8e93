import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import type { FlowRegistry } from '../flows/define.ts';
import { LANGUAGES, text, type Effect, type Language, type Text } from '../flows/types.ts';
import { newCaseRef } from './case-ref.ts';
import { DeliveryRefused, failureOf } from './delivery.ts';
import {
  converse,
  fileWelcome,
  pickLanguage,
  type CoreDeps,
  type Outcome,
} from './conversation.ts';
import type { FileAdmission, FileGate, FileOffer, FileRefusal, FileSender } from './file-gate.ts';
import { MAX_FILE_BYTES } from './files.ts';
import type { Translator } from './i18n.ts';
import { keyedPseudonym, type Logger, type Pseudonymizer } from './logger.ts';
import { asStored, Recent } from './recent.ts';
import { render } from './render.ts';
import { loadSession, type Loaded } from './session.ts';
import type { ConversationStore } from './store.ts';
import { noTelemetry, type Telemetry } from './telemetry.ts';
import {
  COMMANDS,
  conversationKey,
  MESSENGERS,
  type InboundEvent,
  type Outbound,
  type OutboundMessage,
} from './types.ts';

/** Carries out effects beyond the session (erasing cases, submitting reports …) before it is saved. */
export interface EffectRunner {
  /**
   * Runs one effect for the person the event came from; idempotent, as an event may be retried.
   * May answer with sentences (a case's status …), shown before the next question.
   */
  run(event: InboundEvent, effect: Effect): Promise<readonly Text[] | undefined>;
}

/** The outcome with the effects' answers as a message before the last reply (the question). */
function withAnswers(outcome: Outcome, answers: readonly Text[]): Outcome {
  const replies = [...outcome.replies];
  const question = replies.pop();
  const answer = { texts: answers, input: { kind: 'none' } as const };
  return { ...outcome, replies: question ? [...replies, answer, question] : [answer] };
}

export interface EngineDeps {
  readonly store: ConversationStore;
  readonly flows: FlowRegistry;
  readonly i18n: Translator;
  readonly outbound: Outbound;
  readonly logger: Logger;
  readonly defaultLanguage: Language;
  readonly effects?: EffectRunner;
  readonly clock?: () => Date;
  readonly newCaseRef?: () => string;
  /** How long to wait for another worker's lock before leaving the event to the sweeper. */
  readonly busyWaitMs?: number;
  /** Names conversations in the log; default: keyed with a random secret of this process. */
  readonly pseudonym?: Pseudonymizer;
  /** Limits on evidence files, checked before anything is downloaded. */
  readonly files?: {
    /** Bytes one report may carry in all. */
    readonly budgetBytes: number;
    /** Reservations of files in flight and the store's memory; without it, only the session counts. */
    readonly gate?: FileGate;
  };
  /** Counts events, steps and rate limits for the metrics (default: nothing). */
  readonly telemetry?: Telemetry;
  /**
   * How long replies that could not be delivered are kept for the sweeper, whichever ends first
   * (default {@link UNDELIVERED_BOUND}). A channel's final refusal drops them at once.
   */
  readonly undelivered?: { readonly attempts: number; readonly maxAgeMs: number };
}

/**
 * Replies the channel could not deliver are tried again by the sweeper (at start and every 30 s)
 * and whenever the person writes: at most 500 times (about four hours of sweeps) or for a day.
 */
export const UNDELIVERED_BOUND = { attempts: 500, maxAgeMs: 86_400_000 } as const;

/** The one sentence a refused file gets. */
const REFUSAL_TEXT: Readonly<Record<Exclude<FileRefusal, 'rate'>, string>> = {
  'not-here': 'common:file.notHere',
  budget: 'common:file.budget',
  memory: 'common:file.memory',
};

const fileRef = z.object({
  name: z.string(),
  mime: z.string(),
  size: z.number(),
  sha256: z.string(),
  receivedAt: z.string(),
  /** A voice message's length, as its messenger declared it. */
  seconds: z.number().int().nonnegative().optional(),
  ref: z.string(),
});

/** Events as they are queued in the inbox; checked again when taken out. */
export const inboundEventSchema = z.object({
  platform: z.enum(MESSENGERS),
  userId: z.string().min(1),
  chatId: z.string().min(1),
  eventId: z.string().min(1),
  languageHint: z.string().optional(),
  language: z.enum(LANGUAGES).optional(),
  input: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('text'), text: z.string() }),
    z.object({ kind: z.literal('choice'), id: z.string() }),
    z.object({ kind: z.literal('choices'), ids: z.array(z.string()) }),
    z.object({
      kind: z.literal('files'),
      files: z.array(fileRef),
      rejected: z.array(z.enum(['tooLarge', 'type', 'empty'])).optional(),
    }),
    z.object({ kind: z.literal('command'), command: z.enum(COMMANDS) }),
    z.object({ kind: z.literal('hello') }),
    z.object({ kind: z.literal('case-opened'), caseRef: z.string().max(40) }),
  ]),
});

const option = z.object({ id: z.string(), label: z.string() });

/**
 * Replies saved with the session and kept until they were sent: a worker that dies in between
 * leaves them to the next one, so that an answer saved is never an answer unseen.
 */
const outboxSchema = z.object({
  event: inboundEventSchema,
  messages: z.array(
    z.object({
      text: z.string(),
      expects: z.union([
        z.object({ kind: z.enum(['choice', 'multi', 'confirm']), options: z.array(option) }),
        z.object({
          kind: z.enum(['text', 'date', 'place', 'files', 'none']),
          options: z.array(option).optional(),
        }),
      ]),
      caseRef: z.string().optional(),
      lang: z.enum(LANGUAGES).optional(),
    }),
  ),
  erased: z.boolean().optional(),
  /** Deliveries that failed so far, and when the first one failed (ISO). */
  tries: z.number().int().nonnegative().optional(),
  since: z.string().optional(),
});

/** The replies to one event, as they wait in the outbox. */
interface Reply {
  readonly event: InboundEvent;
  readonly messages: readonly OutboundMessage[];
  /** The person erased their data: the replies are the farewell. */
  readonly erased?: boolean;
  /** Deliveries that failed so far, and when the first one failed (ISO). */
  readonly tries?: number;
  readonly since?: string;
}

/** How a delivery went: sent, refused for good, or failed in a way that may pass. */
type Delivery = 'sent' | 'refused' | 'failed';

/**
 * The engine: takes platform-neutral events, keeps each conversation strictly in order through the
 * store, runs the pure core, saves the session and only then sends the replies.
 */
export class Engine {
  readonly #d: EngineDeps;
  readonly #log: Logger;
  readonly #clock: () => Date;
  readonly #pseudonym: Pseudonymizer;
  readonly #telemetry: Telemetry;

  /**
   * The session each conversation last saved from here, as saved and as the core reads it: the
   * next message of the same person finds the same text in the store and skips parsing and
   * checking it again (frozen, since every step shares it).
   */
  readonly #sessions = new Recent<{ readonly json: string; readonly loaded: Loaded }>();

  constructor(deps: EngineDeps) {
    this.#d = deps;
    this.#log = deps.logger.child({ module: 'engine' });
    this.#clock = deps.clock ?? (() => new Date());
    this.#pseudonym = deps.pseudonym ?? keyedPseudonym();
    this.#telemetry = deps.telemetry ?? noTelemetry;
  }

  /** Handles one event. Resolves when it (and whatever queued before it) has been handled here or elsewhere. */
  async handle(event: InboundEvent): Promise<void> {
    // Received files were counted one by one when they were admitted (admitFile).
    await this.#handle(event, event.input.kind === 'files' && event.input.files.length > 0);
  }

  /** Handles one event; `counted` when it was counted against the rate limit already. */
  async #handle(event: InboundEvent, counted: boolean): Promise<void> {
    const key = conversationKey(event);
    const log = this.#log.child({ conv: this.#pseudonym(key) });
    const json = JSON.stringify(event);
    const begun = await this.#d.store.begin(key, `${event.platform}:${event.eventId}`, json, {
      counted,
    });
    if (begun.kind !== 'duplicate') this.#telemetry.messageIn(event.platform);
    switch (begun.kind) {
      case 'duplicate':
        log.debug('duplicate event ignored');
        return;
      case 'rate-limited':
        await this.#overLimit(event, begun, log);
        return;
      case 'empty':
        return;
      case 'busy':
        await this.drain(key);
        return;
      case 'go':
        await this.#work(key, begun.token, begun, { json, event });
    }
  }

  /**
   * Decides whether a file may be fetched, before an adapter downloads a byte of it. The file
   * counts against the person's rate limit at once; it is taken only at a step that asks for
   * files, within the report's byte budget, and while Redis has room. The step is the one the file
   * will arrive at: the stored session with the person's events still queued before the file
   * (an answer sent just before it, not yet handled) played through the pure core. A refused file
   * gets one sentence here; the conversation itself is untouched and goes on.
   */
  async admitFile(sender: FileSender, offer: FileOffer): Promise<FileAdmission> {
    const key = conversationKey(sender);
    const log = this.#log.child({ conv: this.#pseudonym(key) });
    const charged = await this.#d.store.charge(key);
    const ahead =
      charged.kind === 'ok'
        ? this.#ahead(charged.session, charged.queued, log)
        : { loaded: loadSession(charged.session), queuedFileBytes: 0 };
    const loaded = ahead.loaded;
    const lang = languageOf(loaded) ?? pickLanguage(sender.languageHint, this.#d.defaultLanguage);
    const refuse = async (reason: FileRefusal, tell = true): Promise<FileAdmission> => {
      log.info({ reason, platform: sender.platform }, 'file refused before download');
      if (tell) {
        const sentence = reason === 'rate' ? 'common:rateLimited' : REFUSAL_TEXT[reason];
        // Under the file's own event id: no event of that id follows a refusal, and a channel
        // that counts its deliveries per event sends nothing twice for a redelivered file.
        await this.#send(
          { ...sender, input: { kind: 'hello' } },
          this.#messages([{ texts: [text(sentence)], input: { kind: 'none' } }], lang),
          log,
        );
      }
      return { kind: 'refused' };
    };
    if (charged.kind === 'rate-limited') {
      this.#telemetry.rateLimited(sender.platform);
      return refuse('rate', charged.notify);
    }
    const welcome = fileWelcome(loaded, sender.platform, this.#coreDeps());
    if (welcome.kind === 'not-here') return refuse('not-here');
    if (
      welcome.voiceOnly === true &&
      offer.mime !== undefined &&
      !offer.mime.startsWith('audio/')
    ) {
      // Only a voice message answers here: another file is a wrong answer (the hint and the same
      // question, under the file's own event id), and not a byte of it is fetched.
      log.info({ reason: 'not-voice', platform: sender.platform }, 'file refused before download');
      await this.#handle({ ...sender, input: { kind: 'files', files: [] } }, true);
      return { kind: 'refused' };
    }
    const gate = this.#d.files?.gate;
    if (gate !== undefined && !(await gate.roomForFiles())) return refuse('memory');
    // A declared size is reserved as it is; without one (or a declared 0), what may still come.
    const declared = offer.size !== undefined && offer.size > 0 ? offer.size : undefined;
    const bytes = Math.min(declared ?? MAX_FILE_BYTES, MAX_FILE_BYTES, welcome.bytesLeft);
    if (bytes <= 0 || (declared ?? 0) > welcome.bytesLeft) return refuse('budget');
    if (gate === undefined) {
      const none = () => Promise.resolve();
      return { kind: 'take', maxBytes: bytes, stored: none, release: none };
    }
    // Files of queued events are still reserved in flight and counted in the state ahead as well.
    const budgetLeft = welcome.bytesLeft + ahead.queuedFileBytes;
    if (!(await gate.reserve(key, bytes, budgetLeft))) return refuse('budget');
    let held = bytes;
    const giveBack = async (amount: number) => {
      if (amount <= 0) return;
      held -= amount;
      try {
        await gate.release(key, amount);
      } catch (error) {
        log.warn({ err: error }, 'could not release a file reservation; it expires by itself');
      }
    };
    return {
      kind: 'take',
      maxBytes: bytes,
      // A file of unknown size was reserved at what it might have been: keep only what it is.
      stored: (size) => giveBack(held - Math.max(size, 0)),
      release: () => giveBack(held),
    };
  }

  /**
   * Counts a message the channel answers by itself (content no question can use) against the
   * person's rate limit before it answers, so that such messages cannot flood a chat with answers
   * either. False when over the limit: the channel answers nothing; the person is told to slow
   * down here, once per flood.
   */
  async admitMessage(sender: FileSender): Promise<boolean> {
    const key = conversationKey(sender);
    const charged = await this.#d.store.charge(key);
    if (charged.kind === 'ok') return true;
    const log = this.#log.child({ conv: this.#pseudonym(key) });
    await this.#overLimit({ ...sender, input: { kind: 'hello' } }, charged, log);
    return false;
  }

  /**
   * A message over the rate limit: counted, and the person told to slow down when `notify` (once
   * per flood), in the language of their session.
   */
  async #overLimit(
    event: InboundEvent,
    limited: { readonly notify: boolean; readonly session: string | null },
    log: Logger,
  ): Promise<void> {
    this.#telemetry.rateLimited(event.platform);
    log.info({ notify: limited.notify, platform: event.platform }, 'rate limited');
    if (!limited.notify) return;
    const lang =
      languageOf(loadSession(limited.session)) ??
      pickLanguage(event.languageHint, this.#d.defaultLanguage);
    await this.#send(
      event,
      this.#messages([{ texts: [text('common:rateLimited')], input: { kind: 'none' } }], lang),
      log,
    );
  }

  /**
   * The session as it will be once the queued events are handled: each played through the pure
   * core (effects are not run; they change no session). Also the bytes of queued files that state
   * holds: they are still reserved by their adapters, and must not count twice.
   */
  #ahead(
    rawSession: string | null,
    queued: readonly string[],
    log: Logger,
  ): { readonly loaded: Loaded; readonly queuedFileBytes: number } {
    let loaded = loadSession(rawSession);
    let queuedFileBytes = 0;
    const deps = this.#coreDeps();
    for (const raw of queued) {
      const parsed = inboundEventSchema.safeParse(safeJson(raw));
      // A damaged event is dropped by the worker too; one that fails leaves the session as it is.
      if (!parsed.success) continue;
      const event = parsed.data as InboundEvent;
      const before = fileWelcome(loaded, event.platform, deps);
      let outcome: Outcome;
      try {
        outcome = converse(loaded, event, deps);
      } catch (error) {
        log.debug({ err: error }, 'a queued event could not be played ahead');
        continue;
      }
      loaded =
        outcome.session === null ? { kind: 'none' } : { kind: 'ok', session: outcome.session };
      if (event.input.kind !== 'files' || before.kind !== 'welcome') continue;
      const after = fileWelcome(loaded, event.platform, deps);
      const taken = after.kind === 'welcome' ? before.bytesLeft - after.bytesLeft : 0;
      if (Number.isFinite(taken) && taken > 0) queuedFileBytes += taken;
    }
    return { loaded, queuedFileBytes };
  }

  /**
   * Works a conversation's inbox when the lock can be had, waiting a while for another worker's lock.
   * Used for busy conversations and by the sweeper after a crash.
   */
  async drain(key: string): Promise<void> {
    const deadline = Date.now() + (this.#d.busyWaitMs ?? 15_000);
    for (let attempt = 0; Date.now() < deadline; attempt++) {
      const begun = await this.#d.store.begin(key);
      if (begun.kind === 'go') return this.#work(key, begun.token, begun);
      if (begun.kind !== 'busy') return;
      await sleep(Math.min(25 * 2 ** attempt, 400));
    }
    this.#log.warn(
      { conv: this.#pseudonym(key) },
      'conversation still locked; left for the sweeper',
    );
  }

  /** Works every conversation with waiting events (after a crash or restart). */
  async sweep(): Promise<number> {
    let count = 0;
    for await (const key of this.#d.store.waiting()) {
      count++;
      await this.drain(key);
    }
    return count;
  }

  /**
   * Works the inbox while the lock is held. `own` is the event this process just queued: when it
   * comes back as the inbox head (the usual case), it is used as it is rather than read back.
   */
  async #work(
    key: string,
    token: string,
    begun: { readonly event: string; readonly session: string | null; readonly outbox?: string },
    own?: { readonly json: string; readonly event: InboundEvent },
  ): Promise<void> {
    const log = this.#log.child({ conv: this.#pseudonym(key) });
    let session = begun.session;
    let outbox = begun.outbox;
    // With an outbox, `settle` hands out the inbox head afterwards.
    let event: string | undefined = outbox === undefined ? begun.event : undefined;
    for (;;) {
      if (outbox !== undefined) {
        // Replies that a worker saved and could not send (it died, or the channel failed): sent
        // now, in their place, before anything queued after them.
        const stored = outboxSchema.safeParse(safeJson(outbox));
        outbox = undefined;
        if (!stored.success) log.error('damaged outbox dropped');
        else if ((await this.#deliverOutbox(key, token, stored.data, log)) === 'kept') return;
      } else if (event !== undefined) {
        const handled = await this.#handleOne(
          key,
          event === own?.json ? own.event : event,
          session,
          log,
        );
        // The answer is stored, with its replies, before the replies are sent.
        const committed = await this.#d.store.commit(
          key,
          token,
          handled.session,
          handled.reply && JSON.stringify(handled.reply),
        );
        if (committed.kind === 'lost') {
          this.#sessions.delete(key);
          log.warn('lock lost while working; the event stays queued');
          return this.drain(key);
        }
        if (handled.session === null || handled.loaded === undefined) this.#sessions.delete(key);
        else this.#sessions.set(key, { json: handled.session, loaded: handled.loaded });
        session = handled.session;
        if (committed.kind === 'done') return;
        if (committed.kind === 'next') {
          event = committed.event;
          continue;
        }
        if (handled.reply && (await this.#deliverOutbox(key, token, handled.reply, log)) === 'kept')
          return;
      }
      const settled = await this.#d.store.settle(key, token);
      if (settled.kind === 'lost') {
        // Whoever holds the lock now sends the outbox again: a repeat rather than a loss.
        log.warn('lock lost while sending');
        return;
      }
      if (settled.kind === 'done') return;
      event = settled.event;
    }
  }

  /**
   * Delivers the replies of the outbox. `settle` when they are done with: sent, refused for good
   * by the channel, a farewell that failed, or given up after the bound (logged at warn, without
   * content). `kept` when the
   * failure may pass: they stay in the outbox with the lock released, so that nothing queued
   * behind them overtakes them; the sweeper or the person's next message tries again.
   */
  async #deliverOutbox(
    key: string,
    token: string,
    reply: Reply,
    log: Logger,
  ): Promise<'settle' | 'kept'> {
    const delivery = await this.#send(reply.event, reply.messages, log, reply.erased);
    if (delivery === 'sent') return 'settle';
    const tries = (reply.tries ?? 0) + 1;
    const now = this.#clock();
    const since = reply.since ?? now.toISOString();
    const context = { tries, platform: reply.event.platform, messages: reply.messages.length };
    if (delivery === 'refused') {
      log.warn(context, 'replies refused by the channel for good; dropped');
      return 'settle';
    }
    if (reply.erased === true) {
      // A farewell is not tried again: the channel has already wiped the chat, and a second
      // farewell would report nothing deleted (docs/RELIABILITY.md, "Not covered yet").
      log.warn(context, 'farewell undeliverable; dropped');
      return 'settle';
    }
    const bound = this.#d.undelivered ?? UNDELIVERED_BOUND;
    const age = now.getTime() - Date.parse(since);
    if (tries >= bound.attempts || !(age < bound.maxAgeMs)) {
      log.warn(
        { ...context, ageSeconds: Math.round(age / 1000) },
        'replies undeliverable; given up',
      );
      return 'settle';
    }
    const kept = await this.#d.store.keep(key, token, JSON.stringify({ ...reply, tries, since }));
    if (kept.kind === 'lost') {
      // Whoever holds the lock now has the outbox as it was and sends it again.
      log.warn('lock lost while keeping undelivered replies');
      return 'kept';
    }
    log.info(context, 'replies kept for the sweeper');
    return 'kept';
  }

  /** Handles one queued event: the session to save and the replies to send. */
  async #handleOne(
    key: string,
    queued: string | InboundEvent,
    rawSession: string | null,
    log: Logger,
  ): Promise<{
    readonly session: string | null;
    readonly loaded?: Loaded;
    readonly reply?: Reply;
  }> {
    // An event read back from the inbox is checked; the one this process just queued is known.
    const parsed =
      typeof queued === 'string'
        ? inboundEventSchema.safeParse(safeJson(queued))
        : { success: true as const, data: queued };
    if (!parsed.success) {
      log.error('damaged event in inbox dropped');
      return { session: rawSession };
    }
    const event: InboundEvent = parsed.data;
    const remembered = this.#sessions.get(key);
    const loaded =
      remembered !== undefined && remembered.json === rawSession
        ? remembered.loaded
        : loadSession(rawSession);
    const outcome = await this.#process(key, event, loaded, log);
    if (outcome !== undefined)
      return {
        session: outcome.session === null ? null : JSON.stringify(outcome.session),
        ...(outcome.session === null
          ? {}
          : { loaded: asStored({ kind: 'ok' as const, session: outcome.session }) }),
        reply: {
          event,
          messages: this.#messages(outcome.replies, outcome.lang),
          ...(outcome.session === null ? { erased: true } : {}),
        },
      };
    const lang =
      loaded.kind === 'ok'
        ? loaded.session.lang
        : pickLanguage(event.languageHint, this.#d.defaultLanguage);
    const messages = this.#messages(
      [{ texts: [text('common:error.internal')], input: { kind: 'none' } }],
      lang,
    );
    return { session: rawSession, reply: { event, messages } };
  }

  /** Runs the core and the effects; undefined when something failed (logged, session unchanged). */
  async #process(
    key: string,
    event: InboundEvent,
    loaded: Loaded,
    log: Logger,
  ): Promise<Outcome | undefined> {
    const started = performance.now();
    try {
      const outcome = converse(loaded, event, this.#coreDeps());
      const answers: Text[] = [];
      for (const effect of outcome.effects)
        answers.push(...((await this.#d.effects?.run(event, effect)) ?? []));
      log.info(
        {
          input: event.input.kind,
          platform: event.platform,
          replies: outcome.replies.length,
          erased: outcome.session === null,
        },
        'event handled',
      );
      return answers.length === 0 ? outcome : withAnswers(outcome, answers);
    } catch (error) {
      log.error({ err: error }, 'handling an event failed');
      return undefined;
    } finally {
      this.#telemetry.step(event.platform, (performance.now() - started) / 1000);
    }
  }

  #coreDeps(): CoreDeps {
    const budget = this.#d.files?.budgetBytes;
    return {
      flows: this.#d.flows,
      now: this.#clock(),
      timeZone: this.#d.i18n.time.zone,
      defaultLanguage: this.#d.defaultLanguage,
      label: (lang, t) => this.#d.i18n.t(lang, t),
      newCaseRef: this.#d.newCaseRef ?? newCaseRef,
      ...(budget === undefined ? {} : { fileBudgetBytes: budget }),
    };
  }

  #messages(replies: Outcome['replies'], lang: Language) {
    return render(replies, lang, this.#d.i18n);
  }

  /** Delivers replies; after an erase as the farewell, so the channel forgets the chat too. */
  async #send(
    event: InboundEvent,
    messages: readonly OutboundMessage[],
    log: Logger,
    erased = false,
  ): Promise<Delivery> {
    try {
      const outbound = this.#d.outbound;
      if (erased && outbound.farewell) await outbound.farewell(event, messages);
      else await outbound.deliver(event, messages);
      return 'sent';
    } catch (error) {
      // The error's name and status only: a channel's error may carry the message it failed on.
      log.warn(
        { failure: failureOf(error), platform: event.platform },
        'delivering replies failed',
      );
      return error instanceof DeliveryRefused ? 'refused' : 'failed';
    }
  }
}

/** The language of a stored session, if there is a readable one. */
function languageOf(loaded: Loaded): Language | undefined {
  return loaded.kind === 'ok' ? loaded.session.lang : undefined;
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}
