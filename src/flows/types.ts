/**
 * The vocabulary of scripted conversations. Flows are data plus small pure functions: they name
 * locale keys (never sentences), say what input they expect and decide where to go next.
 */

/**
 * A sentence by locale key, with interpolation values. A value may itself be a Text (translated
 * first) or a list of Texts (translated and joined), e.g. the labels of chosen options.
 */
export interface Text {
  readonly key: string;
  readonly params?: Readonly<Record<string, TextParam>>;
}

export type TextParam =
  | string
  | number
  | Text
  /** Translated and joined with commas. */
  | readonly Text[]
  /** Translated, one per line. */
  | { readonly lines: readonly Text[] };

/** Builds a Text. */
export const text = (key: string, params?: Record<string, TextParam>): Text =>
  params === undefined ? { key } : { key, params };

/** An option the person can pick. `id` is short (it travels in Telegram callback data). */
export interface Option {
  readonly id: string;
  readonly label: Text;
}

/** What a step expects, in the kinds of the console JSON-lines protocol. */
export type InputSpec =
  | {
      readonly kind: 'choice';
      readonly options: readonly Option[];
      /** Typed text that matches no option becomes a text answer (e.g. a free question). */
      readonly freeText?: { readonly min: number; readonly max: number };
    }
  | { readonly kind: 'multi'; readonly options: readonly Option[]; readonly min: number }
  | { readonly kind: 'confirm'; readonly options: readonly Option[] }
  | ({
      readonly kind: 'text';
      readonly min: number;
      readonly max: number;
      /** A voice message (one audio file) is taken as the answer too. */
      readonly voice?: boolean;
    } & WithShortcuts)
  | ({ readonly kind: 'date' } & WithShortcuts)
  | ({ readonly kind: 'place' } & WithShortcuts)
  | ({
      readonly kind: 'files';
      readonly maxFiles: number;
      /** Bytes of files this step already holds; they count against the per-report budget. */
      readonly heldBytes?: number;
    } & WithShortcuts)
  | { readonly kind: 'none' };

/**
 * Buttons beside a typed answer ("today", "ongoing", "skip", "done"). Tapping one, sending its id as
 * a choice, or typing its label gives a choice answer.
 */
interface WithShortcuts {
  readonly shortcuts?: readonly Option[];
}

export type InputKind = InputSpec['kind'];

/** A file the person sent, already received and stored by the adapter. */
export interface FileRef {
  readonly name: string;
  readonly mime: string;
  readonly size: number;
  readonly sha256: string;
  readonly receivedAt: string;
  /** Length in seconds of a voice message or recording, when the messenger says it. */
  readonly seconds?: number;
  /** Where the stored bytes are (opaque to flows). */
  readonly ref: string;
}

/** Why a received file was refused (explained by common:invalid.file.<reason>). */
export type FileRejection = 'tooLarge' | 'type' | 'empty';

/** A validated answer, typed by the kind of input that was expected. */
export type Answer =
  | { readonly kind: 'choice'; readonly id: string }
  | { readonly kind: 'multi'; readonly ids: readonly string[] }
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'date'; readonly date: string }
  | { readonly kind: 'place'; readonly text: string }
  | {
      readonly kind: 'files';
      readonly files: readonly FileRef[];
      readonly links: readonly string[];
    };

/** What a step shows: sentences, then the question with its expected input. */
export interface View {
  readonly say: readonly Text[];
  readonly input: InputSpec;
}

