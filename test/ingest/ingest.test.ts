import { describe, expect, it } from 'vitest'
import { ingestMentions, type IngestSource } from '../../src/pipeline/ingest.ts'
import type { MentionItem } from '../../src/pipeline/mention-item.ts'
import { createTestApp } from '../helpers/app.ts'

const t = await createTestApp()

const item = (id: string, text: string, extra: Partial<MentionItem> = {}): MentionItem => ({
  externalId: id,
  url: `https://example.com/${id}`,
  author: { handle: 'dana', name: 'Dana', profileUrl: 'https://example.com/u/dana', followers: 1200 },
  text,
  publishedAt: new Date('2026-03-03T10:00:00Z'),
  engagement: { likes: 4, replies: 2 },
  raw: { id, upstream: true },
  ...extra,
})

async function source(kind = 'hackernews') {
  const [row] = await t.sql`INSERT INTO sources (workspace_id, kind, name) VALUES (${t.workspaceId}, ${kind}, 'ingest test') RETURNING id`
  return { id: row.id as string, kind }
}

describe('ingestMentions', () => {
  it('stores normalized text, enrichment, author, engagement and the raw item', async () => {
    const src = await source()
    const res = await t.sql.begin((tx) =>
      ingestMentions(t.deps, tx, t.workspaceId, src, [item('a', '  The export   keeps crashing and I am furious.\r\n\r\n\r\nPlease fix it!  ', { title: ' Export bug ', rating: 1, lang: 'en' })]),
    )
    expect(res).toMatchObject({ inserted: 1, duplicates: 0 })
    const [row] = await t.sql`SELECT * FROM mentions WHERE id = ${res.ids[0]}`
    expect(row).toMatchObject({
      workspace_id: t.workspaceId,
      source_id: src.id,
      external_id: 'a',
      kind: 'hackernews',
      platform: 'hackernews',
      url: 'https://example.com/a',
      author_handle: 'dana',
      author_name: 'Dana',
      author_profile_url: 'https://example.com/u/dana',
      author_followers: 1200,
      title: 'Export bug',
      rating: 1,
      engagement: { likes: 4, replies: 2 },
      raw: { id: 'a', upstream: true },
      published_at: new Date('2026-03-03T10:00:00Z'),
    })
    expect(row.body).toMatch(/^The export keeps crashing and I am furious\.\n+Please fix it!$/)
    expect(row.lang).toBe('en')
    expect(row.sentiment_label).toBe('negative')
    expect(row.enrich_version).toBeGreaterThan(0)
    expect(row.content_hash).toMatch(/^[0-9a-f]{16}$/)
  })

  it('redacts PII unless the workspace turns it off', async () => {
    const src = await source()
    const text = 'Call me at +1 415 555 0199 or mail dana@example.com about the export bug'
    const on = await t.sql.begin((tx) => ingestMentions(t.deps, tx, t.workspaceId, src, [item('pii-on', text)]))
    const [redacted] = await t.sql`SELECT body, pii FROM mentions WHERE id = ${on.ids[0]}`
    expect(redacted.body).not.toContain('dana@example.com')
    expect(redacted.pii.length).toBeGreaterThan(0)

    await t.sql`UPDATE workspaces SET settings = settings || '{"redactPii": false}' WHERE id = ${t.workspaceId}`
    try {
      const off = await t.sql.begin((tx) => ingestMentions(t.deps, tx, t.workspaceId, src, [item('pii-off', text)]))
      const [kept] = await t.sql`SELECT body FROM mentions WHERE id = ${off.ids[0]}`
      expect(kept.body).toContain('dana@example.com')
    } finally {
      await t.sql`UPDATE workspaces SET settings = settings - 'redactPii' WHERE id = ${t.workspaceId}`
    }
  })

  it('stores large batches in chunks, once, with repeats inside and across batches counted as duplicates', async () => {
    const src = await source()
    const batch = Array.from({ length: 1234 }, (_, i) => item(`big-${i}`, `mention number ${i} about pricing`))
    const first = await t.sql.begin((tx) => ingestMentions(t.deps, tx, t.workspaceId, src, [...batch, batch[0], batch[1]]))
    expect(first).toMatchObject({ inserted: 1234, duplicates: 2 })
    expect(new Set(first.ids).size).toBe(1234)
    const again = await t.sql.begin((tx) => ingestMentions(t.deps, tx, t.workspaceId, src, batch.slice(0, 600)))
    expect(again).toEqual({ inserted: 0, duplicates: 600, edited: 0, ids: [] })
    const [{ n }] = await t.sql`SELECT count(*)::int AS n FROM mentions WHERE source_id = ${src.id}`
    expect(n).toBe(1234)
  })

  it('follows an edit at the source: new text, stars and reading, while what people did with the mention stays', async () => {
    const src = { ...(await source('googleplay')), edits: true }
    const ingest = (items: MentionItem[], into: IngestSource = src) => t.sql.begin((tx) => ingestMentions(t.deps, tx, t.workspaceId, into, items))
    const first = await ingest([
      item('r1', 'The export keeps crashing, useless app', { rating: 1 }),
      item('r2', 'Fine app for the price'),
      item('r3', 'Terrible support', { rating: 1 }),
    ])
    const [r1, , r3] = first.ids
    await t.sql`UPDATE mentions SET status = 'open', tags = '{vip}', sentiment_override = 'neutral' WHERE id = ${r1}`
    await t.sql`UPDATE mentions SET body = '', author_handle = NULL, raw = NULL, erased_at = now() WHERE id = ${r3}`

    const edit = item('r1', 'Fixed in the update, works great now. Thanks!', { rating: 5, publishedAt: new Date('2026-03-05T08:00:00Z'), engagement: { likes: 9 } })
    // Without the source's say-so an item is only ever stored once.
    const plain = await ingest([edit], { id: src.id, kind: src.kind })
    expect(plain).toEqual({ inserted: 0, duplicates: 1, edited: 0, ids: [] })
    expect((await t.sql`SELECT rating FROM mentions WHERE id = ${r1}`)[0].rating).toBe(1)

    const again = await ingest([edit, item('r2', 'Fine app for the price'), item('r3', 'Terrible support, call Dana', { rating: 2 })])
    expect(again).toEqual({ inserted: 0, duplicates: 2, edited: 1, ids: [] })
    const [row] = await t.sql`SELECT * FROM mentions WHERE id = ${r1}`
    expect(row).toMatchObject({
      body: 'Fixed in the update, works great now. Thanks!', rating: 5, sentiment_label: 'positive', engagement: { likes: 9 },
      status: 'open', tags: ['vip'], sentiment_override: 'neutral', effective_sentiment: 'neutral',
      published_at: new Date('2026-03-03T10:00:00Z'),
    })
    expect(row.edited_at).toBeInstanceOf(Date)
    // An erased mention never takes its author's words back.
    expect((await t.sql`SELECT body, rating, author_handle FROM mentions WHERE id = ${r3}`)[0]).toEqual({ body: '', rating: 1, author_handle: null })

    const history = await t.call('GET', `/v1/mentions/${r1}`)
    expect(history.data.editedAt).toBe(row.edited_at.toISOString())
    expect(history.data.history).toContainEqual(expect.objectContaining({
      action: 'edited_at_source', actor: 'system', changes: { rating: { from: 1, to: 5 }, sentiment: { from: 'negative', to: 'positive' } },
    }))
    // The same version again is a duplicate, not another edit.
    expect(await ingest([edit])).toEqual({ inserted: 0, duplicates: 1, edited: 0, ids: [] })
  })

  it('links new mentions in every chunk to the customer whose identity matches, and only those', async () => {
    const src = await source('api')
    const [customer] = await t.sql`INSERT INTO customers (workspace_id, name) VALUES (${t.workspaceId}, 'Erin') RETURNING id`
    await t.sql`
      INSERT INTO customer_identities (workspace_id, customer_id, kind, value)
      VALUES (${t.workspaceId}, ${customer.id}, 'mastodon', 'erin'), (${t.workspaceId}, ${customer.id}, 'domain', 'erincorp.io')`
    const batch = Array.from({ length: 700 }, (_, i) => item(`link-${i}`, `feedback ${i}`, { author: { handle: `someone${i}` } }))
    batch[3] = item('link-3', 'from the fediverse', { platform: 'mastodon', author: { handle: '@Erin@fosstodon.org' } })
    batch[650] = item('link-650', 'from a colleague', { platform: 'email', author: { handle: 'sam@erincorp.io' } })
    await t.sql.begin((tx) => ingestMentions(t.deps, tx, t.workspaceId, src, batch))
    const linked = await t.sql`
      SELECT external_id, customer_match FROM mentions WHERE source_id = ${src.id} AND customer_id = ${customer.id} ORDER BY external_id`
    expect(linked).toEqual([
      { external_id: 'link-3', customer_match: 'mastodon:erin' },
      { external_id: 'link-650', customer_match: 'domain:erincorp.io' },
    ])
    const [{ n }] = await t.sql`SELECT count(*)::int AS n FROM mentions WHERE source_id = ${src.id} AND customer_id IS NULL AND customer_match IS NULL`
    expect(n).toBe(698)
  })

  it('reports the statement that failed, not the pipelined ones aborted after it', async () => {
    const missing = { id: crypto.randomUUID(), kind: 'hackernews' }
    const batch = Array.from({ length: 1200 }, (_, i) => item(`orphan-${i}`, `mention ${i}`))
    let reported: unknown
    await t.sql
      .begin(async (tx) => {
        reported = await ingestMentions(t.deps, tx, t.workspaceId, missing, batch).then(() => 'stored', (e: unknown) => e)
      })
      .catch(() => {})
    expect(String(reported)).toMatch(/foreign key constraint "mentions_source"/)
    const [{ ok }] = await t.sql`SELECT 1 AS ok`
    expect(ok).toBe(1)
  })

  it('writes nothing when the surrounding transaction rolls back', async () => {
    const src = await source()
    await expect(
      t.sql.begin(async (tx) => {
        await ingestMentions(t.deps, tx, t.workspaceId, src, [item('rolled-back', 'hello')])
        throw new Error('commit failed')
      }),
    ).rejects.toThrow('commit failed')
    expect(await t.sql`SELECT 1 FROM mentions WHERE source_id = ${src.id}`).toHaveLength(0)
  })
})
