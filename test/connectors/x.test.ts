import { http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { xConnector } from '../../connectors/x/index.ts'
import { UpstreamError } from '../../src/net/errors.ts'
import { fixture, jsonFixture, poll, testClient, useMockServer } from './harness.ts'

const server = useMockServer()
const SEARCH = 'https://api.x.com/2/tweets/search/recent'
const config = { query: 'acme -is:retweet', bearerToken: 'AAAA-secret' }

describe('x connector', () => {
  it('asks for the fields it maps, follows next_token, and joins authors from includes', async () => {
    const seen: URLSearchParams[] = []
    let auth: string | null = null
    server.use(
      http.get(SEARCH, ({ request }) => {
        const p = new URL(request.url).searchParams
        seen.push(p)
        auth = request.headers.get('authorization')
        return HttpResponse.json(jsonFixture('x', p.get('next_token') ? 'search-page2.json' : 'search-page1.json'))
      }),
    )
    const { items, cursor } = await poll(xConnector, config)
    expect(auth).toBe('Bearer AAAA-secret')
    expect(seen.map((p) => p.get('next_token'))).toEqual([null, 'b26v89c19zqg8o3fr5i2k3m4'])
    expect(seen[0].get('query')).toBe('acme -is:retweet')
    expect(seen[0].get('tweet.fields')).toBe('created_at,lang,public_metrics,author_id,note_tweet')
    expect(seen[0].get('expansions')).toBe('author_id')
    expect(seen[0].has('since_id')).toBe(false)
    expect(items.map((i) => i.externalId)).toEqual(['2028800050590646273', '2028797534008246274', '2028795017425846275'])
    expect(items[0]).toMatchObject({
      url: 'https://x.com/dana_k/status/2028800050590646273',
      author: { handle: 'dana_k', name: 'Dana K.', profileUrl: 'https://x.com/dana_k', followers: 2300 },
      // X escapes &, < and > even in v2 JSON.
      text: "@acme your export is broken again & support hasn't answered in 3 days >:(",
      lang: 'en',
      publishedAt: new Date('2026-03-03T11:50:00.000Z'),
      engagement: { likes: 17, replies: 2, shares: 5 },
      platform: 'twitter',
    })
    // "und" is X's "no language", not a language.
    expect(items[1].lang).toBeUndefined()
    expect(items[2]).toMatchObject({ lang: 'es', author: { handle: 'lucia_m' } })
    // A long post: the whole note, not the cut `text`.
    expect(items[2].text).toMatch(/¡gracias al equipo!$/)
    expect(cursor).toEqual({ sinceId: '2028800050590646273' })
  })

  it('polls on with since_id, keeps its mark through an empty answer, and dates a bare tweet by its id', async () => {
    let sinceId: string | null = null
    server.use(http.get(SEARCH, ({ request }) => ((sinceId = new URL(request.url).searchParams.get('since_id')), HttpResponse.json(jsonFixture('x', 'search-empty.json')))))
    const empty = await poll(xConnector, config, { sinceId: '2028800050590646273' })
    expect(sinceId).toBe('2028800050590646273')
    expect(empty).toMatchObject({ items: [], cursor: { sinceId: '2028800050590646273' } })

    server.use(http.get(SEARCH, () => HttpResponse.json(jsonFixture('x', 'search-default-fields.json'))))
    const { items, cursor } = await poll(xConnector, config, empty.cursor)
    // No created_at and no author expansion: the snowflake id carries the time.
    expect(items[0]).toMatchObject({
      url: 'https://x.com/i/web/status/2028801308881846276',
      author: { handle: 'unknown' },
      publishedAt: new Date('2026-03-03T11:55:00.000Z'),
      engagement: {},
    })
    expect(cursor).toEqual({ sinceId: '2028801308881846276' })
  })

  it('keeps the newest tweets when a run is capped, and marks the newest kept', async () => {
    server.use(http.get(SEARCH, () => HttpResponse.json(jsonFixture('x', 'search-page1.json'))))
    const { items, cursor } = await poll(xConnector, config, null, { maxItems: 1 })
    expect(items.map((i) => i.externalId)).toEqual(['2028800050590646273'])
    expect(cursor).toEqual({ sinceId: '2028800050590646273' })
  })

  it('waits out a 429 until x-rate-limit-reset, and stops for good on a 401', async () => {
    const now = Date.parse('2026-03-03T12:00:00Z')
    let n = 0
    server.use(
      http.get(SEARCH, () =>
        n++ === 0
          ? HttpResponse.json(jsonFixture('x', 'error-429.json'), { status: 429, headers: { 'x-rate-limit-limit': '450', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(now / 1000 + 40) } })
          : HttpResponse.json(jsonFixture('x', 'search-page2.json')),
      ),
    )
    const client = testClient({ now: () => now })
    const { items } = await poll(xConnector, config, null, { client })
    expect(items).toHaveLength(1)
    expect(client.waits).toEqual([40_000])

    server.use(http.get(SEARCH, () => HttpResponse.json(jsonFixture('x', 'error-401.json'), { status: 401 })))
    const e = await poll(xConnector, config).catch((x: UpstreamError) => x)
    expect(e).toMatchObject({ permanent: true, status: 401 })
  })

  it('fails the run, not the process, on a malformed body; and refuses a config without a token', async () => {
    server.use(http.get(SEARCH, () => new HttpResponse(fixture('x', 'search-page1.json').slice(0, 200), { headers: { 'content-type': 'application/json' } })))
    const e = await poll(xConnector, config).catch((x: UpstreamError) => x)
    expect(e).toBeInstanceOf(UpstreamError)
    expect(e).toMatchObject({ permanent: false })
    expect(xConnector.config.safeParse({ query: 'acme' }).success).toBe(false)
  })

  it('talks to a proxy through baseUrl', async () => {
    server.use(http.get('https://x-proxy.example.com/2/tweets/search/recent', () => HttpResponse.json(jsonFixture('x', 'search-page2.json'))))
    const { items } = await poll(xConnector, { ...config, baseUrl: 'https://x-proxy.example.com/' })
    expect(items).toHaveLength(1)
  })
})
