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
    editedAt: z.date().nullable().openapi({ description: 'When its author last changed its text or rating at the source, as earshot saw it' }),
    rating: z.number().nullable(),
    appVersion: z.string().nullable().openapi({ description: 'The app version a review is about (app stores)' }),
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
    urgent: z.boolean().openapi({ description: 'Its words say it cannot wait (“urgent”, “can’t log in”, “срочно”); `explanation.urgency` holds them' }),
    priority: z.number(),
    status: z.enum(MENTION_STATUSES),
    snoozedUntil: z.date().nullable().openapi({ description: 'When a snoozed mention reopens' }),
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
  edited_at: Date | null
  app_version: string | null
  rating: number | null
  engagement: Record<string, unknown>
  sentiment_label: string
  sentiment_score: number
  sentiment_confidence: number
  sentiment_override: string | null
  intents: unknown[]
  intents_override: string[] | null
  /** What the inbox filters on: the override, else the model's labels (a generated column). */
  effective_intents: string[]
  spam_score: number
  urgent: boolean
  priority: number
  status: string
  snoozed_until: Date | null
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
  m.author_followers, m.title, m.body, m.lang, m.published_at, m.edited_at, m.rating, m.app_version, m.engagement, m.sentiment_label,
  m.sentiment_score, m.sentiment_confidence, m.sentiment_override, m.intents, m.intents_override, m.effective_intents, m.spam_score,
  m.urgent, m.priority, m.status, m.snoozed_until, m.assignee, m.tags, m.customer_id, m.customer_match, m.duplicate_of, m.erased_at,
  m.created_at, m.updated_at,
  (SELECT count(*) FROM mentions d WHERE d.duplicate_of = m.id)::int AS duplicate_count`

/** A timestamptz as JSON.stringify writes a Date: UTC, milliseconds, `Z`. */
const isoSql = (sql: Sql | Tx, ts: Fragment): Fragment => sql`to_char(${ts} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`

/** modelIntents in SQL. */
const modelIntentsSql = (sql: Sql | Tx): Fragment => sql`(
  SELECT coalesce(json_agg(CASE
      WHEN jsonb_typeof(i.e) = 'string' THEN json_build_object('label', i.e #>> '{}')
      WHEN jsonb_typeof(i.e -> 'score') = 'number' THEN json_build_object('label', i.e ->> 'label', 'score', i.e -> 'score')
      ELSE json_build_object('label', i.e ->> 'label') END ORDER BY i.n), '[]')
  FROM jsonb_array_elements(CASE jsonb_typeof(m.intents) WHEN 'array' THEN m.intents ELSE '[]' END) WITH ORDINALITY AS i(e, n)
  WHERE jsonb_typeof(i.e) = 'string' OR jsonb_typeof(i.e -> 'label') = 'string')`

/**
 * `toMention` of a row of `mentions m`, built by PostgreSQL as one json value
 * (same keys, same order, same values), for pages sent without being parsed.
 * `snippet` is the ts_headline text when the page answers a search; it is
 * escaped and marked up as snippetToHtml does. test/triage/mention-json.test.ts
 * holds the two to each other.
 */
export const mentionJsonSql = (sql: Sql | Tx, snippet?: Fragment): Fragment => sql`json_build_object(
  'id', m.id, 'sourceId', m.source_id, 'externalId', m.external_id, 'kind', m.kind, 'platform', m.platform, 'url', m.url,
  'author', json_build_object('handle', m.author_handle, 'name', m.author_name, 'profileUrl', m.author_profile_url, 'followers', m.author_followers),
  'title', m.title, 'text', m.body, 'lang', m.lang, 'publishedAt', ${isoSql(sql, sql`m.published_at`)},
  'editedAt', ${isoSql(sql, sql`m.edited_at`)}, 'rating', m.rating, 'appVersion', m.app_version,
  'engagement', m.engagement,
  'sentiment', coalesce(m.sentiment_override, m.sentiment_label), 'sentimentOverride', m.sentiment_override,
  'intents', m.effective_intents,
  'intentsOverride', m.intents_override,
  'model', json_build_object(
    'sentiment', json_build_object('label', m.sentiment_label, 'score', m.sentiment_score, 'confidence', m.sentiment_confidence),
    'intents', ${modelIntentsSql(sql)}),
  'spamScore', m.spam_score, 'urgent', m.urgent, 'priority', m.priority, 'status', m.status, 'snoozedUntil', ${isoSql(sql, sql`m.snoozed_until`)}, 'assignee', m.assignee, 'tags', m.tags,
  'customerId', m.customer_id, 'customerMatch', m.customer_match, 'duplicateOf', m.duplicate_of,
  'duplicateCount', (SELECT count(*) FROM mentions d WHERE d.duplicate_of = m.id),
  'erased', m.erased_at IS NOT NULL,
  ${snippet ? sql`'snippetHtml', ${snippetHtmlSql(sql, snippet)},` : sql``}
  'createdAt', ${isoSql(sql, sql`m.created_at`)}, 'updatedAt', ${isoSql(sql, sql`m.updated_at`)})`

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

/** snippetToHtml in SQL, for mentionJsonSql. */
function snippetHtmlSql(sql: Sql | Tx, snippet: Fragment): Fragment {
  const escaped = sql`replace(replace(replace(replace(replace(${snippet}, '&', '&amp;'), '<', '&lt;'), '>', '&gt;'), '"', '&quot;'), '''', '&#39;')`
  return sql`replace(replace(${escaped}, ${MARK_START}, '<mark>'), ${MARK_STOP}, '</mark>')`
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
    editedAt: r.edited_at,
    rating: r.rating,
    appVersion: r.app_version,
    engagement: r.engagement,
    sentiment: (r.sentiment_override ?? r.sentiment_label) as Mention['sentiment'],
    sentimentOverride: r.sentiment_override as Mention['sentimentOverride'],
    intents: r.effective_intents,
    intentsOverride: r.intents_override as Mention['intentsOverride'],
    model: { sentiment: { label: r.sentiment_label, score: r.sentiment_score, confidence: r.sentiment_confidence }, intents },
    spamScore: r.spam_score,
    urgent: r.urgent,
    priority: r.priority,
    status: r.status as Mention['status'],
    snoozedUntil: r.snoozed_until,
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
