import { http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { freshdeskConnector } from '../../connectors/freshdesk/index.ts'
import { createLogger } from '../../src/logger.ts'
import { UpstreamError } from '../../src/net/errors.ts'
import { jsonFixture, NOW, poll, testClient, useMockServer } from './harness.ts'

const server = useMockServer()
const TICKETS = 'https://acme.freshdesk.com/api/v2/tickets'
const config = { domain: 'acme.freshdesk.com', apiKey: 'fd-key-123' }
const BASIC = `Basic ${btoa('fd-key-123:X')}`
const NEXT = '<https://acme.freshdesk.com/api/v2/tickets?page=2&per_page=100>; rel="next"'

type Row = Record<string, unknown>
const rows = (name: string) => jsonFixture('freshdesk', name) as Row[]

/** Serves the recorded pages by the updated_since asked: the first run's page, then the page that asks again from 10:00. */
function serveTickets(asked: URLSearchParams[], pages: Record<string, { body: Row[]; next?: boolean }>) {
  server.use(
    http.get(TICKETS, ({ request }) => {
      expect(request.headers.get('authorization')).toBe(BASIC)
      const q = new URL(request.url).searchParams
      asked.push(q)
      const page = pages[`${q.get('updated_since')} ${q.get('page')}`]
      if (!page) throw new Error(`no page for ${q}`)
      return HttpResponse.json(page.body, { headers: page.next ? { link: NEXT } : {} })
    }),
  )
}

const firstRun = {
  '2026-02-24T12:00:00Z 1': { body: rows('tickets-page1.json'), next: true },
  '2026-03-02T09:59:59Z 1': { body: rows('tickets-page2.json') },
}

describe('freshdesk connector', () => {
  it('starts a week back, oldest change first, and maps tickets to their requesters', async () => {
    const asked: URLSearchParams[] = []
    serveTickets(asked, firstRun)
    const warnings: string[] = []
    const logger = createLogger('warn', (line) => warnings.push(line))
    const client = testClient()
    const { items, cursor } = await freshdeskConnector.poll!(
      { fetch: client.fetch, logger, signal: new AbortController().signal, now: NOW, maxItems: 100 },
      freshdeskConnector.config.parse(config),
      null,
    )
    expect(Object.fromEntries(asked[0])).toEqual({
      updated_since: '2026-02-24T12:00:00Z', order_by: 'updated_at', order_type: 'asc', per_page: '100', page: '1', include: 'requester,description',
    })
    // The outbound e-mail (103) is the agent's words; 104 came in a shape we cannot read and is skipped with a warning.
    expect(items.map((i) => i.externalId)).toEqual(['freshdesk:ticket:101', 'freshdesk:ticket:102', 'freshdesk:ticket:105', 'freshdesk:ticket:106', 'freshdesk:ticket:107'])
    expect(warnings).toHaveLength(1)
    expect(JSON.parse(warnings[0])).toMatchObject({ msg: 'freshdesk: skipped a ticket of an unexpected shape', id: 104 })
    expect(items[0]).toMatchObject({
      url: 'https://acme.freshdesk.com/a/tickets/101',
      author: { handle: 'olga@kunde.example', name: 'Olga Berg' },
      platform: 'email',
      title: 'Eksporten krasjer',
      text: 'Hei,\nnår jeg eksporterer rapporten til PDF krasjer appen hver gang.\nMvh Olga',
      publishedAt: new Date('2026-03-02T08:15:00Z'),
    })
    // A requester without an address (a phone ticket) is still someone, on Freshdesk.
    expect(items[1]).toMatchObject({ author: { handle: 'freshdesk-contact-48001000002', name: 'Sam Lee' }, platform: 'freshdesk' })
    expect(cursor).toEqual({ updatedAt: '2026-03-02T10:05:00.000Z', ids: [107] })
  })

  it('turns the page by asking again from the newest second read, so ticket 105 at that second is read once', async () => {
    const asked: URLSearchParams[] = []
    serveTickets(asked, firstRun)
    const { items } = await poll(freshdeskConnector, config)
    expect(asked.map((q) => `${q.get('updated_since')} ${q.get('page')}`)).toEqual(['2026-02-24T12:00:00Z 1', '2026-03-02T09:59:59Z 1'])
    expect(items.filter((i) => i.externalId === 'freshdesk:ticket:105')).toHaveLength(1)
  })

  it('resumes a second before its mark and skips the tickets it read in that second, but not the others of it', async () => {
    const asked: URLSearchParams[] = []
    serveTickets(asked, { '2026-03-02T10:04:59Z 1': { body: rows('tickets-page3.json') } })
    const { items, cursor } = await poll(freshdeskConnector, config, { updatedAt: '2026-03-02T10:05:00.000Z', ids: [107] })
    // 108 changed in the same second as 107; 101 changed again and comes back under its id (a duplicate to the store, as on Zendesk).
    expect(items.map((i) => i.externalId)).toEqual(['freshdesk:ticket:108', 'freshdesk:ticket:101', 'freshdesk:ticket:109'])
    // The mark moves past the outbound e-mail (110) too, though it is not kept.
    expect(cursor).toEqual({ updatedAt: '2026-03-02T11:45:00.000Z', ids: [110] })
    expect(freshdeskConnector.edits).toBe(false)
  })

  it('stops at its budget with the mark on the last ticket taken, and the next run starts from there', async () => {
    const asked: URLSearchParams[] = []
    // From the mark at 09:00 Freshdesk lists page 1 again but for 101 (the recorded page, 101 and all, will do: 101 is older than the mark).
    serveTickets(asked, { ...firstRun, '2026-03-02T08:59:59Z 1': firstRun['2026-02-24T12:00:00Z 1'] })
    const capped = await poll(freshdeskConnector, config, null, { maxItems: 2 })
    expect(capped.items.map((i) => i.externalId)).toEqual(['freshdesk:ticket:101', 'freshdesk:ticket:102'])
    expect(capped.cursor).toEqual({ updatedAt: '2026-03-02T09:00:00.000Z', ids: [102] })
    const next = await poll(freshdeskConnector, config, capped.cursor)
    expect(next.items.map((i) => i.externalId)).toEqual(['freshdesk:ticket:105', 'freshdesk:ticket:106', 'freshdesk:ticket:107'])
  })

  it('turns the page while a whole page changed in one second, and never past page 300', async () => {
    const second = '2026-03-02T10:00:00Z'
    const template = rows('tickets-page2.json')[1]
    const full = (from: number) => Array.from({ length: 100 }, (_, i) => ({ ...template, id: from + i, updated_at: second }))
    const pages: number[] = []
    server.use(http.get(TICKETS, ({ request }) => {
      const q = new URL(request.url).searchParams
      const page = Number(q.get('page'))
      pages.push(page)
      expect(q.get('updated_since')).toBe('2026-03-02T09:59:59Z')
      return HttpResponse.json(page === 1 ? full(1000) : full(1000 + page * 100), { headers: { link: NEXT } })
    }))
    // Page 1 is all read already; page 2 is new.
    const read = await poll(freshdeskConnector, config, { updatedAt: '2026-03-02T10:00:00.000Z', ids: full(1000).map((t) => t.id as number) }, { maxItems: 100 })
    expect(pages).toEqual([1, 2])
    expect(read.items).toHaveLength(100)
    expect(read.items[0].externalId).toBe('freshdesk:ticket:1200')

    // A second of more than 300 full pages, all read: the run ends at page 300 instead of asking for page 301.
    pages.length = 0
    server.use(http.get(TICKETS, () => {
      pages.push(pages.length + 1)
      return HttpResponse.json(full(1000), { headers: { link: NEXT } })
    }))
    const client = testClient({ perHost: { concurrency: 1, intervalCap: 1000, interval: 1000 } })
    const stuck = await poll(freshdeskConnector, config, { updatedAt: '2026-03-02T10:00:00.000Z', ids: full(1000).map((t) => t.id as number) }, { client })
    expect(pages).toHaveLength(300)
    expect(stuck.items).toEqual([])
  })

  it('waits out a 429 for its Retry-After', async () => {
    let calls = 0
    server.use(http.get(TICKETS, () => (++calls === 1
      ? new HttpResponse(null, { status: 429, headers: { 'retry-after': '12', 'x-ratelimit-total': '3000', 'x-ratelimit-remaining': '0', 'x-ratelimit-used-currentrequest': '1' } })
      : HttpResponse.json(rows('tickets-page2.json')))))
    const { items, waits } = await poll(freshdeskConnector, config)
    expect(calls).toBe(2)
    expect(waits[0]).toBe(12_000)
    expect(items).toHaveLength(3)
  })

  it('stops for good on a refused key, with Freshdesk’s reason and what to do', async () => {
    server.use(http.get(TICKETS, () => HttpResponse.json(jsonFixture('freshdesk', 'error-401.json'), { status: 401 })))
    const err = await poll(freshdeskConnector, config).catch((e: unknown) => e)
    expect(err).toMatchObject({ permanent: true, status: 401 })
    expect((err as Error).message).toBe(
      "freshdesk: Freshdesk refused the API key; copy it again from the agent's profile settings (Your API Key) into apiKey (HTTP 401: invalid_credentials: You have to be logged in to perform this action.)",
    )
    expect(JSON.stringify(err)).not.toContain('fd-key-123')

    server.use(http.get(TICKETS, () => HttpResponse.json(jsonFixture('freshdesk', 'error-403.json'), { status: 403 })))
    await expect(poll(freshdeskConnector, config)).rejects.toMatchObject({ permanent: true, status: 403, message: expect.stringContaining('access_denied') })
  })

  it('fails the run on a body that is not a ticket list', async () => {
    server.use(http.get(TICKETS, () => HttpResponse.json({ tickets: [] })))
    await expect(poll(freshdeskConnector, config)).rejects.toThrow(UpstreamError)
  })

  it('takes acme or acme.freshdesk.com, nothing else, and a baseUrl for the API only', async () => {
    const parse = (domain: string) => freshdeskConnector.config.safeParse({ ...config, domain }).success
    expect(parse('acme')).toBe(true)
    expect(parse('Acme.Freshdesk.com')).toBe(true)
    expect(parse('https://acme.freshdesk.com')).toBe(false)
    expect(parse('acme.zendesk.com')).toBe(false)
    expect(parse('acme.freshdesk.com/a/tickets')).toBe(false)
    expect(freshdeskConnector.config.safeParse({ ...config, extra: 1 }).success).toBe(false)

    server.use(http.get('https://proxy.example/api/v2/tickets', () => HttpResponse.json(rows('tickets-page2.json'))))
    const { items } = await poll(freshdeskConnector, { domain: 'acme', apiKey: 'fd-key-123', baseUrl: 'https://proxy.example/' })
    expect(items[0].url).toBe('https://acme.freshdesk.com/a/tickets/105')
  })
})

describe('freshdesk replies', () => {
  const target = { externalId: 'freshdesk:ticket:101', url: 'https://acme.freshdesk.com/a/tickets/101', authorHandle: 'olga@kunde.example', raw: {} }
  const send = (text: string) => freshdeskConnector.reply!.send({ fetch: testClient().fetch, idempotencyKey: 'k1' }, config, target, text)

  it('posts a public reply with the key, the text as HTML, and answers the conversation it became', async () => {
    const seen: { auth: string | null; type: string | null; body: unknown }[] = []
    server.use(http.post(`${TICKETS}/101/reply`, async ({ request }) => {
      seen.push({ auth: request.headers.get('authorization'), type: request.headers.get('content-type'), body: await request.json() })
      return HttpResponse.json(jsonFixture('freshdesk', 'reply-created.json'), { status: 201 })
    }))
    const sent = await send('Hei Olga! Vi har funnet feilen.\n\n<script> & "PDF" er fikset.')
    expect(seen).toEqual([{ auth: BASIC, type: 'application/json', body: { body: 'Hei Olga! Vi har funnet feilen.<br><br>&lt;script&gt; &amp; &quot;PDF&quot; er fikset.' } }])
    expect(sent).toEqual({ externalId: 'freshdesk:ticket:101/conversation/48011000001', url: 'https://acme.freshdesk.com/a/tickets/101' })
    expect(freshdeskConnector.reply!.requires).toEqual([])
  })

  it('says why Freshdesk refused: a deleted ticket, an agent without access, a bad key, a bad body', async () => {
    let answer = () => new HttpResponse(null, { status: 404 })
    server.use(http.post(`${TICKETS}/101/reply`, () => answer()))
    await expect(send('Hi')).rejects.toMatchObject({ permanent: true, status: 404, message: 'freshdesk: ticket 101 is no longer in Freshdesk (deleted, or merged into another) (HTTP 404)' })
    answer = () => HttpResponse.json(jsonFixture('freshdesk', 'error-403.json'), { status: 403 })
    await expect(send('Hi')).rejects.toMatchObject({ status: 403, message: expect.stringContaining("the API key's agent may not reply on ticket 101") })
    answer = () => HttpResponse.json(jsonFixture('freshdesk', 'error-401.json'), { status: 401 })
    await expect(send('Hi')).rejects.toMatchObject({ status: 401, message: expect.stringContaining('Your API Key') })
    answer = () => HttpResponse.json(jsonFixture('freshdesk', 'error-400-reply.json'), { status: 400 })
    await expect(send('Hi')).rejects.toMatchObject({
      status: 400, message: 'freshdesk: Freshdesk refused the reply on ticket 101 (HTTP 400: Validation failed; body: It should not be blank as this is a mandatory field (missing_field))',
    })
    await expect(freshdeskConnector.reply!.send({ fetch: testClient().fetch, idempotencyKey: 'k2' }, config, { ...target, externalId: '4101' }, 'Hi')).rejects.toMatchObject({ permanent: true })
  })
})
