import { text, type Language, type Text, type TextParam } from '../types.ts';
import type { IntakeData } from './data.ts';
import { formatDay } from './deadline.ts';
import { deadlineFor } from './report.ts';

const k = (key: string, params?: Record<string, TextParam>): Text => text(`intake:${key}`, params);
const opt = (prefix: string, id: string): Text => k(`${prefix}.options.${id}`);
const line = (field: string, value: TextParam): Text => k(`summary.${field}`, { value });

/** Longest part of the description repeated in the summary. */
const DESCRIPTION_PREVIEW = 300;

/** One line per answer, for the summary before sending. */
export function summaryLines(data: IntakeData, lang: Language): Text[] {
  const lines: Text[] = [];
  const notGiven = k('summary.notGiven');
  if (data.role) lines.push(line('role', opt('role', data.role)));
  if (data.kinds)
    lines.push(
      line(
        'kinds',
        data.kinds.map((id) => opt('kinds', id)),
      ),
    );
  if (data.channel) lines.push(line('channel', opt('channel', data.channel)));
  if (data.channel === 'online') {
    if (data.platform) lines.push(line('platform', opt('platform', data.platform)));
    if (data.link !== undefined) lines.push(line('link', data.link ?? notGiven));
  }
  if (data.when) {
    lines.push(
      line(
        'when',
        data.when.kind === 'date'
          ? formatDay(data.when.date, lang)
          : k(`when.options.${data.when.kind}`),
      ),
    );
  }
  if (data.state) lines.push(line('state', opt('state', data.state)));
  if (data.municipality !== undefined)
    lines.push(line('municipality', data.municipality ?? notGiven));
  if (data.description !== undefined) {
    const preview =
      data.description.length > DESCRIPTION_PREVIEW
        ? `${data.description.slice(0, DESCRIPTION_PREVIEW)}…`
        : data.description;
    lines.push(line('description', preview));
  }
  if (data.evidence) {
    lines.push(
      k('summary.evidence', {
        files: data.evidence.files.length,
        links: data.evidence.links.length,
      }),
    );
  }
  if (data.perpetrator) lines.push(line('perpetrator', opt('perpetrator', data.perpetrator)));
  if (data.police) lines.push(line('police', opt('police', data.police)));
  if (data.police === 'yes' && data.fileNumber !== undefined)
    lines.push(line('fileNumber', data.fileNumber ?? notGiven));
  if (data.police === 'yes' && data.strafantrag !== undefined)
    lines.push(line('strafantrag', opt('strafantrag', data.strafantrag)));
  if (data.family) lines.push(line('family', opt('family', data.family)));
  if (data.help)
    lines.push(
      line(
        'help',
        data.help.map((id) => opt('help', id)),
      ),
    );
  if (data.contact) {
    const how = opt('contact', data.contact);
    lines.push(
      line(
        'contact',
        typeof data.contactValue === 'string'
          ? k('summary.contactWith', { how, value: data.contactValue })
          : how,
      ),
    );
  }
  const deadline = deadlineFor(data);
  if (deadline !== null) {
    lines.push(
      k(data.reminder === true ? 'summary.deadlineReminder' : 'summary.deadline', {
        date: formatDay(deadline, lang),
      }),
    );
  }
  return lines;
}
