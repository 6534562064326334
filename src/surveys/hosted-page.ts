import { escapeHtml } from './html.ts'

export interface HostedPage {
  publicKey: string
  title: string
  lang: string
  /** Score from a one-click email link, recorded as soon as the page loads. */
  score?: number
  /** The invitation token of that link, sent with the answer. */
  send?: string
  /** The link's `properties[NAME]=VALUE` pairs, sent with the answer (the embed leaves out any the endpoint would refuse). */
  properties?: Record<string, string>
  /** Shown instead of the survey (closed survey). */
  message?: string
}

/** Content-Security-Policy of the hosted page: our script, our API, inline styles for the shadow root, nothing else. */
export const HOSTED_PAGE_CSP = "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'none'"

/** The unsubscribe page posts its own form back, so it allows that form and nothing else. */
export const UNSUBSCRIBE_PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'self'"

function page(lang: string, title: string, body: string): string {
  return `<!doctype html>
<html lang="${escapeHtml(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style>body{margin:0;padding:16px;background:#f6f8fa;font-family:system-ui,sans-serif}.msg{text-align:center;margin-top:64px;color:#1b1f24}button{font:inherit;padding:8px 16px}</style>
</head>
<body>
${body}
</body>
</html>
`
}

/** A page that only says something (closed survey, unknown link, done). */
export const renderMessagePage = (title: string, lang: string, message: string) => page(lang, title, `<main><p class="msg">${escapeHtml(message)}</p></main>`)

/** The unsubscribe button, posting to the page's own address. */
export const renderUnsubscribePage = (lang: string, label: string, action: string) =>
  page(lang, label, `<main class="msg"><form method="post" action="${escapeHtml(action)}"><button type="submit">${escapeHtml(label)}</button></form></main>`)

/** The survey page for links in emails: the same embed, rendered inline. */
export function renderHostedPage(p: HostedPage): string {
  if (p.message) return renderMessagePage(p.title, p.lang, p.message)
  const properties = p.properties && Object.keys(p.properties).length ? ` data-properties="${escapeHtml(JSON.stringify(p.properties))}"` : ''
  const attrs = `${p.score === undefined ? '' : ` data-score="${p.score}"`}${p.send === undefined ? '' : ` data-send="${escapeHtml(p.send)}"`}${properties}`
  return page(p.lang, p.title, `<main id="earshot-survey"></main>
<script src="/embed.js" data-survey="${escapeHtml(p.publicKey)}" data-mode="page" data-target="earshot-survey" data-locale="${escapeHtml(p.lang)}"${attrs} async></script>`)
}
