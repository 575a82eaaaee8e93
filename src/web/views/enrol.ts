import { html } from 'hono/html';
import { MIN_PASSPHRASE_LENGTH } from '../../staff/passphrase.ts';
import type { Say } from '../say.ts';
import { alert, page, type Html } from './layout.ts';

/** Enrolment, first step: choose a passphrase. */
export function passphrasePage(v: {
  say: Say;
  token: string;
  csrf: string;
  display: string;
  error?: string;
}): Html {
  const { say } = v;
  return page({
    say,
    title: say('enrol.title'),
    body: html`<h1>${say('enrol.title')}</h1>
      ${alert('error', v.error)}
      <p>${say('enrol.intro', { name: v.display, min: MIN_PASSPHRASE_LENGTH })}</p>
      <form method="post" action="/enrol/${v.token}" class="stack narrow">
        <input type="hidden" name="csrf" value="${v.csrf}" />
        <label for="passphrase">${say('enrol.passphrase')}</label>
        <input
          id="passphrase"
          name="passphrase"
          type="password"
          autocomplete="new-password"
          required
          minlength="${MIN_PASSPHRASE_LENGTH}"
          maxlength="1024"
        />
        <label for="repeat">${say('enrol.repeat')}</label>
        <input
          id="repeat"
          name="repeat"
          type="password"
          autocomplete="new-password"
          required
          maxlength="1024"
        />
        <button type="submit">${say('enrol.next')}</button>
      </form>`,
  });
}

/** Enrolment, second step: scan the QR code, confirm with a first code. */
export function totpPage(v: {
  say: Say;
  token: string;
  csrf: string;
  /** The QR code as a data: URL (an image, so that no script is needed). */
  qr: string;
  base32: string;
  error?: string;
}): Html {
  const { say } = v;
  const grouped = v.base32.replace(/(.{4})/g, '$1 ').trim();
  return page({
    say,
    title: say('enrol.qrTitle'),
    body: html`<h1>${say('enrol.qrTitle')}</h1>
      ${alert('error', v.error)}
      <p>${say('enrol.qrIntro')}</p>
      <img class="qr" src="${v.qr}" alt="${say('enrol.qrAlt')}" width="240" height="240" />
      <p>${say('enrol.manual')} <code class="secret">${grouped}</code></p>
      <form method="post" action="/enrol/${v.token}/confirm" class="stack narrow">
        <input type="hidden" name="csrf" value="${v.csrf}" />
        <label for="code">${say('enrol.code')}</label>
        <input
          id="code"
          name="code"
          inputmode="numeric"
          autocomplete="one-time-code"
          pattern="[0-9 ]{6,7}"
          required
          maxlength="7"
        />
        <button type="submit">${say('enrol.confirm')}</button>
      </form>`,
  });
}

/** A page with one message and a way on (an invalid link, an error). */
export function messagePage(v: { say: Say; title: string; message: string; home?: boolean }): Html {
  const { say } = v;
  return page({
    say,
    title: v.title,
    body: html`<h1>${v.title}</h1>
      <p role="alert">${v.message}</p>
      ${v.home === false ? '' : html`<p><a href="/inbox">${say('error.home')}</a></p>`}`,
  });
}
