import { Document } from '../layout.tsx'
import { CSRF_FIELD } from '../security.ts'

/** Paste-an-API-key sign-in, or single sign-on by workspace name; `token` is the double-submit value also set as a cookie. */
export const SignInPage = ({ token, next, error, workspace }: { token: string; next: string; error?: string; workspace?: string }) => (
  <Document title="Sign in">
    <main id="main" class="signin">
      <h1>Sign in to earshot</h1>
      {error ? <p class="error" role="alert">{error}</p> : null}
      <form method="post" action="/app/sign-in" class="stack">
        <input type="hidden" name={CSRF_FIELD} value={token} />
        <input type="hidden" name="next" value={next} />
        <label for="key">API key <span class="hint">— the same key you use with the API; it is not stored in the browser</span></label>
        <input id="key" name="key" type="password" autocomplete="current-password" required autofocus size={40} />
        <div><button class="primary" type="submit">Sign in</button></div>
      </form>
      <h2>Or with single sign-on</h2>
      <form method="get" action="/app/sso/start" class="stack">
        <input type="hidden" name="next" value={next} />
        <label for="workspace">Workspace <span class="hint">— you sign in at your organisation's identity provider</span></label>
        <input id="workspace" name="workspace" value={workspace ?? ''} autocomplete="organization" required size={40} />
        <div><button type="submit">Sign in with single sign-on</button></div>
      </form>
    </main>
  </Document>
)
