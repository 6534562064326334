// The inbox API sends mentions as JSON built by PostgreSQL (mentionJsonSql);
// everything else builds them in TypeScript (toMention). These must be the
// same document, row by row, including the rows enrichment never writes.
import { beforeAll, describe, expect, it } from 'vitest'
import { listMentions, listMentionsJson, type ListMentionsInput } from '../../src/mentions/list.ts'
import { createTestApp } from '../helpers/app.ts'
import { seedMentions, seedSource } from './seed.ts'

const t = await createTestApp()
let ids: string[]

beforeAll(async () => {
  const src = await seedSource(t.sql, t.workspaceId, 'reddit')
  ids = await seedMentions(t.sql, t.workspaceId, src, [
    { text: 'The export crashes <img src=x onerror=alert(1)> & "quotes" it\'s bad', title: 'Export <b>bug</b>', sentiment: 'negative', intents: ['bug_report', 'churn_risk'], priority: 0.9, tags: ['vip', 'a"b'] },
    { text: 'Export works again, thanks', sentiment: 'positive', intents: ['praise'], priority: 0.3333333 },
    { text: 'Der Export stürzt ab', lang: 'de', priority: 0.1, handle: '@someone' },
    { text: 'plain', priority: 0 },
  ])
  // What enrichment never writes but the TypeScript shape tolerates: bare labels, labels without scores, junk.
  await t.sql`UPDATE mentions SET intents = ${t.sql.json(['question', { label: 'praise' }, { label: 'bug_report', score: 1 }, { score: 0.5 }, 7, { label: 3 }])},
    engagement = ${t.sql.json({ likes: 3, nested: { a: [1, 2.5, null], 'é': 'ü' }, big: 1e21, small: 0.000001 })},
    rating = 4.5, author_followers = 12, spam_score = 0.123456789, sentiment_score = -0.6, sentiment_confidence = 0.87654321
    WHERE id = ${ids[0]}`
  await t.sql`UPDATE mentions SET sentiment_override = 'negative', intents_override = ${t.sql.json(['complaint'])},
    published_at = '2026-02-03T04:05:06.789999Z', erased_at = now() WHERE id = ${ids[1]}`
  await t.sql`UPDATE mentions SET intents = '[]', published_at = '1999-12-31T23:59:59.000001+05:30' WHERE id = ${ids[2]}`
  await t.sql`UPDATE mentions SET duplicate_of = ${ids[0]} WHERE id = ${ids[3]}`
})

const both = async (input: ListMentionsInput) => {
  const objects = JSON.parse(JSON.stringify(await listMentions(t.deps, t.workspaceId, input)))
  const text = await listMentionsJson(t.deps, t.workspaceId, input)
  return { objects, fromSql: JSON.parse(text) }
}

describe('inbox JSON built by PostgreSQL', () => {
  it('is the same document as toMention, key order included', async () => {
    const { objects, fromSql } = await both({ filter: {}, sort: 'priority', limit: 50 })
    expect(objects.items.length).toBe(3)
    expect(fromSql).toEqual(objects)
    for (let i = 0; i < objects.items.length; i++) expect(Object.keys(fromSql.items[i])).toEqual(Object.keys(objects.items[i]))
    const first = fromSql.items.find((m: { id: string }) => m.id === ids[0])
    expect(first.model.intents).toEqual([{ label: 'question' }, { label: 'praise' }, { label: 'bug_report', score: 1 }])
    expect(first.duplicateCount).toBe(1)
  })

  it('matches on search snippets (escaped, marked) and on the cursor', async () => {
    const search = await both({ filter: { q: 'export' }, sort: 'newest', limit: 1 })
    expect(search.fromSql).toEqual(search.objects)
    expect(search.fromSql.items[0].snippetHtml).toContain('<mark>')
    expect(search.fromSql.nextCursor).not.toBeNull()
    const next = await both({ filter: { q: 'export' }, sort: 'newest', limit: 1, cursor: search.objects.nextCursor })
    expect(next.fromSql).toEqual(next.objects)
    const hostile = await both({ filter: { q: 'img onerror' }, sort: 'priority', limit: 50 })
    expect(hostile.fromSql.items[0].snippetHtml).toContain('&lt;')
    expect(hostile.fromSql).toEqual(hostile.objects)
  })

  it('matches when the page is empty', async () => {
    const { objects, fromSql } = await both({ filter: { status: ['spam'] }, sort: 'priority', limit: 50 })
    expect(fromSql).toEqual({ items: [], nextCursor: null })
    expect(fromSql).toEqual(objects)
  })
})
