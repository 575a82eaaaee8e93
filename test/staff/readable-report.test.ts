/**
 * The report as the case page shows it: the case document's own lines, in its order and wording
 * (so the browser, the CLI's `show` and the chat rooms read alike), the details a short report left
 * open named last, times in the contact point's zone, hostile text made printable.
 */
import { describe, expect, it } from 'vitest';
import { Translator } from '../../src/bot/i18n.ts';
import { caseDocument, readableReport } from '../../src/staff/case-document.ts';
import { sampleReport } from '../support/reports.ts';

const i18n = Translator.create({ values: { timeZone: 'Europe/Berlin' } });
const details = (report: unknown) => ({
  caseRef: 'WR52-APAW-WWA6-7',
  status: 'new' as const,
  urgent: false,
  report,
  notes: [],
  messages: [],
  eraseRequested: false,
});

describe('the readable report', () => {
  it('has the case document’s lines in its order, and the time in the zone', () => {
    const report = sampleReport('WR52-APAW-WWA6-7', { municipality: 'Kassel' });
    for (const lang of ['de', 'en'] as const) {
      const readable = readableReport(details(report), lang, i18n);
      if (readable === undefined) throw new Error('unreadable');
      const document = caseDocument(details(report), lang, i18n);
      expect(readable.lines.length).toBeGreaterThan(8);
      expect(document).toContain(readable.lines.join('\n'));
      expect(document).toContain(readable.description);
      expect(document).toContain(readable.submitted);
    }
    const de = readableReport(details(report), 'de', i18n);
    expect(de?.submitted).toBe('2026-11-22 11:00 (Europe/Berlin)');
    expect(de?.lines).toContain('Bundesland: Hessen');
    expect(de?.lines).toContain('Gemeinde: Kassel');
    expect(de?.lines.indexOf('Bundesland: Hessen')).toBeLessThan(
      de?.lines.indexOf('Gemeinde: Kassel') ?? -1,
    );
  });

  it('names the details a short report left open, last', () => {
    const report = sampleReport('WR52-APAW-WWA6-7', {
      municipality: null,
      police: null,
      missing: ['municipality', 'police'],
    });
    const lines = readableReport(details(report), 'de', i18n)?.lines ?? [];
    // The intake's sentence (intake:summary.missing), the open details by their names.
    expect(lines.at(-1)).toMatch(/Kurzmeldung.*\): Gemeinde, Anzeige bei der Polizei$/);
  });

  it('shows hostile text as text, with its line breaks, and a report it cannot read as nothing', () => {
    const report = sampleReport('WR52-APAW-WWA6-7', {
      description: 'Zeile eins\nZeile\u202e zwei <script>',
      municipality: '\u2066Ort\u2069',
    });
    const readable = readableReport(details(report), 'de', i18n);
    expect(readable?.description).toBe('Zeile eins\nZeile\\u202e zwei <script>');
    expect(readable?.lines).toContain('Gemeinde: \\u2066Ort\\u2069');
    expect(readableReport(details({ v: 99, broken: true }), 'de', i18n)).toBeUndefined();
  });
});
