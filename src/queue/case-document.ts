import type { Translator } from '../bot/i18n.ts';
import { formatDay } from '../flows/intake/deadline.ts';
import { reportSchema } from '../flows/intake/report.ts';
import { text, type Language, type Text } from '../flows/types.ts';
import type { CaseDetails } from './staff-ports.ts';

/** The case as a readable document, for staff and for a referral to police or counselling. */
export function caseDocument(details: CaseDetails, lang: Language, i18n: Translator): string {
  const t = (value: Text): string => i18n.t(lang, value);
  const parsed = reportSchema.safeParse(details.report);
  // A report this version cannot read (damaged, or from another version) is shown as it is.
  if (!parsed.success) return JSON.stringify(details, null, 2);
  const r = parsed.data;
  const opt = (group: string, id: string): string => t(text(`intake:${group}.options.${id}`));
  const notGiven = t(text('intake:summary.notGiven'));
  const line = (field: string, value: string): string =>
    t(text(`intake:summary.${field}`, { value }));
  const lines = [
    t(text('staff:doc.title', { caseRef: details.caseRef })),
    t(
      text('staff:doc.meta', {
        status: details.status,
        assignee: details.assignee ?? '-',
        submitted: r.submittedAt.slice(0, 16).replace('T', ' '),
      }),
    ),
    ...(details.urgent ? [t(text('staff:doc.urgent'))] : []),
    ...(details.eraseRequested ? [t(text('staff:doc.erase'))] : []),
    ...(details.outcome === undefined
      ? []
      : [t(text('staff:doc.outcome', { outcome: details.outcome }))]),
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
    r.description,
    '',
    t(text('staff:doc.evidence')),
    ...r.evidence.files.map(
      (f) => `• ${f.name} (${f.mime}, ${f.size} B) SHA-256 ${f.sha256}, ${f.receivedAt}`,
    ),
    ...r.evidence.links.map((l) => `• ${l}`),
    ...(details.messages.length > 0
      ? [
          '',
          t(text('staff:doc.messages')),
          ...details.messages.map(
            (m) =>
              `${m.at.slice(0, 16).replace('T', ' ')} ${m.from === 'staff' ? (m.by ?? 'staff') : t(text('staff:doc.person'))}: ${m.text}`,
          ),
        ]
      : []),
    ...(details.notes.length > 0
      ? [
          '',
          t(text('staff:doc.notes')),
          ...details.notes.map((n) => `${n.at.slice(0, 16).replace('T', ' ')} ${n.by}: ${n.text}`),
        ]
      : []),
  ];
  return lines.join('\n');
}
