import { beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../helpers/app.ts'
import { seedMentions, seedSource } from './seed.ts'

const t = await createTestApp()
let reddit: string
let hn: string
let ids: string[]

beforeAll(async () => {
  reddit = await seedSource(t.sql, t.workspaceId, 'reddit')
  hn = await seedSource(t.sql, t.workspaceId, 'hackernews')
  ids = await seedMentions(t.sql, t.workspaceId, reddit, [
    { text: 'The export button crashes the app every time I click it. Unusable.', sentiment: 'negative', intents: ['bug_report'], priority: 0.9 },
    { text: 'Export to CSV is broken since yesterday, the file is empty', sentiment: 'negative', intents: ['bug_report'], priority: 0.7 },
    { text: 'I love the new dashboard, great work team!', sentiment: 'positive', intents: ['praise'], priority: 0.2 },
    { text: 'Still crashing on export. Thinking about cancelling our subscription.', sentiment: 'negative', intents: ['churn_risk'], priority: 0.8 },
    { text: 'Die App stürzt beim Export ständig ab, sehr ärgerlich', lang: 'de', sentiment: 'negative', priority: 0.6 },
  ])
  ids.push(...(await seedMentions(t.sql, t.workspaceId, hn, [{ text: 'Could you add dark mode please?', intents: ['feature_request'], priority: 0.3 }])))
})

const list = async (qs: string, key?: string) => {
  const res = await t.call('GET', `/v1/mentions?${qs}`, { key })
  expect(res.status, JSON.stringify(res.data)).toBe(200)
  return res.data as { items: { id: string; [k: string]: unknown }[]; nextCursor: string | null }
}

describe('inbox list', () => {
  it('sorts by priority by default and by date with sort=newest', async () => {
    const byPriority = await list('limit=50')
    expect(byPriority.items.map((m) => m.priority)).toEqual([0.9, 0.8, 0.7, 0.6, 0.3, 0.2])
    const newest = await list('sort=newest&limit=50')
    expect(newest.items[0].id).toBe(ids[0])
  })

  it('pages with an opaque cursor without gaps or repeats', async () => {
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const page = await list(`limit=2${cursor ? `&cursor=${cursor}` : ''}`)
      seen.push(...page.items.map((m) => m.id))
      cursor = page.nextCursor
    } while (cursor)
    expect(seen).toHaveLength(6)
    expect(new Set(seen).size).toBe(6)
  })

  it('combines filters', async () => {
    expect((await list('sentiment=negative&intent=bug_report')).items.map((m) => m.id).sort()).toEqual([ids[0], ids[1]].sort())
    expect((await list(`source=${hn}`)).items.map((m) => m.id)).toEqual([ids[5]])
    expect((await list('kind=reddit&minPriority=0.75')).items).toHaveLength(2)
    expect((await list('lang=de')).items.map((m) => m.id)).toEqual([ids[4]])
    expect((await list('sentiment=positive,neutral')).items).toHaveLength(2)
    expect((await list('since=1h')).items).toHaveLength(6)
    expect((await list(`until=${new Date(Date.now() - 3_650 * 86_400_000).toISOString()}`)).items).toHaveLength(0)
  })

  it('searches full text, stemmed, with escaped highlighted snippets', async () => {
    const res = await list(`q=${encodeURIComponent('export crash')}`)
    expect(res.items.map((m) => m.id).sort()).toEqual([ids[0], ids[3]].sort())
    expect(res.items[0].snippetHtml).toMatch(/<mark>/)
    const german = await list(`q=${encodeURIComponent('ärgerliche')}`)
    expect(german.items.map((m) => m.id)).toEqual([ids[4]])
    const scripted = await seedMentions(t.sql, t.workspaceId, hn, [{ text: 'Tom & Jerry say the "widget" fails <img src=x onerror=alert(1)>', priority: 0 }])
    const hit = await list('q=widget')
    expect(hit.items[0].id).toBe(scripted[0])
    expect(hit.items[0].snippetHtml).not.toContain('<img')
    expect(hit.items[0].snippetHtml).toContain('&lt;img')
    expect(hit.items[0].snippetHtml).toContain('&quot;<mark>widget</mark>&quot;')
  })

  it('pages search results in true priority order whether the word is common or rare', async () => {
    const src = await seedSource(t.sql, t.workspaceId, 'rss')
    const prios = Array.from({ length: 60 }, (_, i) => ((i * 37) % 60) / 100)
    await seedMentions(t.sql, t.workspaceId, src, prios.map((priority, i) => ({ text: `gizmo number ${i} misbehaves`, priority })))
    const seen: number[] = []
    let cursor: string | null = null
    do {
      const page = await list(`q=gizmo&limit=7${cursor ? `&cursor=${cursor}` : ''}`)
      seen.push(...page.items.map((m) => m.priority as number))
      cursor = page.nextCursor
    } while (cursor)
    expect(seen).toEqual([...prios].sort((a, b) => b - a))
  })

  it('rejects unknown filters, bad values and tampered cursors with 400', async () => {
    expect((await t.call('GET', '/v1/mentions?status=bogus')).status).toBe(400)
    expect((await t.call('GET', '/v1/mentions?limit=500')).status).toBe(400)
    expect((await t.call('GET', '/v1/mentions?colour=red')).status).toBe(400)
    expect((await t.call('GET', '/v1/mentions?cursor=garbage')).status).toBe(400)
    expect((await t.call('GET', '/v1/mentions?since=yesterday')).status).toBe(400)
    expect((await t.call('GET', '/v1/mentions/not-a-uuid')).status).toBe(400)
  })
})

