/**
 * Drives the pure conversation core (`converse`) in memory, as an adapter would, with the real
 * flows and locale files but no Redis and no network: for flow tests that walk every branch.
 *
 *   const chat = new ConversationDriver({ now: new Date('2026-11-22T10:00:00Z') });
 *   chat.command('start');
 *   chat.choice('report');
 *   expect(chat.step).toBe('intake.danger');
 */
import { isDeepStrictEqual } from 'node:util';
import { converse, parsedData } from '../../src/bot/conversation.ts';
import { asStored } from '../../src/bot/recent.ts';
import { Translator } from '../../src/bot/i18n.ts';
import { render } from '../../src/bot/render.ts';
import { loadSession, type Loaded, type Session } from '../../src/bot/session.ts';
import type { CommandName, InboundInput, OutboundMessage } from '../../src/bot/types.ts';
import type { FlowRegistry } from '../../src/flows/define.ts';
import { createFlowRegistry } from '../../src/flows/index.ts';
import type { Effect, FileRef, Language } from '../../src/flows/types.ts';

const i18n = Translator.create();
const flows = createFlowRegistry();

export interface DriverOptions {
  readonly now?: Date;
  /** The contact point's time zone (default: the core's, Europe/Berlin). */
  readonly timeZone?: string;
  readonly language?: Language;
  /** Case references handed out, in order (default: CASE-0001, CASE-0002 …). */
  readonly caseRefs?: readonly string[];
  /** Other flows than the app's (e.g. an intake with other limits or one more question). */
  readonly flows?: FlowRegistry;
  /** Other texts than the locale files (e.g. with the sentences of an added question). */
  readonly i18n?: Translator;
}

export class ConversationDriver {
  #loaded: Loaded = { kind: 'none' };
  #now: Date;
  #refs = 0;
  readonly #options: DriverOptions;
  /** Every effect the core asked for, in order. */
  readonly effects: Effect[] = [];
  /** The messages of the last input. */
  last: OutboundMessage[] = [];

  constructor(options: DriverOptions = {}) {
    this.#options = options;
    this.#now = options.now ?? new Date('2026-11-22T10:00:00Z');
  }

  set now(value: Date) {
    this.#now = value;
  }

  get #i18n(): Translator {
    return this.#options.i18n ?? i18n;
  }

  send(input: InboundInput): OutboundMessage[] {
    const outcome = converse(
      this.#loaded,
      {
        platform: 'console',
        userId: 'driver',
        chatId: 'driver',
        eventId: 'x',
        ...(this.#options.language ? { languageHint: this.#options.language } : {}),
        input,
      },
      {
        flows: this.#options.flows ?? flows,
        now: this.#now,
        ...(this.#options.timeZone === undefined ? {} : { timeZone: this.#options.timeZone }),
        defaultLanguage: 'de',
        label: (lang, t) => this.#i18n.t(lang, t),
        newCaseRef: () =>
          this.#options.caseRefs?.[this.#refs++] ?? `CASE-${String(++this.#refs).padStart(4, '0')}`,
      },
    );
    this.#loaded = outcome.session === null ? { kind: 'none' } : this.#asRead(outcome.session);
    this.effects.push(...outcome.effects);
    this.last = render(outcome.replies, outcome.lang, this.#i18n);
    return this.last;
  }

  /**
   * The session for the next step as the engine hands it on (src/bot/engine.ts): the object the
   * core made, as stored and frozen, rather than its text read back. Checked on every step of every
   * flow test: it must be what reading the text back gives, and so must each flow's data.
   */
  #asRead(made: Session): Loaded {
    const loaded = asStored({ kind: 'ok' as const, session: made });
    const readBack = loadSession(JSON.stringify(made));
    if (!isDeepStrictEqual(readBack, loaded))
      throw new Error(
        `the session handed on differs from the session read back (${readBack.kind})`,
      );
    const registry = this.#options.flows ?? flows;
    for (const [id, stored] of Object.entries(made.data)) {
      const flow = registry.get(id);
      if (flow === undefined) continue;
      const fromText: unknown = flow.parseData(JSON.parse(JSON.stringify(stored)));
      if (!isDeepStrictEqual(parsedData(flow, stored), fromText))
        throw new Error(`the data of flow ${id} handed on differs from the data read back`);
    }
    return loaded;
  }

  text(value: string): OutboundMessage[] {
    return this.send({ kind: 'text', text: value });
  }

  choice(id: string): OutboundMessage[] {
    return this.send({ kind: 'choice', id });
  }

  choices(...ids: string[]): OutboundMessage[] {
    return this.send({ kind: 'choices', ids });
  }

  command(command: CommandName): OutboundMessage[] {
    return this.send({ kind: 'command', command });
  }

  files(...files: FileRef[]): OutboundMessage[] {
    return this.send({ kind: 'files', files });
  }

  /** The session as stored, or undefined after an erase. */
  get session(): Session | undefined {
    return this.#loaded.kind === 'ok' ? this.#loaded.session : undefined;
  }

  /** "flow.step" of the current question. */
  get step(): string {
    const top = this.session?.stack.at(-1);
    return top === undefined ? 'none' : `${top.flow}.${top.step}`;
  }

  /** The data a flow keeps in the session. */
  data(flow: string): Record<string, unknown> {
    return (this.session?.data[flow] ?? {}) as Record<string, unknown>;
  }

  /** The question now asked (the last message). */
  get question(): OutboundMessage {
    const q = this.last.at(-1);
    if (q === undefined) throw new Error('no message');
    return q;
  }

  /** All text of the last reply. */
  get said(): string {
    return this.last.map((m) => m.text).join('\n\n');
  }

  /** Ids of the options of the question now asked. */
  get optionIds(): string[] {
    return 'options' in this.question.expects
      ? (this.question.expects.options ?? []).map((o) => o.id)
      : [];
  }
}

/** A stored file as the adapters describe it. */
export function fileRef(n: number, mime = 'image/png'): FileRef {
  return {
    name: `screenshot-${n}.png`,
    mime,
    size: 1000 + n,
    sha256: n.toString(16).padStart(64, '0'),
    receivedAt: '2026-11-22T10:00:00.000Z',
    ref: `file-${n}`,
  };
}
