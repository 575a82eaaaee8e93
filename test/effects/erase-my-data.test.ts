import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/bot/logger.ts';
import type { InboundEvent } from '../../src/bot/types.ts';
import { eraseMyData } from '../../src/effects/erase-my-data.ts';
import type { ReplyAddress } from '../../src/queue/reports-queue.ts';

const event: InboundEvent = {
  platform: 'matrix',
  userId: '@anna:example.org',
  chatId: '!room:example.org',
  eventId: '$ev',
  input: { kind: 'choice', id: 'yes' },
};

describe('eraseMyData', () => {
  it('erases the files, the traces and, through the desk, the reports of the conversation', async () => {
    const calls: string[] = [];
    const asked: [ReplyAddress, string][] = [];
    await eraseMyData(
      {
        files: {
          eraseAll: (owner) => {
            calls.push(`files ${owner}`);
            return Promise.resolve(2);
          },
        },
        traces: (key) => {
          calls.push(`traces ${key}`);
          return Promise.resolve(1);
        },
        desk: {
          erasePerson: (address, conv) => {
            calls.push('desk');
            asked.push([address, conv]);
            return Promise.resolve({
              withdrawn: 1,
              erased: 0,
              flagged: 0,
              messages: 0,
              reminders: 0,
            });
          },
        },
        convId: (key) => `conv(${key})`,
        logger: createLogger('silent'),
      },
      event,
    );
    expect(calls).toEqual([
      'files matrix:@anna:example.org',
      'traces matrix:@anna:example.org',
      'desk',
    ]);
    expect(asked).toEqual([
      [
        { platform: 'matrix', userId: '@anna:example.org', chatId: '!room:example.org' },
        'conv(matrix:@anna:example.org)',
      ],
    ]);
  });

  it('stops before the desk when the files cannot be erased, so the effect is tried again', async () => {
    let deskAsked = false;
    const erasing = eraseMyData(
      {
        files: { eraseAll: () => Promise.reject(new Error('Redis is away')) },
        traces: () => Promise.resolve(0),
        desk: {
          erasePerson: () => {
            deskAsked = true;
            return Promise.resolve({
              withdrawn: 0,
              erased: 0,
              flagged: 0,
              messages: 0,
              reminders: 0,
            });
          },
        },
        convId: (key) => key,
        logger: createLogger('silent'),
      },
      event,
    );
    await expect(erasing).rejects.toThrow('Redis is away');
    expect(deskAsked).toBe(false);
  });
});
