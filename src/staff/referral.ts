import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import { z } from 'zod';
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

/**
 * The document's typeface: Noto Sans (SIL Open Font License) from the `@fontsource/noto-sans`
 * package, which ships it in subsets by script, each for the code points its `unicode.json` names
 * – as a browser picks a subset for each character, the document does. Latin with its extensions,
 * Vietnamese, Greek and Cyrillic are drawn as written ("Şahin Łukasz", "Олена"); scripts that need
 * shaping or right-to-left order (Arabic, Hebrew, Indic) are not among them.
 */
const SUBSETS = [
  'latin',
  'latin-ext',
  'vietnamese',
  'greek',
  'greek-ext',
  'cyrillic',
  'cyrillic-ext',
] as const;
type Subset = (typeof SUBSETS)[number];
type Weight = 400 | 700;

const fontPackage = createRequire(import.meta.url);

/** Each subset's code point ranges, from the package's unicode.json. */
const RANGES: ReadonlyMap<Subset, readonly (readonly [number, number])[]> = (() => {
  const listed = z
    .record(z.string(), z.string())
    .parse(fontPackage('@fontsource/noto-sans/unicode.json'));
  return new Map(
    SUBSETS.map((subset) => [
      subset,
      (listed[subset] ?? '').split(',').map((range) => {
        const [from = '', to] = range.trim().replace(/^U\+/i, '').split('-');
        return [parseInt(from, 16), parseInt(to ?? from, 16)] as const;
      }),
    ]),
  );
})();

/** Whether the subset draws this code point. */
const covers = (subset: Subset, codePoint: number): boolean =>
  (RANGES.get(subset) ?? []).some(([from, to]) => codePoint >= from && codePoint <= to);

/** The first subset that draws this code point, if any. */
const subsetOf = (codePoint: number): Subset | undefined =>
  SUBSETS.find((subset) => covers(subset, codePoint));

/** The file of one subset in one weight (WOFF: fontkit in pdfkit reads it as it is). */
const fontFile = (subset: Subset, weight: Weight): string =>
  fontPackage.resolve(`@fontsource/noto-sans/files/noto-sans-${subset}-${weight}-normal.woff`);

/**
 * Text someone else wrote, as the document's fonts can draw it: controls, bidi and other format
 * characters shown as `\uXXXX` (printable), every letter the typeface has kept as it is, others
 * reduced to their base letter where the typeface has that, anything else as `?`. Nothing
 * reorders or hides text.
 */
export function pdfText(value: string): string {
  // One code point at a time (the u flag).
  return printable(value, { lines: true }).replace(/[^\n\t\x20-\x7e]/gu, (char) => {
    if (subsetOf(char.codePointAt(0) ?? 0) !== undefined) return char;
    const base = char.normalize('NFKD').replace(/\p{M}/gu, '');
    return base !== '' &&
      Array.from(base).every((c) => subsetOf(c.codePointAt(0) ?? 0) !== undefined)
      ? base
      : '?';
  });
}

/** The text as runs of one subset each (spaces and line breaks stay with the run they are in). */
function runs(value: string): { subset: Subset; text: string }[] {
  const out: { subset: Subset; text: string }[] = [];
  for (const char of value) {
    const codePoint = char.codePointAt(0) ?? 0;
    const last = out.at(-1);
    if (last !== undefined && (covers(last.subset, codePoint) || /\s/.test(char)))
      last.text += char;
    else out.push({ subset: subsetOf(codePoint) ?? 'latin', text: char });
  }
  return out;
}

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

  for (const subset of SUBSETS)
    for (const weight of [400, 700] as const)
      doc.registerFont(`${subset}-${weight}`, fontFile(subset, weight));
  /** One paragraph, each run of it in the subset that draws it. */
  const write = (value: string, weight: Weight, size: number, lineGap = 0): void => {
    const parts = runs(value);
    parts.forEach((part, i) => {
      doc
        .font(`${part.subset}-${weight}`)
        .fontSize(size)
        .text(part.text, { lineGap, continued: i < parts.length - 1 });
    });
  };
  const heading = (value: string): void => {
    doc.moveDown(0.8);
    write(value, 700, 12);
    doc.moveDown(0.3);
  };
  const para = (value: string): void => {
    write(value, 400, 10.5, 2);
  };

  write(k(`title.${purpose}`, { caseRef: pdfText(input.caseRef) }), 700, 16);
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
    write(`${file.name} – „${pdfText(file.sentName)}“`, 700, 10.5);
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
  doc.fillColor('#333333');
  write(k('made', { contactPoint: pdfText(input.contactPoint), at: time(input.at) }), 400, 9);
  doc.end();
  await ended;
  return Buffer.concat(chunks);
}
