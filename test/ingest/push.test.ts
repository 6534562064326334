import { describe, expect, it } from 'vitest'
import { createTestApp } from '../helpers/app.ts'

const t = await createTestApp()

const item = (id: string, extra: Record<string, unknown> = {}) => ({
  externalId: id,
  url: `https://example.com/${id}`,
  author: { handle: 'alice', name: 'Alice' },
  text: `  Export keeps   crashing (${id})  `,
  publishedAt: '2026-01-02T03:04:05Z',
  ...extra,
})

async function apiSource(name = 'push') {
  const res = await t.call('POST', '/v1/sources', { body: { kind: 'api', name } })
  expect(res.status).toBe(201)
  return res.data.id as string
}

describe('POST /v1/mentions', () => {
  it('stores pushed mentions once, however often they are pushed', async () => {
    const sourceId = await apiSource()
    const first = await t.call('POST', '/v1/mentions', { body: { sourceId, items: [item('a'), item('b'), item('a')] } })
    expect(first.status).toBe(200)
    expect(first.data).toMatchObject({ inserted: 2, duplicates: 1 })
    expect(first.data.ids).toHaveLength(2)
    const again = await t.call('POST', '/v1/mentions', { body: { sourceId, items: [item('a'), item('c', { platform: 'twitter', rating: 2 })] } })
    expect(again.data).toMatchObject({ inserted: 1, duplicates: 1 })
    const rows = await t.sql`SELECT external_id, body, platform, kind, rating, content_hash FROM mentions WHERE source_id = ${sourceId} ORDER BY external_id`
    expect(rows.map((r) => r.external_id)).toEqual(['a', 'b', 'c'])
    expect(rows[0]).toMatchObject({ body: 'Export keeps crashing (a)', platform: null, kind: 'api' })
    expect(rows[2]).toMatchObject({ platform: 'twitter', rating: 2 })
    expect(rows[0].content_hash).toMatch(/^[0-9a-f]{16}$/)
  })

  it('rejects pushes into polled sources, other workspaces and unknown fields', async () => {
    const rss = await t.call('POST', '/v1/sources', { body: { kind: 'rss', name: 'feed', config: { url: 'https://example.com/feed.xml' } } })
    if (rss.status === 201) {
      expect((await t.call('POST', '/v1/mentions', { body: { sourceId: rss.data.id, items: [item('x')] } })).status).toBe(400)
    }
    const sourceId = await apiSource('mine')
    const other = await t.call('POST', '/v1/workspaces', { body: { name: 'elsewhere' } })
    const theirs = await t.call('POST', '/v1/mentions', { key: other.data.key, body: { sourceId, items: [item('x')] } })
    expect(theirs.status).toBe(404)
    expect((await t.call('POST', '/v1/mentions', { body: { sourceId, items: [item('x', { extra: 1 })] } })).status).toBe(400)
    expect((await t.call('POST', '/v1/mentions', { body: { sourceId, items: [] } })).status).toBe(400)
    const tooMany = Array.from({ length: 1001 }, (_, i) => ({ externalId: `${i}`, url: '', author: { handle: 'a' }, text: 'x', publishedAt: '2026-01-01T00:00:00Z' }))
    expect((await t.call('POST', '/v1/mentions', { body: { sourceId, items: tooMany } })).status).toBe(400)
  })

  it('lets viewers read but not push', async () => {
    const sourceId = await apiSource('roles')
    const viewer = await t.keyFor('viewer')
    expect((await t.call('POST', '/v1/mentions', { key: viewer, body: { sourceId, items: [item('v')] } })).status).toBe(403)
  })
})
