/**
 * A channel's final refusal to deliver to a person: they blocked the bot, left the room, the chat
 * is gone. Sending again cannot help, so the engine drops the replies at once instead of keeping
 * them for the sweeper. Channels throw it; any other error counts as one that may pass (network,
 * 5xx, 429) and the replies are kept.
 */
export class DeliveryRefused extends Error {
  override readonly name = 'DeliveryRefused';
  /** The platform's status code of the refusal, when it gave one (403 …). */
  readonly status: number | undefined;

  constructor(
    message: string,
    options: { readonly cause?: unknown; readonly status?: number } = {},
  ) {
    super(message, { cause: options.cause });
    this.status = options.status;
  }
}

/** What a failed delivery was, for the log: no message, no payload, no content. */
export function failureOf(error: unknown): { readonly name: string; readonly status?: number } {
  if (typeof error !== 'object' || error === null) return { name: typeof error };
  const e = error as {
    name?: unknown;
    error_code?: unknown;
    httpStatus?: unknown;
    status?: unknown;
  };
  const name = typeof e.name === 'string' ? e.name : 'Error';
  const status = [e.error_code, e.httpStatus, e.status].find((s) => typeof s === 'number');
  return typeof status === 'number' ? { name, status } : { name };
}