describe('triage', () => {
  it('patches status, tags and assignee and records who did it', async () => {
    const agent = await t.keyFor('agent')
    const res = await t.call('PATCH', `/v1/mentions/${ids[2]}`, { key: agent, body: { status: 'resolved', tags: ['praise', 'praise', 'ui'], assignee: 'sam' } })
    expect(res.status).toBe(200)
    expect(res.data).toMatchObject({ status: 'resolved', tags: ['praise', 'ui'], assignee: 'sam' })
    const hist = await t.call('GET', `/v1/mentions/${ids[2]}/history`)
    expect(hist.data.items[0]).toMatchObject({ actor: 'test agent', changes: { status: { from: 'new', to: 'resolved' } } })
    expect((await list('assignee=sam')).items.map((m) => m.id)).toEqual([ids[2]])
    expect((await list('assignee=unassigned')).items.map((m) => m.id)).not.toContain(ids[2])
    expect((await list('tag=ui,praise')).items.map((m) => m.id)).toEqual([ids[2]])
  })

  it('keeps a sentiment/intent override next to the model value, and re-classification does not touch it', async () => {
    const res = await t.call('PATCH', `/v1/mentions/${ids[5]}`, { body: { sentiment: 'negative', intents: ['complaint'] } })
    expect(res.data).toMatchObject({ sentiment: 'negative', sentimentOverride: 'negative', intents: ['complaint'], model: { sentiment: { label: 'neutral' } } })
    await t.sql`UPDATE mentions SET sentiment_label = 'positive', intents = '[]' WHERE id = ${ids[5]}`
    const after = await t.call('GET', `/v1/mentions/${ids[5]}`)
    expect(after.data).toMatchObject({ sentiment: 'negative', intents: ['complaint'], model: { sentiment: { label: 'positive' } } })
    expect((await list('sentiment=negative&intent=complaint')).items.map((m) => m.id)).toEqual([ids[5]])
    const cleared = await t.call('PATCH', `/v1/mentions/${ids[5]}`, { body: { sentiment: null, intents: null } })
    expect(cleared.data).toMatchObject({ sentiment: 'positive', sentimentOverride: null, intents: [] })
  })

  it('lets viewers read but not triage, and rejects unknown fields', async () => {
    const viewer = await t.keyFor('viewer')
    expect((await t.call('GET', `/v1/mentions/${ids[0]}`, { key: viewer })).status).toBe(200)
    expect((await t.call('PATCH', `/v1/mentions/${ids[0]}`, { key: viewer, body: { status: 'open' } })).status).toBe(403)
    expect((await t.call('PATCH', `/v1/mentions/${ids[0]}`, { body: { status: 'open', priority: 1 } })).status).toBe(400)
    expect((await t.call('PATCH', `/v1/mentions/${ids[0]}`, { body: {} })).status).toBe(400)
    expect((await t.call('PATCH', '/v1/mentions/00000000-0000-4000-8000-000000000000', { body: { status: 'open' } })).status).toBe(404)
  })

  it('adds notes shown on the detail', async () => {
    const note = await t.call('POST', `/v1/mentions/${ids[0]}/notes`, { body: { body: 'Asked for the crash log' } })
    expect(note.status).toBe(201)
    const detail = await t.call('GET', `/v1/mentions/${ids[0]}`)
    expect(detail.data.notes.map((n: { body: string }) => n.body)).toEqual(['Asked for the crash log'])
    expect(detail.data.history.map((h: { action: string }) => h.action)).toContain('note_added')
  })

  it('bulk-updates by ids and by filter, auditing each mention', async () => {
    const byIds = await t.call('POST', '/v1/mentions/bulk', { body: { ids: [ids[0], ids[1]], action: { status: 'in_progress', addTags: ['export'] } } })
    expect(byIds.data).toEqual({ matched: 2, updated: 2 })
    const byFilter = await t.call('POST', '/v1/mentions/bulk', { body: { filter: { tag: ['export'] }, action: { assignee: 'kim', removeTags: ['export'] } } })
    expect(byFilter.data).toEqual({ matched: 2, updated: 2 })
    const m = await t.call('GET', `/v1/mentions/${ids[1]}`)
    expect(m.data).toMatchObject({ status: 'in_progress', assignee: 'kim', tags: [] })
    expect(m.data.history).toHaveLength(2)
    expect((await t.call('POST', '/v1/mentions/bulk', { body: { ids: [ids[0]], filter: {}, action: { status: 'open' } } })).status).toBe(400)
  })

  it('counts by status, sentiment and source for the current filter', async () => {
    const res = await t.call('GET', '/v1/mentions/stats?kind=reddit')
    expect(res.status).toBe(200)
    expect(res.data.total).toBe(5)
    expect(res.data.bySentiment).toMatchObject({ negative: 4, positive: 1 })
    expect(res.data.byStatus.resolved).toBe(1)
    expect(res.data.bySource).toEqual([{ sourceId: reddit, name: 'reddit source', kind: 'reddit', count: 5 }])
  })
})

