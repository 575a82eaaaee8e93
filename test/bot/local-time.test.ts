import { describe, expect, it } from 'vitest';
import { Translator } from '../../src/bot/i18n.ts';
import { LocalTime } from '../../src/bot/local-time.ts';
import { configSchema } from '../../src/config/schema.ts';
import { caseDocument } from '../../src/staff/case-document.ts';
import { NoticeLine } from '../../src/staff/notices.ts';
import { sampleReport } from '../support/reports.ts';

// 23:30 UTC on 31 March is 01:30 on 1 April in Berlin (summer time, UTC+2).
const report = sampleReport('TIME-0001', { submittedAt: '2026-03-31T23:30:00.000Z' });
const details = {
  caseRef: 'TIME-0001',
  status: 'new' as const,
  urgent: false,
  report,
  notes: [{ at: '2026-12-01T12:05:00.000Z', by: 'ben', text: 'angerufen' }],
  messages: [],
  eraseRequested: false,
};

describe('times in the contact point’s time zone', () => {
  it('is Europe/Berlin unless TIME_ZONE says otherwise, and refuses an unknown zone', () => {
    expect(configSchema.parse({}).TIME_ZONE).toBe('Europe/Berlin');
    expect(configSchema.parse({ TIME_ZONE: 'UTC' }).TIME_ZONE).toBe('UTC');
    expect(configSchema.safeParse({ TIME_ZONE: 'Mars/Olympus' }).success).toBe(false);
  });

  it('converts across the summer-time change and the date line', () => {
    const berlin = new LocalTime('Europe/Berlin');
    expect(berlin.format('2026-03-31T23:30:00.000Z')).toBe('2026-04-01 01:30');
    expect(berlin.format('2026-12-01T12:05:00.000Z')).toBe('2026-12-01 13:05');
    expect(new LocalTime('UTC').format('2026-03-31T23:30:00.000Z')).toBe('2026-03-31 23:30');
  });

  it('names the zone in the case document, in German and English', () => {
    const i18n = Translator.create();
    const de = caseDocument(details, 'de', i18n);
    expect(de).toContain('Eingang: 2026-04-01 01:30 (Europe/Berlin)');
    expect(de).toContain('2026-12-01 13:05 ben: angerufen');
    const en = caseDocument(details, 'en', i18n);
    expect(en).toContain('Received: 2026-04-01 01:30 (Europe/Berlin)');
    const utc = Translator.create({ values: { timeZone: 'UTC' } });
    expect(caseDocument(details, 'en', utc)).toContain('Received: 2026-03-31 23:30 (UTC)');
  });

  it('shows the feed in the zone', () => {
    const i18n = Translator.create({ values: { timeZone: 'America/New_York' } });
    const line = new NoticeLine(i18n, 'en').render({
      kind: 'new',
      caseRef: 'TIME-0001',
      at: '2026-12-01T12:05:00.000Z',
    });
    expect(line.startsWith('2026-12-01 07:05 ')).toBe(true);
  });
});
