import PDFDocument from 'pdfkit';
import type { Translator } from '../bot/i18n.ts';
import { printable } from '../bot/printable.ts';
import { INTAKE, type IntakeSpec } from '../flows/intake/intake-spec.ts';
import { voiceLine } from '../flows/intake/questions.ts';
import type { Report } from '../flows/intake/report.ts';
import { text, type Language, type Text } from '../flows/types.ts';
import { linkView, listEvidence } from './evidence.ts';

/**
 * The referral document: a case's report as a PDF for the police or a counselling service, made
 * by the contact point with the person's agreement. It holds the report only – what the person
 * told Lotse to pass on – never staff notes, messages or the outcome; the person's phone number or
 * e-mail address stays out too (their contact preference is named: staff add the details once the
 * person agrees to that recipient having them).
 */

/** Who the referral is for. */
export const REFERRAL_PURPOSES = ['police', 'counselling'] as const;
export type ReferralPurpose = (typeof REFERRAL_PURPOSES)[number];

export interface ReferralInput {
  readonly caseRef: string;
  readonly report: Report;
  readonly purpose: ReferralPurpose;
  readonly lang: Language;
  /** The contact point's name, as it signs the document. */
  readonly contactPoint: string;
  /** When it is made (ISO time). */
  readonly at: string;
  readonly i18n: Translator;
  readonly intake?: IntakeSpec;
  /** Uncompressed content streams (for tests that read the text without a PDF tool). */
  readonly compress?: boolean;
}

/** Characters of Windows-1252 above Latin-1's range that the standard PDF fonts can draw. */
const WIN_ANSI_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');

/**
 * Text someone else wrote, as the document's fonts can draw it: controls, bidi and other format
 * characters shown as `\uXXXX` (printable), accents kept where the font has them, other letters
 * reduced to their base letter (Ş → S), anything else as `?`. Nothing reorders or hides text.
 */
export function pdfText(value: string): string {
  // One code point at a time (the u flag): a letter outside the plain ranges is checked alone.
  return printable(value, { lines: true }).replace(/[^\n\t\x20-\x7e\xa0-\xff]/gu, (char) => {
    if (WIN_ANSI_EXTRA.has(char)) return char;
    const base = char.normalize('NFKD').replace(/\p{M}/gu, '');
    return base !== '' && /^[\x20-\x7e\xa0-\xff]+$/.test(base) ? base : '?';
  });
}

const FONT = 'Helvetica';
const BOLD = 'Helvetica-Bold';

/** The referral as PDF bytes. */
export async function referralPdf(input: ReferralInput): Promise<Buffer> {
  const { report, lang, i18n, purpose } = input;
  const intake = input.intake ?? INTAKE;
  const t = (value: Text): string => pdfText(i18n.t(lang, value));
  const k = (key: string, params?: Record<string, string>): string =>
    t(text(`staff:referral.${key}`, params));
  const time = (iso: string): string => i18n.time.formatNamed(iso);

  const doc = new PDFDocument({
    size: 'A4',
    margin: 56,
    compress: input.compress ?? true,
    lang,
    info: {
      Title: k(`title.${purpose}`, { caseRef: input.caseRef }),
      Creator: 'Lotse',
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    doc.on('end', resolve);
    doc.on('error', reject);
  });

  const heading = (value: string): void => {
    doc.moveDown(0.8).font(BOLD).fontSize(12).text(value).moveDown(0.3).font(FONT).fontSize(10.5);
  };
  const para = (value: string): void => {
    doc.font(FONT).fontSize(10.5).text(value, { lineGap: 2 });
  };

  doc
    .font(BOLD)
    .fontSize(16)
    .text(k(`title.${purpose}`, { caseRef: pdfText(input.caseRef) }));
  doc.moveDown(0.4);
  para(k(`intro.${purpose}`, { contactPoint: pdfText(input.contactPoint) }));
  para(k('submitted', { at: time(report.submittedAt) }));
  if (report.urgent) para(k('urgent'));

  heading(k('facts'));
  // The person's own answers in the intake's order; the phone number or e-mail stays out.
  for (const line of intake.documentLines({ ...report, contactValue: null }, lang)) para(t(line));

  heading(k('description'));
  para(
    report.voiceSeconds === undefined
      ? pdfText(report.description)
      : t(voiceLine(report.voiceSeconds)),
  );

  heading(k('evidence'));
  const files = listEvidence(report.evidence.files);
  if (files.length === 0 && report.evidence.links.length === 0) para(k('noEvidence'));
  for (const file of files) {
    doc
      .font(BOLD)
      .fontSize(10.5)
      .text(`${file.name} – „${pdfText(file.sentName)}“`);
    para(
      k('file', {
        type: pdfText(file.mediaType),
        size: String(file.size),
        received: time(file.receivedAt),
      }),
    );
    doc.font('Courier').fontSize(9).text(`SHA-256 ${file.sha256}`).moveDown(0.3);
  }
  for (const link of report.evidence.links) {
    const view = linkView(link);
    para(
      view.kind === 'web'
        ? k('link', { link: pdfText(link), host: pdfText(view.host) })
        : k('linkText', { link: pdfText(link) }),
    );
  }

  doc.moveDown(1.2);
  doc
    .font(FONT)
    .fontSize(9)
    .fillColor('#333333')
    .text(k('made', { contactPoint: pdfText(input.contactPoint), at: time(input.at) }));
  doc.end();
  await ended;
  return Buffer.concat(chunks);
}
