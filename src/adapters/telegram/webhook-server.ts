import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Update } from 'grammy/types';
import type { Logger } from '../../bot/logger.ts';

/** Telegram sends the secret given to setWebhook in this header with every update. */
export const SECRET_HEADER = 'x-telegram-bot-api-secret-token';

/** Largest update body accepted; Telegram's updates are a few kilobytes. */
const MAX_BODY_BYTES = 1024 * 1024;

export interface WebhookServerOptions {
  readonly port: number;
  readonly host?: string;
  /** The path of the webhook URL, e.g. "/telegram". */
  readonly path: string;
  readonly secret: string;
  /** Handles one update; the request is answered only when it resolves. */
  readonly handle: (update: Update) => Promise<void>;
  readonly logger: Logger;
}

/**
 * Receives updates from Telegram over HTTP (TLS ends at a reverse proxy in front). Every request
 * must carry the webhook secret, else 401. An update is answered 200 only once it has been handled,
 * so Telegram delivers again whatever a crash or stop interrupted (the engine drops duplicates);
 * a failure answers 500 for the same reason.
 */
export class WebhookServer {
  readonly #o: WebhookServerOptions;
  readonly #secret: Buffer;
  readonly #server: Server;

  constructor(options: WebhookServerOptions) {
    this.#o = options;
    this.#secret = digest(options.secret);
    this.#server = createServer((request, response) => {
      void this.#serve(request, response);
    });
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(this.#o.port, this.#o.host, () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
  }

  /** The port listened on (useful with port 0). */
  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  /** Stops taking requests; resolves when every request in progress has been answered. */
  async close(): Promise<void> {
    if (!this.#server.listening) return;
    const closed = new Promise<void>((resolve) => {
      this.#server.close(() => {
        resolve();
      });
    });
    this.#server.closeIdleConnections();
    await closed;
  }

  async #serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const answer = (status: number, body = '') => {
      response.writeHead(status, { 'content-type': 'text/plain', connection: 'close' });
      response.end(body);
    };
    try {
      const header = request.headers[SECRET_HEADER];
      if (typeof header !== 'string' || !timingSafeEqual(digest(header), this.#secret)) {
        this.#o.logger.warn('webhook request without the right secret refused');
        request.resume();
        answer(401, 'unauthorized');
        return;
      }
      const path = new URL(request.url ?? '/', 'http://localhost').pathname;
      if (path !== this.#o.path) {
        request.resume();
        answer(404);
        return;
      }
      if (request.method !== 'POST') {
        request.resume();
        answer(405);
        return;
      }
      const body = await readBody(request);
      if (body === undefined) {
        answer(413);
        return;
      }
      const update = parseUpdate(body);
      if (update === undefined) {
        answer(400, 'not an update');
        return;
      }
      await this.#o.handle(update);
      answer(200, 'ok');
    } catch (error) {
      this.#o.logger.error({ err: error }, 'webhook update failed; Telegram will deliver it again');
      if (!response.headersSent) answer(500);
    }
  }
}

/** Hashes before comparing, so that the comparison takes the same time for any length. */
const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

async function readBody(request: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.byteLength;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseUpdate(body: string): Update | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  const valid =
    typeof parsed === 'object' &&
    parsed !== null &&
    'update_id' in parsed &&
    Number.isSafeInteger(parsed.update_id);
  return valid ? (parsed as Update) : undefined;
}
