import { html } from 'hono/html';
import type { CaseDetails } from '../../staff/ports.ts';
import type { Say } from '../say.ts';
import { page, type Html, type Viewer } from './layout.ts';

/** A case's reference and status (phase 2 makes this the full case page). */
export function casePage(v: { say: Say; viewer: Viewer; details: CaseDetails }): Html {
  const { say, details } = v;
  return page({
    say,
    viewer: v.viewer,
    title: say('case.title', { ref: details.caseRef }),
    body: html`<p><a href="/inbox">${say('case.back')}</a></p>
      <h1>${say('case.title', { ref: details.caseRef })}</h1>
      <p>
        ${say('case.status', { status: say.other(`staff:status.${details.status}`, details.status) })}
      </p>
      ${details.assignee === undefined ? '' : html`<p>${say('case.assignee', { name: details.assignee })}</p>`}
      <p class="muted">${say('case.more')}</p>`,
  });
}
