import { http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { zendeskConnector } from '../../connectors/zendesk/index.ts'
import { UpstreamError } from '../../src/net/errors.ts'
import { jsonFixture, NOW, poll, useMockServer } from './harness.ts'

const server = useMockServer()
const EXPORT = 'https://acme.zendesk.com/api/v2/incremental/tickets/cursor.json'
const config = { subdomain: 'acme', email: 'agent@acme.example', apiToken: 'zd-token-123' }
const PAGE2_CURSOR = 'MTc3MjQ0NzQwMC4wfHw0MTAyfA=='

describe('zendesk connector', () => {
  it('starts a week back, follows the export cursor and maps tickets to their requesters', async () => {
    const asked: URLSearchParams[] = []
    server.use(
      http.get(EXPORT, ({ request }) => {
        expect(request.headers.get('authorization')).toBe(`Basic ${btoa('agent@acme.example/token:zd-token-123')}`)
        const q = new URL(request.url).searchParams
        asked.push(q)
        return HttpResponse.json(jsonFixture('zendesk', q.get('cursor') ? 'export-page2.json' : 'export-page1.json'))
      }),
    )
    const { items, cursor } = await poll(zendeskConnector, config)
    expect(asked[0].get('start_time')).toBe(String(NOW.getTime() / 1000 - 7 * 86_400))
    expect(asked[0].get('include')).toBe('users')
    expect(asked[1].get('cursor')).toBe(PAGE2_CURSOR)
    expect(items.map((i) => i.externalId)).toEqual(['4101', '4102', '4103'])
    expect(items[0]).toMatchObject({
      url: 'https://acme.zendesk.com/agent/tickets/4101',
      author: { handle: 'olga@kunde.example', name: 'Olga Berg' },
      title: 'Exporten krasjer',
      text: 'Hei,\n\nnår jeg eksporterer rapporten til PDF krasjer appen hver gang.\n\nMvh Olga',
      publishedAt: new Date('2026-03-02T08:15:00Z'),
      platform: 'email',
    })
    // A requester without an address is still someone, on Zendesk.
    expect(items[1]).toMatchObject({ author: { handle: 'zendesk-user-90002', name: 'Sam Lee' }, platform: 'zendesk' })
    expect(cursor).toEqual({ after: 'MTc3MjUyMTIwMC4wfHw0MTAzfA==' })
  })

  it('resumes from the saved cursor, and takes whole pages within its budget', async () => {
    const asked: URLSearchParams[] = []
    server.use(http.get(EXPORT, ({ request }) => {
      const q = new URL(request.url).searchParams
      asked.push(q)
      return HttpResponse.json(jsonFixture('zendesk', q.get('cursor') === PAGE2_CURSOR ? 'export-page2.json' : 'export-page1.json'))
    }))
    const resumed = await poll(zendeskConnector, config, { after: PAGE2_CURSOR })
    expect(asked[0].get('start_time')).toBeNull()
    expect(resumed.items.map((i) => i.externalId)).toEqual(['4103'])

    asked.length = 0
    const capped = await poll(zendeskConnector, config, null, { maxItems: 2 })
    expect(asked.map((q) => q.get('per_page'))).toEqual(['2'])
    expect(capped.items).toHaveLength(2)
    expect(capped.cursor).toEqual({ after: PAGE2_CURSOR })
  })

  it('treats a refused token as permanent and waits out a rate limit', async () => {
    server.use(http.get(EXPORT, () => HttpResponse.json(jsonFixture('zendesk', 'error-401.json'), { status: 401 })))
    await expect(poll(zendeskConnector, config)).rejects.toMatchObject({ permanent: true, status: 401 })

    let calls = 0
    server.use(http.get(EXPORT, () => (++calls === 1
      ? HttpResponse.json(jsonFixture('zendesk', 'error-429.json'), { status: 429, headers: { 'retry-after': '12' } })
      : HttpResponse.json(jsonFixture('zendesk', 'export-page2.json')))))
    const { items, waits } = await poll(zendeskConnector, config)
    expect(waits[0]).toBe(12_000)
    expect(items).toHaveLength(1)

    server.use(http.get(EXPORT, () => HttpResponse.json({ tickets: [{ id: 'x' }], end_of_stream: true })))
    await expect(poll(zendeskConnector, config)).rejects.toThrow(UpstreamError)
    expect(zendeskConnector.config.safeParse({ ...config, subdomain: 'acme.zendesk.com' }).success).toBe(false)
  })
})
