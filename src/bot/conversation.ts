import type { AnyFlow, FlowRegistry } from '../flows/define.ts';
import { parseInput, type RawInput } from '../flows/parse-input.ts';
import {
  text,
  type Effect,
  type Language,
  type StepContext,
  type StepResult,
  type Text,
  type View,
} from '../flows/types.ts';
import { recogniseCommand } from './commands.ts';
import { emergencySignal } from './emergency.ts';
import { localDay } from './local-time.ts';
import { asStored } from './recent.ts';
import { SESSION_VERSION, type Frame, type Loaded, type Session } from './session.ts';
import type { CommandName, InboundEvent, Platform } from './types.ts';

/** One message to send: paragraphs and the input it asks for. */
export interface Reply {
  readonly texts: readonly Text[];
  readonly input: View['input'];
  readonly caseRef?: string;
}

/** What handling one event produced. `session: null` erases everything stored for the person. */
export interface Outcome {
  readonly session: Session | null;
  readonly lang: Language;
  readonly replies: readonly Reply[];
  /** Effects beyond the session itself, for the engine to carry out (erasing other data …). */
  readonly effects: readonly Effect[];
}

/** What the pure core needs besides the session and the event. */
export interface CoreDeps {
  readonly flows: FlowRegistry;
  readonly now: Date;
  /** The contact point's time zone, in which "today" is meant (default Europe/Berlin). */
  readonly timeZone?: string;
  readonly defaultLanguage: Language;
  /** Renders an option label in a language, so that typed labels can be matched. */
  readonly label: (lang: Language, t: Text) => string;
  /** Makes a new case reference. */
  readonly newCaseRef: () => string;
  /** Bytes of files one report may hold in all (unset: no budget beyond the per-file limit). */
  readonly fileBudgetBytes?: number;
}

/**
 * Whether a file may be taken now, asked before an adapter downloads anything: only a step that
 * asks for files takes them, and only as many bytes as its budget has left.
 */
export type FileWelcome =
  /**
   * The current step takes files; `bytesLeft` of the budget remain (Infinity without one).
   * `voiceOnly`: it takes one voice message or audio file as its answer, nothing else.
   */
  | { readonly kind: 'welcome'; readonly bytesLeft: number; readonly voiceOnly?: true }
  /** No step here takes files: the person is told so in one line, nothing is fetched. */
  | { readonly kind: 'not-here' };

/** Decides, from the stored session alone, whether a file would be taken now. Pure. */
export function fileWelcome(loaded: Loaded, platform: Platform, deps: CoreDeps): FileWelcome {
  if (loaded.kind !== 'ok') return { kind: 'not-here' };
  const input = new Conversation(loaded.session, deps, platform).expected();
  // The description takes a voice message as the answer; the step checks that it is audio.
  if (input.kind === 'text' && input.voice === true)
    return {
      kind: 'welcome',
      bytesLeft: deps.fileBudgetBytes ?? Number.POSITIVE_INFINITY,
      voiceOnly: true,
    };
  if (input.kind !== 'files') return { kind: 'not-here' };
  const budget = deps.fileBudgetBytes ?? Number.POSITIVE_INFINITY;
  return { kind: 'welcome', bytesLeft: Math.max(budget - (input.heldBytes ?? 0), 0) };
}

const MENU_FLOW = 'menu';
/** The flow in which the person writes to the staff handling their case. */
const CASE_FLOW = 'case';

/**
 * A flow's data as its `parseData` read it, by the stored object: a step reads the data the step
 * before it wrote (the engine keeps the session it saved), and need not check it again.
 */
const parsed = new WeakMap<object, { readonly flow: AnyFlow; readonly data: unknown }>();
export function parsedData(flow: AnyFlow, stored: unknown): unknown {
  if (typeof stored !== 'object' || stored === null) return flow.parseData(stored);
  const known = parsed.get(stored);
  if (known?.flow === flow) return known.data;
  // As read from JSON, and frozen: later steps share it (flows make changed copies, never change
  // what they read).
  const data = asStored(flow.parseData(stored));
  parsed.set(stored, { flow, data });
  return data;
}

