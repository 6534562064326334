import { http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { githubConnector } from '../../connectors/github/index.ts'
import { UpstreamError } from '../../src/net/errors.ts'
import { jsonFixture, poll, testClient, useMockServer } from './harness.ts'

const server = useMockServer()
const SEARCH = 'https://api.github.com/search/issues'

describe('github connector', () => {
  it('searches newest first, follows Link rel=next, and maps issues and PRs', async () => {
    const seen: { q: string | null; page: string | null; auth: string | null }[] = []
    server.use(
      http.get(SEARCH, ({ request }) => {
        const p = new URL(request.url).searchParams
        seen.push({ q: p.get('q'), page: p.get('page'), auth: request.headers.get('authorization') })
        if (p.get('page') === '2') return HttpResponse.json(jsonFixture('github', 'search-page2.json'))
        return HttpResponse.json(jsonFixture('github', 'search-page1.json'), {
          headers: { link: '<https://api.github.com/search/issues?q=repo%3Aacme%2Fapp&sort=created&order=desc&per_page=100&page=2>; rel="next", <https://api.github.com/search/issues?q=repo%3Aacme%2Fapp&sort=created&order=desc&per_page=100&page=2>; rel="last"' },
        })
      }),
    )
    const { items } = await poll(githubConnector, { query: 'repo:acme/app', token: 'ghp_secret' })
    expect(seen.map((s) => s.page)).toEqual([null, '2'])
    expect(seen[0]).toMatchObject({ q: 'repo:acme/app', auth: 'Bearer ghp_secret' })
    expect(items.map((i) => i.externalId)).toEqual(['3000000002', '3000000001', '2999999999'])
    expect(items[0]).toMatchObject({
      url: 'https://github.com/acme/app/issues/42',
      author: { handle: 'octo-user', profileUrl: 'https://github.com/octo-user' },
      title: 'Export crashes with large files',
      text: 'Steps:\n\n1. Export a 3 GB project\n2. **Crash**',
      engagement: { likes: 6, replies: 4 },
    })
    expect(items[1]).toMatchObject({ url: 'https://github.com/acme/app/pull/41', text: 'Bump acme-sdk from 1.2 to 1.3' })
  })

  it('narrows the next search with created:>= and returns only new issues', async () => {
    server.use(http.get(SEARCH, () => HttpResponse.json(jsonFixture('github', 'search-page1.json'))))
    const first = await poll(githubConnector, { query: 'acme crash' })
    let q: string | null = null
    server.use(http.get(SEARCH, ({ request }) => ((q = new URL(request.url).searchParams.get('q')), HttpResponse.json(jsonFixture('github', 'search-next.json')))))
    const second = await poll(githubConnector, { query: 'acme crash' }, first.cursor)
    expect(q).toBe('acme crash created:>=2026-03-03T10:00:00Z')
    expect(second.items.map((i) => i.externalId)).toEqual(['3000000005'])
  })

  it('turns a 403 with remaining 0 into a wait until the reset, and a 422 into a permanent error', async () => {
    const now = Date.parse('2026-03-03T12:00:00Z')
    let n = 0
    server.use(
      http.get(SEARCH, () =>
        n++ === 0
          ? HttpResponse.json(jsonFixture('github', 'error-403-rate-limit.json'), {
              status: 403,
              headers: { 'x-ratelimit-limit': '30', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now / 1000 + 25), 'x-ratelimit-resource': 'search' },
            })
          : HttpResponse.json(jsonFixture('github', 'search-page2.json')),
      ),
    )
    const client = testClient({ now: () => now })
    const { items } = await poll(githubConnector, { query: 'acme' }, null, { client })
    expect(items).toHaveLength(1)
    expect(client.waits).toEqual([25_000])

    server.use(http.get(SEARCH, () => HttpResponse.json(jsonFixture('github', 'error-422.json'), { status: 422 })))
    const e = await poll(githubConnector, { query: 'repo:nope/nope' }).catch((x: UpstreamError) => x)
    expect(e).toMatchObject({ permanent: true, status: 422 })
    expect((e as UpstreamError).message).toMatch(/Validation Failed/)
  })

  it('talks to GitHub Enterprise through baseUrl', async () => {
    server.use(http.get('https://ghe.example.com/api/v3/search/issues', () => HttpResponse.json(jsonFixture('github', 'search-page2.json'))))
    const { items } = await poll(githubConnector, { query: 'acme', baseUrl: 'https://ghe.example.com/api/v3/' })
    expect(items).toHaveLength(1)
  })
})
