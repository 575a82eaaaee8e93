/**
 * The referral PDF: the report's facts in a readable order for the police or a counselling
 * service, in German or English, times in the contact point's zone with the zone named, evidence
 * with SHA-256 – and nothing else (no notes, no phone number). Hostile text (bidi, controls,
 * scripts the fonts lack, very long words and texts) neither crashes it nor garbles it. The text
 * is read back with pdftotext (Debian's poppler-utils) when installed, else from the uncompressed
 * content streams.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Translator } from '../../src/bot/i18n.ts';
import type { Report } from '../../src/flows/intake/report.ts';
import { evidenceFileName } from '../../src/staff/evidence-files.ts';
import { pdfText, referralPdf, type ReferralPurpose } from '../../src/staff/referral.ts';
import { sampleReport } from '../support/reports.ts';

const i18n = Translator.create({ values: { timeZone: 'Europe/Berlin' } });
const CASE = 'WR52-APAW-WWA6-7';
const PDFTOTEXT = ['/usr/bin/pdftotext', '/usr/local/bin/pdftotext'].find((p) => existsSync(p));

/** The document's text: pdftotext's reading, or the shown strings of the uncompressed streams. */
function textOf(pdf: Buffer): string {
  if (PDFTOTEXT !== undefined)
    return execFileSync(PDFTOTEXT, ['-enc', 'UTF-8', '-', '-'], { input: pdf }).toString('utf8');
  // pdfkit writes the standard fonts' text as hex strings in TJ arrays, one array per line.
  const decoder = new TextDecoder('windows-1252');
  return [...pdf.toString('latin1').matchAll(/\[([^\]]*)\] TJ/g)]
    .map((m) =>
      [...(m[1] ?? '').matchAll(/<([0-9a-f]*)>/g)]
        .map((h) => decoder.decode(Buffer.from(h[1] ?? '', 'hex')))
        .join(''),
    )
    .join('\n');
}

/** Words as they read, whatever the line breaks and spacing of the layout. */
const flat = (value: string): string => value.replace(/\s+/g, ' ');

const PHOTO = Buffer.from('foto');
const report = (overrides: Partial<Report> = {}): Report =>
  sampleReport(CASE, {
    submittedAt: '2026-11-22T10:00:00.000Z',
    kinds: ['threat'],
    state: 'BY',
    municipality: 'Kempten',
    police: 'yes',
    fileNumber: 'KPI-2026/4711',
    contact: 'phone',
    contactValue: '0171 5550199',
    description: 'Ein Drohbrief lag am Morgen im Briefkasten.',
    evidence: {
      files: [
        {
          name: 'brief.jpg',
          mime: 'image/jpeg',
          size: PHOTO.byteLength,
          sha256: createHash('sha256').update(PHOTO).digest('hex'),
          receivedAt: '2026-11-22T09:58:00.000Z',
          ref: 'f1',
        },
      ],
      links: ['https://beispiel.de/beitrag/1'],
    },
    ...overrides,
  });

async function referral(
  r: Report,
  purpose: ReferralPurpose = 'police',
  lang: 'de' | 'en' = 'de',
): Promise<string> {
  const pdf = await referralPdf({
    caseRef: CASE,
    report: r,
    purpose,
    lang,
    contactPoint: 'starke Stelle',
    at: '2026-11-23T14:30:00.000Z',
    i18n,
    compress: PDFTOTEXT !== undefined,
  });
  expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  return flat(textOf(pdf));
}

describe('referral PDF', () => {
  it('gives the police the facts in order, evidence with SHA-256, times with the zone named', async () => {
    const r = report();
    const doc = await referral(r);
    const inOrder = [
      `Meldung an die Polizei – Fall ${CASE}`,
      'starke Stelle gibt diese Meldung mit dem Einverständnis',
      'Eingegangen: 2026-11-22 11:00 (Europe/Berlin)',
      'Was passiert ist: Drohung',
      'Bundesland: Bayern',
      'Gemeinde: Kempten',
      'Aktenzeichen der Polizei: KPI-2026/4711',
      'Kontakt: Per Telefon',
      'Strafantrag bis spätestens: 20. Februar 2027',
      'Ein Drohbrief lag am Morgen im Briefkasten.',
      `${evidenceFileName(0, r.evidence.files[0]!)} – „brief.jpg“`,
      'eingegangen 2026-11-22 10:58 (Europe/Berlin)',
      `SHA-256 ${r.evidence.files[0]!.sha256}`,
      'Adresse bei beispiel.de',
      'Erstellt von starke Stelle am 2026-11-23 15:30 (Europe/Berlin)',
    ];
    let from = 0;
    for (const part of inOrder) {
      const at = doc.indexOf(part, from);
      expect(at, `"${part}" after position ${from} in: ${doc}`).toBeGreaterThanOrEqual(from);
      from = at + part.length;
    }
    // The phone number stays out; so does anything staff wrote (the document knows none).
    expect(doc).not.toContain('0171');
  });

  it('speaks English and addresses a counselling service when asked', async () => {
    const doc = await referral(report(), 'counselling', 'en');
    expect(doc).toContain(`Referral to a counselling service – case ${CASE}`);
    expect(doc).toContain('What happened: Threat');
    expect(doc).toContain('Received: 2026-11-22 11:00 (Europe/Berlin)');
    expect(doc).not.toContain('Polizei');
  });

  it('keeps hostile text readable and in order, and survives very long input', async () => {
    const doc = await referral(
      report({
        description: `Vorher\u202eNACHHER\u0007\u001b[31m rot ${'A'.repeat(3000)} Ende\nŞahin Łódź Ωmega 😀 <script>`,
        municipality: '\u2066Ort\u2069',
        evidence: {
          files: [],
          links: ['javascript:alert(1)', `https://beispiel.de/${'x'.repeat(1500)}`],
        },
      }),
    );
    // Bidi and control characters are shown, never obeyed; letters the font lacks are reduced.
    expect(doc).toContain('Vorher\\u202eNACHHER\\u0007\\u001b[31m rot');
    expect(doc).toContain('Ende Sahin ?ódz ?mega ? <script>');
    expect(doc).toContain('Gemeinde: \\u2066Ort\\u2069');
    expect(doc).toContain('Angabe statt Link (keine Webadresse): javascript:alert(1)');
    // The long word is broken over lines, not cut: every letter is there.
    expect(doc.replace(/ /g, '')).toContain(`${'A'.repeat(3000)}Ende`);
    const long = await referral(report({ description: 'Satz für Satz. '.repeat(266) }));
    expect(long.match(/Satz für Satz\./g)?.length).toBe(266);
  });

  it('draws only what the standard fonts have', () => {
    expect(pdfText('Grüße – „Zitat“ € ß')).toBe('Grüße – „Zitat“ € ß');
    expect(pdfText('Ş ł 中\u200b')).toBe('S ? ?\\u200b');
  });
});
