import { http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { threadsConnector } from '../../connectors/threads/index.ts'
import { PostedUnreadable, UpstreamError } from '../../src/net/errors.ts'
import { jsonFixture, poll, testClient, useMockServer } from './harness.ts'

const server = useMockServer()
const API = 'https://graph.threads.net/v1.0'
const POST_1 = '18064523170461877'
const POST_2 = '18047739906511254'
const TOKEN = 'THAAGm3xYz-long-lived-0123456789'
const config = { accessToken: TOKEN, query: 'acme' }

type Body = { data: Record<string, unknown>[]; paging?: unknown }
const fixture = (name: string) => jsonFixture('threads', name) as unknown as Body

/** The Threads API as the fixtures have it; `extra` adds items on top of a list (what arrived since). */
function threadsApi(extra: { conversation2?: Record<string, unknown>[]; search?: Record<string, unknown>[] } = {}) {
  const asked: URL[] = []
  const tokens: (string | null)[] = []
  const seen = (request: Request) => (asked.push(new URL(request.url)), tokens.push(request.headers.get('authorization')))
  const withExtra = (body: Body, more: Record<string, unknown>[] = []) => ({ ...body, data: [...more, ...body.data] })
  server.use(
    http.get(`${API}/me`, ({ request }) => (seen(request), HttpResponse.json(jsonFixture('threads', 'me.json')))),
    http.get(`${API}/me/threads`, ({ request }) => (seen(request), HttpResponse.json(jsonFixture('threads', 'threads.json')))),
    http.get(`${API}/${POST_1}/conversation`, ({ request }) => {
      seen(request)
      return HttpResponse.json(fixture(new URL(request.url).searchParams.get('after') ? 'conversation-1-page2.json' : 'conversation-1.json'))
    }),
    http.get(`${API}/${POST_2}/conversation`, ({ request }) => (seen(request), HttpResponse.json(withExtra(fixture('conversation-2.json'), extra.conversation2)))),
    http.get(`${API}/keyword_search`, ({ request }) => (seen(request), HttpResponse.json(withExtra(fixture('search.json'), extra.search)))),
  )
  return { asked, tokens }
}

const ids = (items: { externalId: string }[]) => items.map((i) => i.externalId)
const graphError = (code: number, message: string, status = 400) => HttpResponse.json({ error: { message, type: 'OAuthException', code, fbtrace_id: 'A1b2C3d4E5f' } }, { status })

describe('threads connector: reading', () => {
  it('reads replies to the latest posts at every depth and the keyword search, newest first, once each', async () => {
    const { asked, tokens } = threadsApi()
    const { items, cursor } = await poll(threadsConnector, config)
    expect(ids(items)).toEqual(['18071234598765432', '18105872235433931', '18105872235433877', '18052190374426615', '18105872235433802', '18071234598760001'])
    expect(items[1]).toMatchObject({
      url: 'https://www.threads.net/@olga.petrova/post/DGy0aB2oQ4x',
      author: { handle: 'olga.petrova', profileUrl: 'https://www.threads.net/@olga.petrova' },
      text: 'Заказ пришёл без зарядки, поддержка молчит третий день',
      publishedAt: new Date('2026-03-03T11:40:00Z'),
    })
    // The raw keeps where a reply sits in its thread.
    expect(items[1].raw).toMatchObject({ replied_to: { id: POST_1 }, root_post: { id: POST_1 } })
    expect(items.map((i) => i.text)).toContain('新版本的同步功能太好用了,谢谢团队!')
    expect(cursor).toEqual({ since: '2026-03-03T11:50:00.000Z', ids: ['18071234598765432'] })
    expect(asked.map((u) => u.pathname)).toEqual([
      '/v1.0/me',
      '/v1.0/me/threads',
      `/v1.0/${POST_1}/conversation`,
      `/v1.0/${POST_1}/conversation`,
      `/v1.0/${POST_2}/conversation`,
      '/v1.0/keyword_search',
    ])
    expect(Object.fromEntries(asked[1].searchParams)).toEqual({ fields: 'id,permalink', limit: '25' })
    expect(asked[2].searchParams.get('fields')).toContain('hide_status')
    expect(asked[2].searchParams.get('reverse')).toBe('true')
    expect(Object.fromEntries(asked[5].searchParams)).toMatchObject({ q: 'acme', search_type: 'RECENT' })
    // The token goes in a header, never in a URL that could be logged.
    expect(tokens.every((t) => t === `Bearer ${TOKEN}`)).toBe(true)
    expect(asked.every((u) => !u.searchParams.has('access_token'))).toBe(true)
  })

  it('leaves out the account’s own replies and posts and the replies it hid', async () => {
    threadsApi()
    const { items } = await poll(threadsConnector, config)
    expect(ids(items)).not.toContain('18105872235433900')
    expect(ids(items)).not.toContain('18064523170461877')
    expect(ids(items)).not.toContain('18105872235433850')
    expect(items.some((i) => i.author.handle === 'acme.support')).toBe(false)
  })

  it('links a reply without a permalink of its own to its post, in Greek as written', async () => {
    threadsApi()
    const { items } = await poll(threadsConnector, config)
    expect(items.find((i) => i.externalId === '18105872235433802')).toMatchObject({
      url: 'https://www.threads.net/@acme.support/post/DGx3kQ1oT8a',
      author: { handle: 'eleni.k' },
      text: 'Η παραγγελία μου άργησε δύο εβδομάδες, κανείς δεν απαντά',
    })
  })

  it('keeps a private profile’s reply nameless rather than under a shared name', async () => {
    server.use(
      http.get(`${API}/me`, () => HttpResponse.json(jsonFixture('threads', 'me.json'))),
      http.get(`${API}/me/threads`, () => HttpResponse.json({ data: [{ id: POST_2 }] })),
      http.get(`${API}/${POST_2}/conversation`, () => HttpResponse.json({ data: [{ id: '18052190374426700', text: 'Hei!', timestamp: '2026-03-03T10:00:00+0000', hide_status: 'NOT_HUSHED' }] })),
    )
    const { items } = await poll(threadsConnector, { accessToken: TOKEN })
    expect(items).toMatchObject([{ externalId: '18052190374426700', url: '', author: { handle: '' } }])
    expect(items[0].author).not.toHaveProperty('profileUrl')
  })

  it('on a later run keeps only what is new, oldest first, without paging past what it has seen', async () => {
    const newer = [{ id: '18052190374426999', text: 'Ещё вопрос: когда будет Android-версия?', username: 'olga.petrova', timestamp: '2026-03-03T11:55:00+0000', hide_status: 'NOT_HUSHED' }]
    const found = [{ id: '18071234598769999', text: 'Acme support answered within minutes, impressed', username: 'dev.sam', timestamp: '2026-03-03T11:58:00+0000' }]
    const { asked } = threadsApi({ conversation2: newer, search: found })
    const { items, cursor } = await poll(threadsConnector, config, { since: '2026-03-03T11:50:00.000Z', ids: ['18071234598765432'] })
    expect(ids(items)).toEqual(['18052190374426999', '18071234598769999'])
    expect(cursor).toEqual({ since: '2026-03-03T11:58:00.000Z', ids: ['18071234598769999'] })
    expect(asked.filter((u) => u.searchParams.has('after'))).toEqual([])
  })

  it('loses none of more new items than a run keeps: the next run takes the rest', async () => {
    threadsApi()
    const mark = { since: '2026-03-03T09:00:00.000Z', ids: [] }
    const first = await poll(threadsConnector, config, mark, { maxItems: 3 })
    expect(ids(first.items)).toEqual(['18105872235433802', '18052190374426615', '18105872235433877'])
    const second = await poll(threadsConnector, config, first.cursor, { maxItems: 3 })
    expect(ids(second.items)).toEqual(['18105872235433931', '18071234598765432'])
    expect((await poll(threadsConnector, config, second.cursor, { maxItems: 3 })).items).toEqual([])
  })

  it('reads only replies without a query, and only the search with replies off', async () => {
    const replies = threadsApi()
    expect(ids((await poll(threadsConnector, { accessToken: TOKEN })).items)).toEqual(['18105872235433931', '18105872235433877', '18052190374426615', '18105872235433802'])
    expect(replies.asked.some((u) => u.pathname.endsWith('/keyword_search'))).toBe(false)
    const search = threadsApi()
    expect(ids((await poll(threadsConnector, { accessToken: TOKEN, query: 'acme', replies: false })).items)).toEqual(['18071234598765432', '18105872235433877', '18071234598760001'])
    expect(search.asked.map((u) => u.pathname)).toEqual(['/v1.0/me', '/v1.0/keyword_search'])
  })

  it('refuses a config that reads nothing, and a query too long for the search', () => {
    expect(threadsConnector.config.safeParse({ accessToken: TOKEN, replies: false }).success).toBe(false)
    expect(threadsConnector.config.safeParse({ accessToken: TOKEN, query: 'x'.repeat(101) }).success).toBe(false)
    expect(threadsConnector.config.safeParse({ accessToken: TOKEN, query: '' }).success).toBe(false)
    expect(threadsConnector.config.parse({ accessToken: TOKEN })).toEqual({ accessToken: TOKEN, replies: true })
    expect(threadsConnector.secrets).toEqual(['accessToken'])
  })
})

describe('threads connector: errors', () => {
  it('stops on an expired or invalid token with Meta’s reason', async () => {
    server.use(http.get(`${API}/me`, () => graphError(190, 'Error validating access token: Session has expired on Tuesday, 03-Mar-26 10:00:00 PST.')))
    expect(await poll(threadsConnector, config).catch((x: UpstreamError) => x)).toMatchObject({
      permanent: true,
      message: 'graph.threads.net: error 190: Error validating access token: Session has expired on Tuesday, 03-Mar-26 10:00:00 PST.',
    })
    server.use(http.get(`${API}/me`, () => graphError(190, 'Invalid OAuth access token - Cannot parse access token', 401)))
    expect(await poll(threadsConnector, config).catch((x: UpstreamError) => x)).toMatchObject({ permanent: true, message: 'graph.threads.net: error 190: Invalid OAuth access token - Cannot parse access token' })
  })

  it.each([4, 17, 32, 613])('waits out throttling (code %i) instead of stopping', async (code) => {
    threadsApi()
    server.use(http.get(`${API}/keyword_search`, () => graphError(code, 'Application request limit reached', 403)))
    const err = await poll(threadsConnector, config).catch((x: UpstreamError) => x)
    expect(err).toBeInstanceOf(UpstreamError)
    expect(err).toMatchObject({ permanent: false, retryAt: expect.any(Date) })
  })

  it('retries a 5xx and then reads on', async () => {
    threadsApi()
    let calls = 0
    server.use(http.get(`${API}/me/threads`, () => (++calls === 1 ? HttpResponse.json({ error: { message: 'An unexpected error has occurred.', code: 2 } }, { status: 500 }) : HttpResponse.json(jsonFixture('threads', 'threads.json')))))
    const { items, waits } = await poll(threadsConnector, { accessToken: TOKEN })
    expect(calls).toBe(2)
    expect(waits).toHaveLength(1)
    expect(items).toHaveLength(4)
  })

  it('fails the run, without stopping the source, on a malformed or unexpected body', async () => {
    threadsApi()
    server.use(http.get(`${API}/${POST_2}/conversation`, () => new HttpResponse('{"data": [', { headers: { 'content-type': 'application/json' } })))
    expect(await poll(threadsConnector, { accessToken: TOKEN }).catch((x: UpstreamError) => x)).toMatchObject({ permanent: false, message: expect.stringMatching(/^graph\.threads\.net: malformed JSON/) })
    server.use(http.get(`${API}/keyword_search`, () => HttpResponse.json({ data: [{ id: '1', text: 'no time' }] })))
    expect(await poll(threadsConnector, { accessToken: TOKEN, query: 'acme', replies: false }).catch((x: UpstreamError) => x)).toMatchObject({
      permanent: false,
      message: expect.stringContaining('unexpected response shape at data.0.timestamp'),
    })
  })
})

describe('threads connector: replying', () => {
  const target = (raw: unknown) => ({ externalId: 'x', url: null, authorHandle: null, raw })
  const { fetch } = testClient({ maxAttempts: 1 })
  const send = (raw: unknown, text: string) => threadsConnector.reply!.send({ fetch, idempotencyKey: 'k' }, config, target(raw), text)

  it('creates a reply container under the post answered, then publishes it', async () => {
    const calls: { path: string; body: Record<string, string>; auth: string | null }[] = []
    server.use(
      http.post(`${API}/me/threads`, async ({ request }) => {
        calls.push({ path: new URL(request.url).pathname, body: Object.fromEntries(new URLSearchParams(await request.text())), auth: request.headers.get('authorization') })
        return HttpResponse.json(jsonFixture('threads', 'container.json'))
      }),
      http.post(`${API}/me/threads_publish`, async ({ request }) => {
        calls.push({ path: new URL(request.url).pathname, body: Object.fromEntries(new URLSearchParams(await request.text())), auth: request.headers.get('authorization') })
        return HttpResponse.json(jsonFixture('threads', 'published.json'))
      }),
    )
    const sent = await send({ id: '18105872235433877', username: 'kari.nordmann' }, 'Hei Kari! En rettelse kommer i dag 🙏')
    expect(sent).toEqual({ externalId: '18106011892245761', url: null })
    expect(calls).toEqual([
      { path: '/v1.0/me/threads', body: { media_type: 'TEXT', text: 'Hei Kari! En rettelse kommer i dag 🙏', reply_to_id: '18105872235433877' }, auth: `Bearer ${TOKEN}` },
      { path: '/v1.0/me/threads_publish', body: { creation_id: '17889615691921648' }, auth: `Bearer ${TOKEN}` },
    ])
    expect(threadsConnector.reply!.maxGraphemes).toBe(500)
  })

  it('publishes nothing when the container is refused, and says so', async () => {
    let published = 0
    server.use(
      http.post(`${API}/me/threads`, () => graphError(10, 'Application does not have permission for this action')),
      http.post(`${API}/me/threads_publish`, () => (published++, HttpResponse.json(jsonFixture('threads', 'published.json')))),
    )
    expect(await send({ id: '18105872235433877' }, 'Hi').catch((x: UpstreamError) => x)).toMatchObject({ permanent: true, message: 'graph.threads.net: error 10: Application does not have permission for this action' })
    expect(published).toBe(0)
  })

  it('tells an unreadable answer to the publication (posted) from one to the container (nothing posted)', async () => {
    server.use(
      http.post(`${API}/me/threads`, () => HttpResponse.json(jsonFixture('threads', 'container.json'))),
      http.post(`${API}/me/threads_publish`, () => new HttpResponse('<html>OK</html>')),
    )
    expect(await send({ id: '18105872235433877' }, 'Hi').catch((x: unknown) => x)).toBeInstanceOf(PostedUnreadable)
    server.use(http.post(`${API}/me/threads`, () => new HttpResponse('<html>OK</html>')))
    const err = await send({ id: '18105872235433877' }, 'Hi').catch((x: unknown) => x)
    expect(err).toBeInstanceOf(UpstreamError)
    expect(err).not.toBeInstanceOf(PostedUnreadable)
  })

  it('refuses a stored mention without an id to answer', async () => {
    expect(await send({ text: 'no id' }, 'Hi').catch((x: UpstreamError) => x)).toMatchObject({ permanent: true, message: 'the stored post has no id to answer' })
  })
})
