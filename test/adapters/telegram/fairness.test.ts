/**
 * One chat's outgoing backlog never delays another chat's answers: through the Telegram emulator
 * with the channel's own throttle (at a tenth of a second per message into one chat).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { InboundEvent } from '../../../src/bot/types.ts';
import { useTestRedis } from '../../support/redis.ts';
import { TelegramHarness } from './harness.ts';

const redis = useTestRedis('tgfair');
let h: TelegramHarness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

describe('Telegram sending, chat by chat', () => {
  it('answers a person at once while another chat has a backlog of 50 notices', async () => {
    h = await TelegramHarness.start({
      redis: redis.client,
      prefix: redis.prefix,
      limits: {
        global: { perSecond: 30, burst: 30 },
        privateChat: { perSecond: 10, burst: 1 },
        groupChat: { perSecond: 10, burst: 1 },
      },
    });
    const busy = h.user({ userId: 801 });
    const other = h.user({ userId: 802 });
    const event = (n: number): InboundEvent => ({
      platform: 'telegram',
      userId: '801',
      chatId: String(busy.chatId),
      eventId: `notice-${String(n)}`,
      input: { kind: 'hello' },
    });
    // Five seconds of messages queued for one chat.
    const backlog = Array.from({ length: 50 }, (_, n) =>
      h!.channel.deliver(event(n), [{ text: `Hinweis ${String(n)}`, expects: { kind: 'none' } }]),
    );
    const started = Date.now();
    await other.send('/start');
    const answeredIn = Date.now() - started;
    expect((await other.lastQuestion()).options.map((o) => o.id)).toContain('report');
    // Before, the other chat waited behind most of the backlog (about four seconds).
    expect(answeredIn).toBeLessThan(1_500);
    await Promise.all(backlog);
    expect(await busy.messages()).toHaveLength(50);
  });
});
