// The login form: a token, posted once; nothing else is asked.
import { html, type SafeHtml } from '../html.ts';
import { urls } from '../urls.ts';

export function loginView(next: string, active: boolean): SafeHtml {
  if (!active) {
    return html`<h1>Log in</h1><p>Auth is off on this server: everyone may read and write, no login is needed (<code>strata auth activate</code> turns it on).</p><p><a href="${next}">Continue</a></p>`;
  }
  return html`<h1>Log in</h1>
<p>Paste a token (<code>strata auth token create</code> makes one; the root token is printed by <code>strata auth activate</code>). It is kept in a cookie this browser sends only to this console, until the browser closes or the token expires.</p>
<form method="post" action="${urls.login()}" class="stack">
<input type="hidden" name="next" value="${next}">
<label>Token <input type="password" name="token" autocomplete="off" required size="60"></label>
<button type="submit">Log in</button>
</form>`;
}
