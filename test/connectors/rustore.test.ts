import { generateKeyPairSync } from 'node:crypto'
import { delay, http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { parseRuStoreTime, rustoreConnector } from '../../connectors/rustore/index.ts'
import { createLogger } from '../../src/logger.ts'
import { UpstreamError } from '../../src/net/errors.ts'
import { jsonFixture, NOW, poll, testClient, useMockServer } from './harness.ts'
import { API, authEndpoint, config, JWE, privateKeyPem, type SignIn } from './rustore-key.ts'

const server = useMockServer()
const COMMENTS = `${API}/comment`
const FEEDBACK = `${API}/feedback`

/** Serves the review pages by number (a missing number is an empty page) and records what was asked. */
function serveComments(pages: Record<string, string>, asked: URLSearchParams[] = []) {
  server.use(
    http.get(COMMENTS, ({ request }) => {
      expect(request.headers.get('public-token')).toBe(JWE)
      const q = new URL(request.url).searchParams
      asked.push(q)
      return HttpResponse.json(jsonFixture('rustore', pages[q.get('page') ?? ''] ?? 'comments-empty.json'))
    }),
  )
  return asked
}

function serveAnswers(name = 'feedback.json', asked: URLSearchParams[] = []) {
  server.use(
    http.get(FEEDBACK, ({ request }) => {
      expect(request.headers.get('public-token')).toBe(JWE)
      const q = new URL(request.url).searchParams
      asked.push(q)
      return HttpResponse.json(jsonFixture('rustore', q.get('page') === '0' ? name : 'feedback-empty.json'))
    }),
  )
  return asked
}

const firstRun = { '0': 'comments-page0.json', '1': 'comments-page1.json' }

describe('rustore connector', () => {
  it('signs in with a SHA512withRSA signature of keyId and timestamp, then backfills newest first, page by page', async () => {
    const signIns: SignIn[] = []
    server.use(authEndpoint(signIns))
    const asked = serveComments(firstRun)
    serveAnswers()
    const { items, cursor } = await poll(rustoreConnector, config)
    expect(signIns).toHaveLength(1)
    expect(signIns[0].keyId).toBe('2351024845')
    expect(signIns[0].timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+00:00$/)
    // Two pages with reviews, then an empty one ends the list.
    expect(asked.map((q) => `${q.get('page')}/${q.get('size')}`)).toEqual(['0/100', '1/100', '2/100'])
    expect(items.map((i) => i.externalId)).toEqual(['5718304', '5718122', '5717990', '5716001', '5715500'])
    expect(cursor).toEqual({ since: '2026-03-03T10:40:12.512Z', ids: ['5718304'] })
  })

  it('maps stars, app version, likes and author, and reads RuStore’s times with or without an offset', async () => {
    server.use(authEndpoint())
    serveComments(firstRun)
    serveAnswers('feedback-empty.json')
    const { items } = await poll(rustoreConnector, config)
    expect(items[0]).toEqual({
      externalId: '5718304',
      url: 'https://www.rustore.ru/catalog/app/ru.acme.app',
      author: { handle: 'Алексей' },
      text: 'После обновления приложение вылетает,\nкогда я выгружаю отчёт в PDF. Верните как было!',
      publishedAt: new Date('2026-03-03T10:40:12.512Z'),
      rating: 1,
      version: '4.12.0',
      engagement: { likes: 4 },
      raw: expect.objectContaining({ commentId: '5718304', commentStatus: 'PUBLISHED', edited: false }),
    })
    // Only the older commentDate, without an offset: Moscow time.
    expect(items[1]).toMatchObject({ author: { handle: 'Марина К.' }, rating: 4, version: '4.11.2', publishedAt: new Date('2026-03-03T08:05:00Z') })
    expect(items[1].engagement.likes).toBeUndefined()
    // RuStore gives no language: the pipeline tells Norwegian from Russian itself.
    expect(items[2]).toMatchObject({ text: 'Fungerer utmerket, også på norsk. Takk!', rating: 5, publishedAt: new Date('2026-03-02T18:15:00Z') })
    expect(items[2].lang).toBeUndefined()
    expect(items[2].version).toBeUndefined()
    // A string id and no name.
    expect(items[3]).toMatchObject({ externalId: '5716001', author: { handle: 'RuStore user' }, rating: 2 })
    expect(rustoreConnector.edits).toBe(false)
  })

  it('brings along the answers already given in RuStore Console, the newest live one per review', async () => {
    server.use(authEndpoint())
    serveComments(firstRun)
    const asked = serveAnswers()
    const { items } = await poll(rustoreConnector, config)
    expect(asked.map((q) => q.get('page'))).toEqual(['0', '1'])
    const answered = Object.fromEntries(items.filter((i) => i.ownerReply).map((i) => [i.externalId, i.ownerReply]))
    expect(answered).toEqual({
      // The deleted answer before it does not count, nor the deleted one to Dmitry (5715500) or the rejected one to Ingrid (5717990).
      '5718122': { text: 'Марина, спасибо! Тёмная тема уже в работе и выйдет в версии 4.13.', at: new Date('2026-03-03T08:30:00Z'), by: 'RuStore Console' },
      // Still in moderation, but given.
      '5716001': { text: 'Thanks for telling us — a fix for tablet sync is on its way.', at: new Date('2026-03-01T13:45:10.250Z'), by: 'RuStore Console' },
    })
  })

  it('reads on from the last run’s mark and stops at the first page with a review already kept', async () => {
    const signIns: SignIn[] = []
    server.use(authEndpoint(signIns))
    const asked = serveComments({ '0': 'comments-next.json', '1': 'comments-page1.json' })
    serveAnswers('feedback-empty.json')
    const { items, cursor } = await poll(rustoreConnector, config, { since: '2026-03-03T10:40:12.512Z', ids: ['5718304'] })
    expect(asked.map((q) => q.get('page'))).toEqual(['0'])
    expect(signIns).toHaveLength(1)
    expect(items.map((i) => i.externalId)).toEqual(['5718511'])
    expect(items[0]).toMatchObject({ author: { handle: 'Ольга' }, rating: 2, version: '4.12.0' })
    expect(cursor).toEqual({ since: '2026-03-03T11:55:00.000Z', ids: ['5718511'] })
  })

  it('keeps to its budget, the mark on the last review kept, and asks for answers only for those', async () => {
    server.use(authEndpoint())
    const asked = serveComments(firstRun)
    serveAnswers()
    const { items, cursor } = await poll(rustoreConnector, config, null, { maxItems: 2 })
    expect(asked.map((q) => q.get('page'))).toEqual(['0'])
    expect(items.map((i) => i.externalId)).toEqual(['5718304', '5718122'])
    expect(items[1].ownerReply?.by).toBe('RuStore Console')
    expect(cursor).toEqual({ since: '2026-03-03T10:40:12.512Z', ids: ['5718304'] })
  })

  it('reads a body paged as {content, totalPages} without asking past its last page, and takes a PEM key', async () => {
    server.use(authEndpoint())
    const asked = serveComments({ '0': 'comments-paged.json' })
    serveAnswers('feedback-empty.json')
    const { items } = await poll(rustoreConnector, { ...config, privateKey: privateKeyPem })
    expect(asked).toHaveLength(1)
    expect(items.map((i) => i.externalId)).toEqual(['5718511'])
  })

  it('asks no answers when nothing is new', async () => {
    server.use(authEndpoint())
    serveComments({ '0': 'comments-next.json' })
    const asked = serveAnswers()
    const { items, cursor } = await poll(rustoreConnector, config, { since: '2026-03-03T11:55:00.000Z', ids: ['5718511'] })
    expect(items).toEqual([])
    expect(asked).toEqual([])
    expect(cursor).toEqual({ since: '2026-03-03T11:55:00.000Z', ids: ['5718511'] })
  })

  it('refuses a config it could not sign in with, before any call', () => {
    const parse = (c: object) => rustoreConnector.config.safeParse({ ...config, ...c }).success
    expect(parse({})).toBe(true)
    expect(parse({ privateKey: privateKeyPem })).toBe(true)
    expect(parse({ packageName: 'acme' })).toBe(false)
    expect(parse({ keyId: 'key-1' })).toBe(false)
    expect(parse({ privateKey: 'not a key' })).toBe(false)
    const pkcs1 = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } })
    const refused = rustoreConnector.config.safeParse({ ...config, privateKey: pkcs1.privateKey })
    expect(refused.success).toBe(false)
    expect(refused.error?.issues[0].message).toContain('not PKCS #1')
    expect(parse({ extra: 1 })).toBe(false)
    expect(rustoreConnector.secrets).toEqual(['privateKey'])
  })

  it('stops for good when RuStore refuses the key, with its reason and what to check', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } })
    server.use(authEndpoint())
    const err = await poll(rustoreConnector, { ...config, privateKey: other.privateKey }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(UpstreamError)
    expect(err).toMatchObject({ permanent: true, status: 401 })
    expect((err as Error).message).toBe(
      'rustore: RuStore refused key 2351024845; check keyId and privateKey against RuStore Console → Company → API RuStore, where the key must still be listed (HTTP 401: Подпись не прошла проверку)',
    )
    expect(JSON.stringify(err)).not.toContain(config.privateKey.slice(40, 80))

    // A key RuStore does not know.
    await expect(poll(rustoreConnector, { ...config, keyId: '1' })).rejects.toMatchObject({ permanent: true, status: 401 })

    // A key that imports as base64 but is no RSA key.
    await expect(poll(rustoreConnector, { ...config, privateKey: 'A'.repeat(120) })).rejects.toMatchObject({ permanent: true, message: expect.stringContaining('not a usable RSA key') })
  })

  it('stops for good when the key may not read this app’s reviews, or RuStore does not know the app', async () => {
    server.use(authEndpoint(), http.get(COMMENTS, () => HttpResponse.json(jsonFixture('rustore', 'error-403.json'), { status: 403 })))
    await expect(poll(rustoreConnector, config)).rejects.toMatchObject({
      permanent: true, status: 403, message: expect.stringContaining('may not read the reviews of ru.acme.app; in RuStore Console → Company → API RuStore give the key this app'),
    })
    server.use(http.get(COMMENTS, () => new HttpResponse(null, { status: 404 })))
    await expect(poll(rustoreConnector, config)).rejects.toMatchObject({ permanent: true, status: 404, message: 'rustore: RuStore knows no app ru.acme.app for this key; check packageName (HTTP 404)' })
  })

  it('backs off, without stopping, when RuStore does not take the sign-in (a clock off by more than 60 s)', async () => {
    server.use(http.post('https://public-api.rustore.ru/public/auth/', () => HttpResponse.json(jsonFixture('rustore', 'error-400-timestamp.json'), { status: 400 })))
    const err = await poll(rustoreConnector, config).catch((e: UpstreamError) => e)
    expect(err).toMatchObject({ permanent: false, status: 400, message: 'rustore: RuStore did not take the sign-in (HTTP 400: Range timestamp not valid)' })
  })

  it('waits out a 429 for its Retry-After and retries a 502, then reads the page', async () => {
    let calls = 0
    server.use(authEndpoint())
    server.use(
      http.get(COMMENTS, () => {
        calls++
        if (calls === 1) return HttpResponse.json({ code: 'error', message: 'Too many requests' }, { status: 429, headers: { 'retry-after': '9' } })
        if (calls === 2) return new HttpResponse('<html>Bad Gateway</html>', { status: 502 })
        return HttpResponse.json(jsonFixture('rustore', 'comments-next.json'))
      }),
    )
    serveAnswers('feedback-empty.json')
    const { items, waits } = await poll(rustoreConnector, config, { since: '2026-03-03T10:40:12.512Z', ids: ['5718304'] })
    expect(calls).toBe(3)
    expect(waits[0]).toBe(9000)
    expect(items.map((i) => i.externalId)).toEqual(['5718511'])
  })

  it('fails a malformed, unexpected or timed-out answer without returning anything', async () => {
    server.use(authEndpoint(), http.get(COMMENTS, () => new HttpResponse('{"code": "OK", "body": [', { headers: { 'content-type': 'application/json' } })))
    await expect(poll(rustoreConnector, config)).rejects.toThrow(/public-api\.rustore\.ru: malformed JSON/)

    server.use(http.get(COMMENTS, () => HttpResponse.json({ code: 'OK', body: [{ commentId: 1, commentText: 'без даты' }] })))
    await expect(poll(rustoreConnector, config)).rejects.toThrow(/unexpected response shape at body/)

    server.use(http.post('https://public-api.rustore.ru/public/auth/', () => HttpResponse.json({ code: 'OK', message: null, body: null })))
    await expect(poll(rustoreConnector, config)).rejects.toThrow(/unexpected response shape at body/)

    server.use(
      authEndpoint(),
      http.get(COMMENTS, async () => {
        await delay(200)
        return HttpResponse.json(jsonFixture('rustore', 'comments-next.json'))
      }),
    )
    await expect(poll(rustoreConnector, config, null, { client: testClient({ timeoutMs: 20, maxAttempts: 2 }) })).rejects.toThrow(UpstreamError)
  })

  it('stores the reviews without answers, and says so, when the key may not list answers', async () => {
    server.use(authEndpoint(), http.get(FEEDBACK, () => HttpResponse.json(jsonFixture('rustore', 'error-403.json'), { status: 403 })))
    serveComments(firstRun)
    const warnings: string[] = []
    const client = testClient()
    const { items } = await rustoreConnector.poll!(
      { fetch: client.fetch, logger: createLogger('warn', (line) => warnings.push(line)), signal: new AbortController().signal, now: NOW, maxItems: 100 },
      config,
      null,
    )
    expect(items).toHaveLength(5)
    expect(items.some((i) => i.ownerReply)).toBe(false)
    expect(warnings.map((w) => JSON.parse(w).msg)).toEqual(['rustore: could not read the developer answers; reviews are stored without them'])
  })

  it('calls the configured origin instead of RuStore’s, and still links to the app in RuStore', async () => {
    server.use(
      http.post('https://proxy.example/public/auth/', () => HttpResponse.json(jsonFixture('rustore', 'auth.json'))),
      http.get('https://proxy.example/public/v1/application/ru.acme.app/comment', () => HttpResponse.json(jsonFixture('rustore', 'comments-paged.json'))),
      http.get('https://proxy.example/public/v1/application/ru.acme.app/feedback', () => HttpResponse.json(jsonFixture('rustore', 'feedback-empty.json'))),
    )
    const { items } = await poll(rustoreConnector, { ...config, baseUrl: 'https://proxy.example/' })
    expect(items[0].url).toBe('https://www.rustore.ru/catalog/app/ru.acme.app')
  })

  it('reads RuStore’s time formats', () => {
    expect(parseRuStoreTime('2022-07-08T13:24:41.8328711+03:00')).toEqual(new Date('2022-07-08T10:24:41.832Z'))
    expect(parseRuStoreTime('2023-06-01 18:10:43.043')).toEqual(new Date('2023-06-01T15:10:43.043Z'))
    expect(parseRuStoreTime('2023-06-01T18:10:43Z')).toEqual(new Date('2023-06-01T18:10:43Z'))
    expect(parseRuStoreTime('2023-06-01T18:10:43+0300')).toEqual(new Date('2023-06-01T15:10:43Z'))
    expect(parseRuStoreTime('01.06.2023')).toBeUndefined()
    expect(parseRuStoreTime(null)).toBeUndefined()
  })
})

