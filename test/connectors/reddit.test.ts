import { http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { redditConnector } from '../../connectors/reddit/index.ts'
import { UpstreamError } from '../../src/net/errors.ts'
import { jsonFixture, poll, testClient, useMockServer } from './harness.ts'

const server = useMockServer()
const json = (name: string) => () => HttpResponse.json(jsonFixture('reddit', name))

describe('reddit connector', () => {
  it('searches site-wide, pages with `after`, and maps posts', async () => {
    const afters: (string | null)[] = []
    server.use(
      http.get('https://www.reddit.com/search.json', ({ request }) => {
        const after = new URL(request.url).searchParams.get('after')
        afters.push(after)
        return HttpResponse.json(jsonFixture('reddit', after ? 'search-page2.json' : 'search-page1.json'))
      }),
    )
    const { items } = await poll(redditConnector, { query: 'acme', userAgent: 'test:earshot:v1 (by /u/tester)' })
    expect(afters).toEqual([null, 't3_1b2c3c'])
    expect(items.map((i) => i.externalId)).toEqual(['t3_1b2c3d', 't3_1b2c3c', 't3_1b2c3a'])
    expect(items[0]).toMatchObject({
      url: 'https://www.reddit.com/r/acme/comments/1b2c3d/acme_export_crashes_on_big_fil/',
      author: { handle: 'ana_r', profileUrl: 'https://www.reddit.com/user/ana_r' },
      title: 'Acme export crashes on big files',
      text: 'Every time I export > 2 GB it crashes & loses work. Anyone else?',
      engagement: { likes: 14, replies: 6 },
      publishedAt: new Date('2026-03-03T10:00:00Z'),
    })
    expect(items[1].text).toBe('Switched from Acme to something else')
    expect(items[2].author).toEqual({ handle: '[deleted]' })
  })

  it('returns only posts newer than the mark on the next poll', async () => {
    server.use(http.get('https://www.reddit.com/search.json', ({ request }) => HttpResponse.json(jsonFixture('reddit', new URL(request.url).searchParams.get('after') ? 'search-page2.json' : 'search-page1.json'))))
    const first = await poll(redditConnector, { query: 'acme' })
    server.use(http.get('https://www.reddit.com/search.json', json('search-new.json')))
    const second = await poll(redditConnector, { query: 'acme' }, first.cursor)
    expect(second.items.map((i) => i.externalId)).toEqual(['t3_1b2c4z'])
  })

  it('reads a subreddit: search restricted to it plus its comments filtered by the query', async () => {
    server.use(
      http.get('https://www.reddit.com/r/acme/search.json', ({ request }) => {
        expect(new URL(request.url).searchParams.get('restrict_sr')).toBe('1')
        return HttpResponse.json(jsonFixture('reddit', 'subreddit-new.json'))
      }),
      http.get('https://www.reddit.com/r/acme/comments.json', json('subreddit-comments.json')),
    )
    const { items } = await poll(redditConnector, { query: 'works', subreddit: 'acme' })
    expect(items.map((i) => i.externalId)).toEqual(['t3_1b2c3d', 't1_kx2'])
    expect(items[1]).toMatchObject({ url: 'https://www.reddit.com/r/acme/comments/1b2c3d/x/kx2/', title: undefined, text: 'Thanks, the export works that way' })
  })

  it('reads new posts and comments of a subreddit; an empty listing means nothing new', async () => {
    server.use(http.get('https://www.reddit.com/r/acme/new.json', json('subreddit-new.json')), http.get('https://www.reddit.com/r/acme/comments.json', json('comments-empty.json')))
    const { items, cursor } = await poll(redditConnector, { subreddit: 'acme' })
    expect(items.map((i) => i.externalId)).toEqual(['t3_1b2c3d'])
    expect(cursor).toMatchObject({ comments: null })
  })

  it('uses an app-only OAuth token against oauth.reddit.com when client credentials are set', async () => {
    let auth: string | null = null
    server.use(
      http.post('https://www.reddit.com/api/v1/access_token', async ({ request }) => {
        expect(request.headers.get('authorization')).toBe(`Basic ${btoa('cid:csecret')}`)
        expect(await request.text()).toBe('grant_type=client_credentials')
        return HttpResponse.json(jsonFixture('reddit', 'token.json'))
      }),
      http.get('https://oauth.reddit.com/r/acme/new.json', ({ request }) => ((auth = request.headers.get('authorization')), HttpResponse.json(jsonFixture('reddit', 'subreddit-new.json')))),
    )
    await poll(redditConnector, { subreddit: 'acme', include: ['posts'], clientId: 'cid', clientSecret: 'csecret' })
    expect(auth).toMatch(/^Bearer eyJ/)
  })

  it('waits out Reddit rate-limit headers (seconds to reset) and treats 401 as permanent', async () => {
    let n = 0
    server.use(
      http.get('https://www.reddit.com/r/acme/new.json', () =>
        n++ === 0
          ? HttpResponse.json({ message: 'Too Many Requests', error: 429 }, { status: 429, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-used': '100', 'x-ratelimit-reset': '42' } })
          : HttpResponse.json(jsonFixture('reddit', 'subreddit-new.json')),
      ),
    )
    const client = testClient()
    await poll(redditConnector, { subreddit: 'acme', include: ['posts'] }, null, { client })
    expect(client.waits).toEqual([42_000])

    server.use(http.get('https://www.reddit.com/r/acme/new.json', () => HttpResponse.json(jsonFixture('reddit', 'error-401.json'), { status: 401 })))
    const e = await poll(redditConnector, { subreddit: 'acme', include: ['posts'] }).catch((x: UpstreamError) => x)
    expect(e).toMatchObject({ permanent: true, status: 401 })
  })

  it('rejects a config with neither query nor subreddit', () => {
    expect(redditConnector.config.safeParse({}).success).toBe(false)
    expect(redditConnector.config.safeParse({ subreddit: 'r/acme' }).success).toBe(false)
  })
})