/** Maps a messenger's language tag to one Lotse speaks. */
export function pickLanguage(hint: string | undefined, fallback: Language): Language {
  const tag = hint?.toLowerCase() ?? '';
  if (tag.startsWith('de')) return 'de';
  if (tag.startsWith('en')) return 'en';
  return fallback;
}

/**
 * The conversation core: one event against one session, pure and platform-neutral. Validates the
 * input against the current step, runs global commands from any step and moves between flows.
 * Bad input never changes the session.
 */
export function converse(loaded: Loaded, event: InboundEvent, deps: CoreDeps): Outcome {
  const nowIso = deps.now.toISOString();
  if (loaded.kind !== 'ok') {
    const lang =
      event.language ??
      (loaded.kind === 'stale' && loaded.lang
        ? loaded.lang
        : pickLanguage(event.languageHint, deps.defaultLanguage));
    const session = freshSession(lang, nowIso);
    if (event.input.kind === 'case-opened') {
      return new Conversation(session, deps, event.platform).openCase(event.input.caseRef);
    }
    const greeting = loaded.kind === 'stale' ? 'common:session.restarted' : 'common:welcome';
    const convo = new Conversation(session, deps, event.platform);
    if (
      event.input.kind === 'command' &&
      event.input.command !== 'start' &&
      event.input.command !== 'menu'
    ) {
      return convo.command(event.input.command, [text(greeting)]);
    }
    return convo.show([text(greeting)]);
  }
  const convo = new Conversation(
    { ...loaded.session, lang: event.language ?? loaded.session.lang, updatedAt: nowIso },
    deps,
    event.platform,
  );
  const input = event.input;
  if (input.kind === 'hello') return convo.show([text('common:welcomeBack')]);
  if (input.kind === 'case-opened') return convo.openCase(input.caseRef);
  if (input.kind === 'command') return convo.command(input.command, []);
  if (input.kind === 'text') {
    const recognised = recogniseCommand(input.text);
    if (recognised.kind === 'command') return convo.command(recognised.command, []);
    if (recognised.kind === 'unknown-command')
      return convo.show([], text('common:invalid.unknownCommand'));
    // Emergency words show the emergency help from anywhere; a longer answer still counts.
    const signal = emergencySignal(input.text);
    if (signal === 'only') return convo.show(convo.emergencyHelp());
    if (signal === 'within') return withFirst(convo.emergencyHelp(), convo.answer(input));
  }
  return convo.answer(input);
}

/** The outcome with one more message in front. */
function withFirst(first: readonly Text[], outcome: Outcome): Outcome {
  return { ...outcome, replies: [{ texts: first, input: { kind: 'none' } }, ...outcome.replies] };
}

function freshSession(lang: Language, nowIso: string): Session {
  return {
    v: SESSION_VERSION,
    lang,
    stack: [{ flow: MENU_FLOW, step: 'main', history: [] }],
    data: {},
    cases: [],
    createdAt: nowIso,
    updatedAt: nowIso,
  };
}

/** A session being worked on during one event. */
class Conversation {
  #session: Session;
  readonly #deps: CoreDeps;
  /** The messenger, for the one text that differs by it: the help's command list. */
  readonly #platform: Platform;
  readonly #effects: Effect[] = [];

  constructor(session: Session, deps: CoreDeps, platform: Platform) {
    this.#session = session;
    this.#deps = deps;
    this.#platform = platform;
  }

  /** Replies with optional sentences first, then the current question (with a hint in front). */
  show(before: readonly Text[], hint?: Text, caseRef?: string): Outcome {
    const replies: Reply[] = [];
    const tag = caseRef === undefined ? {} : { caseRef };
    if (before.length > 0) replies.push({ texts: before, input: { kind: 'none' }, ...tag });
    const view = this.#view();
    replies.push({
      texts: hint ? [hint, ...view.say] : view.say,
      input: view.input,
      ...(before.length > 0 ? {} : tag),
    });
    return this.#outcome(replies);
  }

  /** The emergency help, with what any flow's data adds (a state hotline …). */
  emergencyHelp(): Text[] {
    const extra = Object.keys(this.#session.data).flatMap((id) => {
      const flow = this.#deps.flows.get(id);
      return flow?.emergencyHelp?.(this.#ctx(this.#dataOf(flow))) ?? [];
    });
    return [text('common:emergency.text'), ...extra];
  }

