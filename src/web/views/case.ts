import { html } from 'hono/html';
import type { AuditEntry } from '../../staff/case-store.ts';
import type { ReadableReport } from '../../staff/case-document.ts';
import { servingRule, type EvidenceItem, type LinkView } from '../../staff/evidence.ts';
import type { CaseDetails, CaseMessage } from '../../staff/ports.ts';
import { REFERRAL_PURPOSES } from '../../staff/referral.ts';
import type { Say } from '../say.ts';
import { alert, page, type Html, type Viewer } from './layout.ts';

/** Everything the case page shows, opened by the desk for the signed-in account. */
export interface CaseView {
  readonly say: Say;
  readonly viewer: Viewer;
  readonly details: CaseDetails;
  /** The report in the case document's order; undefined when this version cannot read it. */
  readonly report: ReadableReport | undefined;
  readonly files: readonly EvidenceItem[];
  readonly links: readonly LinkView[];
  readonly audit: readonly AuditEntry[];
  /** Times as shown (TIME_ZONE). */
  readonly time: (iso: string) => string;
  /** What the last action did, or why it was refused (already localised). */
  readonly notice?: string;
  readonly error?: string;
}

/** The case file: report, evidence, conversation, notes, audit trail, and one form per action. */
export function casePage(v: CaseView): Html {
  const { say, details } = v;
  const ref = details.caseRef;
  const closed = details.status === 'closed';
  const base = `/cases/${encodeURIComponent(ref)}`;
  return page({
    say,
    viewer: v.viewer,
    title: say('case.title', { ref }),
    scripts: ['refresh.js', 'case.js'],
    body: html`<p><a href="/inbox">${say('case.back')}</a></p>
      <h1>${say('case.title', { ref })}</h1>
      ${alert('error', v.error)} ${alert('notice', v.notice)}
      <div id="case-state">${caseState(v)}</div>
      <div class="case-grid">
        <div class="case-main">
          ${reportSection(v)} ${evidenceSection(v, base)}
          <section aria-labelledby="conversation-h" id="conversation" data-case="${ref}">
            <h2 id="conversation-h">${say('case.conversation.title')}</h2>
            <p
              id="live-status"
              class="muted"
              role="status"
              data-new-message="${say('case.conversation.newMessage')}"
            ></p>
            <div id="messages">${messageList(v)}</div>
            ${
              closed
                ? html`<p class="muted">${say('case.conversation.closed')}</p>`
                : html`<form method="post" action="${base}/reply" class="stack">
                    <input type="hidden" name="csrf" value="${v.viewer.csrf}" />
                    <label for="reply-text">${say('case.reply.label')}</label>
                    <p id="reply-hint" class="muted">${say('case.reply.hint')}</p>
                    <textarea
                      id="reply-text"
                      name="text"
                      rows="4"
                      maxlength="4000"
                      required
                      aria-describedby="reply-hint"
                    ></textarea>
                    <button type="submit">${say('case.reply.submit')}</button>
                  </form>`
            }
          </section>
          ${notesSection(v, base, closed)} ${auditSection(v)}
        </div>
        <aside class="case-actions" aria-labelledby="actions-h">
          <h2 id="actions-h">${say('case.actions.title')}</h2>
          ${actionForms(v, base, closed)}
        </aside>
      </div>`,
  });
}

/** Status, urgency, assignee, the erase request and the outcome (refreshed live). */
export function caseState(v: Pick<CaseView, 'say' | 'details'>): Html {
  const { say, details } = v;
  return html`<ul class="facts">
    <li>
      ${say('case.status', { status: say.other(`staff:status.${details.status}`, details.status) })}
    </li>
    ${details.urgent ? html`<li><span class="badge urgent">${say('inbox.urgent')}</span></li>` : ''}
    <li>
      ${
        details.assignee === undefined
          ? say('case.unassigned')
          : say('case.assignee', { name: details.assignee })
      }
    </li>
    ${
      details.eraseRequested
        ? html`<li><strong class="warn">${say('case.eraseRequested')}</strong></li>`
        : ''
    }
    ${
      details.outcome === undefined
        ? ''
        : html`<li class="prewrap">${say('case.outcome', { outcome: details.outcome })}</li>`
    }
  </ul>`;
}

