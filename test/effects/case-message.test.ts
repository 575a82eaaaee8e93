import { describe, expect, it } from 'vitest';
import type { InboundEvent } from '../../src/bot/types.ts';
import { caseMessage } from '../../src/effects/case-message.ts';
import { text } from '../../src/flows/types.ts';

const event = (eventId: string): InboundEvent => ({
  platform: 'console',
  userId: 'anna',
  chatId: 'anna',
  eventId,
  input: { kind: 'text', text: 'Es kam noch ein Brief.' },
});

/** A desk that answers `result` and remembers the messages; marks in a memory set. */
function memoryPorts(result: 'ok' | 'unknown' | 'closed') {
  const messages: [string, string][] = [];
  const seen = new Set<string>();
  return {
    messages,
    ports: {
      firstTime: (key: string, eventId: string) => {
        const first = !seen.has(`${key}:${eventId}`);
        seen.add(`${key}:${eventId}`);
        return Promise.resolve(first);
      },
      desk: {
        personMessage: (caseRef: string, body: string) => {
          messages.push([caseRef, body]);
          return Promise.resolve(result);
        },
      },
    },
  };
}

const message = { caseRef: 'WR52-APAW-WWA6-7', text: 'Es kam noch ein Brief.' };

describe('caseMessage', () => {
  it('hands the message to the case and says it was sent', async () => {
    const { ports, messages } = memoryPorts('ok');
    expect(await caseMessage(ports, event('e1'), message)).toEqual([text('case:chat.sent')]);
    expect(messages).toEqual([[message.caseRef, message.text]]);
  });

  it('adds a message handled twice (the same event) only once', async () => {
    const { ports, messages } = memoryPorts('ok');
    await caseMessage(ports, event('e1'), message);
    expect(await caseMessage(ports, event('e1'), message)).toBeUndefined();
    await caseMessage(ports, event('e2'), message);
    expect(messages).toHaveLength(2);
  });

  it.each(['unknown', 'closed'] as const)('names the case’s state when it is %s', async (state) => {
    const { ports } = memoryPorts(state);
    expect(await caseMessage(ports, event('e1'), message)).toEqual([
      text(`case:status.${state}`, { caseRef: message.caseRef }),
    ]);
  });
});
