import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../bot/logger.ts';
import { StartupError } from '../infra/redis/connect.ts';
import type { Metrics } from './metrics.ts';

export interface HealthServerOptions {
  readonly host: string;
  readonly port: number;
  /** The readiness checks by name; ready when every one is true. */
  readonly checks: () => Promise<Readonly<Record<string, boolean>>>;
  readonly metrics: Metrics;
  readonly logger: Logger;
}

/**
 * The operations endpoints on HEALTH_HOST:HEALTH_PORT (127.0.0.1 by default: nothing a stranger
 * should reach):
 * - `GET /healthz` – 200 while the process is alive (its event loop answers);
 * - `GET /readyz` – 200 when every check holds (Redis reachable, each channel connected, each
 *   queue worker consuming), else 503; the body names each check;
 * - `GET /metrics` – Prometheus text format.
 */
export class HealthServer {
  readonly #server: Server;
  readonly #o: HealthServerOptions;

  private constructor(options: HealthServerOptions) {
    this.#o = options;
    const log = options.logger.child({ module: 'health' });
    this.#server = createServer((request, response) => {
      const path = new URL(request.url ?? '/', 'http://localhost').pathname;
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        response.writeHead(405, { allow: 'GET, HEAD' }).end();
        return;
      }
      void this.#answer(path).then(
        ({ status, type, body }) => {
          response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
          response.end(request.method === 'HEAD' ? undefined : body);
        },
        (error: unknown) => {
          log.warn({ err: error, path }, 'answering a health request failed');
          response.writeHead(500, { 'content-type': 'text/plain' }).end('error\n');
        },
      );
    });
  }

  /** Listens; a port in use stops start-up with one sentence naming HEALTH_PORT. */
  static async start(options: HealthServerOptions): Promise<HealthServer> {
    const server = new HealthServer(options);
    await new Promise<void>((resolve, reject) => {
      server.#server.once('error', (error: NodeJS.ErrnoException) => {
        reject(
          new StartupError(
            `HEALTH_PORT ${String(options.port)} on ${options.host} cannot be used (${error.code ?? error.message}): choose a free port.`,
          ),
        );
      });
      server.#server.listen(options.port, options.host, () => {
        resolve();
      });
    });
    options.logger
      .child({ module: 'health' })
      .info({ host: options.host, port: server.port }, 'health and metrics listening');
    return server;
  }

  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  async #answer(path: string): Promise<{ status: number; type: string; body: string }> {
    switch (path) {
      case '/healthz':
        return { status: 200, type: 'text/plain; charset=utf-8', body: 'ok\n' };
      case '/readyz': {
        const checks = await this.#o.checks();
        const ready = Object.values(checks).every(Boolean);
        return {
          status: ready ? 200 : 503,
          type: 'application/json',
          body: `${JSON.stringify({ ready, checks })}\n`,
        };
      }
      case '/metrics':
        return {
          status: 200,
          type: this.#o.metrics.registry.contentType,
          body: await this.#o.metrics.registry.metrics(),
        };
      default:
        return { status: 404, type: 'text/plain; charset=utf-8', body: 'not found\n' };
    }
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => {
      this.#server.close(() => {
        resolve();
      });
    });
  }
}
