// Stage 1: turn whatever an upstream sent (HTML, entities, tracking redirects,
// escaped unicode) into plain text the other stages can read. Emoji are kept:
// they carry sentiment.

export const NORMALIZE_VERSION = 1

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', hellip: '…', mdash: '—', ndash: '–',
  lsquo: '‘', rsquo: '’', ldquo: '“', rdquo: '”', laquo: '«', raquo: '»', euro: '€', pound: '£', copy: '©', reg: '®', trade: '™',
  eacute: 'é', egrave: 'è', agrave: 'à', aacute: 'á', ccedil: 'ç', uuml: 'ü', ouml: 'ö', auml: 'ä', szlig: 'ß', ntilde: 'ñ', iacute: 'í', oacute: 'ó', uacute: 'ú', ecirc: 'ê',
}

// Query parameters that redirectors (Google, Facebook, Reddit, YouTube, Slack, …) use for the real target.
const REDIRECT_PARAMS = ['url', 'u', 'q', 'target', 'dest', 'redirect', 'redir', 'to']

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10)
      return code > 0 && code < 0x110000 ? String.fromCodePoint(code) : m
    }
    return NAMED_ENTITIES[e.toLowerCase()] ?? m
  })
}

function stripHtml(s: string): string {
  if (!/[<&]/.test(s)) return s
  return decodeEntities(
    s
      .replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, ' ')
      .replace(/<br\s*\/?>|<\/(p|div|li|h[1-6]|tr|blockquote)>/gi, '\n')
      .replace(/<a\b[^>]*\bhref\s*=\s*["']([^"']+)["'][^>]*>([\s\S]*?)<\/a>/gi, (_m, href: string, inner: string) => {
        const label = inner.replace(/<[^>]*>/g, '').trim()
        return label && !/^https?:/i.test(label) ? `${label} (${href})` : href
      })
      .replace(/<[^>]*>/g, ' '),
  )
}

/** Follow one level of a tracking redirect (`…/url?q=https://real`) to the link it points at. */
export function unwrapRedirect(link: string): string {
  const q = link.indexOf('?')
  if (q < 0) return link
  try {
    const params = new URLSearchParams(link.slice(q + 1))
    for (const name of REDIRECT_PARAMS) {
      const target = params.get(name)
      if (target && /^https?:\/\//i.test(target)) return target
    }
  } catch {
    return link
  }
  return link
}

/** Plain text: HTML stripped, entities and literal `\uXXXX` escapes decoded, redirects unwrapped, whitespace collapsed. */
export function normalizeText(input: string): string {
  let s = stripHtml(input)
  if (s.includes('\\u')) s = s.replace(/\\u([0-9a-fA-F]{4})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)))
  if (s.includes('?')) s = s.replace(/https?:\/\/[^\s<>"]+/g, (link) => unwrapRedirect(link))
  return s.replace(/[\u200b\u200c\u2060\ufeff]/g, '').replace(/[ \t\f\v\u00a0]+/g, ' ').replace(/\s*\n\s*/g, '\n').replace(/\n{2,}/g, '\n').trim()
}
