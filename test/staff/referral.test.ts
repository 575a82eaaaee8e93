/**
 * The referral PDF: the report's facts in a readable order for the police or a counselling
 * service, in German or English, times in the contact point's zone with the zone named, evidence
 * with SHA-256 – and nothing else (no notes, no phone number). Names in Latin, Greek and Cyrillic
 * letters are drawn as written (the embedded Noto Sans); hostile text (bidi, controls, scripts the
 * typeface lacks, very long words and texts) neither crashes it nor garbles it. The text is read
 * back with pdftotext (Debian's poppler-utils; .ci/run installs it): without it, outside CI, the
 * tests that read the document skip with a message.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Translator } from '../../src/bot/i18n.ts';
import type { Report } from '../../src/flows/intake/report.ts';
import type { FileRef } from '../../src/flows/types.ts';
import { evidenceFileName } from '../../src/staff/evidence-files.ts';
import { pdfText, referralPdf, type ReferralPurpose } from '../../src/staff/referral.ts';
import { sampleReport } from '../support/reports.ts';

const i18n = Translator.create({ values: { timeZone: 'Europe/Berlin' } });
const CASE = 'WR52-APAW-WWA6-7';
const PDFTOTEXT = ['/usr/bin/pdftotext', '/usr/local/bin/pdftotext'].find((p) => existsSync(p));

/**
 * `describe` for the tests that read the document back; skipped with a reason where pdftotext is
 * missing outside CI (an embedded font's text is glyph numbers: only a PDF reader maps it back).
 */
const describeText: typeof describe =
  PDFTOTEXT !== undefined || process.env['CI'] === 'true'
    ? describe
    : (((name: string) => {
        describe.skip(`${name} (skipped: pdftotext is not installed; apt-get install poppler-utils)`, () =>
          undefined);
      }) as unknown as typeof describe);

/** The document's text as pdftotext reads it. */
function textOf(pdf: Buffer): string {
  if (PDFTOTEXT === undefined)
    throw new Error('pdftotext is missing: apt-get install poppler-utils');
  return execFileSync(PDFTOTEXT, ['-enc', 'UTF-8', '-', '-'], { input: pdf }).toString('utf8');
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
  });
  expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  return flat(textOf(pdf));
}

describeText('referral PDF', () => {
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
    // Bidi and control characters are shown, never obeyed; what the typeface lacks is a `?`.
    expect(doc).toContain('Vorher\\u202eNACHHER\\u0007\\u001b[31m rot');
    expect(doc).toContain('Ende Şahin Łódź Ωmega ? <script>');
    expect(doc).toContain('Gemeinde: \\u2066Ort\\u2069');
    expect(doc).toContain('Angabe statt Link (keine Webadresse): javascript:alert(1)');
    // The long word is broken over lines, not cut: every letter is there.
    expect(doc.replace(/ /g, '')).toContain(`${'A'.repeat(3000)}Ende`);
    const long = await referral(report({ description: 'Satz für Satz. '.repeat(266) }));
    expect(long.match(/Satz für Satz\./g)?.length).toBe(266);
  });

  it('writes names in Latin, Greek and Cyrillic letters as the person wrote them', async () => {
    const doc = await referral(
      report({
        description: 'Drohung von Şahin Łukasz, Олена Шевченко und Νίκος Παπαδόπουλος; Đặng Thị.',
        evidence: {
          files: [{ ...(report().evidence.files[0] as FileRef), name: 'Łódź–Київ.jpg' }],
          links: [],
        },
      }),
    );
    expect(doc).toContain(
      'Drohung von Şahin Łukasz, Олена Шевченко und Νίκος Παπαδόπουλος; Đặng Thị.',
    );
    expect(doc).toContain('„Łódź–Київ.jpg“');
  });
});

describe('text for the referral PDF', () => {
  it('keeps what the typeface draws and marks the rest', () => {
    expect(pdfText('Grüße – „Zitat“ € ß')).toBe('Grüße – „Zitat“ € ß');
    expect(pdfText('Ş ł Олена Ωmega')).toBe('Ş ł Олена Ωmega');
    // A letter the typeface lacks: its base letter where it has one, else `?`; format characters shown.
    expect(pdfText('\u{1D400} 中 محمد 😀\u200b')).toBe('A ? ???? ?\\u200b');
  });
});
