import { html } from 'hono/html';
import type { Say } from '../say.ts';
import { alert, page, type Html } from './layout.ts';

export interface SignInView {
  readonly say: Say;
  /** The anonymous form token (double-submitted with its cookie). */
  readonly csrf: string;
  readonly error?: string;
  readonly notice?: string;
  /** The account name typed before, kept after a refusal (never the passphrase). */
  readonly account?: string;
}

/** The sign-in form: account name, passphrase, TOTP code. */
export function signInPage(v: SignInView): Html {
  const { say } = v;
  return page({
    say,
    title: say('signIn.title'),
    body: html`<h1>${say('signIn.title')}</h1>
      ${alert('error', v.error)} ${alert('notice', v.notice)}
      <p>${say('signIn.intro')}</p>
      <form method="post" action="/sign-in" class="stack narrow">
        <input type="hidden" name="csrf" value="${v.csrf}" />
        <label for="account">${say('signIn.account')}</label>
        <input
          id="account"
          name="account"
          autocomplete="username"
          autocapitalize="none"
          spellcheck="false"
          required
          maxlength="64"
          value="${v.account ?? ''}"
        />
        <label for="passphrase">${say('signIn.passphrase')}</label>
        <input
          id="passphrase"
          name="passphrase"
          type="password"
          autocomplete="current-password"
          required
          maxlength="1024"
        />
        <label for="code">${say('signIn.code')}</label>
        <input
          id="code"
          name="code"
          inputmode="numeric"
          autocomplete="one-time-code"
          pattern="[0-9 ]{6,7}"
          required
          maxlength="7"
        />
        <button type="submit">${say('signIn.submit')}</button>
      </form>`,
  });
}
