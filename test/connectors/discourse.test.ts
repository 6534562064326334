import { http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { discourseConnector } from '../../connectors/discourse/index.ts'
import { UpstreamError } from '../../src/net/errors.ts'
import { jsonFixture, poll, testClient, useMockServer } from './harness.ts'

const server = useMockServer()
const FORUM = 'https://community.acme.test'
const POSTS = `${FORUM}/posts.json`
const config = { instance: `${FORUM}/latest` }

describe('discourse connector', () => {
  it('pages back with before=, keeps people’s posts only, and maps them without what they quote or preview', async () => {
    const befores: (string | null)[] = []
    server.use(
      http.get(POSTS, ({ request }) => {
        const before = new URL(request.url).searchParams.get('before')
        befores.push(before)
        return HttpResponse.json(jsonFixture('discourse', before === null ? 'posts-page1.json' : before === '118' ? 'posts-page2.json' : 'posts-empty.json'))
      }),
    )
    const { items, cursor } = await poll(discourseConnector, config)
    expect(befores).toEqual([null, '118', '116'])
    // 119 is a "small action" (closed the topic), 117 was hidden by a moderator.
    expect(items.map((i) => i.externalId)).toEqual(['120', '118', '116'])
    expect(items[0]).toMatchObject({
      url: `${FORUM}/t/csv-export-times-out/88/2`,
      author: { handle: 'ana_p', name: 'Ana Pereira', profileUrl: `${FORUM}/u/ana_p` },
      text: 'Not for me — CSV export times out after 30 s on 4.2.',
      publishedAt: new Date('2026-03-03T11:50:00.000Z'),
      engagement: { likes: 3, replies: 0 },
    })
    expect(items[0].title).toBeUndefined()
    expect(items[1]).toMatchObject({ title: 'CSV export times out', text: 'Export works fine for me', author: { handle: 'jo' } })
    expect(items[1].author.name).toBeUndefined()
    // The link preview is the linked page's words, not Lee's.
    expect(items[2]).toMatchObject({ text: 'Would love a dark mode <3 like this one:', engagement: { likes: 8, replies: 2 } })
    expect(cursor).toEqual({ lastId: 120 })
  })

  it('keeps the categories asked for, and moves its mark past the others', async () => {
    server.use(
      http.get(POSTS, ({ request }) => {
        const before = new URL(request.url).searchParams.get('before')
        return HttpResponse.json(jsonFixture('discourse', before === null ? 'posts-page1.json' : before === '118' ? 'posts-page2.json' : 'posts-empty.json'))
      }),
    )
    // 116 is in category 7 (feature requests); the rest in 4 (support).
    expect(await poll(discourseConnector, { ...config, categories: [4] })).toMatchObject({ items: [{ externalId: '120' }, { externalId: '118' }], cursor: { lastId: 120 } })
    expect((await poll(discourseConnector, { ...config, categories: [7] })).items.map((i) => i.externalId)).toEqual(['116'])
    expect(discourseConnector.config.safeParse({ ...config, categories: ['support'] }).error?.issues[0].path).toEqual(['categories', 0])
  })

  it('returns only posts above the mark, in one request, and keeps the mark when nothing is new', async () => {
    const urls: string[] = []
    server.use(http.get(POSTS, ({ request }) => (urls.push(request.url), HttpResponse.json(jsonFixture('discourse', 'posts-next.json')))))
    const { items, cursor } = await poll(discourseConnector, config, { lastId: 120 })
    expect(urls).toEqual([POSTS])
    expect(items.map((i) => i.externalId)).toEqual(['121'])
    expect(cursor).toEqual({ lastId: 121 })

    server.use(http.get(POSTS, () => HttpResponse.json(jsonFixture('discourse', 'posts-empty.json'))))
    expect(await poll(discourseConnector, config, { lastId: 121 })).toMatchObject({ items: [], cursor: { lastId: 121 } })
  })

  it('moves its mark past skipped posts, and stops when the forum ignores before=', async () => {
    let requests = 0
    // Answers every request with the same page, before= or not.
    server.use(http.get(POSTS, () => (requests++, HttpResponse.json({ latest_posts: jsonFixture('discourse', 'posts-page1.json').latest_posts.slice(1, 2) }))))
    expect(await poll(discourseConnector, config, { lastId: 118 })).toMatchObject({ items: [], cursor: { lastId: 119 } })
    expect(requests).toBe(2)
  })

  it('sends the API key of a private forum, waits out a 429, and stops for good on a 403', async () => {
    let n = 0
    const keys: (string | null)[] = []
    server.use(
      http.get(POSTS, ({ request }) => {
        keys.push(request.headers.get('api-key'), request.headers.get('api-username'))
        return n++ === 0 ? HttpResponse.json(jsonFixture('discourse', 'error-429.json'), { status: 429, headers: { 'retry-after': '12' } }) : HttpResponse.json(jsonFixture('discourse', 'posts-next.json'))
      }),
    )
    const client = testClient()
    const { items } = await poll(discourseConnector, { ...config, apiKey: 'dk-secret', apiUsername: 'earshot' }, { lastId: 120 }, { client })
    expect(items).toHaveLength(1)
    expect(client.waits).toEqual([12_000])
    expect(keys.slice(0, 2)).toEqual(['dk-secret', 'earshot'])

    server.use(http.get(POSTS, () => HttpResponse.json(jsonFixture('discourse', 'error-403.json'), { status: 403 })))
    expect(await poll(discourseConnector, config).catch((x: UpstreamError) => x)).toMatchObject({ permanent: true, status: 403 })
  })

  it('fails the run on a body that is not the posts list, and wants key and username together', async () => {
    server.use(http.get(POSTS, () => HttpResponse.json({ latest_posts: [{ id: 'x' }] })))
    expect(await poll(discourseConnector, config).catch((x: UpstreamError) => x)).toBeInstanceOf(UpstreamError)
    expect(discourseConnector.config.safeParse({ instance: FORUM, apiKey: 'k' }).success).toBe(false)
  })
})
