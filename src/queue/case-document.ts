import type { Translator } from '../bot/i18n.ts';
import { printable } from '../bot/printable.ts';
import { formatDay } from '../flows/intake/deadline.ts';
import { reportSchema } from '../flows/intake/report.ts';
import { text, type Language, type Text } from '../flows/types.ts';
import { evidenceFileName } from './evidence-files.ts';
import type { CaseDetails } from './staff-ports.ts';

/** A value someone wrote, on one line. */
const one = (value: string): string => printable(value);
/** A text someone wrote, with its line breaks. */
const block = (value: string): string => printable(value, { lines: true });

/**
 * The case as a readable document, for staff and for a referral to police or counselling. Every
 * value from the report, the messages and the notes is printable (control and bidi characters
 * escaped); evidence files are listed under the name a saved copy gets, the sent name as text.
 */
export function caseDocument(details: CaseDetails, lang: Language, i18n: Translator): string {
  const t = (value: Text): string => i18n.t(lang, value);
  const parsed = reportSchema.safeParse(details.report);
  // A report this version cannot read (damaged, or from another version) is shown as it is.
  if (!parsed.success) return printable(JSON.stringify(details, null, 2), { lines: true });
  const r = parsed.data;
  const opt = (group: string, id: string): string => t(text(`intake:${group}.options.${id}`));
  const notGiven = t(text('intake:summary.notGiven'));
  const line = (field: string, value: string): string =>
    t(text(`intake:summary.${field}`, { value: one(value) }));
  const lines = [
    t(text('staff:doc.title', { caseRef: one(details.caseRef) })),
    t(
      text('staff:doc.meta', {
        status: one(details.status),
        assignee: one(details.assignee ?? '-'),
        submitted: r.submittedAt.slice(0, 16).replace('T', ' '),
      }),
    ),
    ...(details.urgent ? [t(text('staff:doc.urgent'))] : []),
    ...(details.eraseRequested ? [t(text('staff:doc.erase'))] : []),
    ...(details.outcome === undefined
      ? []
      : [t(text('staff:doc.outcome', { outcome: block(details.outcome) }))]),
    '',
    line('role', opt('role', r.role)),
    line('kinds', r.kinds.map((k) => opt('kinds', k)).join(', ')),
    line('channel', opt('channel', r.channel)),
    ...(r.platform ? [line('platform', opt('platform', r.platform))] : []),
    ...(r.channel === 'online' ? [line('link', r.link ?? notGiven)] : []),
    line(
      'when',
      r.when.kind === 'date'
        ? formatDay(r.when.date, lang)
        : t(text(`intake:when.options.${r.when.kind}`)),
    ),
    line('state', opt('state', r.state)),
    line('municipality', r.municipality ?? notGiven),
    line('perpetrator', opt('perpetrator', r.perpetrator)),
    line('police', opt('police', r.police)),
    ...(r.fileNumber ? [line('fileNumber', r.fileNumber)] : []),
    line('family', opt('family', r.family)),
    line('help', r.help.map((h) => opt('help', h)).join(', ')),
    line(
      'contact',
      r.contactValue
        ? `${opt('contact', r.contact)} (${r.contactValue})`
        : opt('contact', r.contact),
    ),
    ...(r.strafantragDeadline
      ? [t(text('intake:summary.deadline', { date: formatDay(r.strafantragDeadline, lang) }))]
      : []),
    '',
    t(text('staff:doc.description')),
    block(r.description),
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
              `${one(m.at.slice(0, 16).replace('T', ' '))} ${m.from === 'staff' ? one(m.by ?? 'staff') : t(text('staff:doc.person'))}: ${block(m.text)}`,
          ),
        ]
      : []),
    ...(details.notes.length > 0
      ? [
          '',
          t(text('staff:doc.notes')),
          ...details.notes.map(
            (n) => `${one(n.at.slice(0, 16).replace('T', ' '))} ${one(n.by)}: ${block(n.text)}`,
          ),
        ]
      : []),
  ];
  return lines.join('\n');
}
