// Fixtures (test/fixtures/producthunt/) follow Product Hunt's published GraphQL schema (producthunt/producthunt-api,
// schema.graphql) and its API docs: other people's users come as `[REDACTED]` with id "0", as the API has sent them
// since March 2023, and the token owner's (janedoe) in full; the 401 body is the docs' own; the rate-limit body is
// the one reported in producthunt/producthunt-api#336. In post-page1.json, comment 4123445 has a null body.
import { http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { producthuntConnector, toMention } from '../../connectors/producthunt/index.ts'
import { silentLogger } from '../../src/logger.ts'
import { UpstreamError } from '../../src/net/errors.ts'
import { jsonFixture, NOW, poll, testClient, useMockServer } from './harness.ts'

const server = useMockServer()
const GRAPHQL = 'https://api.producthunt.com/v2/api/graphql'
const TOKEN = 'ph-dev-token-0123456789abcdef'
const config = { token: TOKEN, posts: ['acme-analytics-2'] }

interface Asked {
  query: 'post' | 'replies'
  variables: Record<string, unknown>
  authorization: string | null
}

/** Product Hunt as the fixtures have it: the launch's two pages of threads, the maker thread's second page of replies, and a second launch. */
function serve(asked: Asked[] = []) {
  server.use(
    http.post(GRAPHQL, async ({ request }) => {
      const { query, variables } = (await request.json()) as { query: string; variables: Record<string, unknown> }
      const kind = query.includes('comment(id:') ? 'replies' : 'post'
      asked.push({ query: kind, variables, authorization: request.headers.get('authorization') })
      if (kind === 'replies') return HttpResponse.json(jsonFixture('producthunt', 'replies-page2.json'))
      if (variables.slug === 'acme-analytics') return HttpResponse.json(jsonFixture('producthunt', 'other-post.json'))
      return HttpResponse.json(jsonFixture('producthunt', variables.after === 'MjA' ? 'post-page2.json' : 'post-page1.json'))
    }),
  )
  return asked
}

const ids = (items: { externalId: string }[]) => items.map((i) => i.externalId.replace('ph:comment:', ''))

describe('producthunt connector', () => {
  it('backfills the newest comments and replies of a first run, no more than its limit, from one page', async () => {
    const asked = serve()
    const { items, cursor } = await poll(producthuntConnector, config, null, { maxItems: 5 })
    expect(asked).toEqual([{ query: 'post', variables: { slug: 'acme-analytics-2', first: 20 }, authorization: `Bearer ${TOKEN}` }])
    // Oldest first: the threads and the replies under the newest one.
    expect(ids(items)).toEqual(['4123440', '4123450', '4123460', '4123465', '4123470'])
    expect(cursor).toEqual({ 'acme-analytics-2': '2026-03-03T11:50:00.000Z#4123470' })
  })

  it('maps a comment: HTML made plain, votes as likes, replies counted, hidden authors left without a handle', async () => {
    serve()
    const { items } = await poll(producthuntConnector, config, null, { maxItems: 5 })
    const [thread] = items.filter((i) => i.externalId === 'ph:comment:4123460')
    expect(thread).toMatchObject({
      url: 'https://www.producthunt.com/posts/acme-analytics-2?comment=4123460',
      author: { handle: '' },
      text: "Does it export to BigQuery? We'd switch today & drop our ETL.",
      publishedAt: new Date('2026-03-03T11:40:00Z'),
      engagement: { likes: 4, replies: 2 },
      raw: { id: '4123460', post: { slug: 'acme-analytics-2', name: 'Acme Analytics 2.0' } },
    })
    expect(thread.title).toBeUndefined()
    expect(thread.author.name).toBeUndefined()
    expect(JSON.stringify(thread.raw)).not.toContain('4123470')
    // Hidden either way the API has sent it: a `[REDACTED]` username, or user id 0.
    const comment = { id: '1', body: 'hi', createdAt: '2026-03-03T11:00:00Z', url: 'https://www.producthunt.com/posts/x?comment=1' }
    const post = { slug: 'x', name: 'X' }
    expect(toMention({ comment: { ...comment, user: { id: '42', username: '[REDACTED]', name: '[REDACTED]' } }, post }).author).toEqual({ handle: '' })
    expect(toMention({ comment: { ...comment, user: { id: '0', username: 'someone', name: 'Some One' } }, post }).author).toEqual({ handle: '' })
    // The token owner's own reply keeps its author.
    const [reply] = items.filter((i) => i.externalId === 'ph:comment:4123470')
    expect(reply).toMatchObject({
      author: { handle: 'janedoe', name: 'Jane Doe', profileUrl: 'https://www.producthunt.com/@janedoe' },
      text: 'Yes! BigQuery export ships next week.',
      engagement: { likes: 2 },
      raw: { parentId: '4123460' },
    })
  })

  it('reads every page and every reply, a thread’s further replies too, while the first run has room', async () => {
    const asked = serve()
    const { items, cursor } = await poll(producthuntConnector, config)
    expect(asked.map((a) => [a.query, a.variables])).toEqual([
      ['post', { slug: 'acme-analytics-2', first: 20 }],
      ['post', { slug: 'acme-analytics-2', first: 20, after: 'MjA' }],
      ['replies', { id: '4123300', first: 20, after: 'MQ' }],
    ])
    expect(ids(items)).toEqual(['4123300', '4123310', '4123400', '4123440', '4123450', '4123460', '4123465', '4123470', '4123475', '4123480', '4123490'])
    expect(cursor).toEqual({ 'acme-analytics-2': '2026-03-03T11:58:00.000Z#4123490' })
  })

  it('reads only what is past its mark on the next run, replies to older threads included, and keeps the mark when nothing is new', async () => {
    serve()
    const first = await poll(producthuntConnector, config, null, { maxItems: 5 })
    const asked = serve()
    const second = await poll(producthuntConnector, config, first.cursor)
    // Threads of the last three days are read back past the mark for their new replies; the maker's thread (older)
    // is on the last page anyway, and its second page of replies is asked for because all of its first was new.
    expect(asked.map((a) => a.query)).toEqual(['post', 'post', 'replies'])
    expect(ids(second.items)).toEqual(['4123475', '4123480', '4123490'])
    expect(second.cursor).toEqual({ 'acme-analytics-2': '2026-03-03T11:58:00.000Z#4123490' })

    serve()
    expect(await poll(producthuntConnector, config, second.cursor)).toMatchObject({ items: [], cursor: second.cursor })
  })

  it('stops at its mark once the threads there are older than the look-back', async () => {
    const asked = serve()
    const client = testClient()
    // A week after the launch, the first page ends on a thread before the mark and older than three days.
    const later = await producthuntConnector.poll!(
      { fetch: client.fetch, logger: silentLogger, signal: new AbortController().signal, now: new Date('2026-03-10T12:00:00Z'), maxItems: 100 },
      config,
      { 'acme-analytics-2': '2026-03-03T11:50:00.000Z#4123470' },
    )
    expect(asked).toHaveLength(1)
    expect(later).toEqual({ items: [], cursor: { 'acme-analytics-2': '2026-03-03T11:50:00.000Z#4123470' } })
  })

  it('shares the run’s limit between posts: each gets an even share of what is left', async () => {
    const asked = serve()
    const { items, cursor } = await poll(producthuntConnector, { ...config, posts: ['acme-analytics-2', 'acme-analytics'] }, null, { maxItems: 6 })
    expect(asked.map((a) => a.variables.slug)).toEqual(['acme-analytics-2', 'acme-analytics'])
    // Three each: the newest of the first launch's first page, and the second launch's newest.
    expect(ids(items)).toEqual(['4123460', '4123465', '4123470', '3010002', '3010003', '3010004'])
    expect(cursor).toEqual({ 'acme-analytics-2': '2026-03-03T11:50:00.000Z#4123470', 'acme-analytics': '2026-03-01T18:00:00.000Z#3010004' })
  })

  it('skips a comment that does not read as one and keeps the rest', async () => {
    serve()
    const { items } = await poll(producthuntConnector, config)
    // 4123445 (null body) sat between 4123450 and 4123440 on the first page; the page's other comments and the next pages are read.
    expect(ids(items)).toHaveLength(11)
    expect(ids(items)).toEqual(expect.arrayContaining(['4123440', '4123450', '4123400']))
    expect(ids(items)).not.toContain('4123445')
  })

  it('stops the source when the token is refused: a 401, or the same refusal inside a 200', async () => {
    server.use(http.post(GRAPHQL, () => HttpResponse.json(jsonFixture('producthunt', 'error-401.json'), { status: 401, headers: { 'www-authenticate': 'Bearer realm="ProductHuntOauth2", error="invalid_token"' } })))
    const refused = (await poll(producthuntConnector, config).catch((e: unknown) => e)) as UpstreamError
    expect(refused).toBeInstanceOf(UpstreamError)
    expect(refused).toMatchObject({ permanent: true, status: 401 })
    expect(refused.message).toMatch(/^producthunt: the token was refused \(invalid_oauth_token: Please supply a valid access token/)
    expect(refused.message).toContain('https://www.producthunt.com/v2/oauth/applications')
    expect(refused.message).not.toContain(TOKEN)

    server.use(http.post(GRAPHQL, () => HttpResponse.json(jsonFixture('producthunt', 'error-401.json'))))
    expect(await poll(producthuntConnector, config).catch((e: unknown) => e)).toMatchObject({ permanent: true, message: expect.stringMatching(/token was refused/) })
  })

  it('stops the source for a post that does not exist, naming its slug', async () => {
    serve()
    server.use(http.post(GRAPHQL, () => HttpResponse.json(jsonFixture('producthunt', 'post-null.json'))))
    const missing = await poll(producthuntConnector, { ...config, posts: ['acme-analytcs-2'] }).catch((e: unknown) => e)
    expect(missing).toMatchObject({ permanent: true, message: expect.stringContaining('"acme-analytcs-2"') })
  })

  it('waits out a used-up quota instead of stopping: a 429 in the run, a GraphQL rate-limit error until its reset', async () => {
    let n = 0
    server.use(
      http.post(GRAPHQL, () =>
        n++ === 0
          ? HttpResponse.json(jsonFixture('producthunt', 'error-rate-limit.json'), { status: 429, headers: { 'x-rate-limit-limit': '6250', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': '30' } })
          : HttpResponse.json(jsonFixture('producthunt', 'post-page1.json')),
      ),
    )
    const client = testClient()
    const { items } = await poll(producthuntConnector, config, null, { maxItems: 5, client })
    expect(items).toHaveLength(5)
    expect(client.waits).toEqual([30_000])

    server.use(http.post(GRAPHQL, () => HttpResponse.json(jsonFixture('producthunt', 'error-rate-limit.json'))))
    const limited = (await poll(producthuntConnector, config).catch((e: unknown) => e)) as UpstreamError
    expect(limited).toBeInstanceOf(UpstreamError)
    expect(limited.permanent).toBe(false)
    expect(limited.retryAt).toEqual(new Date(NOW.getTime() + 102_000))
    expect(limited.message).toMatch(/rate limited \(rate_limit_reached/)
  })

  it('retries a 5xx through the shared client, and fails the run on a body that is not GraphQL’s', async () => {
    let n = 0
    server.use(http.post(GRAPHQL, () => (n++ === 0 ? new HttpResponse('upstream hiccup', { status: 502 }) : HttpResponse.json(jsonFixture('producthunt', 'post-page1.json')))))
    expect((await poll(producthuntConnector, config, null, { maxItems: 5 })).items).toHaveLength(5)

    server.use(http.post(GRAPHQL, () => HttpResponse.json({ data: { post: { name: 'x', slug: 'x', comments: { edges: 'nope' } } } })))
    expect(await poll(producthuntConnector, config).catch((e: unknown) => e)).toMatchObject({ permanent: false, message: expect.stringMatching(/unexpected response shape/) })
  })

  it('wants a token and 1–20 post slugs, each once', () => {
    const parse = (c: unknown) => producthuntConnector.config.safeParse(c).success
    expect(parse(config)).toBe(true)
    expect(parse({ posts: ['acme'] })).toBe(false)
    expect(parse({ ...config, posts: [] })).toBe(false)
    expect(parse({ ...config, posts: Array.from({ length: 21 }, (_, i) => `p${i}`) })).toBe(false)
    expect(parse({ ...config, posts: ['https://www.producthunt.com/posts/acme'] })).toBe(false)
    expect(parse({ ...config, posts: ['acme', 'acme'] })).toBe(false)
    expect(parse({ ...config, extra: 1 })).toBe(false)
  })
})
