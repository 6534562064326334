import { http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { hackernewsConnector } from '../../connectors/hackernews/index.ts'
import { fixture, poll, useMockServer } from './harness.ts'

const server = useMockServer()
const SEARCH = 'https://hn.algolia.com/api/v1/search_by_date'

describe('hackernews connector', () => {
  it('maps stories and comments: HTML and entities flattened, item and user links', async () => {
    const seen: URLSearchParams[] = []
    server.use(http.get(SEARCH, ({ request }) => (seen.push(new URL(request.url).searchParams), HttpResponse.json(JSON.parse(fixture('hackernews', 'search-by-date.json'))))))
    const { items } = await poll(hackernewsConnector, { query: 'acme' })
    expect(seen[0].get('tags')).toBe('(story,comment)')
    expect(seen[0].get('numericFilters')).toBeNull()
    expect(items.map((i) => i.externalId)).toEqual(['40000003', '40000002', '40000001'])
    expect(items[0]).toMatchObject({
      url: 'https://news.ycombinator.com/item?id=40000003',
      author: { handle: 'pg_fan', profileUrl: 'https://news.ycombinator.com/user?id=pg_fan' },
      title: undefined,
      text: 'I don\'t think Acme\'s sync is "broken".\n\nIt works fine for me with large repos.',
    })
    expect(items[1]).toMatchObject({ title: 'Ask HN: Alternatives to Acme?', text: "Acme raised prices & I'm looking for options.\n\nAny ideas?", engagement: { likes: 12, replies: 7 } })
    expect(items[2]).toMatchObject({ title: 'Show HN: Acme 2.0', text: 'Show HN: Acme 2.0', publishedAt: new Date('2026-03-02T18:30:00Z') })
  })

  it('asks only for items since the mark on the next poll and drops the boundary repeats', async () => {
    server.use(http.get(SEARCH, () => HttpResponse.json(JSON.parse(fixture('hackernews', 'search-by-date.json')))))
    const first = await poll(hackernewsConnector, { query: 'acme', include: ['comments'] })
    let filters: string | null = null
    server.use(http.get(SEARCH, ({ request }) => ((filters = new URL(request.url).searchParams.get('numericFilters')), HttpResponse.json(JSON.parse(fixture('hackernews', 'search-by-date-next.json'))))))
    const second = await poll(hackernewsConnector, { query: 'acme' }, first.cursor)
    expect(filters).toBe(`created_at_i>=${Date.parse('2026-03-03T10:15:00Z') / 1000}`)
    expect(second.items.map((i) => i.externalId)).toEqual(['40000010'])
  })

  it('fails the run on a malformed body', async () => {
    server.use(http.get(SEARCH, () => new HttpResponse('{"hits": [', { headers: { 'content-type': 'application/json' } })))
    await expect(poll(hackernewsConnector, { query: 'acme' })).rejects.toThrow(/malformed JSON/)
  })
})
