import { escapeHtml } from './html.ts'

export interface HostedPage {
  publicKey: string
  title: string
  lang: string
  /** Score from a one-click email link, recorded as soon as the page loads. */
  score?: number
  /** Shown instead of the survey (closed survey). */
  message?: string
}

/** Content-Security-Policy of the hosted page: our script, our API, inline styles for the shadow root, nothing else. */
export const HOSTED_PAGE_CSP = "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'none'"

/** The survey page for links in emails: the same embed, rendered inline. */
export function renderHostedPage(p: HostedPage): string {
  const body = p.message
    ? `<main><p class="msg">${escapeHtml(p.message)}</p></main>`
    : `<main id="earshot-survey"></main>
<script src="/embed.js" data-survey="${escapeHtml(p.publicKey)}" data-mode="page" data-target="earshot-survey"${p.score === undefined ? '' : ` data-score="${p.score}"`} async></script>`
  return `<!doctype html>
<html lang="${escapeHtml(p.lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(p.title)}</title>
<style>body{margin:0;padding:16px;background:#f6f8fa;font-family:system-ui,sans-serif}.msg{text-align:center;margin-top:64px;color:#1b1f24}</style>
</head>
<body>
${body}
</body>
</html>
`
}
