// Search pages come from a walk in sort order, a longer second walk, or the
// full-text index, depending on how common the words are. Whichever answers,
// the pages must be the true top matches: checked here against the order the
// seeded priorities dictate, on enough rows for all three to run.
import { beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../helpers/app.ts'
import { seedSource } from './seed.ts'

const t = await createTestApp()
const ROWS = 6_000
// A permutation of 0..ROWS-1, so every priority is distinct and far from the row's number.
const priorityOf = (i: number) => ((i * 7_919) % ROWS) / ROWS
const WORDS: Record<string, (i: number) => boolean> = {
  // 2%: a page within the first walk.
  alpha: (i) => i % 50 === 0,
  // 1% spread so the first walk (in priority order) falls short and the second one reaches a page.
  bravo: (i) => i % 100 === 7,
  // 10 rows: too rare to walk to, found through the index.
  charlie: (i) => i % 600 === 3,
}

beforeAll(async () => {
  const src = await seedSource(t.sql, t.workspaceId, 'rss')
  const words = Object.keys(WORDS)
  const bodies = Array.from({ length: ROWS }, (_, i) => ['filler text number', String(i), ...words.filter((w) => WORDS[w](i))].join(' '))
  await t.sql`
    INSERT INTO mentions (workspace_id, source_id, external_id, kind, body, lang, published_at, content_hash, priority)
    SELECT ${t.workspaceId}, ${src}, 'walk-' || i, 'rss', b.body, 'en', now() - i * interval '1 minute', 'walk-' || i, b.priority
    FROM unnest(${bodies}::text[], ${bodies.map((_, i) => priorityOf(i))}::real[]) WITH ORDINALITY AS b(body, priority, i)`
  await t.sql`ANALYZE mentions`
})

async function allPages(q: string, limit: number) {
  const seen: number[] = []
  let cursor: string | null = null
  do {
    const res = await t.call('GET', `/v1/mentions?q=${q}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`)
    expect(res.status, JSON.stringify(res.data)).toBe(200)
    // The row's number is the body's fourth word.
    seen.push(...res.data.items.map((m: { text: string }) => Number(m.text.split(' ')[3])))
    cursor = res.data.nextCursor
  } while (cursor)
  return seen
}

describe('search over thousands of rows', () => {
  for (const [word, has] of Object.entries(WORDS)) {
    it(`pages "${word}" in true priority order`, async () => {
      const expected = Array.from({ length: ROWS }, (_, i) => i)
        .filter(has)
        .sort((a, b) => priorityOf(b) - priorityOf(a))
      expect(await allPages(word, 50)).toEqual(expected)
    })
  }
})
