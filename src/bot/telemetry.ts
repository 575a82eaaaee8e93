import type { Platform } from './types.ts';

/**
 * What the engine, the router, the queues and the channels tell about their work, for monitoring.
 * The process wires it to Prometheus metrics (src/ops/metrics.ts); tests and the staff CLI leave
 * it out. Counts and durations only – never who or what.
 */
export interface Telemetry {
  /** An event from a person (or the platform on their behalf) came in. */
  messageIn(platform: Platform): void;
  /** Messages went out to a chat. */
  messagesOut(platform: Platform, count: number): void;
  /** One step of a conversation (core and effects) took this long. */
  step(platform: Platform, seconds: number): void;
  /** A person was asked to slow down, or their message was dropped by the rate limit. */
  rateLimited(platform: Platform): void;
  /** An outgoing message failed and will be tried again. */
  outboundRetry(platform: Platform): void;
  /** A Matrix message stayed undecryptable. */
  decryptionFailure(): void;
}

/** Telemetry that records nothing. */
export const noTelemetry: Telemetry = {
  messageIn: () => undefined,
  messagesOut: () => undefined,
  step: () => undefined,
  rateLimited: () => undefined,
  outboundRetry: () => undefined,
  decryptionFailure: () => undefined,
};
