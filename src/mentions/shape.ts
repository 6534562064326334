// How a stored mention row becomes the API's mention: effective sentiment and
// intents (a human override wins) next to what the model said.
import { z } from '@hono/zod-openapi'
import type { Sql, Tx } from '../db/sql.ts'
import { INTENT_LABELS, SENTIMENT_LABELS } from '../enrich/index.ts'
import { MENTION_STATUSES, type Fragment } from './filter.ts'

export const MentionSchema = z
  .object({
    id: z.uuid(),
    sourceId: z.uuid(),
    externalId: z.string(),
    kind: z.string(),
    platform: z.string().nullable(),
    url: z.string().nullable(),
    author: z.object({ handle: z.string().nullable(), name: z.string().nullable(), profileUrl: z.string().nullable(), followers: z.number().nullable() }),
    title: z.string().nullable(),
    text: z.string(),
    lang: z.string(),
    publishedAt: z.date(),
    rating: z.number().nullable(),
    engagement: z.record(z.string(), z.unknown()),
    sentiment: z.enum(SENTIMENT_LABELS).openapi({ description: 'Effective: the human override when there is one, else the model' }),
    sentimentOverride: z.enum(SENTIMENT_LABELS).nullable(),
    intents: z.array(z.string()).openapi({ description: 'Effective intent labels' }),
    intentsOverride: z.array(z.enum(INTENT_LABELS)).nullable(),
    model: z.object({
      sentiment: z.object({ label: z.string(), score: z.number(), confidence: z.number() }),
      intents: z.array(z.object({ label: z.string(), score: z.number().optional() })),
    }),
    spamScore: z.number(),
    priority: z.number(),
    status: z.enum(MENTION_STATUSES),
    assignee: z.string().nullable(),
    tags: z.array(z.string()),
    customerId: z.uuid().nullable(),
    customerMatch: z.string().nullable().openapi({ description: '`manual`, or the identity that matched, such as `reddit:alice`' }),
    duplicateOf: z.uuid().nullable(),
    duplicateCount: z.number().int().openapi({ description: 'Near-duplicates grouped under this mention' }),
    erased: z.boolean(),
    snippetHtml: z.string().optional().openapi({ description: 'With `q`: HTML-escaped excerpt, matches wrapped in <mark>' }),
    createdAt: z.date(),
    updatedAt: z.date(),
  })
  .openapi('Mention')
export type Mention = z.infer<typeof MentionSchema>

export interface MentionRow {
  id: string
  source_id: string
  external_id: string
  kind: string
  platform: string | null
  url: string | null
  author_handle: string | null
  author_name: string | null
  author_profile_url: string | null
  author_followers: number | null
  title: string | null
  body: string
  lang: string
  published_at: Date
  rating: number | null
  engagement: Record<string, unknown>
  sentiment_label: string
  sentiment_score: number
  sentiment_confidence: number
  sentiment_override: string | null
  intents: unknown[]
  intents_override: string[] | null
  spam_score: number
  priority: number
  status: string
  assignee: string | null
  tags: string[]
  customer_id: string | null
  customer_match: string | null
  duplicate_of: string | null
  duplicate_count: number
  erased_at: Date | null
  snippet?: string | null
  created_at: Date
  updated_at: Date
}

/** Columns of `mentions m` that `toMention` reads. */
export const mentionColumns = (sql: Sql | Tx): Fragment => sql`
  m.id, m.source_id, m.external_id, m.kind, m.platform, m.url, m.author_handle, m.author_name, m.author_profile_url,
  m.author_followers, m.title, m.body, m.lang, m.published_at, m.rating, m.engagement, m.sentiment_label,
  m.sentiment_score, m.sentiment_confidence, m.sentiment_override, m.intents, m.intents_override, m.spam_score,
  m.priority, m.status, m.assignee, m.tags, m.customer_id, m.customer_match, m.duplicate_of, m.erased_at,
  m.created_at, m.updated_at,
  (SELECT count(*) FROM mentions d WHERE d.duplicate_of = m.id)::int AS duplicate_count`

/** The model's intents as stored by enrichment: `{label, score}` objects (bare labels tolerated). */
function modelIntents(raw: unknown[]): { label: string; score?: number }[] {
  return raw.flatMap((i) => {
    if (typeof i === 'string') return [{ label: i }]
    if (i && typeof i === 'object' && typeof (i as { label?: unknown }).label === 'string') {
      const { label, score } = i as { label: string; score?: unknown }
      return [typeof score === 'number' ? { label, score } : { label }]
    }
    return []
  })
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;')

/** Highlight markers from ts_headline: private-use characters no real text carries. */
export const MARK_START = '\uE000'
export const MARK_STOP = '\uE001'

/** The snippet is built from untrusted text: escape everything, then turn our markers into <mark>. */
export function snippetToHtml(snippet: string): string {
  return escapeHtml(snippet).split(MARK_START).join('<mark>').split(MARK_STOP).join('</mark>')
}

export function toMention(r: MentionRow): Mention {
  const intents = modelIntents(r.intents ?? [])
  return {
    id: r.id,
    sourceId: r.source_id,
    externalId: r.external_id,
    kind: r.kind,
    platform: r.platform,
    url: r.url,
    author: { handle: r.author_handle, name: r.author_name, profileUrl: r.author_profile_url, followers: r.author_followers },
    title: r.title,
    text: r.body,
    lang: r.lang,
    publishedAt: r.published_at,
    rating: r.rating,
    engagement: r.engagement,
    sentiment: (r.sentiment_override ?? r.sentiment_label) as Mention['sentiment'],
    sentimentOverride: r.sentiment_override as Mention['sentimentOverride'],
    intents: r.intents_override ?? intents.map((i) => i.label),
    intentsOverride: r.intents_override as Mention['intentsOverride'],
    model: { sentiment: { label: r.sentiment_label, score: r.sentiment_score, confidence: r.sentiment_confidence }, intents },
    spamScore: r.spam_score,
    priority: r.priority,
    status: r.status as Mention['status'],
    assignee: r.assignee,
    tags: r.tags,
    customerId: r.customer_id,
    customerMatch: r.customer_match,
    duplicateOf: r.duplicate_of,
    duplicateCount: r.duplicate_count,
    erased: r.erased_at !== null,
    ...(r.snippet == null ? {} : { snippetHtml: snippetToHtml(r.snippet) }),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }
}
