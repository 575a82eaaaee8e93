import { describe, expect, it } from 'vitest';
import { Translator } from '../../src/bot/i18n.ts';
import type { InboundEvent } from '../../src/bot/types.ts';
import { caseDetails } from '../../src/effects/case-details.ts';
import { text } from '../../src/flows/types.ts';

const event: InboundEvent = {
  platform: 'console',
  userId: 'anna',
  chatId: 'anna',
  eventId: 'e1',
  input: { kind: 'text', text: 'Gemeinderat' },
};

const lines = [text('intake:summary.role', { value: text('intake:role.options.council') })];

function ports(answer: 'ok' | 'unknown' | 'closed', first = true) {
  const said: string[] = [];
  return {
    said,
    ports: {
      firstTime: () => Promise.resolve(first),
      desk: {
        personMessage: (_ref: string, message: string) => {
          said.push(message);
          return Promise.resolve(answer);
        },
      },
      i18n: Translator.create(),
    },
  };
}

describe('details added after a short report', () => {
  it('go to the case as one message in the person’s language, with no answer of their own', async () => {
    const { said, ports: p } = ports('ok');
    expect(
      await caseDetails(p, event, { kind: 'case-details', caseRef: 'R', lang: 'en', lines }),
    ).toBeUndefined();
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(/^Details added:\n/);
  });

  it('name a closed or erased case in one sentence instead of failing', async () => {
    for (const answer of ['closed', 'unknown'] as const) {
      const { ports: p } = ports(answer);
      expect(
        await caseDetails(p, event, { kind: 'case-details', caseRef: 'R', lang: 'de', lines }),
      ).toEqual([text(`case:status.${answer}`, { caseRef: 'R' })]);
    }
  });

  it('add nothing when the event was handled before', async () => {
    const { said, ports: p } = ports('ok', false);
    expect(
      await caseDetails(p, event, { kind: 'case-details', caseRef: 'R', lang: 'de', lines }),
    ).toBeUndefined();
    expect(said).toEqual([]);
  });
});
