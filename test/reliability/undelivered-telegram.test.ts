/**
 * Replies Telegram could not take are kept, not dropped (docs/RELIABILITY.md): through the real
 * Telegram channel on telegram-test-api, the real engine and Redis. A transformer next to the
 * network makes sendMessage to one chat fail for a while – after letting a first message through,
 * so that a delivery breaks off halfway – as a connection lost after the request left would
 * (neither the network retry nor auto-retry may repeat a message then). The person then sees
 * every reply once and in order: the same messages as a person who met no outage. A final
 * refusal (403, the person blocked the bot) drops the replies at once instead.
 */
import { HttpError } from 'grammy';
import { afterEach, describe, expect, it } from 'vitest';
import type { Transformer } from '../../src/adapters/telegram/telegram-channel.ts';
import { TelegramHarness, type TelegramUser } from '../adapters/telegram/harness.ts';
import { reportFigures } from '../support/figures.ts';
import { useTestRedis } from '../support/redis.ts';

const redis = useTestRedis('undelivered');
let h: TelegramHarness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

/** Makes sendMessage to one chat fail: after `pass` more messages, until `end()`. */
class Outage {
  chatId: string | undefined;
  pass = 0;
  failed = 0;
  refused = 0;
  /** 'network': the connection broke after the request left; 'blocked': Telegram's 403. */
  mode: 'network' | 'blocked' = 'network';

  start(chatId: number, mode: Outage['mode'], pass = 0): void {
    this.chatId = String(chatId);
    this.mode = mode;
    this.pass = pass;
  }

  end(): void {
    this.chatId = undefined;
  }

  readonly transformer: Transformer = async (prev, method, payload, signal) => {
    const chat = (payload as { chat_id?: unknown }).chat_id;
    if (method !== 'sendMessage' || this.chatId === undefined || String(chat) !== this.chatId)
      return prev(method, payload, signal);
    if (this.pass > 0) {
      this.pass--;
      return prev(method, payload, signal);
    }
    if (this.mode === 'blocked') {
      this.refused++;
      return {
        ok: false,
        error_code: 403,
        description: 'Forbidden: bot was blocked by the user',
      } as never;
    }
    this.failed++;
    throw new HttpError(
      'Network request for sendMessage failed!',
      Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
    );
  };
}

const texts = async (person: TelegramUser) => (await person.messages()).map((m) => m.text);

describe('Undelivered replies on Telegram', () => {
  it('shows every reply once and in order after an outage, with the sweeper', async () => {
    const outage = new Outage();
    h = await TelegramHarness.start({
      redis: redis.client,
      prefix: redis.prefix,
      transformers: [outage.transformer],
    });
    // The reference: a person who met no outage.
    const calm = h.user({ userId: 711 });
    await calm.send('/start');
    await calm.send('1'); // "report a case", typed as its number
    await calm.send('Nein'); // not in danger, typed as the label
    const expected = await texts(calm);
    expect(expected.length).toBeGreaterThan(3);

    const anna = h.user({ userId: 712 });
    const outboxKey = `${redis.prefix}:conv:{telegram:712}:outbox`;
    let sweeps = 0;
    // The outage begins after one more message: the first delivery breaks off halfway.
    outage.start(712, 'network', 1);
    await anna.send('/start');
    expect(outage.failed).toBe(1);
    expect(await texts(anna)).toEqual(expected.slice(0, 1));
    expect(await redis.client.exists(outboxKey)).toBe(1);
    // Still down: the sweeper tries (and fails) twice; a message of the person waits behind.
    for (; sweeps < 2; sweeps++) await h.app.engine.sweep();
    expect(outage.failed).toBe(3);
    await anna.send('1');
    expect(outage.failed).toBe(4);
    expect(await redis.client.exists(outboxKey)).toBe(1);
    expect(await redis.client.llen(`${redis.prefix}:conv:{telegram:712}:inbox`)).toBe(1);
    // Telegram is back: the next sweep sends what is left of the kept replies, then the answer.
    outage.end();
    await h.app.engine.sweep();
    sweeps++;
    await anna.send('Nein');
    const seen = await texts(anna);
    expect(seen).toEqual(expected);
    expect(new Set(seen).size).toBe(new Set(expected).size);
    expect(await redis.client.exists(outboxKey)).toBe(0);
    expect(await redis.client.exists(`${redis.prefix}:conv:{telegram:712}:inbox`)).toBe(0);
    reportFigures('undelivered replies, telegram', [
      `${String(outage.failed)} failed sendMessage calls, ${String(sweeps)} sweeps: ${String(seen.length)}/${String(expected.length)} messages seen, ${String(expected.length - seen.length)} lost, ${String(seen.length - expected.length)} repeated, order ${seen.join('\n') === expected.join('\n') ? 'kept' : 'BROKEN'}`,
    ]);
  });

  it('drops the replies at once when Telegram refuses them for good, and answers again later', async () => {
    const outage = new Outage();
    h = await TelegramHarness.start({
      redis: redis.client,
      prefix: redis.prefix,
      transformers: [outage.transformer],
    });
    const ben = h.user({ userId: 713 });
    const outboxKey = `${redis.prefix}:conv:{telegram:713}:outbox`;
    await ben.send('/start');
    const before = (await ben.messages()).length;
    outage.start(713, 'blocked');
    await ben.send('1');
    expect(outage.refused).toBe(1);
    expect(await redis.client.exists(outboxKey)).toBe(0);
    await h.app.engine.sweep();
    expect(outage.refused).toBe(1);
    // Unblocked: the next message is answered at the step the refused replies had asked.
    outage.end();
    await ben.send('Nein');
    const after = await ben.messages();
    expect(after.length).toBeGreaterThan(before);
    expect(await redis.client.exists(outboxKey)).toBe(0);
  });
});