  command(command: CommandName, before: readonly Text[]): Outcome {
    const top = this.#top();
    switch (command) {
      case 'start':
        this.#toMenu();
        return this.show([...before, text('common:welcome')]);
      case 'menu':
        this.#toMenu();
        return this.show(before);
      case 'help':
        // The command list is the messenger's own: Telegram's menu has /loeschen_chat, for one.
        return this.show([
          ...before,
          text('common:help.text'),
          text(`common:help.commands.${this.#platform}`),
          text('common:help.danger'),
        ]);
      case 'cancel': {
        if (this.#session.stack.length > 1) {
          this.#pop();
          return this.show([...before, text('common:cancel.detour')]);
        }
        if (top.flow === MENU_FLOW && top.step === 'main')
          return this.show([...before, text('common:cancel.nothing')]);
        this.#toMenu();
        return this.show([...before, text('common:cancel.done')]);
      }
      case 'back': {
        const previous = top.history.at(-1);
        if (previous === undefined) return this.show(before, text('common:back.none'));
        this.#replaceTop({ ...top, step: previous, history: top.history.slice(0, -1) });
        return this.show(before);
      }
      case 'language':
        return this.#call('language', before);
      case 'delete':
        return this.#call('delete', before);
      case 'status': {
        const caseRef = this.#session.cases.at(-1);
        if (caseRef === undefined) return this.show([...before, text('case:status.none')]);
        this.#effects.push({ kind: 'case-status', caseRef });
        return this.show(before);
      }
    }
  }

