import { http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { helpscoutConnector } from '../../connectors/helpscout/index.ts'
import type { ReplyTarget } from '../../connectors/types.ts'
import { createLogger } from '../../src/logger.ts'
import { UpstreamError } from '../../src/net/errors.ts'
import { jsonFixture, NOW, poll, testClient, useMockServer } from './harness.ts'

const server = useMockServer()
const API = 'https://api.helpscout.net/v2'
const CONVERSATIONS = `${API}/conversations`
const TOKEN = `${API}/oauth2/token`
const config = { clientId: 'hs-app-id', clientSecret: 'hs-app-secret-123' }

/** The token endpoint: records each form it was sent and hands out hs-token-1, hs-token-2, … */
function serveTokens(forms: URLSearchParams[] = []) {
  server.use(
    http.post(TOKEN, async ({ request }) => {
      expect(request.headers.get('content-type')).toBe('application/x-www-form-urlencoded')
      forms.push(new URLSearchParams(await request.text()))
      return HttpResponse.json({ ...jsonFixture('helpscout', 'token.json'), access_token: `hs-token-${forms.length}` })
    }),
  )
  return forms
}

/** Serves conversation pages by the modifiedSince and page asked, with the bearer token checked. */
function serveConversations(asked: URLSearchParams[], pages: Record<string, string>) {
  server.use(
    http.get(CONVERSATIONS, ({ request }) => {
      expect(request.headers.get('authorization')).toMatch(/^Bearer hs-token-\d+$/)
      const q = new URL(request.url).searchParams
      asked.push(q)
      const name = pages[`${q.get('modifiedSince')} ${q.get('page')}`]
      if (!name) throw new Error(`no page for ${q}`)
      return HttpResponse.json(jsonFixture('helpscout', name))
    }),
  )
}

/** A recorded page served as the only one. */
const onlyPage = (name: string) => ({ ...jsonFixture('helpscout', name), page: { size: 25, totalElements: 4, totalPages: 1, number: 1 } })

const firstRun = { '2026-02-24T12:00:00Z 1': 'conversations-page1.json', '2026-02-24T12:00:00Z 2': 'conversations-page2.json' }
const ids = (items: { externalId: string }[]) => items.map((i) => i.externalId)

describe('helpscout connector', () => {
  it('signs in with the client credentials, starts a week back and keeps the conversations customers opened', async () => {
    const forms = serveTokens()
    const asked: URLSearchParams[] = []
    serveConversations(asked, firstRun)
    const warnings: string[] = []
    const client = testClient()
    const { items, cursor } = await helpscoutConnector.poll!(
      { fetch: client.fetch, logger: createLogger('warn', (line) => warnings.push(line)), signal: new AbortController().signal, now: NOW, maxItems: 100 },
      helpscoutConnector.config.parse(config),
      null,
    )
    expect(forms.map((f) => Object.fromEntries(f))).toEqual([{ grant_type: 'client_credentials', client_id: 'hs-app-id', client_secret: 'hs-app-secret-123' }])
    expect(Object.fromEntries(asked[0])).toEqual({
      status: 'all', embed: 'threads', sortField: 'createdAt', sortOrder: 'asc', modifiedSince: '2026-02-24T12:00:00Z', page: '1',
    })
    expect(asked.map((q) => q.get('page'))).toEqual(['1', '2'])
    // 7001 was opened before the week (it is listed because it changed), 7003 the team started, 7007 is in Help Scout's spam,
    // and 7008 came in a shape we cannot read, skipped with a warning.
    expect(ids(items)).toEqual(['helpscout:conversation:7002', 'helpscout:conversation:7004', 'helpscout:conversation:7005', 'helpscout:conversation:7006'])
    expect(warnings).toHaveLength(1)
    expect(JSON.parse(warnings[0])).toMatchObject({ msg: 'helpscout: skipped a conversation of an unexpected shape', id: 7008 })
    expect(cursor).toEqual({ createdAt: '2026-03-02T10:30:00.000Z', ids: [7007] })
    expect(helpscoutConnector.edits).toBe(false)
  })

  it("maps the customer's first message, not the team's reply, to text, and the customer's e-mail to the author, in any language", async () => {
    serveTokens()
    serveConversations([], firstRun)
    const { items } = await poll(helpscoutConnector, config)
    const [olga, lucia, ivan, sam] = items
    expect(olga).toMatchObject({
      url: 'https://secure.helpscout.net/conversation/7002/1242',
      author: { handle: 'olga@kunde.example', name: 'Olga Berg' },
      platform: 'email',
      title: 'Eksporten krasjer',
      text: 'Hei,\nnår jeg eksporterer rapporten til PDF krasjer appen hver gang.\n\nMvh Olga',
      publishedAt: new Date('2026-03-01T08:15:00Z'),
    })
    // Only the opening message is kept with the mention.
    expect((olga.raw as { _embedded: { threads: { id: number }[] } })._embedded.threads.map((t) => t.id)).toEqual([91021])
    // The list named Lucía by id alone: her thread knows her address. Her first message, not her follow-up (listed first);
    // entities decode, paragraphs stay apart.
    expect(lucia).toMatchObject({
      author: { handle: 'lucia.gomez@correo.example', name: 'Lucía Gómez' },
      title: 'No puedo iniciar sesión',
      text: 'Hola:\n\nDesde ayer no puedo iniciar sesión; la aplicación dice «contraseña incorrecta» aunque la he cambiado dos veces.\n\nGracias,\nLucía',
    })
    // The agent's note is not the customer's message.
    expect(ivan).toMatchObject({ author: { handle: 'ivan.petrov@pochta.example', name: 'Иван Петров' }, text: 'Здравствуйте!\n\nУже неделю не приходят push-уведомления на iPhone. Переустановка не помогла.' })
    // A caller without an address is still someone, on Help Scout.
    expect(sam).toMatchObject({ author: { handle: 'helpscout-customer-402004', name: 'Sam Lee' }, platform: 'helpscout', text: 'Customer asked why they were charged twice in February.' })
  })

  it('carries on a second before its mark: only what is new, including another conversation opened in the mark’s second', async () => {
    serveTokens()
    const asked: URLSearchParams[] = []
    serveConversations(asked, { '2026-03-02T10:29:59Z 1': 'conversations-page3.json' })
    const { items, cursor } = await poll(helpscoutConnector, config, { createdAt: '2026-03-02T10:30:00.000Z', ids: [7007] })
    // 7002 changed (a reply) and is listed again; 7007 was read; 7009 shares 7007's second.
    expect(ids(items)).toEqual(['helpscout:conversation:7009', 'helpscout:conversation:7010'])
    expect(cursor).toEqual({ createdAt: '2026-03-02T11:45:00.000Z', ids: [7010] })
    expect(asked).toHaveLength(1)
  })

  it('stops at its budget with the mark on the last conversation taken, and the next run starts from there', async () => {
    serveTokens()
    serveConversations([], { ...firstRun, '2026-03-01T08:14:59Z 1': 'conversations-page1.json', '2026-03-01T08:14:59Z 2': 'conversations-page2.json' })
    const capped = await poll(helpscoutConnector, config, null, { maxItems: 1 })
    expect(ids(capped.items)).toEqual(['helpscout:conversation:7002'])
    expect(capped.cursor).toEqual({ createdAt: '2026-03-01T08:15:00.000Z', ids: [7002] })
    const next = await poll(helpscoutConnector, config, capped.cursor)
    expect(ids(next.items)).toEqual(['helpscout:conversation:7004', 'helpscout:conversation:7005', 'helpscout:conversation:7006'])
  })

  it('asks only for the configured inboxes, and reads an empty page (no _embedded) as nothing new', async () => {
    serveTokens()
    const asked: URLSearchParams[] = []
    server.use(http.get(CONVERSATIONS, ({ request }) => {
      asked.push(new URL(request.url).searchParams)
      return HttpResponse.json(jsonFixture('helpscout', 'conversations-empty.json'))
    }))
    const { items, cursor } = await poll(helpscoutConnector, { ...config, mailboxes: [31842, 31843] })
    expect(asked.map((q) => q.get('mailbox'))).toEqual(['31842,31843'])
    expect(items).toEqual([])
    expect(cursor).toBeNull()
  })

  it('signs in again once when Help Scout refuses the token, then carries on', async () => {
    const forms = serveTokens()
    let calls = 0
    server.use(http.get(CONVERSATIONS, ({ request }) => {
      calls++
      return request.headers.get('authorization') === 'Bearer hs-token-2'
        ? HttpResponse.json(onlyPage('conversations-page2.json'))
        : HttpResponse.json({ message: 'Unauthorized' }, { status: 401 })
    }))
    const { items } = await poll(helpscoutConnector, config)
    expect(forms).toHaveLength(2)
    expect(calls).toBe(2)
    expect(ids(items)).toEqual(['helpscout:conversation:7005', 'helpscout:conversation:7006'])
  })

  it('stops for good when a new token is refused too, or the app is refused a token, with the reason and no secret', async () => {
    const forms = serveTokens()
    server.use(http.get(CONVERSATIONS, () => HttpResponse.json({ message: 'Unauthorized' }, { status: 401 })))
    const err = await poll(helpscoutConnector, config).catch((e: unknown) => e)
    expect(forms).toHaveLength(2)
    expect(err).toMatchObject({ permanent: true, status: 401, message: expect.stringContaining('a new token was refused too') })

    server.use(http.post(TOKEN, () => HttpResponse.json(jsonFixture('helpscout', 'token-error-401.json'), { status: 401 })))
    const refused = await poll(helpscoutConnector, config).catch((e: unknown) => e)
    expect(refused).toMatchObject({ permanent: true, status: 401 })
    expect((refused as Error).message).toBe(
      "helpscout: Help Scout refused the app's credentials; copy App ID and App Secret again from Your Profile → My Apps into clientId and clientSecret (HTTP 401: invalid_client: Bad client credentials)",
    )
    expect(JSON.stringify(refused)).not.toContain('hs-app-secret-123')
  })

  it('stops for good on an inbox the app may not read (403) or that does not exist (404), naming it', async () => {
    serveTokens()
    server.use(http.get(CONVERSATIONS, () => HttpResponse.json(jsonFixture('helpscout', 'error-403.json'), { status: 403 })))
    await expect(poll(helpscoutConnector, { ...config, mailboxes: [31842] })).rejects.toMatchObject({
      permanent: true, status: 403, message: "helpscout: the app's Help Scout user may not read mailboxes 31842 (HTTP 403: Access denied)",
    })
    server.use(http.get(CONVERSATIONS, () => HttpResponse.json(jsonFixture('helpscout', 'error-404.json'), { status: 404 })))
    await expect(poll(helpscoutConnector, { ...config, mailboxes: [99999] })).rejects.toMatchObject({
      permanent: true, status: 404, message: 'helpscout: Help Scout knows no mailboxes 99999; check mailboxes (HTTP 404: Resource not found)',
    })
  })

  it('waits out a 429 for its X-RateLimit-Retry-After', async () => {
    serveTokens()
    let calls = 0
    server.use(http.get(CONVERSATIONS, () => (++calls === 1
      ? HttpResponse.json({ message: 'API rate limit exceeded' }, { status: 429, headers: { 'x-ratelimit-limit-minute': '200', 'x-ratelimit-remaining-minute': '0', 'x-ratelimit-retry-after': '17' } })
      : HttpResponse.json(onlyPage('conversations-page2.json')))))
    const { items, waits } = await poll(helpscoutConnector, config)
    expect(calls).toBe(2)
    expect(waits[0]).toBe(17_000)
    expect(items).toHaveLength(2)
  })

  it('retries a 5xx through the shared client', async () => {
    serveTokens()
    let calls = 0
    server.use(http.get(CONVERSATIONS, () => (++calls < 3
      ? HttpResponse.json({ logRef: 'x#1', message: 'Internal error' }, { status: 503 })
      : HttpResponse.json(onlyPage('conversations-page2.json')))))
    const { items } = await poll(helpscoutConnector, config)
    expect(calls).toBe(3)
    expect(items).toHaveLength(2)
  })

  it('fails the run, not for good, on a body that is not a conversation page or a token', async () => {
    serveTokens()
    server.use(http.get(CONVERSATIONS, () => new HttpResponse('<html>maintenance</html>', { headers: { 'content-type': 'text/html' } })))
    const err = await poll(helpscoutConnector, config).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(UpstreamError)
    expect(err).toMatchObject({ permanent: false, message: expect.stringContaining('malformed JSON') })
    server.use(http.get(CONVERSATIONS, () => HttpResponse.json({ conversations: [] })))
    await expect(poll(helpscoutConnector, config)).rejects.toThrow(/unexpected response shape at page/)
    server.use(http.post(TOKEN, () => HttpResponse.json({ token_type: 'bearer' })))
    await expect(poll(helpscoutConnector, config)).rejects.toThrow(/unexpected response shape at access_token/)
  })

  it('takes 1–50 numeric inboxes, a numeric userId, nothing else, and a baseUrl for the API and its token', async () => {
    const parse = (extra: object) => helpscoutConnector.config.safeParse({ ...config, ...extra }).success
    expect(parse({ mailboxes: [31842], userId: 90211 })).toBe(true)
    expect(parse({ mailboxes: [] })).toBe(false)
    expect(parse({ mailboxes: Array.from({ length: 51 }, (_, i) => i + 1) })).toBe(false)
    expect(parse({ mailboxes: ['support'] })).toBe(false)
    expect(parse({ userId: 'kari' })).toBe(false)
    expect(parse({ extra: 1 })).toBe(false)
    expect(helpscoutConnector.secrets).toEqual(['clientSecret'])

    server.use(
      http.post('https://proxy.example/v2/oauth2/token', () => HttpResponse.json(jsonFixture('helpscout', 'token.json'))),
      http.get('https://proxy.example/v2/conversations', () => HttpResponse.json(onlyPage('conversations-page2.json'))),
    )
    const { items } = await poll(helpscoutConnector, { ...config, baseUrl: 'https://proxy.example/' })
    expect(items[0].url).toBe('https://secure.helpscout.net/conversation/7005/1245')
  })
})

describe('helpscout replies', () => {
  const target: ReplyTarget = {
    externalId: 'helpscout:conversation:7002',
    url: 'https://secure.helpscout.net/conversation/7002/1242',
    authorHandle: 'olga@kunde.example',
    raw: { id: 7002, primaryCustomer: { id: 402001, email: 'olga@kunde.example' }, _embedded: { threads: [] } },
  }
  const send = (cfg: object = config, t = target) => helpscoutConnector.reply!.send({ fetch: testClient().fetch, idempotencyKey: 'k1' }, cfg, t, 'Hei Olga! Vi har funnet feilen.\n\n<PDF> & "Excel" er fikset.')

  it('posts a reply to the customer as the configured user, the text as HTML, and takes Resource-ID as the reply', async () => {
    serveTokens()
    const seen: { auth: string | null; type: string | null; body: unknown }[] = []
    server.use(http.post(`${CONVERSATIONS}/7002/reply`, async ({ request }) => {
      seen.push({ auth: request.headers.get('authorization'), type: request.headers.get('content-type'), body: await request.json() })
      return new HttpResponse(null, { status: 201, headers: { 'resource-id': '91099' } })
    }))
    const sent = await send({ ...config, userId: 90211 })
    expect(seen).toEqual([{
      auth: 'Bearer hs-token-1',
      type: 'application/json',
      body: { customer: { id: 402001 }, text: 'Hei Olga! Vi har funnet feilen.<br><br>&lt;PDF&gt; &amp; &quot;Excel&quot; er fikset.', user: 90211 },
    }])
    expect(sent).toEqual({ externalId: 'helpscout:conversation:7002/thread/91099', url: 'https://secure.helpscout.net/conversation/7002/1242' })
    expect(helpscoutConnector.reply!.requires).toEqual([])
  })

  it('replies as the app’s own user without userId, to the customer of the opening thread, and takes a 201 without Resource-ID as sent', async () => {
    serveTokens()
    const bodies: unknown[] = []
    server.use(http.post(`${CONVERSATIONS}/7004/reply`, async ({ request }) => {
      bodies.push(await request.json())
      return new HttpResponse(null, { status: 201 })
    }))
    const raw = { id: 7004, primaryCustomer: null, _embedded: { threads: [{ id: 91041, type: 'customer', customer: { id: 402002 } }] } }
    const sent = await send(config, { ...target, externalId: 'helpscout:conversation:7004', raw })
    expect(bodies).toEqual([{ customer: { id: 402002 }, text: expect.any(String) }])
    expect(sent.externalId).toBe('helpscout:conversation:7004/thread/k1')
  })

  it('says why Help Scout refused: a deleted conversation, a user without access, a bad body, a refused app', async () => {
    serveTokens()
    let answer = () => HttpResponse.json(jsonFixture('helpscout', 'error-404.json'), { status: 404 })
    server.use(http.post(`${CONVERSATIONS}/7002/reply`, () => answer()))
    await expect(send()).rejects.toMatchObject({
      permanent: true, status: 404, message: 'helpscout: conversation 7002 is no longer in Help Scout (deleted, or merged into another) (HTTP 404: Resource not found)',
    })
    answer = () => HttpResponse.json(jsonFixture('helpscout', 'error-403.json'), { status: 403 })
    await expect(send({ ...config, userId: 90211 })).rejects.toMatchObject({ status: 403, message: expect.stringContaining("the app's Help Scout user (or user 90211) may not reply in conversation 7002") })
    answer = () => HttpResponse.json(jsonFixture('helpscout', 'error-400-reply.json'), { status: 400 })
    await expect(send()).rejects.toMatchObject({
      status: 400, message: 'helpscout: Help Scout refused the reply in conversation 7002 (HTTP 400: Bad request; customer: must not be null)',
    })
    answer = () => HttpResponse.json({ message: 'Unauthorized' }, { status: 401 })
    await expect(send()).rejects.toMatchObject({ permanent: true, status: 401, message: expect.stringContaining('My Apps') })
    await expect(send(config, { ...target, externalId: '7002' })).rejects.toMatchObject({ permanent: true })
    await expect(send(config, { ...target, raw: {} })).rejects.toMatchObject({ permanent: true, message: 'helpscout: conversation 7002 names no customer to reply to' })
  })
})
