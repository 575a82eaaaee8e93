import type { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { CaseStore } from '../../staff/case-store.ts';
import { filterChoices, parseInboxFilter, selectCases } from '../../staff/inbox.ts';
import type { WebContext, WebEnv } from '../context.ts';
import type { LiveFeed } from '../live-feed.ts';
import { inboxPage, inboxRows } from '../views/inbox.ts';

export interface InboxDeps {
  readonly cases: Pick<CaseStore, 'list'>;
  readonly live: LiveFeed;
  readonly clock: () => Date;
  readonly time: (iso: string) => string;
  /** Whether the session is still live, without starting its idle time again. */
  readonly stillSignedIn: (c: WebContext) => Promise<boolean>;
  /** Open event streams, ended when the server stops. */
  readonly streams: Set<{ close(): Promise<void> }>;
}

/** The inbox page, its rows for the live refresh and the event stream. */
export function inboxRoutes(app: Hono<WebEnv>, deps: InboxDeps): void {
  app.get('/', (c) => c.redirect('/inbox', 303));

  app.get('/inbox', async (c) => {
    const signedIn = c.get('signedIn');
    if (signedIn === undefined) return c.redirect(signInPath(c), 303);
    const filter = parseInboxFilter(c.req.query());
    const all = await deps.cases.list();
    const now = deps.clock();
    return c.html(
      inboxPage({
        say: c.get('say'),
        viewer: { display: signedIn.display, csrf: signedIn.csrf },
        filter,
        cases: selectCases(all, filter, now),
        choices: filterChoices(all),
        now,
        time: deps.time,
      }),
    );
  });

  app.get('/inbox/rows', async (c) => {
    if (c.get('signedIn') === undefined) return c.body(null, 401);
    const filter = parseInboxFilter(c.req.query());
    const now = deps.clock();
    return c.html(
      inboxRows({
        say: c.get('say'),
        cases: selectCases(await deps.cases.list(), filter, now),
        now,
        time: deps.time,
      }),
    );
  });

  app.get('/events', (c) => {
    if (c.get('signedIn') === undefined) return c.body(null, 401);
    return streamSSE(c, async (stream) => {
      let wake: () => void = () => undefined;
      const queue: { kind: string; caseRef: string }[] = [];
      const unsubscribe = deps.live.subscribe((notice) => {
        queue.push(notice);
        wake();
      });
      const entry = { close: () => stream.close() };
      deps.streams.add(entry);
      stream.onAbort(() => {
        unsubscribe();
        deps.streams.delete(entry);
        wake();
      });
      // A function: the loop must see the flags change while it waits.
      const ended = (): boolean => stream.aborted || stream.closed;
      await stream.writeSSE({ event: 'ready', data: '{}' });
      while (!ended()) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          // A comment now and then keeps proxies from closing a quiet stream.
          setTimeout(resolve, 25_000).unref();
        });
        if (ended()) break;
        if (!(await deps.stillSignedIn(c))) {
          await stream.writeSSE({ event: 'signed-out', data: '{}' });
          break;
        }
        if (queue.length === 0) {
          await stream.write(': keep-alive\n\n');
          continue;
        }
        for (const notice of queue.splice(0))
          await stream.writeSSE({ event: 'case', data: JSON.stringify(notice) });
      }
      unsubscribe();
      deps.streams.delete(entry);
    });
  });
}

/** Where someone not signed in goes: the sign-in, told why when their session has ended. */
export function signInPath(c: WebContext): string {
  return c.get('staleSession') ? '/sign-in?expired=1' : '/sign-in';
}