  /**
   * A staff reply about `caseRef` reached the person: their next messages go to that case, on top
   * of wherever they were. Nothing is sent: the delivered reply says how to answer.
   */
  openCase(caseRef: string): Outcome {
    const cases = [...this.#session.cases.filter((c) => c !== caseRef), caseRef].slice(-10);
    this.#session = {
      ...this.#session,
      cases,
      data: { ...this.#session.data, [CASE_FLOW]: { caseRef } },
    };
    if (this.#top().flow !== CASE_FLOW) {
      const base = this.#session.stack.filter((f) => f.flow !== CASE_FLOW).slice(-6);
      this.#session = { ...this.#session, stack: [...base, this.#startFrame(CASE_FLOW)] };
    }
    return this.#outcome([]);
  }

  /** What the current step expects. */
  expected(): View['input'] {
    return this.#view().input;
  }

  answer(input: RawInput): Outcome {
    const { flow, ctx } = this.#current();
    const step = this.#step(flow);
    const view = step.view(ctx);
    const lang = this.#session.lang;
    if (
      input.kind === 'files' &&
      view.input.kind === 'files' &&
      this.#overBudget(input, view.input)
    )
      return this.show([], text('common:file.budget'));
    const parsed = parseInput(input, view.input, (o) => this.#deps.label(lang, o.label), ctx.today);
    if (!parsed.ok) return this.show([], parsed.hint);
    const result = step.onAnswer(parsed.answer, ctx);
    return this.#apply(result);
  }

  /** True when the files would take the step past the report's byte budget. */
  #overBudget(
    input: Extract<RawInput, { kind: 'files' }>,
    spec: Extract<View['input'], { kind: 'files' }>,
  ): boolean {
    const budget = this.#deps.fileBudgetBytes;
    if (budget === undefined) return false;
    const incoming = input.files.reduce((sum, f) => sum + f.size, 0);
    return incoming > 0 && (spec.heldBytes ?? 0) + incoming > budget;
  }

  #apply(result: StepResult<unknown>): Outcome {
    if (result.type === 'invalid') return this.show([], result.hint);
    const top = this.#top();
    if (result.data !== undefined)
      this.#session = {
        ...this.#session,
        data: { ...this.#session.data, [top.flow]: result.data },
      };
    for (const effect of result.effects ?? []) {
      if (effect.kind === 'set-language') this.#session = { ...this.#session, lang: effect.lang };
      else this.#effects.push(effect);
      if (effect.kind === 'submit-report') {
        // The person's cases: for "status" and for writing to staff about the newest one.
        this.#session = {
          ...this.#session,
          cases: [...this.#session.cases, effect.caseRef].slice(-10),
          data: { ...this.#session.data, [CASE_FLOW]: { caseRef: effect.caseRef } },
        };
      }
    }
    const say = result.say ?? [];
    if (this.#effects.some((e) => e.kind === 'erase-my-data')) {
      return {
        session: null,
        lang: this.#session.lang,
        replies: [{ texts: [...say, text('common:delete.done')], input: { kind: 'none' } }],
        effects: this.#effects,
      };
    }
    switch (result.type) {
      case 'goto':
        this.#replaceTop({
          ...top,
          step: result.step,
          // Staying on a step (another file, another try) adds nothing to the way back.
          history: result.step === top.step ? top.history : [...top.history, top.step].slice(-100),
        });
        break;
      case 'switch':
        this.#replaceTop(this.#startFrame(result.flow));
        break;
      case 'call':
        return this.#call(result.flow, say);
      case 'return':
        this.#pop();
        break;
      case 'end':
        this.#toMenu();
        break;
    }
    return this.show(say, undefined, result.caseRef);
  }

  #call(flowId: string, before: readonly Text[]): Outcome {
    const stack = this.#session.stack;
    // A detour never stacks on the same detour; the stack stays shallow.
    const base = stack.filter((f) => f.flow !== flowId).slice(-6);
    this.#session = { ...this.#session, stack: [...base, this.#startFrame(flowId)] };
    return this.show(before);
  }

  #startFrame(flowId: string): Frame {
    const flow = this.#deps.flows.require(flowId);
    const data = this.#dataOf(flow);
    return { flow: flowId, step: flow.start(this.#ctx(data)), history: [] };
  }

  #pop(): void {
    const rest = this.#session.stack.slice(0, -1);
    if (rest.length === 0) this.#toMenu();
    else this.#session = { ...this.#session, stack: rest };
  }

  #toMenu(): void {
    this.#session = { ...this.#session, stack: [{ flow: MENU_FLOW, step: 'main', history: [] }] };
  }

  #top(): Frame {
    const top = this.#session.stack.at(-1);
    if (top === undefined) throw new Error('empty conversation stack');
    return top;
  }

  #replaceTop(frame: Frame): void {
    this.#session = { ...this.#session, stack: [...this.#session.stack.slice(0, -1), frame] };
  }

  #dataOf(flow: AnyFlow): unknown {
    const stored = this.#session.data[flow.id];
    return (stored === undefined ? undefined : parsedData(flow, stored)) ?? flow.initialData();
  }

  #ctx(data: unknown): StepContext<unknown> {
    return {
      data,
      lang: this.#session.lang,
      now: this.#deps.now,
      today: localDay(this.#deps.now, this.#deps.timeZone),
      dayOf: (instant) => {
        const ms = Date.parse(instant);
        return Number.isNaN(ms)
          ? instant.slice(0, 10)
          : localDay(new Date(ms), this.#deps.timeZone);
      },
      newCaseRef: this.#deps.newCaseRef,
      cases: this.#session.cases,
    };
  }

  /** The current flow and context; an unknown flow or step (after a deploy) falls back to the menu. */
  #current(): { flow: AnyFlow; ctx: StepContext<unknown> } {
    let top = this.#top();
    let flow = this.#deps.flows.get(top.flow);
    if (flow === undefined || !(top.step in flow.steps)) {
      this.#toMenu();
      top = this.#top();
      flow = this.#deps.flows.require(top.flow);
    }
    return { flow, ctx: this.#ctx(this.#dataOf(flow)) };
  }

  #step(flow: AnyFlow) {
    const step = flow.steps[this.#top().step];
    if (step === undefined) throw new Error(`unknown step ${flow.id}.${this.#top().step}`);
    return step;
  }

  #view(): View {
    const { flow, ctx } = this.#current();
    return this.#step(flow).view(ctx);
  }

  #outcome(replies: Reply[]): Outcome {
    return { session: this.#session, lang: this.#session.lang, replies, effects: this.#effects };
  }
}
