import { GrammyError, HttpError } from 'grammy';
import { UnrecoverableError } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { refusalOf } from '../../src/adapters/telegram/telegram-channel.ts';
import { DeliveryRefused, failureOf } from '../../src/bot/delivery.ts';
import { gaveUp } from '../../src/queue/outbound.ts';

const telegram = (code: number, description: string) =>
  new GrammyError(
    `Call to 'sendMessage' failed! (${String(code)}: ${description})`,
    { ok: false, error_code: code, description },
    'sendMessage',
    { chat_id: 42, text: 'Geheimnis Musterstraße 12' },
  );

describe('Delivery failures', () => {
  it('takes Telegram`s 403 and 400 as final refusals, and nothing else', () => {
    const blocked = refusalOf(telegram(403, 'Forbidden: bot was blocked by the user'));
    expect(blocked).toBeInstanceOf(DeliveryRefused);
    expect(blocked).toMatchObject({
      status: 403,
      message: 'Forbidden: bot was blocked by the user',
    });
    expect(refusalOf(telegram(400, 'Bad Request: chat not found'))).toBeInstanceOf(DeliveryRefused);
    for (const passing of [
      telegram(429, 'Too Many Requests: retry after 5'),
      telegram(502, 'Bad Gateway'),
      new HttpError('Network request for sendMessage failed!', new Error('socket hang up')),
      new Error('no telegram channel in this process'),
    ])
      expect(refusalOf(passing)).toBe(passing);
  });

  it('names a failure by its kind and status only, never by what it carries', () => {
    const failure = failureOf(telegram(502, 'Bad Gateway'));
    expect(failure).toEqual({ name: 'GrammyError', status: 502 });
    expect(failureOf(new DeliveryRefused('gone', { status: 403 }))).toEqual({
      name: 'DeliveryRefused',
      status: 403,
    });
    expect(failureOf('a string')).toEqual({ name: 'string' });
    expect(JSON.stringify(failureOf(telegram(403, 'x')))).not.toContain('Musterstraße');
  });

  it('lets a staff reply the channel refused for good give up at once, not after every attempt', () => {
    const job = { attemptsMade: 1, opts: { attempts: 8 } };
    expect(gaveUp(job, new DeliveryRefused('blocked', { status: 403 }))).toBe(true);
    expect(gaveUp(job, new UnrecoverableError('damaged'))).toBe(true);
    expect(gaveUp(job, new Error('socket hang up'))).toBe(false);
    expect(gaveUp({ attemptsMade: 8, opts: { attempts: 8 } }, new Error('down'))).toBe(true);
  });
});
