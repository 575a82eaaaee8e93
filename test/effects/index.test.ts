import { describe, expect, it } from 'vitest';
import { Translator } from '../../src/bot/i18n.ts';
import { createLogger } from '../../src/bot/logger.ts';
import type { InboundEvent } from '../../src/bot/types.ts';
import { effectRunner, type EffectPorts } from '../../src/effects/index.ts';
import { text } from '../../src/flows/types.ts';
import { generateStaffKeyPair } from '../../src/staff/seal.ts';

const event: InboundEvent = {
  platform: 'console',
  userId: 'anna',
  chatId: 'anna',
  eventId: 'e1',
  input: { kind: 'text', text: 'x' },
};

/** Ports that record which handler was reached. */
function recordingPorts(reached: string[]): EffectPorts {
  const logger = createLogger('silent');
  const done = (name: string) => () => {
    reached.push(name);
    return Promise.resolve();
  };
  return {
    eraseMyData: {
      files: {
        eraseAll: () => {
          reached.push('erase');
          return Promise.resolve(0);
        },
      },
      traces: () => Promise.resolve(0),
      desk: {
        erasePerson: () =>
          Promise.resolve({ withdrawn: 0, erased: 0, flagged: 0, messages: 0, reminders: 0 }),
      },
      convId: (key) => key,
      logger,
    },
    submitReport: {
      cases: { track: done('submit') },
      convId: (key) => key,
      reports: { submit: () => Promise.resolve() },
      files: { keep: () => Promise.resolve() },
      publicKey: generateStaffKeyPair().publicKey,
      replicated: () => Promise.resolve(),
      clock: () => new Date(),
      logger,
    },
    caseMessage: {
      firstTime: () => Promise.resolve(true),
      desk: {
        personMessage: () => {
          reached.push('message');
          return Promise.resolve('ok');
        },
      },
    },
    caseDetails: {
      firstTime: () => Promise.resolve(true),
      desk: {
        personDetails: (_ref, _details, said) => {
          reached.push(`details:${said}`);
          return Promise.resolve('ok');
        },
      },
      i18n: Translator.create(),
    },
    caseStatus: {
      cases: {
        get: () => {
          reached.push('status');
          return Promise.resolve(undefined);
        },
      },
      reports: { pending: () => Promise.resolve(false) },
    },
  };
}

describe('effectRunner', () => {
  it('runs each effect by its handler and passes on the handler’s answer', async () => {
    const reached: string[] = [];
    const runner = effectRunner(recordingPorts(reached));
    expect(await runner.run(event, { kind: 'erase-my-data' })).toBeUndefined();
    expect(
      await runner.run(event, { kind: 'submit-report', caseRef: 'R', urgent: false, report: {} }),
    ).toBeUndefined();
    expect(await runner.run(event, { kind: 'case-message', caseRef: 'R', text: 'hi' })).toEqual([
      text('case:chat.sent'),
    ]);
    expect(
      await runner.run(event, {
        kind: 'case-details',
        caseRef: 'R',
        lang: 'de',
        lines: [text('intake:summary.role', { value: text('intake:role.options.council') })],
        details: { fields: { role: 'council' }, missing: [], urgent: false },
      }),
    ).toBeUndefined();
    expect(await runner.run(event, { kind: 'case-status', caseRef: 'R' })).toEqual([
      text('case:status.unknown', { caseRef: 'R' }),
    ]);
    expect(await runner.run(event, { kind: 'set-language', lang: 'en' })).toBeUndefined();
    expect(reached).toEqual([
      'erase',
      'submit',
      'message',
      'details:Ergänzte Angaben:\nFunktion: Gemeinderat, Stadtrat, Kreistag',
      'status',
    ]);
  });
});
