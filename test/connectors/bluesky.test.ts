import { http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { blueskyConnector } from '../../connectors/bluesky/index.ts'
import { UpstreamError } from '../../src/net/errors.ts'
import { jsonFixture, poll, useMockServer } from './harness.ts'

const server = useMockServer()
const PUBLIC = 'https://public.api.bsky.app/xrpc/app.bsky.feed.searchPosts'

describe('bluesky connector', () => {
  it('pages search results by cursor and maps posts (sort time is the earlier of created and indexed)', async () => {
    const cursors: (string | null)[] = []
    server.use(
      http.get(PUBLIC, ({ request }) => {
        const p = new URL(request.url).searchParams
        cursors.push(p.get('cursor'))
        expect(p.get('sort')).toBe('latest')
        return HttpResponse.json(jsonFixture('bluesky', p.get('cursor') ? 'search-page2.json' : 'search-page1.json'))
      }),
    )
    const { items } = await poll(blueskyConnector, { query: 'acme' })
    expect(cursors).toEqual([null, '2'])
    expect(items).toHaveLength(3)
    expect(items[0]).toMatchObject({
      externalId: 'at://did:plc:aaa111/app.bsky.feed.post/3lk2aaa',
      url: 'https://bsky.app/profile/maria.bsky.social/post/3lk2aaa',
      author: { handle: 'maria.bsky.social', name: 'Maria', profileUrl: 'https://bsky.app/profile/maria.bsky.social' },
      text: "acme's export is so slow today",
      lang: 'en',
      publishedAt: new Date('2026-03-03T10:00:00.000Z'),
      engagement: { likes: 3, replies: 1, shares: 2 },
    })
    expect(items[1]).toMatchObject({ author: { handle: 'joao.example.com' }, publishedAt: new Date('2026-03-03T09:00:00.500Z') })
    expect(items[1].author.name).toBeUndefined()
  })

  it('asks for posts since the mark and returns only new ones', async () => {
    server.use(http.get(PUBLIC, ({ request }) => HttpResponse.json(jsonFixture('bluesky', new URL(request.url).searchParams.get('cursor') ? 'search-page2.json' : 'search-page1.json'))))
    const first = await poll(blueskyConnector, { query: 'acme' })
    let since: string | null = null
    server.use(http.get(PUBLIC, ({ request }) => ((since = new URL(request.url).searchParams.get('since')), HttpResponse.json(jsonFixture('bluesky', 'search-next.json')))))
    const second = await poll(blueskyConnector, { query: 'acme' }, first.cursor)
    expect(since).toBe('2026-03-03T10:00:00.000Z')
    expect(second.items.map((i) => i.externalId)).toEqual(['at://did:plc:ddd444/app.bsky.feed.post/3lk3ccc'])
  })

  it('opens a session with an app password and searches with its token', async () => {
    let auth: string | null = null
    server.use(
      http.post('https://bsky.social/xrpc/com.atproto.server.createSession', async ({ request }) => {
        expect(await request.json()).toEqual({ identifier: 'me.bsky.social', password: 'abcd-efgh-ijkl-mnop' })
        return HttpResponse.json(jsonFixture('bluesky', 'session.json'))
      }),
      http.get('https://bsky.social/xrpc/app.bsky.feed.searchPosts', ({ request }) => ((auth = request.headers.get('authorization')), HttpResponse.json({ posts: [] }))),
    )
    await poll(blueskyConnector, { query: 'acme', identifier: 'me.bsky.social', appPassword: 'abcd-efgh-ijkl-mnop' })
    expect(auth).toMatch(/^Bearer eyJ/)
  })

  it('treats a rejected app password as permanent', async () => {
    server.use(http.post('https://bsky.social/xrpc/com.atproto.server.createSession', () => HttpResponse.json(jsonFixture('bluesky', 'error-401.json'), { status: 401 })))
    const e = await poll(blueskyConnector, { query: 'acme', identifier: 'me', appPassword: 'wrong' }).catch((x: UpstreamError) => x)
    expect(e).toMatchObject({ permanent: true, status: 401 })
  })
})
