import { http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { stackexchangeConnector } from '../../connectors/stackexchange/index.ts'
import { UpstreamError } from '../../src/net/errors.ts'
import { jsonFixture, poll, testClient, useMockServer } from './harness.ts'

const server = useMockServer()
const SEARCH = 'https://api.stackexchange.com/2.3/search/advanced'

describe('stackexchange connector', () => {
  it('pages while has_more, decodes entity-encoded titles and names, flattens HTML bodies', async () => {
    const seen: URLSearchParams[] = []
    server.use(
      http.get(SEARCH, ({ request }) => {
        const p = new URL(request.url).searchParams
        seen.push(p)
        return HttpResponse.json(jsonFixture('stackexchange', p.get('page') === '2' ? 'search-page2.json' : 'search-page1.json'))
      }),
    )
    const { items } = await poll(stackexchangeConnector, { query: 'acme', key: 'appkey((' })
    expect(seen.map((p) => p.get('page'))).toEqual(['1', '2'])
    expect(Object.fromEntries(['sort', 'order', 'site', 'filter', 'key'].map((k) => [k, seen[0].get(k)]))).toEqual({ sort: 'creation', order: 'desc', site: 'stackoverflow', filter: 'withbody', key: 'appkey((' })
    expect(items.map((i) => i.externalId)).toEqual(['79500002', '79500001', '79499990'])
    expect(items[0]).toMatchObject({
      url: 'https://stackoverflow.com/questions/79500002/x',
      title: 'Why does Acme\'s sync return "409 Conflict"?',
      text: 'I get 409 when syncing & retrying.\n\nacme sync --all',
      author: { handle: 'José Pérez', name: 'José Pérez', profileUrl: 'https://stackoverflow.com/users/111/jos&#233;-p&#233;rez' },
      engagement: { likes: 2, replies: 1 },
      publishedAt: new Date(1772532000 * 1000),
    })
    expect(items[1].author.handle).toBe('dev & ops')
  })

  it('asks from the mark on the next poll and returns only new questions', async () => {
    server.use(http.get(SEARCH, () => HttpResponse.json({ ...jsonFixture('stackexchange', 'search-page1.json'), has_more: false })))
    const first = await poll(stackexchangeConnector, { query: 'acme', site: 'superuser' })
    let fromdate: string | null = null
    server.use(http.get(SEARCH, ({ request }) => ((fromdate = new URL(request.url).searchParams.get('fromdate')), HttpResponse.json(jsonFixture('stackexchange', 'search-next.json')))))
    const second = await poll(stackexchangeConnector, { query: 'acme', site: 'superuser' }, first.cursor)
    expect(fromdate).toBe('1772532000')
    expect(second.items.map((i) => i.externalId)).toEqual(['79500010'])
  })

  it('honours backoff in a body before the next request and waits out throttle_violation', async () => {
    let n = 0
    server.use(
      http.get(SEARCH, ({ request }) => {
        n++
        if (new URL(request.url).searchParams.get('page') === '2') return HttpResponse.json(jsonFixture('stackexchange', 'search-page2.json'))
        return n === 1 ? HttpResponse.json(jsonFixture('stackexchange', 'error-throttle.json'), { status: 400 }) : HttpResponse.json({ ...jsonFixture('stackexchange', 'search-page1.json'), backoff: 5 })
      }),
    )
    const client = testClient({ now: () => Date.parse('2026-03-03T12:00:00Z') })
    await poll(stackexchangeConnector, { query: 'acme' }, null, { client })
    expect(client.waits).toEqual([40_000, 5_000])
  })

  it('treats bad_parameter as permanent', async () => {
    server.use(http.get(SEARCH, () => HttpResponse.json(jsonFixture('stackexchange', 'error-bad-parameter.json'), { status: 400 })))
    const e = await poll(stackexchangeConnector, { query: 'acme', site: 'nosuchsite' }).catch((x: UpstreamError) => x)
    expect(e).toMatchObject({ permanent: true, status: 400 })
  })
})
