import type { InboundEvent } from './types.ts';

/** Who offers a file, as the adapter knows before anything is downloaded. */
export type FileSender = Pick<
  InboundEvent,
  'platform' | 'userId' | 'chatId' | 'eventId' | 'languageHint'
>;

/** What an adapter knows of a file before fetching it. */
export interface FileOffer {
  /** As the messenger declares it; unknown sizes are fetched only up to what is left. */
  readonly size?: number;
  /** The declared media type (`audio/ogg`), when the messenger names one. */
  readonly mime?: string;
}

/**
 * The engine's answer to "may this file be fetched now?", asked before an adapter downloads.
 */
export type FileAdmission =
  /**
   * Fetch it, but stop after `maxBytes` (a longer file is refused as too large). `release` must be
   * called once the file has been handed to the engine, or has failed: until then its bytes count
   * against the report's budget. It never rejects.
   */
  | {
      readonly kind: 'take';
      readonly maxBytes: number;
      /** Once the file is stored: keeps only its real size reserved (never rejects). */
      readonly stored: (bytes: number) => Promise<void>;
      readonly release: () => Promise<void>;
    }
  /** Not now (rate limit, wrong step, budget, memory): the person has been told; fetch nothing. */
  | { readonly kind: 'refused' };

/** Why a file was refused before download; the reason is logged, the person gets one sentence. */
export type FileRefusal = 'rate' | 'not-here' | 'budget' | 'memory';

/** Where the engine keeps the bytes of files in flight and learns how full Redis is. */
export interface FileGate {
  /** False while the store is so full that new files must wait. */
  roomForFiles(): Promise<boolean>;
  /**
   * Reserves `bytes` for a conversation's file in flight, unless the files already in flight and
   * these would exceed `bytesLeft` of the report's budget. True when reserved.
   */
  reserve(key: string, bytes: number, bytesLeft: number): Promise<boolean>;
  /** Gives a reservation back. */
  release(key: string, bytes: number): Promise<void>;
}
