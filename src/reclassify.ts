// `earshot reclassify`: re-score stored mentions and survey comments whose
// enrichment is older than the current pipeline, in batches. Only the model
// columns are written; human overrides (sentiment_override, intents_override)
// live in their own columns and are never touched, and erased mentions are
// skipped.
import { workspaceSettings } from './workspaces/settings.ts'
import type { Deps } from './deps.ts'
import { ENRICH_VERSION, enrich } from './enrich/index.ts'
import { enrichComment } from './surveys/responses.ts'
import type { SurveyKind } from './surveys/schemas.ts'

export interface ReclassifyOptions {
  /** Only rows stored at or after this time. */
  since?: Date
  batchSize?: number
}

export interface ReclassifyCounts {
  mentions: number
  responses: number
}

interface MentionRow {
  id: string
  title: string | null
  body: string
  rating: number | null
  kind: string
  author_followers: number | null
  engagement: { likes?: unknown; replies?: unknown; shares?: unknown } | null
  published_at: Date
}

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined)

async function reclassifyMentions(deps: Deps, workspaceId: string, opts: ReclassifyOptions): Promise<number> {
  const { sql } = deps
  const { redactPii } = await workspaceSettings(sql, workspaceId)
  const now = deps.clock()
  let after = '00000000-0000-0000-0000-000000000000'
  let done = 0
  for (;;) {
    const rows: MentionRow[] = await sql`
      SELECT id, title, body, rating, kind, author_followers, engagement, published_at
      FROM mentions
      WHERE workspace_id = ${workspaceId} AND enrich_version < ${ENRICH_VERSION} AND erased_at IS NULL
        AND id > ${after} ${opts.since ? sql`AND created_at >= ${opts.since}` : sql``}
      ORDER BY id
      LIMIT ${opts.batchSize ?? 500}`
    if (!rows.length) return done
    const values = rows.map((r) => {
      const e = enrich(
        {
          text: r.body,
          title: r.title ?? undefined,
          rating: r.rating ?? undefined,
          kind: r.kind,
          followers: r.author_followers ?? undefined,
          engagement: { likes: num(r.engagement?.likes), replies: num(r.engagement?.replies), shares: num(r.engagement?.shares) },
          publishedAt: r.published_at,
        },
        { redactPii, now },
      )
      // The stored body is only rewritten to redact PII this version newly finds.
      const body = redactPii && e.pii.length ? e.text : null
      return [
        r.id, e.lang, e.langConfidence, e.sentiment.label, e.sentiment.score, e.sentiment.confidence, JSON.stringify(e.intents), e.spam,
        JSON.stringify(e.pii), e.urgent, e.priority, JSON.stringify(e.priorityComponents), JSON.stringify(e.explanation), body,
      ]
    })
    await sql`
      UPDATE mentions AS m SET
        lang = v.lang, lang_confidence = v.lang_confidence::real,
        sentiment_label = v.sentiment_label, sentiment_score = v.sentiment_score::real, sentiment_confidence = v.sentiment_confidence::real,
        intents = v.intents::jsonb, spam_score = v.spam_score::real, pii = v.pii::jsonb, urgent = v.urgent::boolean, priority = v.priority::real,
        priority_components = v.priority_components::jsonb, explanation = v.explanation::jsonb,
        body = coalesce(v.body, m.body), enrich_version = ${ENRICH_VERSION}
      FROM (VALUES ${sql(values as never)}) AS v(id, lang, lang_confidence, sentiment_label, sentiment_score, sentiment_confidence, intents, spam_score, pii, urgent, priority, priority_components, explanation, body)
      WHERE m.id = v.id::uuid AND m.workspace_id = ${workspaceId} AND m.enrich_version < ${ENRICH_VERSION}`
    done += rows.length
    after = rows[rows.length - 1].id
  }
}

interface ResponseRow {
  id: string
  comment: string
  score: number
  kind: SurveyKind
  redact: boolean
}

async function reclassifyResponses(deps: Deps, workspaceId: string, opts: ReclassifyOptions): Promise<number> {
  const { sql } = deps
  let after = '00000000-0000-0000-0000-000000000000'
  let done = 0
  for (;;) {
    // Responses without a comment are never classified (enrich_version stays 0 by design).
    const rows: ResponseRow[] = await sql`
      SELECT r.id, r.comment, r.score, s.kind, coalesce((s.settings->>'redactPii')::boolean, false) AS redact
      FROM survey_responses r JOIN surveys s ON s.id = r.survey_id AND s.workspace_id = r.workspace_id
      WHERE r.workspace_id = ${workspaceId} AND r.enrich_version < ${ENRICH_VERSION} AND btrim(coalesce(r.comment, '')) <> ''
        AND r.id > ${after} ${opts.since ? sql`AND r.created_at >= ${opts.since}` : sql``}
      ORDER BY r.id
      LIMIT ${opts.batchSize ?? 500}`
    if (!rows.length) return done
    const values = rows.map((r) => {
      const c = enrichComment(r.kind, r.score, r.comment, r.redact)
      return [r.id, c.comment, c.lang, c.sentiment_label, c.sentiment_score, c.sentiment_confidence, JSON.stringify(c.intents), JSON.stringify(c.pii), c.urgent, c.enrich_version]
    })
    await sql`
      UPDATE survey_responses AS r SET
        comment = v.comment, lang = v.lang, sentiment_label = v.sentiment_label, sentiment_score = v.sentiment_score::real,
        sentiment_confidence = v.sentiment_confidence::real, intents = v.intents::jsonb, pii = v.pii::jsonb, urgent = v.urgent::boolean,
        enrich_version = v.enrich_version::int
      FROM (VALUES ${sql(values as never)}) AS v(id, comment, lang, sentiment_label, sentiment_score, sentiment_confidence, intents, pii, urgent, enrich_version)
      WHERE r.id = v.id::uuid AND r.workspace_id = ${workspaceId} AND r.enrich_version < ${ENRICH_VERSION}`
    done += rows.length
    after = rows[rows.length - 1].id
  }
}

/** Re-score one workspace's stale mentions and survey comments. */
export async function reclassifyWorkspace(deps: Deps, workspaceId: string, opts: ReclassifyOptions = {}): Promise<ReclassifyCounts> {
  return { mentions: await reclassifyMentions(deps, workspaceId, opts), responses: await reclassifyResponses(deps, workspaceId, opts) }
}

/** Every workspace in turn; returns the totals. */
export async function reclassifyAll(deps: Deps, opts: ReclassifyOptions = {}): Promise<ReclassifyCounts> {
  const workspaces: { id: string }[] = await deps.sql`SELECT id FROM workspaces ORDER BY created_at`
  const total: ReclassifyCounts = { mentions: 0, responses: 0 }
  for (const ws of workspaces) {
    const c = await reclassifyWorkspace(deps, ws.id, opts)
    total.mentions += c.mentions
    total.responses += c.responses
  }
  return total
}
