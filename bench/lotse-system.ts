/**
 * Lotse as the benchmark drives it: the real app (engine, flows, sealed sessions in Redis, the
 * reports queue and the worker making cases) with a channel that only notes what it would send.
 */
import { performance } from 'node:perf_hooks';
import type { ChannelAdapter } from '../src/adapters/channel.ts';
import { createApp, type App } from '../src/app.ts';
import { createLogger } from '../src/bot/logger.ts';
import { connectRedis, type RedisHandle } from '../src/infra/redis/connect.ts';
import { sessionContext } from '../src/infra/redis/conversation-store.ts';
import { StateSeal } from '../src/bot/state-seal.ts';
import { generateStaffKeyPair, type StaffKeyPair } from '../src/staff/seal.ts';
import type { InboundEvent, OutboundMessage } from '../src/bot/types.ts';
import { benchConfig } from './support/config.ts';
import type { CaseNotice } from '../src/staff/ports.ts';
import { INTAKE } from './intake-script.ts';
import type { IntakeSystem } from './load.ts';

/** Notes when a confirmation with a case reference goes out, and to whom. */
class NotingChannel implements ChannelAdapter {
  readonly platform = 'console' as const;
  /** Case reference → the person it was confirmed to. */
  readonly confirmed = new Map<string, string>();
  replies = 0;

  start(): Promise<void> {
    return Promise.resolve();
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }

  deliver(event: InboundEvent, messages: readonly OutboundMessage[]): Promise<void> {
    this.replies += messages.length;
    for (const message of messages)
      if (message.caseRef !== undefined) this.confirmed.set(message.caseRef, event.userId);
    return Promise.resolve();
  }
}

export class LotseSystem implements IntakeSystem {
  readonly name = 'Lotse';
  readonly app: App;
  readonly #handle: RedisHandle;
  readonly #channel: NotingChannel;
  /** Person → when they tapped "send". */
  readonly #sentAt = new Map<string, number>();
  /** Case reference → when staff were told of it. */
  readonly #noticeAt = new Map<string, number>();

  readonly #seal: StateSeal;

  private constructor(handle: RedisHandle, app: App, channel: NotingChannel, seal: StateSeal) {
    this.#handle = handle;
    this.#seal = seal;
    this.app = app;
    this.#channel = channel;
    app.notifier.add({
      name: 'bench',
      notify: (notice: CaseNotice) => {
        if (notice.kind === 'new') this.#noticeAt.set(notice.caseRef, performance.now());
        return Promise.resolve();
      },
    });
  }

  /**
   * Starts Lotse on the Redis at `url` under `prefix`, with its workers unless told not to. Processes
   * that share a prefix (replicas) must share `keys` too; alone, it makes its own.
   */
  static async start(
    url: string,
    prefix: string,
    workers = true,
    keys: { readonly sessionKey: string; readonly staff: StaffKeyPair } = {
      sessionKey: StateSeal.generateKey(),
      staff: generateStaffKeyPair(),
    },
  ): Promise<LotseSystem> {
    const config = benchConfig(url, prefix);
    const logger = createLogger('silent');
    const handle = await connectRedis({
      url: config.REDIS_URL,
      autostart: false,
      dataDir: config.DATA_DIR,
      logger,
    });
    const { sessionKey } = keys;
    const app = createApp(config, handle.redis, logger, { sessionKey, keys: keys.staff });
    const channel = new NotingChannel();
    const system = new LotseSystem(handle, app, channel, StateSeal.fromKeyring(sessionKey));
    await app.addChannel(channel);
    if (workers) await app.startWorkers();
    return system;
  }

  /** The connection the bot side uses (for byte counts). */
  get redis() {
    return this.#handle.redis;
  }

  static user = (person: number): string => `person-${person}`;

  async step(person: number, index: number): Promise<void> {
    const step = INTAKE[index];
    if (step === undefined) throw new Error(`no step ${index}`);
    const userId = LotseSystem.user(person);
    if (step.name === 'summary') this.#sentAt.set(userId, performance.now());
    await this.app.engine.handle({
      platform: 'console',
      userId,
      chatId: userId,
      eventId: `${userId}-${index}`,
      input: step.lotse,
    });
  }

  get cases(): number {
    return this.#noticeAt.size;
  }

  /** Bytes of a person's session: the JSON, and as stored (sealed); 0 when there is none. */
  async sessionBytes(person: number): Promise<{ plain: number; sealed: number }> {
    const key = `console:${LotseSystem.user(person)}`;
    const sealed = await this.redis.getBuffer(this.app.store.keys(key).session);
    const plain = sealed === null ? undefined : this.#seal.open(sealed, sessionContext(key));
    return {
      plain: plain === undefined ? 0 : Buffer.byteLength(plain),
      sealed: sealed?.byteLength ?? 0,
    };
  }

  /** The case references staff were told of. */
  caseRefs(): string[] {
    return [...this.#noticeAt.keys()];
  }

  get replies(): number {
    return this.#channel.replies;
  }

  /** Confirmation → staff notice, ms, of every case noticed so far. */
  noticeLatencies(): number[] {
    const latencies: number[] = [];
    for (const [caseRef, at] of this.#noticeAt) {
      const user = this.#channel.confirmed.get(caseRef);
      const sent = user === undefined ? undefined : this.#sentAt.get(user);
      if (sent !== undefined) latencies.push(at - sent);
    }
    return latencies;
  }

  async stop(): Promise<void> {
    await this.app.stop();
    await this.#handle.close();
  }
}
