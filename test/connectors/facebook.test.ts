import { http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { facebookConnector } from '../../connectors/facebook/index.ts'
import { UpstreamError } from '../../src/net/errors.ts'
import { jsonFixture, poll, testClient, useMockServer } from './harness.ts'

const server = useMockServer()
const GRAPH = 'https://graph.facebook.com/v21.0'
const POSTS = `${GRAPH}/104857600123456/posts`
const MORE = `${GRAPH}/104857600123456_987650001/comments`
const config = { pageId: '104857600123456', accessToken: 'EAAB-page-token-0123456789' }

/** Answers the posts and the next page of the first post's comments, recording what was asked. */
function graph() {
  const asked: { url: URL; auth: string | null }[] = []
  server.use(
    http.get(POSTS, ({ request }) => (asked.push({ url: new URL(request.url), auth: request.headers.get('authorization') }), HttpResponse.json(jsonFixture('facebook', 'posts.json')))),
    http.get(MORE, ({ request }) => (asked.push({ url: new URL(request.url), auth: request.headers.get('authorization') }), HttpResponse.json(jsonFixture('facebook', 'comments-page2.json')))),
  )
  return asked
}

describe('facebook connector', () => {
  it('reads the comments on the Page’s latest posts in one call, pages on where all were new, and leaves out the Page’s own', async () => {
    const asked = graph()
    const { items, cursor } = await poll(facebookConnector, config)
    expect(items.map((i) => i.externalId)).toEqual(['987650001_5550003', '987650001_5550001', '987650002_5560001', '987650001_5549999'])
    expect(items[0]).toMatchObject({
      url: 'https://www.facebook.com/104857600123456/posts/987650001?comment_id=5550003',
      author: { handle: '7020000000000003', name: 'Ingrid Hansen' },
      text: 'Acme svarer bare ikke. Tredje gang jeg spør om refusjon!',
      publishedAt: new Date('2026-03-03T11:55:00Z'),
      engagement: { likes: 4, replies: 1 },
    })
    // Without a permalink the post's address points at the comment; without `from` the comment is nameless.
    expect(items[1].url).toBe('https://www.facebook.com/104857600123456/posts/987650001?comment_id=5550001')
    expect(items[2].author).toEqual({ handle: '' })
    expect(cursor).toEqual({ since: '2026-03-03T11:55:00.000Z', ids: ['987650001_5550003'] })

    expect(asked.map((a) => a.url.pathname)).toEqual(['/v21.0/104857600123456/posts', '/v21.0/104857600123456_987650001/comments'])
    expect(asked[0].url.searchParams.get('fields')).toContain('comments.filter(stream).order(reverse_chronological).limit(50)')
    expect(asked[0].url.searchParams.get('limit')).toBe('25')
    expect(asked[0].url.searchParams.get('access_token')).toBeNull()
    expect(asked[0].auth).toBe('Bearer EAAB-page-token-0123456789')
  })

  it('keeps nothing it has seen and pages no further than its mark', async () => {
    const asked = graph()
    const { items } = await poll(facebookConnector, config, { since: '2026-03-03T11:40:00.000Z', ids: ['987650001_5550001'] })
    expect(items.map((i) => i.externalId)).toEqual(['987650001_5550003'])
    expect(asked).toHaveLength(1)
  })

  it('waits an hour when Graph throttles, and stops for good on an expired token, with Facebook’s reason', async () => {
    server.use(http.get(POSTS, () => HttpResponse.json(jsonFixture('facebook', 'error-throttled.json'), { status: 403 })))
    const throttled = (await poll(facebookConnector, config).catch((x: UpstreamError) => x)) as UpstreamError
    expect(throttled).toMatchObject({ permanent: false, status: 403, message: 'graph.facebook.com: error 32: (#32) Page request limit reached' })
    expect(throttled.retryAt!.getTime()).toBeGreaterThan(Date.now() + 3_000_000)

    server.use(http.get(POSTS, () => HttpResponse.json(jsonFixture('facebook', 'error-token.json'), { status: 400 })))
    expect(await poll(facebookConnector, config).catch((x: UpstreamError) => x)).toMatchObject({ permanent: true, status: 400, message: expect.stringContaining('error 190: Error validating access token') })
    server.use(http.get(POSTS, () => new HttpResponse('<html>nope</html>', { status: 400 })))
    expect(await poll(facebookConnector, config).catch((x: UpstreamError) => x)).toMatchObject({ permanent: true, message: 'graph.facebook.com: HTTP 400' })
    server.use(http.get(POSTS, () => HttpResponse.json({ data: [{ id: 7 }] })))
    expect(await poll(facebookConnector, config).catch((x: UpstreamError) => x)).toBeInstanceOf(UpstreamError)
    expect(facebookConnector.config.safeParse({ ...config, pageId: 'acme' }).success).toBe(false)
  })

  it('answers as the Page under the comment, or under the comment a reply was to', async () => {
    const { items } = await (graph(), poll(facebookConnector, config))
    const bodies: { path: string; message: string | null }[] = []
    server.use(
      http.post(`${GRAPH}/:id/comments`, async ({ request, params }) => {
        bodies.push({ path: String(params.id), message: new URLSearchParams(await request.text()).get('message') })
        return HttpResponse.json(jsonFixture('facebook', 'reply.json'))
      }),
    )
    const { fetch } = testClient({ maxAttempts: 1 })
    const target = (raw: unknown) => ({ externalId: 'x', url: null, authorHandle: null, raw })
    expect(await facebookConnector.reply!.send({ fetch, idempotencyKey: 'k' }, config, target(items[0].raw), 'Hei Ingrid, vi ser på det nå.')).toEqual({ externalId: '987650001_5550010', url: null })
    await facebookConnector.reply!.send({ fetch, idempotencyKey: 'k2' }, config, target({ id: '987650001_5550002', created_time: '2026-03-03T11:50:00+0000', parent: { id: '987650001_5550001' } }), 'Follow-up')
    expect(bodies).toEqual([
      { path: '987650001_5550003', message: 'Hei Ingrid, vi ser på det nå.' },
      { path: '987650001_5550001', message: 'Follow-up' },
    ])
  })
})
