import { stripBidiControls } from './text.tsx'

// Highlighting without raw HTML: text is split into pieces and hono/jsx
// escapes each one; only our own <mark> elements are markup.

const decode = (s: string) =>
  s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&')

/** Renders the API's `snippetHtml` (escaped text + <mark>) by parsing it back into text pieces. */
export function Snippet({ html }: { html: string }) {
  const parts = html.split(/(<mark>|<\/mark>)/)
  let marked = false
  const out: (string | ReturnType<typeof Mark>)[] = []
  for (const p of parts) {
    if (p === '<mark>') marked = true
    else if (p === '</mark>') marked = false
    else if (p) out.push(marked ? <Mark text={stripBidiControls(decode(p))} /> : stripBidiControls(decode(p)))
  }
  return <>{out}</>
}

const Mark = ({ text }: { text: string }) => <mark>{text}</mark>

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** The plain words of a web-search query (no operators, quotes or exclusions). */
export function searchTerms(q: string | undefined): string[] {
  if (!q) return []
  return q
    .split(/\s+/)
    .filter((w) => w && !w.startsWith('-') && w.toLowerCase() !== 'or')
    .map((w) => w.replace(/["()]/g, ''))
    .filter((w) => w.length >= 2)
}

/** Marks every case-insensitive occurrence of the terms (prefix match, as stemming would find "crash" in "crashes"). */
export function Highlight({ text: raw, terms }: { text: string; terms: string[] }) {
  const text = stripBidiControls(raw)
  if (terms.length === 0) return <>{text}</>
  const re = new RegExp(`(${terms.map(escapeRegExp).join('|')})`, 'giu')
  const parts = text.split(re)
  return <>{parts.map((p, i) => (i % 2 === 1 ? <Mark text={p} /> : p))}</>
}
