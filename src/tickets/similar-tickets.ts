// The open tickets a mention is like. Each open ticket is read as one
// document: its title (twice: the team's own words for the issue), its
// description and the latest mentions linked to it, weighted by TF-IDF across
// the open tickets, and compared with the mention by cosine. The inbox offers
// the closest as a one-click link; a person decides.
import type { Deps } from '../deps.ts'
import { notFound } from '../errors.ts'
import { OPEN_TICKET_STATUSES } from './schema.ts'
import { cosine, norm, terms, type Vector } from './term-vectors.ts'

/** The open tickets read, the most recently changed first. */
const TICKETS = 100
/** The latest linked mentions read of each. */
const TEXTS = 10
/** Below this a ticket merely shares a word or two with the mention. */
const MIN_SIMILARITY = 0.15

export interface TicketMatch {
  id: string
  title: string
  status: string
  /** Mentions and survey answers linked to it. */
  links: number
  /** Cosine of the two term vectors, 0–1. */
  similarity: number
}

const countTerms = (words: string[]) => {
  const v: Vector = new Map()
  for (const w of words) v.set(w, (v.get(w) ?? 0) + 1)
  return v
}

/** Up to `limit` open tickets the mention is not linked to, most alike first. */
export async function ticketsLike(deps: Deps, workspaceId: string, mentionId: string, limit = 3): Promise<TicketMatch[]> {
  const [mention]: [{ text: string; lang: string }?] = await deps.sql`
    SELECT coalesce(title, '') || ' ' || body AS text, lang FROM mentions WHERE workspace_id = ${workspaceId} AND id = ${mentionId}`
  if (!mention) throw notFound('mention')
  const tickets = await deps.sql<{ id: string; title: string; status: string; description: string; links: number; texts: { text: string; lang: string }[] }[]>`
    SELECT t.id, t.title, t.status, coalesce(t.description, '') AS description,
           (SELECT count(*)::int FROM ticket_links l WHERE l.workspace_id = t.workspace_id AND l.ticket_id = t.id) AS links,
           coalesce((SELECT json_agg(json_build_object('text', coalesce(m.title, '') || ' ' || m.body, 'lang', m.lang))
                     FROM (SELECT m.title, m.body, m.lang FROM ticket_links l
                           JOIN mentions m ON m.workspace_id = l.workspace_id AND m.id = l.mention_id
                           WHERE l.workspace_id = t.workspace_id AND l.ticket_id = t.id AND m.erased_at IS NULL
                           ORDER BY l.created_at DESC LIMIT ${TEXTS}) m), '[]') AS texts
    FROM tickets t
    WHERE t.workspace_id = ${workspaceId} AND t.status IN ${deps.sql(OPEN_TICKET_STATUSES)}
      AND NOT EXISTS (SELECT 1 FROM ticket_links l WHERE l.workspace_id = t.workspace_id AND l.ticket_id = t.id AND l.mention_id = ${mentionId})
    ORDER BY t.updated_at DESC, t.id
    LIMIT ${TICKETS}`
  const termsOf = (text: string, lang: string) => terms(text, lang).map((t) => t.term)
  const docs = tickets.map((t) => {
    const title = termsOf(t.title, 'und')
    return countTerms([...title, ...title, ...termsOf(t.description, 'und'), ...t.texts.flatMap((x) => termsOf(x.text, x.lang))])
  })
  const df = new Map<string, number>()
  for (const d of docs) for (const term of d.keys()) df.set(term, (df.get(term) ?? 0) + 1)
  const idf = (term: string) => Math.log((1 + docs.length) / (1 + (df.get(term) ?? 0))) + 1
  const weigh = (v: Vector) => new Map([...v].map(([term, n]) => [term, n * idf(term)] as const))
  const asked = weigh(countTerms(termsOf(mention.text, mention.lang)))
  const askedNorm = norm(asked)
  return tickets
    .map((t, i) => {
      const v = weigh(docs[i])
      return { id: t.id, title: t.title, status: t.status, links: t.links, similarity: Math.round(cosine(asked, v, askedNorm, norm(v)) * 1000) / 1000 }
    })
    .filter((m) => m.similarity >= MIN_SIMILARITY)
    .sort((a, b) => b.similarity - a.similarity || b.links - a.links)
    .slice(0, limit)
}
