import type { OutboundMessage } from '../../bot/types.ts';

/** The content of a bot message: an m.notice with plain text and HTML beside it. */
export interface NoticeContent {
  readonly msgtype: 'm.notice';
  readonly body: string;
  readonly format: 'org.matrix.custom.html';
  readonly formatted_body: string;
  /** Nobody: see NO_MENTIONS. */
  readonly 'm.mentions': typeof NO_MENTIONS;
  /**
   * What the message asks for, with option ids, for clients and test drivers that want more than
   * the numbered list (inside the encrypted content, like everything else).
   */
  readonly 'de.lotse.expects': OutboundMessage['expects'];
  readonly 'de.lotse.case'?: string;
  /** Which input this answers, and its place among the replies, so a client knows when all are in. */
  readonly 'de.lotse.batch'?: Batch;
}

/** The replies to one input: `of` is the event they answer, `index` counts from 0 up to `count`. */
export interface Batch {
  readonly of: string;
  readonly index: number;
  readonly count: number;
}

/**
 * The mentions of every message Lotse sends: none. Without `m.mentions`, clients and homeservers
 * fall back to searching the body for display names, user names and "@room" (the legacy push
 * rules), so a name or "@room" in what a person wrote would notify staff or everyone in the room;
 * with it, only the mentions listed here count (Matrix spec 1.7, "User and room mentions").
 */
export const NO_MENTIONS: Readonly<Record<string, never>> = Object.freeze({});

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text made safe for HTML: every markup character escaped. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/** Paragraphs with line breaks, all escaped. */
export function textToHtml(value: string): string {
  return value
    .split(/\n{2,}/)
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`)
    .join('');
}

const isChoice = (kind: OutboundMessage['expects']['kind']): boolean =>
  kind === 'choice' || kind === 'multi' || kind === 'confirm';

/**
 * Renders a neutral message the Matrix way, as an m.notice so that other bots do not answer it:
 * the text, then the options of a choice as a numbered list (answer with the number or the words),
 * or the shortcuts beside a typed answer as a bulleted list of words.
 */
export function renderNotice(message: OutboundMessage, batch?: Batch): NoticeContent {
  const options = message.expects.options ?? [];
  const plain = [message.text];
  let html = textToHtml(message.text);
  if (options.length > 0 && isChoice(message.expects.kind)) {
    plain.push(options.map((o, i) => `${String(i + 1)}. ${o.label}`).join('\n'));
    html += `<ol>${options.map((o) => `<li>${escapeHtml(o.label)}</li>`).join('')}</ol>`;
  } else if (options.length > 0) {
    // Shortcuts beside a typed answer ("skip", "today" …) are typed as words: a number could be
    // the answer itself.
    plain.push(options.map((o) => `• ${o.label}`).join('\n'));
    html += `<ul>${options.map((o) => `<li>${escapeHtml(o.label)}</li>`).join('')}</ul>`;
  }
  return {
    msgtype: 'm.notice',
    body: plain.join('\n\n'),
    format: 'org.matrix.custom.html',
    formatted_body: html,
    'm.mentions': NO_MENTIONS,
    'de.lotse.expects': message.expects,
    ...(message.caseRef === undefined ? {} : { 'de.lotse.case': message.caseRef }),
    ...(batch === undefined ? {} : { 'de.lotse.batch': batch }),
  };
}
