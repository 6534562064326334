import type { Sql, Tx } from '../db/sql.ts'
import { notFound } from '../errors.ts'
import { clip } from '../mail/mention-lines.ts'
import type { NewRemoteIssue } from './tracker.ts'

const QUOTES = 5
const QUOTE_CHARS = 280

interface Evidence {
  title: string
  description: string | null
  mentions: number
  responses: number
  customers: number
  value: number | null
  negative: number
  positive: number
  neutral: number
  sources: string[]
  quotes: { text: string; url: string | null; author: string | null; kind: string }[]
}

async function loadEvidence(sql: Sql | Tx, workspaceId: string, ticketId: string): Promise<Evidence> {
  const [ticket]: [{ title: string; description: string | null }?] = await sql`
    SELECT title, description FROM tickets WHERE workspace_id = ${workspaceId} AND id = ${ticketId}`
  if (!ticket) throw notFound('ticket')
  const [stats] = await sql<Omit<Evidence, 'title' | 'description' | 'quotes'>[]>`
    WITH linked AS (
      SELECT tl.mention_id, tl.response_id, coalesce(m.customer_id, r.customer_id) AS customer_id,
             coalesce(m.sentiment_override, m.sentiment_label, r.sentiment_label) AS sentiment, m.kind
      FROM ticket_links tl
      LEFT JOIN mentions m ON m.id = tl.mention_id AND m.workspace_id = ${workspaceId}
      LEFT JOIN survey_responses r ON r.id = tl.response_id AND r.workspace_id = ${workspaceId}
      WHERE tl.workspace_id = ${workspaceId} AND tl.ticket_id = ${ticketId})
    SELECT count(mention_id)::int AS mentions, count(response_id)::int AS responses,
           count(DISTINCT customer_id)::int AS customers,
           (SELECT sum(c.value) FROM customers c WHERE c.workspace_id = ${workspaceId} AND c.id IN (SELECT customer_id FROM linked)) AS value,
           count(*) FILTER (WHERE sentiment = 'negative')::int AS negative,
           count(*) FILTER (WHERE sentiment = 'positive')::int AS positive,
           count(*) FILTER (WHERE sentiment = 'neutral')::int AS neutral,
           coalesce(array_agg(DISTINCT kind) FILTER (WHERE kind IS NOT NULL), '{}') AS sources
    FROM linked`
  const quotes = await sql<Evidence['quotes']>`
    SELECT left(m.body, ${QUOTE_CHARS + 1}) AS text, m.url, coalesce(m.author_name, m.author_handle) AS author, m.kind
    FROM ticket_links tl JOIN mentions m ON m.id = tl.mention_id
    WHERE tl.workspace_id = ${workspaceId} AND tl.ticket_id = ${ticketId} AND m.body <> ''
    ORDER BY m.priority DESC, m.published_at DESC
    LIMIT ${QUOTES}`
  return { ...ticket, ...stats, quotes }
}

const httpUrl = (url: string | null) => (url && /^https?:\/\//i.test(url) ? url : null)

/** Markdown-escapes text from the internet so it can't ping people, embed images or break the layout. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()<>#+!|~@]/g, '\\$&').replace(/\s+/g, ' ').trim()
}

function summaryLines(e: Evidence): string[] {
  const lines = [`${e.mentions} mention${e.mentions === 1 ? '' : 's'} and ${e.responses} survey response${e.responses === 1 ? '' : 's'}`]
  lines.push(`${e.customers} customer${e.customers === 1 ? '' : 's'} affected${e.value ? `, total value ${e.value}` : ''}`)
  lines.push(`sentiment: ${e.negative} negative, ${e.neutral} neutral, ${e.positive} positive`)
  if (e.sources.length) lines.push(`sources: ${e.sources.join(', ')}`)
  return lines
}

function markdown(e: Evidence): string {
  const parts = []
  if (e.description) parts.push(escapeMarkdown(e.description), '')
  parts.push('### Evidence from earshot', '', ...summaryLines(e).map((l) => `- ${escapeMarkdown(l)}`))
  if (e.quotes.length) {
    parts.push('', '### What people said', '')
    for (const q of e.quotes) {
      const who = q.author ? ` — ${escapeMarkdown(q.author)} on ${escapeMarkdown(q.kind)}` : ` — ${escapeMarkdown(q.kind)}`
      const url = httpUrl(q.url)
      parts.push(`> ${escapeMarkdown(clip(q.text, QUOTE_CHARS))}`, `>${who}${url ? ` ([link](<${url.replace(/>/g, '%3E')}>))` : ''}`, '')
    }
  }
  return parts.join('\n')
}

type AdfNode = Record<string, unknown>
const text = (t: string, marks?: AdfNode[]): AdfNode => ({ type: 'text', text: t, ...(marks ? { marks } : {}) })
const paragraph = (...content: AdfNode[]): AdfNode => ({ type: 'paragraph', content })

/** The same evidence in Atlassian Document Format, which Jira v3 requires; text nodes need no escaping. */
function adf(e: Evidence): AdfNode {
  const content: AdfNode[] = []
  if (e.description) content.push(paragraph(text(e.description)))
  content.push({ type: 'heading', attrs: { level: 3 }, content: [text('Evidence from earshot')] })
  content.push({ type: 'bulletList', content: summaryLines(e).map((l) => ({ type: 'listItem', content: [paragraph(text(l))] })) })
  if (e.quotes.length) {
    content.push({ type: 'heading', attrs: { level: 3 }, content: [text('What people said')] })
    for (const q of e.quotes) {
      const url = httpUrl(q.url)
      const who = `— ${q.author ? `${q.author} on ` : ''}${q.kind}`
      content.push({
        type: 'blockquote',
        content: [paragraph(text(clip(q.text, QUOTE_CHARS))), paragraph(text(who), ...(url ? [text(' '), text('link', [{ type: 'link', attrs: { href: url } }])] : []))],
      })
    }
  }
  return { version: 1, type: 'doc', content }
}

/** The tracker issue for a ticket: its title and a summary of the evidence (counts, customers, quotes with links). */
export async function buildIssue(sql: Sql | Tx, workspaceId: string, ticketId: string): Promise<NewRemoteIssue> {
  const e = await loadEvidence(sql, workspaceId, ticketId)
  return { title: e.title, markdown: markdown(e), adf: adf(e) }
}