function reportSection(v: CaseView): Html {
  const { say, report } = v;
  if (report === undefined)
    return html`<section aria-labelledby="report-h">
      <h2 id="report-h">${say('case.report.title')}</h2>
      <p class="alert error">${say('case.report.unreadable')}</p>
    </section>`;
  return html`<section aria-labelledby="report-h">
    <h2 id="report-h">${say('case.report.title')}</h2>
    <p>${say('case.report.submitted', { time: report.submitted })}</p>
    <ul class="report-lines">
      ${report.lines.map((line) => html`<li class="prewrap">${line}</li>`)}
    </ul>
    <h3>${say('case.report.description')}</h3>
    <p class="prewrap description">${report.description}</p>
  </section>`;
}

function evidenceSection(v: CaseView, base: string): Html {
  const { say } = v;
  const size = new Intl.NumberFormat(say.lang === 'de' ? 'de-DE' : 'en-GB', {
    maximumFractionDigits: 1,
  });
  const bytes = (n: number): string =>
    n < 1024
      ? say('case.evidence.bytes', { size: n })
      : n < 1024 * 1024
        ? say('case.evidence.kib', { size: size.format(n / 1024) })
        : say('case.evidence.mib', { size: size.format(n / 1024 / 1024) });
  return html`<section aria-labelledby="evidence-h">
    <h2 id="evidence-h">${say('case.evidence.title')}</h2>
    ${
      v.files.length === 0 && v.links.length === 0
        ? html`<p class="muted">${say('case.evidence.none')}</p>`
        : ''
    }
    ${
      v.files.length === 0
        ? ''
        : html`<ul class="evidence">
            ${v.files.map((file) => {
              const url = `${base}/files/${encodeURIComponent(file.name)}`;
              const kind = servingRule(file.mediaType, file.name).kind;
              return html`<li class="evidence-file" data-file="${file.name}">
                <p>
                  <strong>${file.sentName}</strong>
                  <span class="muted">(${file.mediaType}, ${bytes(file.size)})</span>
                </p>
                <dl>
                  <dt>${say('case.evidence.received')}</dt>
                  <dd>${v.time(file.receivedAt)}</dd>
                  <dt>SHA-256</dt>
                  <dd><code class="hash">${file.sha256}</code></dd>
                  <dt>${say('case.evidence.savedAs')}</dt>
                  <dd><code>${file.name}</code></dd>
                </dl>
                ${
                  kind === 'inline-image'
                    ? html`<img
                        class="evidence-image"
                        src="${url}"
                        alt="${say('case.evidence.imageAlt', { name: file.sentName })}"
                      />`
                    : ''
                }
                <p class="file-links">
                  ${
                    kind === 'inline-pdf'
                      ? html`<a href="${url}" target="_blank" rel="noopener noreferrer"
                          >${say('case.evidence.viewPdf', { name: file.name })}</a
                        >`
                      : ''
                  }
                  <a href="${url}" download="${file.name}"
                    >${say('case.evidence.download', { name: file.name })}</a
                  >
                </p>
              </li>`;
            })}
          </ul>`
    }
    ${
      v.links.length === 0
        ? ''
        : html`<h3>${say('case.links.title')}</h3>
            <ul class="links">
              ${v.links.map((link, index) =>
                link.kind === 'web'
                  ? html`<li>
                      <code class="link-text">${link.text}</code>
                      <span class="muted">${say('case.links.host', { host: link.host })}</span>
                      <a href="${base}/links/${index}"
                        >${say('case.links.check', { host: link.host })}</a
                      >
                    </li>`
                  : html`<li>
                      <code class="link-text">${link.text}</code>
                      <span class="muted">${say('case.links.notWeb')}</span>
                    </li>`,
              )}
            </ul>`
    }
  </section>`;
}

/** The conversation, oldest first, staff replies with their delivery status (refreshed live). */
export function messageList(v: Pick<CaseView, 'say' | 'details' | 'time'>): Html {
  const { say, details } = v;
  if (details.messages.length === 0)
    return html`<p class="muted">${say('case.conversation.none')}</p>`;
  return html`<ol class="messages" data-count="${details.messages.length}">
    ${details.messages.map(
      (m) =>
        html`<li class="message ${m.from}">
          <p class="meta">
            <strong
              >${
                m.from === 'staff'
                  ? say('case.conversation.staff', { name: m.by ?? '' })
                  : say('case.conversation.person')
              }</strong
            >
            · <time datetime="${m.at}">${v.time(m.at)}</time>
            ${deliveryBadge(say, m)}
          </p>
          <p class="prewrap">${m.text}</p>
        </li>`,
    )}
  </ol>`;
}

