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

interface Profiles {
  /** When the open tickets last changed, and how many there are: a link, an unlink, an edit or a new status moves it. */
  fingerprint: string
  builtAt: number
  tickets: { id: string; title: string; status: string; links: number }[]
  /** Each ticket's TF-IDF term vector and its norm. */
  vectors: { v: Vector; norm: number }[]
  idf: (term: string) => number
}

/** Workspaces whose ticket profiles are kept in memory, the least recently built dropped first. */
const KEPT_WORKSPACES = 200
/** Even unchanged, profiles are rebuilt this often, so the words of an erased linked mention do not linger. */
const KEEP_MS = 10 * 60_000
const kept = new Map<string, Profiles>()

/**
 * The open tickets as term vectors. Building them reads and tokenises a
 * thousand texts (~40 ms at 500 tickets), so they are kept per workspace and
 * rebuilt when the open tickets change.
 */
async function profiles(deps: Deps, workspaceId: string): Promise<Profiles> {
  const [{ fingerprint }]: [{ fingerprint: string }] = await deps.sql`
    SELECT coalesce(max(updated_at)::text, '') || ' ' || count(*) AS fingerprint
    FROM tickets WHERE workspace_id = ${workspaceId} AND status IN ${deps.sql(OPEN_TICKET_STATUSES)}`
  const hit = kept.get(workspaceId)
  if (hit && hit.fingerprint === fingerprint && Date.now() - hit.builtAt < KEEP_MS) return hit
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
    ORDER BY t.updated_at DESC, t.id
    LIMIT ${TICKETS}`
  const docs = tickets.map((t) => {
    const title = termsOf(t.title, 'und')
    return countTerms([...title, ...title, ...termsOf(t.description, 'und'), ...t.texts.flatMap((x) => termsOf(x.text, x.lang))])
  })
  const df = new Map<string, number>()
  for (const d of docs) for (const term of d.keys()) df.set(term, (df.get(term) ?? 0) + 1)
  const idf = (term: string) => Math.log((1 + docs.length) / (1 + (df.get(term) ?? 0))) + 1
  const built: Profiles = {
    fingerprint,
    builtAt: Date.now(),
    tickets: tickets.map(({ id, title, status, links }) => ({ id, title, status, links })),
    vectors: docs.map((d) => {
      const v = weigh(d, idf)
      return { v, norm: norm(v) }
    }),
    idf,
  }
  kept.delete(workspaceId)
  kept.set(workspaceId, built)
  if (kept.size > KEPT_WORKSPACES) kept.delete(kept.keys().next().value!)
  return built
}

const termsOf = (text: string, lang: string) => terms(text, lang).map((t) => t.term)
const weigh = (v: Vector, idf: (term: string) => number) => new Map([...v].map(([term, n]) => [term, n * idf(term)] as const))

/** Ranks the open tickets for a text; `linked` are the tickets it is already linked to, never offered. */
export type TicketRanker = (text: string, lang: string, linked: Set<string>) => TicketMatch[]

/** A ranker over the workspace's open tickets as they are now: one check (or build) for any number of texts. */
export async function ticketRanker(deps: Deps, workspaceId: string, limit = 3): Promise<TicketRanker> {
  const open = await profiles(deps, workspaceId)
  return (text, lang, linked) => {
    const asked = weigh(countTerms(termsOf(text, lang)), open.idf)
    const askedNorm = norm(asked)
    return open.tickets
      .map((t, i) => ({ ...t, similarity: Math.round(cosine(asked, open.vectors[i].v, askedNorm, open.vectors[i].norm) * 1000) / 1000 }))
      .filter((m) => !linked.has(m.id) && m.similarity >= MIN_SIMILARITY)
      .sort((a, b) => b.similarity - a.similarity || b.links - a.links)
      .slice(0, limit)
  }
}

/** Up to three open tickets the mention is not linked to, most alike first. */
export async function ticketsLike(deps: Deps, workspaceId: string, mentionId: string): Promise<TicketMatch[]> {
  const [[mention], linked, rank] = await Promise.all([
    deps.sql<{ text: string; lang: string }[]>`
      SELECT coalesce(title, '') || ' ' || body AS text, lang FROM mentions WHERE workspace_id = ${workspaceId} AND id = ${mentionId}`,
    deps.sql<{ ticketId: string }[]>`SELECT ticket_id AS "ticketId" FROM ticket_links WHERE workspace_id = ${workspaceId} AND mention_id = ${mentionId}`,
    ticketRanker(deps, workspaceId),
  ])
  if (!mention) throw notFound('mention')
  return rank(mention.text, mention.lang, new Set(linked.map((l) => l.ticketId)))
}

/** The same for a survey answer's comment; none for an answer without one. */
export async function ticketsLikeResponse(deps: Deps, workspaceId: string, surveyId: string, responseId: string): Promise<TicketMatch[]> {
  const [[answer], linked] = await Promise.all([
    deps.sql<{ comment: string | null; lang: string }[]>`
      SELECT comment, lang FROM survey_responses WHERE workspace_id = ${workspaceId} AND survey_id = ${surveyId} AND id = ${responseId}`,
    linkedTickets(deps, workspaceId, [responseId]),
  ])
  if (!answer) throw notFound('survey response')
  if (!answer.comment) return []
  const rank = await ticketRanker(deps, workspaceId)
  return rank(answer.comment, answer.lang, new Set((linked.get(responseId) ?? []).map((t) => t.id)))
}

export interface LinkedTicket {
  id: string
  title: string
  status: string
}

/** The tickets each of these survey answers is linked to. */
export async function linkedTickets(deps: Deps, workspaceId: string, responseIds: string[]): Promise<Map<string, LinkedTicket[]>> {
  const rows = await deps.sql<(LinkedTicket & { responseId: string })[]>`
    SELECT l.response_id AS "responseId", t.id, t.title, t.status
    FROM ticket_links l JOIN tickets t ON t.workspace_id = l.workspace_id AND t.id = l.ticket_id
    WHERE l.workspace_id = ${workspaceId} AND l.response_id = ANY(${responseIds}::uuid[])
    ORDER BY l.created_at`
  const by = new Map<string, LinkedTicket[]>()
  for (const { responseId, ...t } of rows) by.set(responseId, [...(by.get(responseId) ?? []), t])
  return by
}
