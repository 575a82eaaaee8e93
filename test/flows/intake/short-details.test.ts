/**
 * Details after a short report, in the pure core: each answered detail carries the report's detail
 * fields as they stand (`detailsOf`), and `withDetails` puts them in place in the report as sent –
 * only fields of detail questions, only when they fit the report's schema.
 */
import { describe, expect, it } from 'vitest';
import { INTAKE } from '../../../src/flows/intake/intake-spec.ts';
import { reportSchema } from '../../../src/flows/intake/report.ts';
import type { Effect, Language } from '../../../src/flows/types.ts';
import { ConversationDriver } from '../../support/conversation-driver.ts';

type Submit = Extract<Effect, { kind: 'submit-report' }>;
type Details = Extract<Effect, { kind: 'case-details' }>;

function shortReport(language: Language) {
  const chat = new ConversationDriver({ language });
  chat.command('start');
  chat.choice('report');
  chat.choice('no');
  chat.choice('short');
  chat.text('Nach der Sitzung wurde ich auf dem Parkplatz bedroht.');
  chat.choice('done');
  chat.choice('chat');
  chat.choice('send');
  const submit = chat.effects.find((e): e is Submit => e.kind === 'submit-report');
  return { chat, report: reportSchema.parse(submit?.report) };
}

const detailsOf = (chat: ConversationDriver): Details[] =>
  chat.effects.filter((e): e is Details => e.kind === 'case-details');

describe('details after a short report', () => {
  for (const language of ['de', 'en'] as const)
    it(`carry the detail fields as they stand, and the report takes them in place (${language})`, () => {
      const { chat, report } = shortReport(language);
      expect(report.role).toBeNull();
      expect(report.missing).toEqual(expect.arrayContaining(['role', 'kinds', 'channel']));
      chat.choice('add');
      chat.choice('council');
      chat.choices('skipDetail');
      chat.choice('online');
      const [role, channel] = detailsOf(chat);
      expect(role?.details.fields).toMatchObject({ role: 'council', kinds: null, channel: null });
      expect(role?.details.missing).not.toContain('role');

      if (channel === undefined) throw new Error('no details for the channel');
      expect(channel.details.fields).toMatchObject({ role: 'council', channel: 'online' });
      expect(channel.details.missing).toEqual(expect.arrayContaining(['kinds', 'when', 'state']));
      expect(channel.details.missing).not.toContain('channel');
      expect(channel.lines).toHaveLength(1);
      const full = INTAKE.withDetails(report, channel.details);
      expect(full).toMatchObject({ role: 'council', channel: 'online', kinds: null });
      expect(full.missing).not.toContain('role');
      expect(full.missing).toContain('kinds');
      // The report as sent is not changed.
      expect(report.role).toBeNull();
    });

  it('take only the fields of detail questions, and only when they fit', () => {
    const { report } = shortReport('de');
    const forged = INTAKE.withDetails(report, {
      fields: { description: 'überschrieben', caseRef: 'OTHER', role: 'council' },
      missing: ['role', 'somethingNew'],
      urgent: false,
    });
    expect(forged).toMatchObject({
      description: report.description,
      caseRef: report.caseRef,
      role: 'council',
    });
    // The open list only shrinks.
    expect(forged.missing).toEqual(['role']);
    const unfit = INTAKE.withDetails(report, {
      fields: { role: 'emperor' },
      missing: [],
      urgent: true,
    });
    expect(unfit).toEqual(report);
  });
});
