import type { FileAdmission, FileOffer, FileSender } from '../bot/file-gate.ts';
import { noTelemetry, type Telemetry } from '../bot/telemetry.ts';
import type { InboundEvent, Outbound, OutboundMessage, Platform } from '../bot/types.ts';

/** Where adapters hand their events. */
export interface EventSink {
  handle(event: InboundEvent): Promise<void>;
  /**
   * Asks whether a file may be fetched, before a byte of it is downloaded. On `take`, the adapter
   * fetches at most `maxBytes` and calls `release` once the file has been handed on (or failed);
   * on `refused` it fetches nothing: the person has been told.
   */
  admitFile(sender: FileSender, offer: FileOffer): Promise<FileAdmission>;
  /**
   * Asks whether a message the adapter answers by itself (content no question can use) may be
   * answered: it counts against the person's rate limit. On false the adapter answers nothing: the
   * person has been told to slow down.
   */
  admitMessage(sender: FileSender): Promise<boolean>;
}

/**
 * One messenger channel. Adapters translate platform events into InboundEvents and render
 * OutboundMessages the platform's way; they hold no flow logic.
 */
export interface ChannelAdapter {
  readonly platform: Platform;
  /** Starts receiving; resolves once the channel is up. */
  start(sink: EventSink): Promise<void>;
  /** Stops receiving and finishes in-flight work. */
  stop(): Promise<void>;
  /** Sends messages into the conversation the event came from. */
  deliver(event: InboundEvent, messages: readonly OutboundMessage[]): Promise<void>;
  /**
   * The person erased their data: sends these last messages and drops whatever the channel keeps
   * about the chat (Telegram: its messages and state; Matrix: the room, which the bot leaves).
   */
  farewell?(event: InboundEvent, messages: readonly OutboundMessage[]): Promise<void>;
  /**
   * Whether the channel is connected to its platform now (for the readiness check). Without it,
   * a channel counts as connected once `start` has resolved.
   */
  connected?(): boolean;
}

/** Sends each conversation's replies through the adapter of its platform. */
export class OutboundRouter implements Outbound {
  readonly #adapters = new Map<Platform, ChannelAdapter>();
  readonly #telemetry: Telemetry;

  constructor(telemetry: Telemetry = noTelemetry) {
    this.#telemetry = telemetry;
  }

  add(adapter: ChannelAdapter): void {
    this.#adapters.set(adapter.platform, adapter);
  }

  async deliver(event: InboundEvent, messages: readonly OutboundMessage[]): Promise<void> {
    const adapter = this.#adapters.get(event.platform);
    if (adapter === undefined) throw new Error(`no ${event.platform} channel in this process`);
    await adapter.deliver(event, messages);
    this.#telemetry.messagesOut(event.platform, messages.length);
  }

  async farewell(event: InboundEvent, messages: readonly OutboundMessage[]): Promise<void> {
    const adapter = this.#adapters.get(event.platform);
    if (adapter === undefined) throw new Error(`no ${event.platform} channel in this process`);
    await (adapter.farewell ?? adapter.deliver).call(adapter, event, messages);
  }
}