/** Languages Lotse speaks, German first: the one list every schema and menu derives from. */
export const LANGUAGES = ['de', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Everything a step may look at. `data` is the flow's own part of the session. */
export interface StepContext<D> {
  readonly data: D;
  readonly lang: Language;
  readonly now: Date;
  /**
   * Today's date (YYYY-MM-DD) in the contact point's time zone: what "today", "yesterday" and "not
   * in the future" mean to the person, whatever the UTC day is.
   */
  readonly today: string;
  /** The day (YYYY-MM-DD) of a stored UTC instant in the contact point's time zone. */
  readonly dayOf: (instant: string) => string;
  /** Case references of reports sent from this conversation, newest last. */
  readonly cases: readonly string[];
  /** A new unguessable case reference (randomness is injected, so flows stay testable). */
  readonly newCaseRef: () => string;
}

/**
 * What a short report's details say so far (`IntakeSpec.detailsOf`): every report field of the
 * questions asked after sending (null while not given), the details still open and whether the
 * report is urgent now. Each one replaces the one before; the sealed report itself never changes.
 */
export interface ReportDetails {
  readonly fields: Readonly<Record<string, unknown>>;
  readonly missing: readonly string[];
  readonly urgent: boolean;
}

/** A side effect the core carries out for a flow, so that flows stay pure. */
export type Effect =
  | { readonly kind: 'erase-my-data' }
  /** A message from the person to the staff handling their case (sealed on the way). */
  | { readonly kind: 'case-message'; readonly caseRef: string; readonly text: string }
  /**
   * Details added after a short report: the report's detail fields as they stand now replace the
   * unknown ones in the case (record, statistics, document), and the lines, in the person's
   * language, join the case's messages.
   */
  | {
      readonly kind: 'case-details';
      readonly caseRef: string;
      readonly lang: Language;
      readonly lines: readonly Text[];
      readonly details: ReportDetails;
    }
  /** Look up the case's status; the runner answers with a sentence. */
  | { readonly kind: 'case-status'; readonly caseRef: string }
  | { readonly kind: 'set-language'; readonly lang: Language }
  /** Hand a completed report to the staff queue; idempotent by its case reference. */
  | {
      readonly kind: 'submit-report';
      readonly caseRef: string;
      readonly urgent: boolean;
      readonly report: unknown;
    };

/** Shared fields of the results that move on. */
interface Moving<D> {
  /** Sentences to send before the next question. */
  readonly say?: readonly Text[];
  /** The flow's data after this answer (unchanged when absent). */
  readonly data?: D;
  readonly effects?: readonly Effect[];
  /** A case reference to show with the next message (the console protocol's "case"). */
  readonly caseRef?: string;
}

/**
 * The outcome of one answer: a discriminated union rather than flags. `S` names the flow's steps,
 * so a `goto` to a step that does not exist fails to compile.
 */
export type StepResult<D, S extends string = string> =
  /** Go to another step of this flow (the current one is remembered for "back"). */
  | ({ readonly type: 'goto'; readonly step: S } & Moving<D>)
  /** The answer does not fit: explain and ask the same question again; nothing changes. */
  | { readonly type: 'invalid'; readonly hint: Text }
  /** Leave this flow for the start of another one. */
  | ({ readonly type: 'switch'; readonly flow: string } & Moving<D>)
  /** Open a detour (language, delete …) on top of this step; its end returns here. */
  | ({ readonly type: 'call'; readonly flow: string } & Moving<D>)
  /** Finish a detour and return to where the person was. */
  | ({ readonly type: 'return' } & Moving<D>)
  /** The flow is finished: back to the main menu. */
  | ({ readonly type: 'end' } & Moving<D>);

/** One step of a flow; `S` names the steps it may go to. */
export interface Step<D, S extends string = string> {
  view(ctx: StepContext<D>): View;
  onAnswer(answer: Answer, ctx: StepContext<D>): StepResult<D, S>;
}

/** A scripted conversation; `S` names its steps (literal types catch a wrong `goto` or start). */
export interface Flow<D = unknown, S extends string = string> {
  readonly id: string;
  /** The data of a fresh run of this flow. */
  initialData(): D;
  /** The step to begin with (may look at kept data, e.g. to offer resuming a draft). */
  start(ctx: StepContext<D>): S;
  readonly steps: Readonly<Record<S, Step<D, S>>>;
  /** Validates stored data of this flow; stale or damaged data starts the flow afresh. */
  parseData(raw: unknown): D | undefined;
  /** Extra emergency help this flow's data allows (e.g. the state hotline once the Land is known). */
  emergencyHelp?(ctx: StepContext<D>): readonly Text[];
}
