/**
 * The Bot API for a real Lotse process in tests: telegram-test-api behind a small proxy on real
 * HTTP that does what the emulator lacks and Telegram does.
 *
 * - **getUpdates as Telegram has it**: an update stays until a later call confirms it with its
 *   offset, and an empty call waits (long polling) up to its timeout. The emulator forgets an
 *   update once it has handed it out, so a process killed before it confirmed one would lose it;
 *   Telegram hands it to the next process again, and so does the proxy.
 * - **Lanes**: several processes of one bot token at once, each with an API root of its own
 *   (`proxy.apiRoot('a')`), each getting the updates of the people routed to it
 *   (`proxy.route(userId, 'a')`) – as if each had a bot of its own.
 * - getFile and the file downloads (`proxy.files`), and setMyCommands, as the in-process harness's
 *   emulator gaps (test/adapters/telegram/harness.ts).
 *
 * Everything else goes to the emulator as it came.
 *
 *   const proxy = await BotApiProxy.start(emulator, TOKEN);
 *   proxy.route(101, 'a');
 *   start({ env: { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: proxy.apiRoot('a') } });
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TelegramServer } from 'telegram-test-api/lib/telegramServer.js';

interface Update {
  readonly update_id: number;
  readonly message?: { readonly from?: { readonly id?: number } };
  readonly callback_query?: { readonly from?: { readonly id?: number } };
}

/** The lane of updates no route names. */
const DEFAULT_LANE = 'main';

export class BotApiProxy {
  /** Files getFile knows, by file_id. */
  readonly files = new Map<string, Uint8Array>();
  /** How many updates went out more than once (handed to a process that did not confirm them). */
  redelivered = 0;
  readonly #emulator: TelegramServer;
  readonly #server: Server;
  readonly #routes = new Map<number, string>();
  /** Updates not yet confirmed, per lane, and the highest id each lane has handed out. */
  readonly #lanes = new Map<string, { pending: Update[]; handedOut: number }>();
  readonly #pump: NodeJS.Timeout;

  private constructor(emulator: TelegramServer, token: string) {
    this.#emulator = emulator;
    this.#server = createServer((request, response) => {
      void this.#serve(request, response);
    });
    // The only reader of the emulator's updates: each goes to its lane.
    this.#pump = setInterval(() => {
      for (const update of emulator.getUpdates(token) as unknown as Update[])
        this.#lane(this.#laneOf(update)).pending.push(update);
    }, 20);
  }

  static async start(emulator: TelegramServer, token: string): Promise<BotApiProxy> {
    const proxy = new BotApiProxy(emulator, token);
    await new Promise<void>((resolve) => proxy.#server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  /** TELEGRAM_API_ROOT for a process of the lane. */
  apiRoot(lane: string = DEFAULT_LANE): string {
    const { port } = this.#server.address() as AddressInfo;
    return `http://127.0.0.1:${port}/lane/${encodeURIComponent(lane)}`;
  }

  /** Sends the updates of one person (Telegram user id) to a lane. */
  route(userId: number, lane: string): void {
    this.#routes.set(userId, lane);
  }

  async close(): Promise<void> {
    clearInterval(this.#pump);
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) =>
      this.#server.close(() => {
        resolve();
      }),
    );
  }

  #lane(name: string) {
    let lane = this.#lanes.get(name);
    if (lane === undefined) {
      lane = { pending: [], handedOut: 0 };
      this.#lanes.set(name, lane);
    }
    return lane;
  }

  #laneOf(update: Update): string {
    const from = update.message?.from?.id ?? update.callback_query?.from?.id;
    return (from === undefined ? undefined : this.#routes.get(from)) ?? DEFAULT_LANE;
  }

  async #serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request as AsyncIterable<Buffer>) chunks.push(chunk);
    const body = Buffer.concat(chunks);
    const url = request.url ?? '/';
    const match = /^\/lane\/([^/]+)(\/.*)$/.exec(url);
    const lane = decodeURIComponent(match?.[1] ?? DEFAULT_LANE);
    const rest = match?.[2] ?? url;
    const file = /^\/file\/bot[^/]+\/documents\/(.+)$/.exec(rest)?.[1];
    if (file !== undefined) {
      const bytes = this.files.get(decodeURIComponent(file));
      if (bytes === undefined) response.writeHead(404).end();
      else response.writeHead(200, { 'content-type': 'application/octet-stream' }).end(bytes);
      return;
    }
    const method = /^\/bot[^/]+\/(\w+)$/.exec(rest)?.[1] ?? '';
    const args = parseArgs(body, request.headers['content-type']);
    try {
      switch (method) {
        case 'getUpdates':
          answer(response, await this.#getUpdates(lane, args, response));
          return;
        case 'setMyCommands':
          answer(response, true);
          return;
        case 'getFile':
          this.#getFile(response, String(args['file_id']));
          return;
        default:
          await this.#forward(rest, request, body, response);
      }
    } catch {
      if (!response.headersSent) response.writeHead(502).end();
    }
  }

  /** Telegram's getUpdates: confirm what lies below the offset, hand out the rest, or wait. */
  async #getUpdates(
    name: string,
    args: Record<string, unknown>,
    response: ServerResponse,
  ): Promise<Update[]> {
    const lane = this.#lane(name);
    const offset = Number(args['offset'] ?? 0);
    const limit = Math.min(Number(args['limit'] ?? 100), 100);
    const waitUntil = Date.now() + Math.min(Number(args['timeout'] ?? 0), 30) * 1000;
    // Before it is answered, the response closes only when the process has gone (killed, stopped).
    const asker = { gone: false };
    response.once('close', () => {
      asker.gone = true;
    });
    for (;;) {
      lane.pending = lane.pending.filter((u) => u.update_id >= offset);
      if (lane.pending.length > 0 || asker.gone || Date.now() >= waitUntil) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    if (asker.gone) return [];
    const out = lane.pending.slice(0, limit);
    for (const update of out)
      if (update.update_id <= lane.handedOut) this.redelivered++;
      else lane.handedOut = update.update_id;
    return out;
  }

  #getFile(response: ServerResponse, id: string): void {
    const bytes = this.files.get(id);
    if (bytes === undefined) {
      response.writeHead(400, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          ok: false,
          error_code: 400,
          description: 'Bad Request: invalid file_id',
        }),
      );
      return;
    }
    answer(response, {
      file_id: id,
      file_unique_id: `u-${id}`,
      file_size: bytes.byteLength,
      file_path: `documents/${id}`,
    });
  }

  async #forward(
    path: string,
    request: IncomingMessage,
    body: Buffer,
    response: ServerResponse,
  ): Promise<void> {
    const reply = await fetch(`${this.#emulator.config.apiURL}${path}`, {
      method: request.method ?? 'POST',
      headers: { 'content-type': request.headers['content-type'] ?? 'application/json' },
      ...(body.byteLength > 0 ? { body } : {}),
    });
    response
      .writeHead(reply.status, { 'content-type': 'application/json' })
      .end(Buffer.from(await reply.arrayBuffer()));
  }
}

function answer(response: ServerResponse, result: unknown): void {
  response
    .writeHead(200, { 'content-type': 'application/json' })
    .end(JSON.stringify({ ok: true, result }));
}

/** The arguments of a Bot API call: JSON (what grammY sends without files) or a query string. */
function parseArgs(body: Buffer, type: string | undefined): Record<string, unknown> {
  if (body.byteLength === 0) return {};
  try {
    if (type?.includes('json') === true) return JSON.parse(body.toString('utf8')) as never;
    return Object.fromEntries(new URLSearchParams(body.toString('utf8')));
  } catch {
    return {};
  }
}
