import type { Translator } from '../bot/i18n.ts';
import { printable } from '../bot/printable.ts';
import { INTAKE, type IntakeSpec } from '../flows/intake/intake-spec.ts';
import { voiceLine } from '../flows/intake/questions.ts';
import { text, type Language, type Text, type TextParam } from '../flows/types.ts';
import { evidenceFileName } from './evidence-files.ts';
import type { CaseDetails } from './ports.ts';

/** A value someone wrote, on one line. */
const one = (value: string): string => printable(value);
/** A text someone wrote, with its line breaks. */
const block = (value: string): string => printable(value, { lines: true });

/** A sentence with every value someone wrote made printable; locale keys stay as they are. */
function printableText(value: Text): Text {
  const param = (p: TextParam): TextParam => {
    if (typeof p === 'string') return one(p);
    if (typeof p === 'number') return p;
    if (Array.isArray(p)) return p.map(printableText);
    if ('lines' in p) return { lines: p.lines.map(printableText) };
    return printableText(p as Text);
  };
  return value.params === undefined
    ? value
    : text(
        value.key,
        Object.fromEntries(Object.entries(value.params).map(([name, p]) => [name, param(p)])),
      );
}

/** The report of a case as readable lines, for a page that lays them out itself. */
export interface ReadableReport {
  /** When the person sent it, with the time zone named. */
  readonly submitted: string;
  /** The answers in the intake's order (the case document's lines), the open details last. */
  readonly lines: readonly string[];
  /** What happened in the person's words (line breaks kept), or the voice message's line. */
  readonly description: string;
}

/**
 * The report's lines as the case document has them (same order, same wording), every value
 * printable; undefined for a report this version cannot read.
 */
export function readableReport(
  details: Pick<CaseDetails, 'report'>,
  lang: Language,
  i18n: Translator,
  intake: IntakeSpec = INTAKE,
): ReadableReport | undefined {
  const parsed = intake.reportSchema.safeParse(details.report);
  if (!parsed.success) return undefined;
  const r = parsed.data;
  const t = (value: Text): string => i18n.t(lang, value);
  return {
    submitted: i18n.time.formatNamed(r.submittedAt),
    lines: intake.documentLines(r, lang).map((line) => t(printableText(line))),
    description: r.voiceSeconds === undefined ? block(r.description) : t(voiceLine(r.voiceSeconds)),
  };
}

/**
 * The case as a readable document, for staff and for a referral to police or counselling. The
 * answers are listed as each intake question's record says (`intake`: the intake that made the
 * report). Every value from the report, the messages and the notes is printable (control and bidi
 * characters escaped); evidence files are listed under the name a saved copy gets, the sent name
 * as text.
 */
export function caseDocument(
  details: CaseDetails,
  lang: Language,
  i18n: Translator,
  intake: IntakeSpec = INTAKE,
): string {
  const t = (value: Text): string => i18n.t(lang, value);
  /** A staff reply's delivery status after it, e.g. " [zugestellt]". */
  const delivered = ({ delivery }: CaseDetails['messages'][number]): string =>
    delivery === undefined
      ? ''
      : ` [${t(text(`staff:delivery.${delivery.status}`, { reason: one(delivery.reason ?? '') }))}]`;
  const parsed = intake.reportSchema.safeParse(details.report);
  // A report this version cannot read (damaged, or from another version) is shown as it is.
  if (!parsed.success) return printable(JSON.stringify(details, null, 2), { lines: true });
  const r = parsed.data;
  const lines = [
    t(text('staff:doc.title', { caseRef: one(details.caseRef) })),
    t(
      text('staff:doc.meta', {
        status: one(details.status),
        assignee: one(details.assignee ?? '-'),
        submitted: i18n.time.formatNamed(r.submittedAt),
      }),
    ),
    ...(details.urgent ? [t(text('staff:doc.urgent'))] : []),
    ...(details.eraseRequested ? [t(text('staff:doc.erase'))] : []),
    ...(details.outcome === undefined
      ? []
      : [t(text('staff:doc.outcome', { outcome: block(details.outcome) }))]),
    '',
    ...intake.documentLines(r, lang).map((line) => t(printableText(line))),
    '',
    t(text('staff:doc.description')),
    // A voice message as the description: named here, the file is listed with the evidence.
    r.voiceSeconds === undefined ? block(r.description) : t(voiceLine(r.voiceSeconds)),
    '',
    t(text('staff:doc.evidence')),
    ...r.evidence.files.map(
      (f, i) =>
        `• ${evidenceFileName(i, f)} "${one(f.name)}" (${one(f.mime)}, ${f.size} B) SHA-256 ${f.sha256}, ${f.receivedAt}`,
    ),
    ...r.evidence.links.map((l) => `• ${one(l)}`),
    ...(details.messages.length > 0
      ? [
          '',
          t(text('staff:doc.messages')),
          ...details.messages.map(
            (m) =>
              `${one(i18n.time.format(m.at))} ${m.from === 'staff' ? one(m.by ?? 'staff') : t(text('staff:doc.person'))}: ${block(m.text)}${delivered(m)}`,
          ),
        ]
      : []),
    ...(details.notes.length > 0
      ? [
          '',
          t(text('staff:doc.notes')),
          ...details.notes.map(
            (n) => `${one(i18n.time.format(n.at))} ${one(n.by)}: ${block(n.text)}`,
          ),
        ]
      : []),
  ];
  return lines.join('\n');
}
