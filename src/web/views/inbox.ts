import { html } from 'hono/html';
import type { CaseRecord } from '../../staff/case-store.ts';
import { AGES, inboxQuery, type InboxFilter } from '../../staff/inbox.ts';
import { CASE_STATUSES } from '../../staff/ports.ts';
import type { Say } from '../say.ts';
import { page, type Html, type Viewer } from './layout.ts';

export interface InboxView {
  readonly say: Say;
  readonly viewer: Viewer;
  readonly filter: InboxFilter;
  readonly cases: readonly CaseRecord[];
  readonly choices: { states: string[]; kinds: string[]; assignees: string[] };
  readonly now: Date;
  /** Formats a time for people (the configured time zone). */
  readonly time: (iso: string) => string;
}

const label = (say: Say) => ({
  status: (s: string) => say.other(`staff:status.${s}`, s),
  state: (s: string) => say.other(`intake:state.options.${s}`, s),
  kind: (k: string) => say.other(`intake:kinds.options.${k}`, k),
});

/** The inbox: filters, then the table of cases (live.js keeps its rows current). */
export function inboxPage(v: InboxView): Html {
  const { say, filter } = v;
  const names = label(say);
  const select = (
    id: string,
    text: string,
    current: string | undefined,
    options: readonly (readonly [string, string])[],
  ) =>
    html`<div class="field">
      <label for="f-${id}">${text}</label>
      <select id="f-${id}" name="${id}">
        <option value="">${say('inbox.any')}</option>
        ${options.map(
          ([value, shown]) =>
            html`<option value="${value}" ${value === current ? 'selected' : ''}>${shown}</option>`,
        )}
      </select>
    </div>`;
  const urgent = filter.urgent === undefined ? undefined : filter.urgent ? '1' : '0';
  return page({
    say,
    viewer: v.viewer,
    current: 'inbox',
    title: say('inbox.title'),
    scripts: ['refresh.js', 'live.js'],
    body: html`<h1>${say('inbox.title')}</h1>
      <form method="get" action="/inbox" class="filters" aria-label="${say('inbox.filters')}">
        <div class="field">
          <label for="f-q">${say('inbox.search')}</label>
          <input
            id="f-q"
            name="q"
            value="${filter.search ?? ''}"
            maxlength="64"
            placeholder="${say('inbox.searchHint')}"
            autocomplete="off"
          />
        </div>
        ${select('status', say('inbox.status'), filter.status, [
          ['open', say('inbox.open')],
          ...CASE_STATUSES.map((s) => [s, names.status(s)] as const),
        ])}
        ${select('urgent', say('inbox.urgency'), urgent, [
          ['1', say('inbox.urgentOnly')],
          ['0', say('inbox.notUrgent')],
        ])}
        ${select(
          'state',
          say('inbox.state'),
          filter.state,
          v.choices.states.map((s) => [s, names.state(s)] as const),
        )}
        ${select(
          'kind',
          say('inbox.kind'),
          filter.kind,
          v.choices.kinds.map((k) => [k, names.kind(k)] as const),
        )}
        ${select(
          'age',
          say('inbox.age'),
          filter.age,
          AGES.map((a) => [a, say(`inbox.ages.${a}`)] as const),
        )}
        ${select('assignee', say('inbox.assignee'), filter.assignee, [
          ['-', say('inbox.unassigned')],
          ...v.choices.assignees.map((a) => [a, a] as const),
        ])}
        <div class="actions">
          <button type="submit">${say('inbox.apply')}</button>
          <a href="/inbox">${say('inbox.reset')}</a>
        </div>
      </form>
      <p class="live-note" id="live-note" data-live-on="${say('inbox.live')}">
        ${say('inbox.liveOff')}
        <a href="/inbox?${inboxQuery(filter).toString()}">${say('inbox.reload')}</a>
      </p>
      <p
        id="live-status"
        class="visually-hidden"
        role="status"
        aria-live="polite"
        data-new-case="${say('inbox.newCase', { ref: '%REF%' })}"
        data-new-message="${say('inbox.newMessage', { ref: '%REF%' })}"
      ></p>
      <table class="cases" id="cases" data-rows="/inbox/rows?${inboxQuery(filter).toString()}">
        <caption>
          ${say('inbox.caption')} –
          <span id="case-count">${say('inbox.count', { count: v.cases.length })}</span>
        </caption>
        <thead>
          <tr>
            <th scope="col">${say('inbox.col.case')}</th>
            <th scope="col">${say('inbox.col.status')}</th>
            <th scope="col">${say('inbox.col.kinds')}</th>
            <th scope="col">${say('inbox.col.state')}</th>
            <th scope="col">${say('inbox.col.assignee')}</th>
            <th scope="col">${say('inbox.col.created')}</th>
            <th scope="col">${say('inbox.col.waiting')}</th>
            <th scope="col">${say('inbox.col.activity')}</th>
          </tr>
        </thead>
        ${inboxRows(v)}
      </table>`,
  });
}

/** The table body alone: what live.js fetches and puts in place. */
export function inboxRows(v: Omit<InboxView, 'viewer' | 'filter' | 'choices'>): Html {
  const { say } = v;
  const names = label(say);
  if (v.cases.length === 0)
    return html`<tbody id="case-rows" data-count="${say('inbox.count', { count: 0 })}">
      <tr>
        <td colspan="8">${say('inbox.empty')}</td>
      </tr>
    </tbody>`;
  return html`<tbody id="case-rows" data-count="${say('inbox.count', { count: v.cases.length })}">
    ${v.cases.map(
      (c) =>
        html`<tr
          data-case="${c.caseRef}"
          data-updated="${c.updatedAt}"
          class="${c.urgent && c.status !== 'closed' ? 'urgent' : ''}"
        >
          <th scope="row">
            <a href="/cases/${encodeURIComponent(c.caseRef)}">${c.caseRef}</a>
            ${c.urgent ? html`<span class="badge urgent">${say('inbox.urgent')}</span>` : ''}
          </th>
          <td><span class="status status-${c.status}">${names.status(c.status)}</span></td>
          <td>${c.kinds.map(names.kind).join(', ')}</td>
          <td>${names.state(c.state)}</td>
          <td>${c.assignee ?? html`<span class="muted">${say('inbox.unassigned')}</span>`}</td>
          <td><time datetime="${c.createdAt}">${v.time(c.createdAt)}</time></td>
          <td>${waiting(say, c, v.now)}</td>
          <td><time datetime="${c.updatedAt}">${v.time(c.updatedAt)}</time></td>
        </tr>`,
    )}
  </tbody>`;
}

/** How long a case has waited for staff: unclaimed since it came in, or for an answer. */
function waiting(say: Say, c: CaseRecord, now: Date): string {
  if (c.status === 'new')
    return say('inbox.unclaimedFor', {
      time: duration(say, now.getTime() - Date.parse(c.createdAt)),
    });
  if (c.status === 'waiting' && c.waitingSince !== undefined)
    return say('inbox.waitingFor', {
      time: duration(say, now.getTime() - Date.parse(c.waitingSince)),
    });
  return '–';
}

/** A duration in the largest whole unit: minutes, hours or days. */
export function duration(say: Say, ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  if (minutes < 60) return say('duration.minutes', { count: minutes });
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return say('duration.hours', { count: hours });
  return say('duration.days', { count: Math.floor(hours / 24) });
}
