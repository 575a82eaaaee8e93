import { html } from 'hono/html';
import type { Say } from '../say.ts';
import { codeField, passphraseField } from './fields.ts';
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
        ${passphraseField({
          name: 'passphrase',
          label: say('signIn.passphrase'),
          autocomplete: 'current-password',
        })}
        ${codeField(say('signIn.code'))}
        <button type="submit">${say('signIn.submit')}</button>
      </form>`,
  });
}
