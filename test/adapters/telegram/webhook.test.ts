/**
 * Webhook mode: updates are posted to the channel's own HTTP server, as Telegram does – including
 * a second delivery of the same update and a stop while an update is in flight.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { Transformer } from '../../../src/adapters/telegram/telegram-channel.ts';
import { SECRET_HEADER } from '../../../src/adapters/telegram/webhook-server.ts';
import { useTestRedis } from '../../support/redis.ts';
import { TelegramHarness, textUpdate } from './harness.ts';

const redis = useTestRedis('tgwh');
const SECRET = 'webhook-secret_0123456789';
let h: TelegramHarness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

async function start(transformers: Transformer[] = []): Promise<TelegramHarness> {
  h = await TelegramHarness.start({
    redis: redis.client,
    prefix: redis.prefix,
    webhook: { secret: SECRET },
    transformers,
  });
  return h;
}

const url = (path = '/telegram/hook') => `http://127.0.0.1:${h?.channel.webhookPort ?? 0}${path}`;

function post(body: object | string, secret: string | null = SECRET, path?: string) {
  return fetch(url(path), {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(secret === null ? {} : { [SECRET_HEADER]: secret }),
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe('Telegram webhook', () => {
  it('registers the webhook with its secret and refuses requests without it', async () => {
    await start();
    const registered = h!.callsOf('setWebhook')[0]?.payload;
    expect(registered).toMatchObject({
      url: 'https://lotse.example.org/telegram/hook',
      secret_token: SECRET,
      allowed_updates: ['message', 'callback_query'],
    });
    expect((await post(textUpdate(1, 301, '/start'), null)).status).toBe(401);
    expect((await post(textUpdate(1, 301, '/start'), 'wrong-secret_0123456789')).status).toBe(401);
    expect((await post(textUpdate(1, 301, '/start'), SECRET, '/elsewhere')).status).toBe(404);
    expect((await fetch(url(), { headers: { [SECRET_HEADER]: SECRET } })).status).toBe(405);
    expect((await post('{"no": "update"}')).status).toBe(400);
    expect((await post('not json')).status).toBe(400);
    // Nothing of that reached the engine.
    expect(await h!.botMessages(301)).toEqual([]);
  });

  it('answers an update delivered twice only once', async () => {
    await start();
    const first = await post(textUpdate(7, 302, '/start'));
    expect(first.status).toBe(200);
    const again = await post(textUpdate(7, 302, '/start'));
    expect(again.status).toBe(200);
    // And twice at the same moment.
    const both = await Promise.all([post(textUpdate(8, 302, '3')), post(textUpdate(8, 302, '3'))]);
    expect(both.map((r) => r.status)).toEqual([200, 200]);
    const messages = await h!.botMessages(302);
    const texts = messages.map((m) => m.text);
    const menuPrompt = h!.i18n.t('de', { key: 'common:menu.prompt' });
    expect(texts.filter((t) => t.startsWith(menuPrompt))).toHaveLength(1);
    const emergency = h!.i18n.t('de', { key: 'common:emergency.text' });
    expect(texts.filter((t) => t === emergency)).toHaveLength(1);
  });

  it('answers the update in flight before it stops, then takes no more', async () => {
    let slow = false;
    const slowSend: Transformer = async (prev, method, payload, signal) => {
      if (slow && method === 'sendMessage') await sleep(300);
      return prev(method, payload, signal);
    };
    await start([slowSend]);
    const port = h!.channel.webhookPort;
    expect((await post(textUpdate(11, 303, '/start'))).status).toBe(200);
    slow = true;
    const inFlight = post(textUpdate(12, 303, '3'));
    await sleep(100);
    const stopped = h!.stopBot();
    const response = await inFlight;
    await stopped;
    expect(response.status).toBe(200);
    const emergency = h!.i18n.t('de', { key: 'common:emergency.text' });
    expect((await h!.botMessages(303)).some((m) => m.text === emergency)).toBe(true);
    await expect(
      fetch(`http://127.0.0.1:${port}/telegram/hook`, { method: 'POST', body: '{}' }),
    ).rejects.toThrow();
  });
});
