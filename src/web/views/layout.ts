import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { Say } from '../say.ts';

/** A rendered piece of HTML (every interpolation escaped by hono/html). */
export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

/** Who is signed in, as the header shows it. */
export interface Viewer {
  readonly display: string;
  readonly csrf: string;
}

export interface PageOptions {
  readonly say: Say;
  readonly title: string;
  readonly body: Html;
  /** Signed in: the header shows the navigation and the sign-out button. */
  readonly viewer?: Viewer;
  /** The navigation entry of this page (marked as the current page). */
  readonly current?: 'inbox' | 'stats';
  /** Scripts under /static (no inline scripts: the CSP allows 'self' only). */
  readonly scripts?: readonly string[];
}

/**
 * Every page's frame: the language, a skip link, the landmarks (banner, navigation, main) and the
 * stylesheet. No inline script or style anywhere.
 */
export function page(options: PageOptions): Html {
  const { say, viewer } = options;
  return html`<!doctype html>
    <html lang="${say.lang}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="same-origin" />
        <title>${options.title} · ${say('appName')}</title>
        <link rel="stylesheet" href="/static/app.css" />
        ${(options.scripts ?? []).map((src) => html`<script src="/static/${src}" defer></script>`)}
      </head>
      <body>
        <a class="skip" href="#main">${say('skip')}</a>
        <header class="top">
          <span class="brand">${say('appName')}</span>
          ${
            viewer === undefined
              ? ''
              : html`<nav aria-label="${say('nav.label')}">
                  <a href="/inbox" ${options.current === 'inbox' ? html`aria-current="page"` : ''}
                    >${say('nav.inbox')}</a
                  >
                  <a href="/stats" ${options.current === 'stats' ? html`aria-current="page"` : ''}
                    >${say('nav.stats')}</a
                  >
                  <span class="who">${say('nav.signedInAs', { name: viewer.display })}</span>
                  <form method="post" action="/sign-out" class="inline">
                    <input type="hidden" name="csrf" value="${viewer.csrf}" />
                    <button type="submit" class="link">${say('nav.signOut')}</button>
                  </form>
                </nav>`
          }
        </header>
        <main id="main" tabindex="-1">${options.body}</main>
      </body>
    </html>`;
}

/** A message above a form: an error (announced at once) or a notice. */
export function alert(kind: 'error' | 'notice', message: string | undefined): Html | string {
  if (message === undefined) return '';
  return kind === 'error'
    ? html`<p class="alert error" role="alert">${message}</p>`
    : html`<p class="alert notice" role="status">${message}</p>`;
}
