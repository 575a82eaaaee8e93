import { describe, expect, it } from 'vitest';
import { parseStaffCommand } from '../../../src/adapters/telegram/staff-group.ts';
import { TelegramStaffNotices } from '../../../src/adapters/telegram/staff-notices.ts';
import type { Api } from 'grammy';
import { Translator } from '../../../src/bot/i18n.ts';

describe('staff commands', () => {
  it('reads command, case reference and text, in English and German', () => {
    expect(parseStaffCommand('/claim 7KQ2-9XMD-4HTR-V')).toEqual({
      action: 'claim',
      caseRef: '7KQ2-9XMD-4HTR-V',
      rest: '',
    });
    expect(parseStaffCommand('/antworten@LotseBot 7kq2 Guten Tag,\nbis morgen.')).toEqual({
      action: 'reply',
      caseRef: '7kq2',
      rest: 'Guten Tag,\nbis morgen.',
    });
    expect(parseStaffCommand('/close X-1 referred to police')?.rest).toBe('referred to police');
    expect(parseStaffCommand('/note')).toEqual({ action: 'note', rest: '' });
    expect(parseStaffCommand('/start')).toBeUndefined();
    expect(parseStaffCommand('claim X')).toBeUndefined();
  });
});

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
