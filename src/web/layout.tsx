import type { Child } from 'hono/jsx'
import { html } from 'hono/html'
import { roleAtLeast, type Role } from '../auth/keys.ts'
import { assetUrls } from './assets.ts'
import type { WebSession } from './sessions.ts'
import { CSRF_FIELD } from './security.ts'
import { Txt } from './text.tsx'

/** Sections: path, label, and the role a section needs (pages that only admins may open are not offered to others). */
export const NAV = [
  ['inbox', 'Inbox', 'viewer'],
  ['sources', 'Sources', 'viewer'],
  ['customers', 'Customers', 'viewer'],
  ['tickets', 'Tickets', 'viewer'],
  ['surveys', 'Surveys', 'viewer'],
  ['alerts', 'Alerts', 'viewer'],
  ['rules', 'Rules', 'viewer'],
  ['webhooks', 'Webhooks', 'admin'],
  ['settings', 'Settings', 'admin'],
  ['dashboard', 'Dashboard', 'viewer'],
] as const satisfies readonly (readonly [string, string, Role])[]
export type Section = (typeof NAV)[number][0]

/** The hidden field every form carries; see verifyCsrf. */
export const CsrfField = ({ session }: { session: WebSession }) => <input type="hidden" name={CSRF_FIELD} value={session.csrfToken} />

/** Prints the page (or saves it as PDF, as browsers offer); app.js shows it, since printing needs the script. */
export const PrintButton = () => <button type="button" data-print hidden>Print or save as PDF</button>

/** A record's on/off switch and delete button: they post to `${base}/enabled` and, once `confirm` is accepted, `${base}/delete`. */
export const SwitchAndDelete = ({ session, base, enabled, turnOn, turnOff, confirm }: {
  session: WebSession
  base: string
  enabled: boolean
  turnOn: string
  turnOff: string
  confirm: string
}) => (
  <>
    <form method="post" action={`${base}/enabled`}>
      <CsrfField session={session} />
      <input type="hidden" name="enabled" value={enabled ? 'false' : 'true'} />
      <button type="submit">{enabled ? turnOff : turnOn}</button>
    </form>
    <form method="post" action={`${base}/delete`} data-confirm={confirm}>
      <CsrfField session={session} />
      <button type="submit" class="danger">Delete</button>
    </form>
  </>
)

interface PageProps {
  title: string
  children?: Child
}

/** The bare document: no session, no nav (sign-in and error pages). */
export const Document = ({ title, children, head }: PageProps & { head?: Child }) => (
  <>
    {html`<!doctype html>`}
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width,initial-scale=1" />
        <title>{title} · earshot</title>
        <link rel="stylesheet" href={assetUrls.css} />
        {head}
        <script src={assetUrls.js} defer></script>
      </head>
      <body>{children}</body>
    </html>
  </>
)

/** A signed-in page: skip link, nav with the current section marked, sign-out, main content. */
export const Layout = ({ title, session, section, notice, error, children }: PageProps & {
  session: WebSession
  section: Section
  notice?: string
  error?: string
}) => (
  <Document title={title} head={<meta name="csrf-token" content={session.csrfToken} />}>
    <a class="skip" href="#main">Skip to content</a>
    <header class="top">
      <a class="brand" href="/app/inbox">earshot</a>
      <nav aria-label="Main">
        {NAV.filter(([, , role]) => roleAtLeast(session.role, role)).map(([id, label]) => (
          <a href={`/app/${id}`} aria-current={id === section ? 'page' : undefined}>{label}</a>
        ))}
      </nav>
      <div class="who">
        <span><Txt s={session.name} /> · {session.workspaceName} · {session.role}</span>
        <form method="post" action="/app/sign-out">
          <CsrfField session={session} />
          <button type="submit">Sign out</button>
        </form>
      </div>
    </header>
    <main id="main" tabindex={-1}>
      {notice ? <p class="notice" role="status">{notice}</p> : null}
      {error ? <p class="error" role="alert">{error}</p> : null}
      {children}
    </main>
  </Document>
)
