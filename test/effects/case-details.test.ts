import { describe, expect, it } from 'vitest';
import { Translator } from '../../src/bot/i18n.ts';
import type { InboundEvent } from '../../src/bot/types.ts';
import { caseDetails } from '../../src/effects/case-details.ts';
import { text, type ReportDetails } from '../../src/flows/types.ts';

const event: InboundEvent = {
  platform: 'console',
  userId: 'anna',
  chatId: 'anna',
  eventId: 'e1',
  input: { kind: 'text', text: 'Gemeinderat' },
};

const lines = [text('intake:summary.role', { value: text('intake:role.options.council') })];
const details: ReportDetails = {
  fields: { role: 'council', kinds: null },
  missing: ['kinds'],
  urgent: false,
};

function ports(answer: 'ok' | 'unknown' | 'closed', first = true) {
  const said: { text: string; details: ReportDetails }[] = [];
  return {
    said,
    ports: {
      firstTime: () => Promise.resolve(first),
      desk: {
        personDetails: (_ref: string, given: ReportDetails, message: string) => {
          said.push({ text: message, details: given });
          return Promise.resolve(answer);
        },
      },
      i18n: Translator.create(),
    },
  };
}

describe('details added after a short report', () => {
  it('go to the case in their place and as one message in the person’s language, with no answer of their own', async () => {
    const { said, ports: p } = ports('ok');
    expect(
      await caseDetails(p, event, {
        kind: 'case-details',
        caseRef: 'R',
        lang: 'en',
        lines,
        details,
      }),
    ).toBeUndefined();
    expect(said).toHaveLength(1);
    expect(said[0]?.text).toMatch(/^Details added:\n/);
    expect(said[0]?.details).toEqual(details);
  });

  it('update the case without a message when the answer has no line of its own', async () => {
    const { said, ports: p } = ports('ok');
    await caseDetails(p, event, {
      kind: 'case-details',
      caseRef: 'R',
      lang: 'de',
      lines: [],
      details,
    });
    expect(said).toEqual([{ text: '', details }]);
  });

  it('name a closed or erased case in one sentence instead of failing', async () => {
    for (const answer of ['closed', 'unknown'] as const) {
      const { ports: p } = ports(answer);
      expect(
        await caseDetails(p, event, {
          kind: 'case-details',
          caseRef: 'R',
          lang: 'de',
          lines,
          details,
        }),
      ).toEqual([text(`case:status.${answer}`, { caseRef: 'R' })]);
    }
  });

  it('add nothing when the event was handled before', async () => {
    const { said, ports: p } = ports('ok', false);
    expect(
      await caseDetails(p, event, {
        kind: 'case-details',
        caseRef: 'R',
        lang: 'de',
        lines,
        details,
      }),
    ).toBeUndefined();
    expect(said).toEqual([]);
  });
});
