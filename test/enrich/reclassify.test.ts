import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ENRICH_VERSION } from '../../src/enrich/index.ts'
import { reclassifyWorkspace } from '../../src/reclassify.ts'
import { createWorkspace } from '../../src/workspaces/workspaces.ts'
import { createTestApp } from '../helpers/app.ts'

let t: Awaited<ReturnType<typeof createTestApp>>
let sourceId: string

async function insertMention(workspaceId: string, source: string, externalId: string, body: string, extra: Record<string, unknown> = {}) {
  const [row]: [{ id: string }] = await t.sql`
    INSERT INTO mentions ${t.sql({ workspace_id: workspaceId, source_id: source, external_id: externalId, kind: 'appstore', body, published_at: new Date(), content_hash: externalId, ...extra })}
    RETURNING id`
  return row.id
}

beforeAll(async () => {
  t = await createTestApp()
  const [src]: [{ id: string }] = await t.sql`INSERT INTO sources (workspace_id, kind, name) VALUES (${t.workspaceId}, 'appstore', 'reviews') RETURNING id`
  sourceId = src.id
})
afterAll(async () => {
  await t.sql.end()
})

describe('reclassify', () => {
  it('re-scores stale mentions, keeps human overrides and skips erased ones', async () => {
    const stale = await insertMention(t.workspaceId, sourceId, 'm1', 'The app crashes every time I open it. Useless!', { rating: 1 })
    const overridden = await insertMention(t.workspaceId, sourceId, 'm2', 'I love this app, it works perfectly', { sentiment_override: 'negative' })
    const erased = await insertMention(t.workspaceId, sourceId, 'm3', '[erased]', { erased_at: new Date() })
    const current = await insertMention(t.workspaceId, sourceId, 'm4', 'fine', { enrich_version: ENRICH_VERSION, sentiment_label: 'positive', sentiment_score: 0.42 })

    const counts = await reclassifyWorkspace(t.deps, t.workspaceId, { batchSize: 1 })
    expect(counts.mentions).toBe(2)

    const rows = await t.sql`SELECT id, lang, sentiment_label, sentiment_override, intents, enrich_version, priority, sentiment_score FROM mentions WHERE workspace_id = ${t.workspaceId}`
    const byId = new Map(rows.map((r) => [r.id, r]))
    expect(byId.get(stale)).toMatchObject({ lang: 'en', sentiment_label: 'negative', enrich_version: ENRICH_VERSION })
    expect(byId.get(stale)!.intents.map((i: { label: string }) => i.label)).toContain('bug_report')
    expect(byId.get(stale)!.priority).toBeGreaterThan(0)
    expect(byId.get(overridden)).toMatchObject({ sentiment_label: 'positive', sentiment_override: 'negative', enrich_version: ENRICH_VERSION })
    expect(byId.get(erased)!.enrich_version).toBe(0)
    expect(byId.get(current)).toMatchObject({ sentiment_label: 'positive', enrich_version: ENRICH_VERSION })
    expect(byId.get(current)!.sentiment_score).toBeCloseTo(0.42)

    expect((await reclassifyWorkspace(t.deps, t.workspaceId)).mentions).toBe(0)
  })

  it('redacts PII it newly finds when the workspace redacts, and honours --since', async () => {
    const old = await insertMention(t.workspaceId, sourceId, 'm5', 'call me on +44 20 7946 0958', { created_at: new Date('2020-01-01T00:00:00Z') })
    const fresh = await insertMention(t.workspaceId, sourceId, 'm6', 'mail me: jane@example.org')
    await reclassifyWorkspace(t.deps, t.workspaceId, { since: new Date('2024-01-01T00:00:00Z') })
    const [o] = await t.sql`SELECT body, enrich_version FROM mentions WHERE id = ${old}`
    const [f] = await t.sql`SELECT body, pii, enrich_version FROM mentions WHERE id = ${fresh}`
    expect(o).toMatchObject({ body: 'call me on +44 20 7946 0958', enrich_version: 0 })
    expect(f).toMatchObject({ body: 'mail me: [email]', enrich_version: ENRICH_VERSION })
    expect(f.pii).toEqual([{ type: 'email', start: 9, end: 16 }])
  })

  it('re-scores survey comments with the score as a prior and leaves other workspaces alone', async () => {
    const other = await createWorkspace(t.deps, 'other-reclassify')
    const [otherSource]: [{ id: string }] = await t.sql`INSERT INTO sources (workspace_id, kind, name) VALUES (${other.id}, 'appstore', 'x') RETURNING id`
    const foreign = await insertMention(other.id, otherSource.id, 'o1', 'terrible')
    const [survey]: [{ id: string }] = await t.sql`
      INSERT INTO surveys (workspace_id, kind, public_key, question) VALUES (${t.workspaceId}, 'nps', 'pk_reclassify', 'How likely?') RETURNING id`
    const [withComment]: [{ id: string }] = await t.sql`
      INSERT INTO survey_responses (workspace_id, survey_id, score, comment) VALUES (${t.workspaceId}, ${survey.id}, 1, 'Support never answers and the export is broken') RETURNING id`
    const [noComment]: [{ id: string }] = await t.sql`
      INSERT INTO survey_responses (workspace_id, survey_id, score) VALUES (${t.workspaceId}, ${survey.id}, 9) RETURNING id`

    const counts = await reclassifyWorkspace(t.deps, t.workspaceId)
    expect(counts.responses).toBe(1)
    const [r] = await t.sql`SELECT sentiment_label, enrich_version, lang FROM survey_responses WHERE id = ${withComment.id}`
    expect(r).toMatchObject({ sentiment_label: 'negative', enrich_version: ENRICH_VERSION, lang: 'en' })
    const [n] = await t.sql`SELECT enrich_version, sentiment_label FROM survey_responses WHERE id = ${noComment.id}`
    expect(n).toMatchObject({ enrich_version: 0, sentiment_label: null })
    const [f] = await t.sql`SELECT enrich_version FROM mentions WHERE id = ${foreign}`
    expect(f.enrich_version).toBe(0)
  })
})
