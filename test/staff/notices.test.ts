/**
 * One notice model, one renderer interface: the Telegram group, the Matrix room and the CLI feed
 * each render the same CaseNotice, and the two chat rooms name categories, Land and status alike
 * (noticeView). Nothing of what the person wrote is in a notice to begin with.
 */
import type { Api } from 'grammy';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { MatrixStaffRoom } from '../../src/adapters/matrix/staff-room.ts';
import { TelegramStaffNotices } from '../../src/adapters/telegram/staff-notices.ts';
import { Translator } from '../../src/bot/i18n.ts';
import { NoticeLine, noticeView } from '../../src/staff/notices.ts';
import type { CaseNotice, NoticeRenderer } from '../../src/staff/ports.ts';
import { StaffRoster } from '../../src/staff/roster.ts';

const i18n = Translator.create();
const notice: CaseNotice = {
  kind: 'unclaimed',
  caseRef: '7KQ2-9XMD-4HTR-V',
  urgent: true,
  kinds: ['threat', 'unheardOf'],
  state: 'SN',
  status: 'new',
  assignee: 'Ben',
  at: '2026-11-22T10:00:00.000Z',
};

describe('staff notices', () => {
  it('read the same on every chat surface: names where the locales have them, else the code', () => {
    expect(noticeView(notice, i18n, 'de')).toEqual({
      kind: 'unclaimed',
      caseRef: '7KQ2-9XMD-4HTR-V',
      urgent: true,
      kinds: ['Drohung', 'unheardOf'],
      state: 'Sachsen',
      status: 'neu',
      assignee: 'Ben',
      claimable: true,
    });
    expect(noticeView({ ...notice, status: 'claimed' }, i18n, 'en')).toMatchObject({
      status: 'claimed',
      claimable: false,
    });
  });

  it('are rendered by each surface through one interface', () => {
    const renderers: [string, NoticeRenderer<string>][] = [
      ['telegram', new TelegramStaffNotices({} as unknown as Api, '-1001', i18n, 'de')],
      [
        'matrix',
        {
          render: (n) =>
            new MatrixStaffRoom({
              port: {
                roomId: () => Promise.resolve(undefined),
                send: () => Promise.resolve(),
                audience: () => Promise.resolve('staff-only'),
                displayName: (_room, userId) => userId,
                acceptIdentity: () => Promise.resolve(false),
              },
              roster: new StaffRoster({}),
              i18n,
              language: 'de',
              logger: pino({ level: 'silent' }),
            }).render(n).body,
        },
      ],
    ];
    for (const [surface, renderer] of renderers) {
      const rendered = renderer.render(notice);
      for (const label of ['7KQ2-9XMD-4HTR-V', 'Drohung', 'unheardOf', 'Sachsen', 'Ben'])
        expect(rendered, `${surface}: ${label}`).toContain(label);
    }
    expect(new NoticeLine(i18n, 'de').render(notice)).toBe(
      // 10:00 UTC, shown in the contact point's time zone (Europe/Berlin, CET).
      '2026-11-22 11:00 !unclaimed 7KQ2-9XMD-4HTR-V SN threat,unheardOf',
    );
  });
});