function deliveryBadge(say: Say, m: CaseMessage): Html | string {
  if (m.delivery === undefined) return '';
  const label = say(`case.delivery.${m.delivery.status}`, { reason: m.delivery.reason ?? '' });
  return html`· <span class="delivery ${m.delivery.status}">${label}</span>`;
}

function notesSection(v: CaseView, base: string, closed: boolean): Html {
  const { say, details } = v;
  return html`<section aria-labelledby="notes-h">
    <h2 id="notes-h">${say('case.notes.title')}</h2>
    <p class="muted">${say('case.notes.intro')}</p>
    ${
      details.notes.length === 0
        ? html`<p class="muted">${say('case.notes.none')}</p>`
        : html`<ol class="notes">
            ${details.notes.map(
              (n) =>
                html`<li>
                  <p class="meta">
                    <strong>${n.by}</strong> · <time datetime="${n.at}">${v.time(n.at)}</time>
                  </p>
                  <p class="prewrap">${n.text}</p>
                </li>`,
            )}
          </ol>`
    }
    ${
      closed
        ? ''
        : html`<form method="post" action="${base}/note" class="stack">
            <input type="hidden" name="csrf" value="${v.viewer.csrf}" />
            <label for="note-text">${say('case.notes.label')}</label>
            <textarea id="note-text" name="text" rows="3" maxlength="4000" required></textarea>
            <button type="submit">${say('case.notes.submit')}</button>
          </form>`
    }
  </section>`;
}

/** One row of the audit trail as shown: an entry, or a run of one account's views taken together. */
interface AuditRow {
  readonly from: string;
  readonly to: string;
  readonly actor: string;
  readonly what: readonly { action: string; detail?: string; count: number }[];
}

/** Looking (a page view, a file opened) leaves no trace but the trail: a run of it is one row. */
const VIEWING: ReadonlySet<string> = new Set(['show', 'file']);

/**
 * The audit trail as rows: every entry that changed something on its own row; consecutive views
 * and file openings of one account in one row, each counted ("viewed (3×)"). Nothing is left out.
 */
export function auditRows(entries: readonly AuditEntry[]): AuditRow[] {
  const rows: {
    from: string;
    to: string;
    actor: string;
    what: { action: string; detail?: string; count: number }[];
    viewing: boolean;
  }[] = [];
  for (const entry of entries) {
    const viewing = VIEWING.has(entry.action);
    const last = rows.at(-1);
    if (viewing && last?.viewing === true && last.actor === entry.actor) {
      last.to = entry.at;
      const same = last.what.find((w) => w.action === entry.action && w.detail === entry.detail);
      if (same === undefined)
        last.what.push({
          action: entry.action,
          ...(entry.detail === undefined ? {} : { detail: entry.detail }),
          count: 1,
        });
      else same.count++;
      continue;
    }
    rows.push({
      from: entry.at,
      to: entry.at,
      actor: entry.actor,
      what: [
        {
          action: entry.action,
          ...(entry.detail === undefined ? {} : { detail: entry.detail }),
          count: 1,
        },
      ],
      viewing,
    });
  }
  return rows.map(({ from, to, actor, what }) => ({ from, to, actor, what }));
}

function auditSection(v: CaseView): Html {
  const { say } = v;
  return html`<section aria-labelledby="audit-h">
    <h2 id="audit-h">${say('case.audit.title')}</h2>
    <table class="audit">
      <caption class="visually-hidden">
        ${say('case.audit.caption')}
      </caption>
      <thead>
        <tr>
          <th scope="col">${say('case.audit.when')}</th>
          <th scope="col">${say('case.audit.who')}</th>
          <th scope="col">${say('case.audit.what')}</th>
        </tr>
      </thead>
      <tbody>
        ${auditRows(v.audit).map(
          (row) =>
            html`<tr>
              <td>
                <time datetime="${row.from}">${v.time(row.from)}</time>${
                  row.to === row.from || v.time(row.to) === v.time(row.from)
                    ? ''
                    : html` – <time datetime="${row.to}">${v.time(row.to)}</time>`
                }
              </td>
              <td><code>${row.actor}</code></td>
              <td>
                ${row.what.map(
                  (w, i) =>
                    html`${i > 0 ? '; ' : ''}${say.other(`web:case.audit.action.${w.action}`, w.action)}${
                      w.detail === undefined ? '' : html` <code>${w.detail}</code>`
                    }${w.count > 1 ? ` ${say('case.audit.times', { count: w.count })}` : ''}`,
                )}
              </td>
            </tr>`,
        )}
      </tbody>
    </table>
  </section>`;
}

