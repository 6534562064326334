// Suggested tickets: recent complaints, bug reports and feature requests not
// linked to any ticket yet, clustered by similar wording (TF-IDF + cosine),
// so a product manager can turn a cluster into a ticket with one call.
// Deterministic: the same mentions always give the same clusters.
import { TfIdf } from 'natural/lib/natural/tfidf/index.js'
import type { Deps } from '../deps.ts'
import { cosine, norm, terms, type Vector } from './term-vectors.ts'

const CANDIDATES = 2000
const SIMILARITY = 0.3
const MIN_CLUSTER = 2

export interface SuggestionInput {
  since: string
  limit: number
}

export interface Suggestion {
  title: string
  keywords: string[]
  mentionIds: string[]
  size: number
  negative: number
  intents: Record<string, number>
}

interface Candidate {
  id: string
  title: string | null
  body: string
  lang: string
  sentiment: string
  intents: string[]
}


export async function suggestTickets(deps: Deps, workspaceId: string, input: SuggestionInput): Promise<{ items: Suggestion[] }> {
  const rel = /^(\d+)([hdw])$/.exec(input.since)
  const seconds = rel ? Number(rel[1]) * { h: 3600, d: 86_400, w: 604_800 }[rel[2] as 'h' | 'd' | 'w'] : 14 * 86_400
  const rows = await deps.sql<Candidate[]>`
    SELECT m.id, m.title, m.body, m.lang, m.effective_sentiment AS sentiment, m.effective_intents AS intents
    FROM mentions m
    WHERE m.workspace_id = ${workspaceId} AND m.published_at >= now() - make_interval(secs => ${seconds})
      AND m.duplicate_of IS NULL AND m.erased_at IS NULL AND m.status NOT IN ('spam', 'ignored')
      AND (m.effective_sentiment = 'negative' OR m.effective_intents && '{bug_report,feature_request}'::text[])
      AND NOT EXISTS (SELECT 1 FROM ticket_links l WHERE l.mention_id = m.id)
    ORDER BY m.priority DESC, m.id
    LIMIT ${CANDIDATES}`
  if (rows.length < MIN_CLUSTER) return { items: [] }

  const tfidf = new TfIdf()
  const wordsOf: Map<string, Map<string, number>>[] = []
  for (const r of rows) {
    const ts = terms(`${r.title ?? ''} ${r.body}`, r.lang)
    tfidf.addDocument(ts.map((t) => t.term))
    const surface = new Map<string, Map<string, number>>()
    for (const t of ts) {
      const forms = surface.get(t.term) ?? new Map<string, number>()
      forms.set(t.word, (forms.get(t.word) ?? 0) + 1)
      surface.set(t.term, forms)
    }
    wordsOf.push(surface)
  }
  const vectors: Vector[] = rows.map((_, i) => new Map(tfidf.listTerms(i).map((t) => [t.term, t.tfidf] as const)))

  // Single pass in priority order: join the most similar cluster above the threshold, else start one.
  const clusters: { members: number[]; centroid: Vector; norm: number }[] = []
  vectors.forEach((v, i) => {
    const nv = norm(v)
    let best = -1
    let bestSim = SIMILARITY
    clusters.forEach((c, ci) => {
      const sim = cosine(v, c.centroid, nv, c.norm)
      if (sim > bestSim) [best, bestSim] = [ci, sim]
    })
    if (best < 0) return clusters.push({ members: [i], centroid: new Map(v), norm: nv })
    const c = clusters[best]
    c.members.push(i)
    for (const [k, x] of v) c.centroid.set(k, (c.centroid.get(k) ?? 0) + x)
    c.norm = norm(c.centroid)
  })

  const items = clusters
    .filter((c) => c.members.length >= MIN_CLUSTER)
    .map((c) => describe(c.members, c.centroid, rows, vectors, wordsOf))
    .sort((a, b) => b.size - a.size || b.negative - a.negative || a.title.localeCompare(b.title))
    .slice(0, input.limit)
  return { items }
}

/** Most common surface form of a stemmed term, for readable keywords. */
function surfaceForm(term: string, members: number[], wordsOf: Map<string, Map<string, number>>[]): string {
  const counts = new Map<string, number>()
  for (const i of members) for (const [w, n] of wordsOf[i].get(term) ?? []) counts.set(w, (counts.get(w) ?? 0) + n)
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? term
}

function describe(members: number[], centroid: Vector, rows: Candidate[], vectors: Vector[], wordsOf: Map<string, Map<string, number>>[]): Suggestion {
  const keywords = [...centroid].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 5).map(([t]) => surfaceForm(t, members, wordsOf))
  // The member closest to the centroid says it best; its first sentence is the proposed title.
  const cn = norm(centroid)
  const rep = members.reduce((best, i) => (cosine(vectors[i], centroid, norm(vectors[i]), cn) > cosine(vectors[best], centroid, norm(vectors[best]), cn) ? i : best), members[0])
  const text = (rows[rep].title || rows[rep].body).replace(/\s+/g, ' ').trim()
  const sentence = text.split(/(?<=[.!?])\s/)[0]
  const title = sentence.length > 90 ? `${sentence.slice(0, 87).trimEnd()}…` : sentence
  const intents: Record<string, number> = {}
  for (const i of members) for (const label of rows[i].intents) intents[label] = (intents[label] ?? 0) + 1
  return {
    title,
    keywords,
    mentionIds: members.map((i) => rows[i].id),
    size: members.length,
    negative: members.filter((i) => rows[i].sentiment === 'negative').length,
    intents,
  }
}