describe('near-duplicates', () => {
  it('folds reposts into the first copy, but shows a copy when its first copy is filtered out', async () => {
    const text = 'Huge outage this morning: the sync service has been down for three hours'
    const [first] = await seedMentions(t.sql, t.workspaceId, reddit, [{ text, priority: 0.95 }])
    const [copy] = await seedMentions(t.sql, t.workspaceId, hn, [{ text: `RT @someone: ${text.toUpperCase()} https://t.co/abc #outage`, priority: 0.99 }])
    const page = await list('limit=200')
    expect(page.items.map((m) => m.id)).toContain(first)
    expect(page.items.map((m) => m.id)).not.toContain(copy)
    expect(page.items.find((m) => m.id === first)?.duplicateCount).toBe(1)
    expect((await list(`source=${hn}&limit=200`)).items.map((m) => m.id)).toContain(copy)
    const detail = await t.call('GET', `/v1/mentions/${first}`)
    expect(detail.data.duplicates.map((d: { id: string }) => d.id)).toEqual([copy])
    await t.call('PATCH', `/v1/mentions/${first}`, { body: { status: 'resolved' } })
    expect((await t.call('GET', `/v1/mentions/${copy}`)).data.status).toBe('resolved')
  })
})

describe('near-duplicates beyond one walk', () => {
  it('still fills the page when more copies are hidden than the walk takes spare rows', async () => {
    const text = 'Data export to the warehouse silently drops every other row since Monday'
    const [first] = await seedMentions(t.sql, t.workspaceId, reddit, [{ text, priority: 0.5, tags: ['flood'] }])
    const copies = await seedMentions(t.sql, t.workspaceId, hn,
      Array.from({ length: 12 }, (_, i) => ({ text: `RT @someone: ${text.toUpperCase()} https://t.co/x${i} #data`, priority: 0.49 - i / 100, tags: ['flood'] })))
    const [last] = await seedMentions(t.sql, t.workspaceId, hn, [{ text: 'Unrelated: the invoice PDF has the wrong VAT number', priority: 0.1, tags: ['flood'] }])
    const [{ grouped }] = await t.sql<{ grouped: number }[]>`SELECT count(*)::int AS grouped FROM mentions WHERE id = ANY(${copies}::uuid[]) AND duplicate_of = ${first}`
    expect(grouped).toBe(copies.length)
    const one = await list('tag=flood&limit=1')
    expect(one.items.map((m) => m.id)).toEqual([first])
    const two = await list(`tag=flood&limit=1&cursor=${one.nextCursor}`)
    expect(two.items.map((m) => m.id)).toEqual([last])
    expect(two.nextCursor).toBeNull()
  })
})