function actionForms(v: CaseView, base: string, closed: boolean): Html {
  const { say, details } = v;
  const csrf = html`<input type="hidden" name="csrf" value="${v.viewer.csrf}" />`;
  const claimed = details.status === 'claimed' || details.status === 'waiting';
  return html`${
      details.status === 'new'
        ? html`<form method="post" action="${base}/claim">
            ${csrf}
            <button type="submit">${say('case.actions.claim')}</button>
          </form>`
        : ''
    }
    ${
      claimed
        ? html`<form method="post" action="${base}/handback">
            ${csrf}
            <button type="submit" class="secondary">${say('case.actions.handBack')}</button>
          </form>`
        : ''
    }
    ${
      closed
        ? ''
        : html`<form method="post" action="${base}/close" class="stack">
            ${csrf}
            <label for="outcome">${say('case.actions.outcome')}</label>
            <textarea id="outcome" name="outcome" rows="3" maxlength="2000" required></textarea>
            <button type="submit">${say('case.actions.close')}</button>
          </form>`
    }
    <form method="post" action="${base}/referral" class="stack">
      ${csrf}
      <fieldset>
        <legend>${say('case.referral.title')}</legend>
        ${REFERRAL_PURPOSES.map(
          (purpose, i) =>
            html`<label class="choice"
              ><input type="radio" name="purpose" value="${purpose}" ${i === 0 ? 'checked' : ''} />
              ${say(`case.referral.${purpose}`)}</label
            >`,
        )}
      </fieldset>
      <p class="muted" id="referral-hint">${say('case.referral.noContact')}</p>
      <button type="submit" aria-describedby="referral-hint">${say('case.referral.submit')}</button>
    </form>
    <p><a class="danger" href="${base}/erase">${say('case.actions.erase')}</a></p>`;
}

/** The erase confirmation: what goes, and the case number typed again. */
export function erasePage(v: { say: Say; viewer: Viewer; caseRef: string; error?: string }): Html {
  const { say } = v;
  const base = `/cases/${encodeURIComponent(v.caseRef)}`;
  return page({
    say,
    viewer: v.viewer,
    title: say('case.erase.title', { ref: v.caseRef }),
    body: html`<p><a href="${base}">${say('case.erase.back')}</a></p>
      <h1>${say('case.erase.title', { ref: v.caseRef })}</h1>
      ${alert('error', v.error)}
      <p>${say('case.erase.what')}</p>
      <p><strong>${say('case.erase.final')}</strong></p>
      <form method="post" action="${base}/erase" class="stack">
        <input type="hidden" name="csrf" value="${v.viewer.csrf}" />
        <label for="confirm-ref">${say('case.erase.type', { ref: v.caseRef })}</label>
        <input
          id="confirm-ref"
          name="confirm"
          type="text"
          autocomplete="off"
          spellcheck="false"
          required
        />
        <button type="submit" class="danger">${say('case.erase.submit')}</button>
      </form>`,
  });
}

/** The warning before a link from a report is opened. */
export function linkPage(v: {
  say: Say;
  viewer: Viewer;
  caseRef: string;
  link: Extract<LinkView, { kind: 'web' }>;
}): Html {
  const { say, link } = v;
  const base = `/cases/${encodeURIComponent(v.caseRef)}`;
  return page({
    say,
    viewer: v.viewer,
    title: say('case.leave.title', { host: link.host }),
    body: html`<p><a href="${base}">${say('case.erase.back')}</a></p>
      <h1>${say('case.leave.title', { host: link.host })}</h1>
      <p class="alert error">${say('case.leave.warning', { host: link.host })}</p>
      <p>${say('case.leave.address')}</p>
      <p><code class="link-text">${link.text}</code></p>
      <p>${say('case.leave.advice')}</p>
      <p>
        <a class="button danger" href="${link.href}" target="_blank" rel="noopener noreferrer"
          >${say('case.leave.open', { host: link.host })}</a
        >
        <a class="button secondary" href="${base}">${say('case.leave.stay')}</a>
      </p>`,
  });
}