describe('rustore replies', () => {
  const target = { externalId: '5718304', url: 'https://www.rustore.ru/catalog/app/ru.acme.app', authorHandle: 'Алексей', raw: {} }
  const send = (text: string, to = target) => rustoreConnector.reply!.send({ fetch: testClient().fetch, idempotencyKey: 'k1' }, config, to, text)

  it('signs in and posts the answer under the review, and answers the answer RuStore made of it', async () => {
    const signIns: SignIn[] = []
    const seen: { url: string; token: string | null; type: string | null; body: unknown }[] = []
    server.use(
      authEndpoint(signIns),
      http.post(FEEDBACK, async ({ request }) => {
        seen.push({ url: request.url, token: request.headers.get('public-token'), type: request.headers.get('content-type'), body: await request.json() })
        return HttpResponse.json(jsonFixture('rustore', 'feedback-created.json'))
      }),
    )
    const sent = await send('Алексей, спасибо! Исправление экспорта в PDF выйдет в версии 4.12.1.')
    expect(signIns).toHaveLength(1)
    expect(seen).toEqual([{
      url: `${FEEDBACK}?commentId=5718304`,
      token: JWE,
      type: 'application/json',
      body: { message: 'Алексей, спасибо! Исправление экспорта в PDF выйдет в версии 4.12.1.' },
    }])
    expect(sent).toEqual({ externalId: '5718304/feedback/2177560001', url: 'https://www.rustore.ru/catalog/app/ru.acme.app' })
    expect(rustoreConnector.reply!.requires).toEqual([])
  })

  it('says why RuStore refused: an answer it does not take, a key without the method, a review gone', async () => {
    let answer = () => HttpResponse.json(jsonFixture('rustore', 'error-400-reply.json'), { status: 400 })
    server.use(authEndpoint(), http.post(FEEDBACK, () => answer()))
    await expect(send('Спасибо!')).rejects.toMatchObject({ status: 400, message: 'rustore: RuStore refused the answer to review 5718304 (HTTP 400: Ответ на этот отзыв уже существует)' })
    answer = () => HttpResponse.json(jsonFixture('rustore', 'error-403.json'), { status: 403 })
    await expect(send('Спасибо!')).rejects.toMatchObject({ permanent: true, status: 403, message: expect.stringContaining('may not answer reviews of ru.acme.app') })
    answer = () => new HttpResponse(null, { status: 404 })
    await expect(send('Спасибо!')).rejects.toMatchObject({ status: 404, message: expect.stringContaining('review 5718304 is no longer in RuStore') })
    await expect(send('Спасибо!', { ...target, externalId: 'gp:abc' })).rejects.toMatchObject({ permanent: true, message: 'rustore: gp:abc is not a RuStore review' })
  })

  it('counts an answer RuStore took but answered unreadably as posted', async () => {
    server.use(authEndpoint(), http.post(FEEDBACK, () => new HttpResponse('OK', { status: 200 })))
    await expect(send('Спасибо!')).rejects.toMatchObject({ name: 'PostedUnreadable' })
  })
})
