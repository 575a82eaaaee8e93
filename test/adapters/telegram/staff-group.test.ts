import { describe, expect, it } from 'vitest';
import { TelegramStaffNotices } from '../../../src/adapters/telegram/staff-notices.ts';
import type { Api } from 'grammy';
import { Translator } from '../../../src/bot/i18n.ts';

describe('staff notices', () => {
  it('say reference, urgency, kinds and Land – nothing else about the case', () => {
    const notices = new TelegramStaffNotices(
      {} as unknown as Api,
      '-1001',
      Translator.create(),
      'de',
    );
    const text = notices.render({
      kind: 'new',
      caseRef: '7KQ2-9XMD-4HTR-V',
      urgent: true,
      kinds: ['threat', 'unheardOf'],
      state: 'SN',
      status: 'new',
      at: '2026-11-22T10:00:00.000Z',
    });
    expect(text).toBe(
      [
        '‼️ DRINGEND · Neuer Fall 7KQ2-9XMD-4HTR-V',
        'Art: Drohung, unheardOf · Land: Sachsen',
        'Details nur im Staff-Werkzeug, nicht hier: npm run staff -- show 7KQ2-9XMD-4HTR-V',
      ].join('\n'),
    );
  });
});
