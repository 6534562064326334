import { http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { mastodonConnector } from '../../connectors/mastodon/index.ts'
import { UpstreamError } from '../../src/net/errors.ts'
import { jsonFixture, poll, testClient, useMockServer } from './harness.ts'

const server = useMockServer()
const TAG = 'https://social.example/api/v1/timelines/tag/acme'

describe('mastodon connector', () => {
  it('backfills the tag timeline by following the Link header, and maps statuses', async () => {
    const urls: string[] = []
    server.use(
      http.get(TAG, ({ request }) => {
        urls.push(request.url)
        const maxId = new URL(request.url).searchParams.get('max_id')
        if (!maxId) {
          return HttpResponse.json(jsonFixture('mastodon', 'tag-timeline.json'), {
            headers: { link: '<https://social.example/api/v1/timelines/tag/acme?max_id=113000000000000002>; rel="next", <https://social.example/api/v1/timelines/tag/acme?min_id=113000000000000003>; rel="prev"' },
          })
        }
        return HttpResponse.json(maxId === '113000000000000002' ? jsonFixture('mastodon', 'tag-timeline-older.json') : [])
      }),
    )
    const { items, cursor } = await poll(mastodonConnector, { instance: 'https://social.example', hashtag: '#acme' })
    expect(urls[1]).toBe('https://social.example/api/v1/timelines/tag/acme?max_id=113000000000000002')
    expect(items).toHaveLength(3)
    expect(items[0]).toMatchObject({
      externalId: 'https://social.example/users/dana/statuses/113000000000000003',
      url: 'https://social.example/@dana/113000000000000003',
      author: { handle: 'dana', name: 'Dana', profileUrl: 'https://social.example/@dana', followers: 120 },
      text: "The new #acme release broke my export & I'm sad",
      lang: 'en',
      engagement: { likes: 5, replies: 1, shares: 2 },
    })
    expect(items[1]).toMatchObject({ author: { handle: 'lou@other.example' }, text: 'Loving #acme so far\n\nsecond para', lang: 'fr' })
    expect(items[2].text).toBe('acme rant\n\ncw test')
    expect(cursor).toEqual({ tag: '113000000000000003' })
  })

  it('walks forward with min_id on the next poll and returns only new statuses', async () => {
    const minIds: (string | null)[] = []
    server.use(
      http.get(TAG, ({ request }) => {
        const minId = new URL(request.url).searchParams.get('min_id')
        minIds.push(minId)
        return HttpResponse.json(minId === '113000000000000003' ? jsonFixture('mastodon', 'tag-timeline-newer.json') : [])
      }),
    )
    const { items, cursor } = await poll(mastodonConnector, { instance: 'https://social.example', hashtag: 'acme' }, { tag: '113000000000000003' })
    expect(minIds).toEqual(['113000000000000003', '113000000000000005'])
    expect(items.map((i) => i.author.handle)).toEqual(['eve', 'sam'])
    expect(cursor).toEqual({ tag: '113000000000000005' })
  })

  it('searches statuses with v2 search and sends the access token', async () => {
    let auth: string | null = null
    server.use(
      http.get('https://social.example/api/v2/search', ({ request }) => {
        auth = request.headers.get('authorization')
        const p = new URL(request.url).searchParams
        expect([p.get('q'), p.get('type')]).toEqual(['acme pricing', 'statuses'])
        return HttpResponse.json(p.get('max_id') ? { accounts: [], statuses: [], hashtags: [] } : jsonFixture('mastodon', 'search-statuses.json'))
      }),
    )
    const { items } = await poll(mastodonConnector, { instance: 'https://social.example/about', query: 'acme pricing', accessToken: 'tok-123' })
    expect(auth).toBe('Bearer tok-123')
    expect(items.map((i) => i.text)).toEqual(['acme pricing is confusing'])
  })

  it('waits for an ISO X-RateLimit-Reset, defers a long one, and treats an invalid token as permanent', async () => {
    const now = Date.parse('2026-03-03T12:00:00Z')
    const limited = (reset: string) => HttpResponse.json({ error: 'Too many requests' }, { status: 429, headers: { 'x-ratelimit-limit': '300', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset } })
    let n = 0
    server.use(http.get(TAG, () => (n++ === 0 ? limited('2026-03-03T12:00:45.000Z') : HttpResponse.json([]))))
    const client = testClient({ now: () => now })
    await poll(mastodonConnector, { instance: 'https://social.example', hashtag: 'acme' }, null, { client })
    expect(client.waits).toEqual([45_000])

    server.use(http.get(TAG, () => limited('2026-03-03T12:30:00.000Z')))
    const deferred = await poll(mastodonConnector, { instance: 'https://social.example', hashtag: 'acme' }, null, { client: testClient({ now: () => now }) }).catch((e: UpstreamError) => e)
    expect(deferred).toMatchObject({ permanent: false, retryAt: new Date('2026-03-03T12:30:00.000Z') })

    server.use(http.get(TAG, () => HttpResponse.json(jsonFixture('mastodon', 'error-401.json'), { status: 401 })))
    const e = await poll(mastodonConnector, { instance: 'https://social.example', hashtag: 'acme', accessToken: 'bad' }).catch((x: UpstreamError) => x)
    expect(e).toMatchObject({ permanent: true, status: 401 })
  })
})
