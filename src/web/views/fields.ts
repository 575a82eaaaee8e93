import { html } from 'hono/html';
import type { Html } from './layout.ts';

/**
 * A passphrase field with its label, as enrolment and sign-in write it. `new-password` lets the
 * browser offer to save a new passphrase, `current-password` to fill the saved one; `minLength`
 * only where a passphrase is chosen (the server checks it again).
 */
export function passphraseField(f: {
  readonly name: 'passphrase' | 'repeat';
  /** The label's sentence, from the locales. */
  readonly label: string;
  readonly autocomplete: 'new-password' | 'current-password';
  readonly minLength?: number;
}): Html {
  return html`<label for="${f.name}">${f.label}</label>
    <input
      id="${f.name}"
      name="${f.name}"
      type="password"
      autocomplete="${f.autocomplete}"
      required
      ${f.minLength === undefined ? '' : html`minlength="${f.minLength}"`}
      maxlength="1024"
    />`;
}

/**
 * The TOTP code field with its label: six digits (a space in the middle allowed, as apps show
 * them), offered by the phone's one-time-code autofill.
 */
export function codeField(label: string): Html {
  return html`<label for="code">${label}</label>
    <input
      id="code"
      name="code"
      inputmode="numeric"
      autocomplete="one-time-code"
      pattern="[0-9 ]{6,7}"
      required
      maxlength="7"
    />`;
}
