import { html } from 'hono/html';
import { MIN_PASSPHRASE_LENGTH } from '../../staff/passphrase.ts';
import type { Say } from '../say.ts';
import { codeField, passphraseField } from './fields.ts';
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
        ${passphraseField({
          name: 'passphrase',
          label: say('enrol.passphrase'),
          autocomplete: 'new-password',
          minLength: MIN_PASSPHRASE_LENGTH,
        })}
        ${passphraseField({
          name: 'repeat',
          label: say('enrol.repeat'),
          autocomplete: 'new-password',
        })}
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
        ${codeField(say('enrol.code'))}
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
