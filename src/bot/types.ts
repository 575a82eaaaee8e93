import type { RawInput } from '../flows/parse-input.ts';
import type { InputKind, Language } from '../flows/types.ts';

/** Messengers Lotse talks on: the one list every schema derives from. */
export const MESSENGERS = ['console', 'telegram', 'matrix'] as const;
export type Platform = (typeof MESSENGERS)[number];

/** Commands that work from any step. */
export const COMMANDS = [
  'start',
  'menu',
  'help',
  'cancel',
  'language',
  'delete',
  'back',
  'status',
] as const;
export type CommandName = (typeof COMMANDS)[number];

/** What a person sent, as every adapter reports it. */
export type InboundInput =
  | RawInput
  | { readonly kind: 'command'; readonly command: CommandName }
  /** The person opened the chat (console start, Matrix join): greet, or show where they were. */
  | { readonly kind: 'hello' }
  /**
   * A staff reply about a case was delivered to the person (by the outbound queue): their next
   * messages go to that case. Changes the session only; sends nothing.
   */
  | { readonly kind: 'case-opened'; readonly caseRef: string };

/** One platform event, platform-neutral. */
export interface InboundEvent {
  readonly platform: Platform;
  /** The person's id on the platform. */
  readonly userId: string;
  /** Where replies go on the platform (Telegram chat id, Matrix room id, console user). */
  readonly chatId: string;
  /** Unique per platform; a second delivery of the same id changes nothing. */
  readonly eventId: string;
  /** The messenger's language of the person, if it tells (e.g. "de-AT"). */
  readonly languageHint?: string;
  /** An explicit language choice from outside the chat (console --lang): overrides the session's. */
  readonly language?: Language;
  readonly input: InboundInput;
}

/** A neutral message to one person, rendered by the adapter the platform's way. */
export interface OutboundMessage {
  readonly text: string;
  readonly expects:
    | {
        readonly kind: 'choice' | 'multi' | 'confirm';
        readonly options: readonly { id: string; label: string }[];
      }
    | {
        readonly kind: Exclude<InputKind, 'choice' | 'multi' | 'confirm'>;
        /** Shortcut buttons beside a typed answer ("done", "skip" …); not part of the JSON-lines protocol. */
        readonly options?: readonly { id: string; label: string }[];
      };
  /** Set on the message that confirms a submitted report. */
  readonly caseRef?: string;
  /** The conversation's language, for words an adapter adds itself (a "Done" button …). */
  readonly lang?: Language;
}

/** Where a conversation lives: the key of its session, lock and queue in Redis. */
export const conversationKey = (event: Pick<InboundEvent, 'platform' | 'userId'>): string =>
  `${event.platform}:${event.userId}`;

/** Sends rendered messages to the person an event came from. */
export interface Outbound {
  deliver(event: InboundEvent, messages: readonly OutboundMessage[]): Promise<void>;
  /**
   * The last messages to a person who erased their data: delivered, then the channel drops what
   * it keeps about the chat (without it: delivered only).
   */
  farewell?(event: InboundEvent, messages: readonly OutboundMessage[]): Promise<void>;
}

export type { Language };
