import { http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { googlebusinessConnector, originalWords } from '../../connectors/googlebusiness/index.ts'
import { UpstreamError } from '../../src/net/errors.ts'
import { BEARER, config, INGRID, LOCATION, REVIEWS, TOKEN } from './google-business.ts'
import { jsonFixture, poll, testClient, useMockServer } from './harness.ts'

const server = useMockServer()

const OLE = 'AbFvOqkT7cN0aRz4YpWm2LxQe9sBd6vHfKoI'
const ALEKSEY = 'AbFvOqm2HsXb5uTq8ZcVn3RgLk0pYe7wDjAi'
const LUCIA = 'AbFvOqlR8eJ1cWx5UbNo4MyTf2qAh9zGiSkP'
const WANG = 'AbFvOqjW4gK9dVy6TcMp1NxSh3rBi0aFuLeQ'
const ANONYMOUS = 'AbFvOqhX3fL8eUz7SdKq0OwRj4tCg1bEvMnY'

type Page = { reviews: Record<string, unknown>[]; nextPageToken?: string }

/** Google's token endpoint: records each form it is sent and answers with `answer`. */
function tokenEndpoint(forms: Record<string, string>[] = [], answer = () => HttpResponse.json(jsonFixture('googlebusiness', 'token.json'))) {
  return http.post(TOKEN, async ({ request }) => {
    forms.push(Object.fromEntries(new URLSearchParams(await request.text())))
    return answer()
  })
}

/** The reviews list: page 1, or page 2 when asked by its token. */
function reviewsEndpoint(urls: URL[] = []) {
  return http.get(REVIEWS, ({ request }) => {
    expect(request.headers.get('authorization')).toBe(BEARER)
    const url = new URL(request.url)
    urls.push(url)
    return HttpResponse.json(jsonFixture('googlebusiness', url.searchParams.get('pageToken') ? 'reviews-page2.json' : 'reviews-page1.json'))
  })
}

describe('googlebusiness connector', () => {
  it('signs in with the refresh token, pages reviews by token and maps them', async () => {
    const forms: Record<string, string>[] = []
    const urls: URL[] = []
    server.use(tokenEndpoint(forms), reviewsEndpoint(urls))
    const { items, cursor } = await poll(googlebusinessConnector, config)

    expect(forms).toEqual([{ client_id: config.clientId, client_secret: config.clientSecret, refresh_token: config.refreshToken, grant_type: 'refresh_token' }])
    expect(urls.map((u) => u.searchParams.get('pageToken'))).toEqual([null, 'ChdBYkZ2T3FtMkhzWGI1dVRxOFpjVm4zUmdMaw'])
    expect(urls[0].search).toBe('?pageSize=50&orderBy=updateTime%20desc')
    expect(urls[1].searchParams.get('orderBy')).toBe('updateTime desc')

    // Ole left five stars and no words: not a mention.
    expect(items.map((i) => i.externalId)).toEqual([INGRID, ALEKSEY, LUCIA, WANG, ANONYMOUS])
    expect(items.map((i) => i.externalId)).not.toContain(OLE)
    expect(items[0]).toEqual({
      externalId: INGRID,
      url: '',
      author: { handle: 'Ingrid Solberg' },
      text: 'Vi ventet over en time på maten selv om vi hadde bestilt bord. Maten var god, men servicen må bli mye bedre.',
      publishedAt: new Date('2026-03-03T10:15:42.318Z'),
      rating: 2,
      engagement: {},
      raw: jsonFixture('googlebusiness', 'reviews-page1.json').reviews[0],
    })
    // Edited after it was written: published at the edit. The owner's answer comes along.
    expect(items[1]).toMatchObject({ author: { handle: 'Алексей Смирнов' }, rating: 4, publishedAt: new Date('2026-03-03T08:30:00Z') })
    expect(items[1].ownerReply).toEqual({
      text: 'Спасибо, Алексей! Роутер мы уже заменили, а по вечерам теперь играет музыка потише.',
      at: new Date('2026-03-03T09:05:11.204Z'),
      by: 'Google Business Profile',
    })
    expect(items[0].ownerReply).toBeUndefined()
    // Google's English translation is left out: only Lucía's own words.
    expect(items[2]).toMatchObject({ text: 'La paella estaba riquísima, pero tuvimos que esperar cuarenta minutos para pagar la cuenta.', rating: 3 })
    expect(items[3]).toMatchObject({ author: { handle: '王小明' }, text: '服务很周到，环境也很干净。牛排做得非常好，下次还会再来！', rating: 5 })
    expect(items[4]).toMatchObject({ author: { handle: 'A Google user' }, text: 'Πολύ ωραίο μέρος για καφέ, αλλά οι τιμές είναι λίγο ακριβές για την περιοχή.' })
    expect(items[4].rating).toBeUndefined()
    expect(items.every((i) => i.lang === undefined)).toBe(true)
    expect(cursor).toEqual({ since: '2026-03-03T10:15:42.318Z', ids: [INGRID] })
  })

  it('keeps only the reviewer’s original words when Google added its translation', () => {
    expect(originalWords('(Translated by Google) Very good\n\n(Original)\nОчень хорошо')).toBe('Очень хорошо')
    expect(originalWords('(Original)\nMuy bueno\n\n(Translated by Google)\nVery good')).toBe('Muy bueno')
    // A reviewer's own brackets are not Google's markers.
    expect(originalWords('Best pizza in town (Original) recipe from Napoli')).toBe('Best pizza in town (Original) recipe from Napoli')
    expect(originalWords('  Flott  sted!\n\n\n\nKommer igjen.  ')).toBe('Flott sted!\n\nKommer igjen.')
  })

  it('stops at the first review already seen and returns only newer ones', async () => {
    const urls: URL[] = []
    server.use(tokenEndpoint(), reviewsEndpoint(urls))
    const { items, cursor } = await poll(googlebusinessConnector, config, { since: '2026-03-03T08:30:00.000Z', ids: [ALEKSEY] })
    expect(urls).toHaveLength(1)
    expect(items.map((i) => i.externalId)).toEqual([INGRID])
    expect(cursor).toEqual({ since: '2026-03-03T10:15:42.318Z', ids: [INGRID] })

    // A page holding only stars-only reviews already seen ends the run as well: nothing older can be new.
    const starsOnly = jsonFixture('googlebusiness', 'reviews-page1.json') as Page
    const onlyOle: Page = { reviews: [starsOnly.reviews[1]], nextPageToken: 'more' }
    const asked: (string | null)[] = []
    server.use(http.get(REVIEWS, ({ request }) => (asked.push(new URL(request.url).searchParams.get('pageToken')), HttpResponse.json(onlyOle))))
    const quiet = await poll(googlebusinessConnector, config, { since: '2026-03-03T10:15:42.318Z', ids: [INGRID] })
    expect(asked).toEqual([null])
    expect(quiet.items).toEqual([])
    expect(quiet.cursor).toEqual({ since: '2026-03-03T10:15:42.318Z', ids: [INGRID] })
  })

  it('returns at most maxItems, the newest, with the mark at what it kept', async () => {
    const urls: URL[] = []
    server.use(tokenEndpoint(), reviewsEndpoint(urls))
    const { items, cursor } = await poll(googlebusinessConnector, config, null, { maxItems: 2 })
    expect(urls).toHaveLength(1)
    expect(items.map((i) => i.externalId)).toEqual([INGRID, ALEKSEY])
    expect(cursor).toEqual({ since: '2026-03-03T10:15:42.318Z', ids: [INGRID] })
  })

  it('waits out a 429 and a 500, then reads the page; a quota that never comes back is no reason to stop', async () => {
    let calls = 0
    server.use(
      tokenEndpoint(),
      http.get(REVIEWS, () => {
        calls++
        if (calls === 1) return HttpResponse.json(jsonFixture('googlebusiness', 'error-429.json'), { status: 429, headers: { 'retry-after': '7' } })
        if (calls === 2) return HttpResponse.json({ error: { code: 500, message: 'Internal error encountered.', status: 'INTERNAL' } }, { status: 500 })
        return HttpResponse.json(jsonFixture('googlebusiness', 'reviews-page2.json'))
      }),
    )
    const { items, waits } = await poll(googlebusinessConnector, config)
    expect(calls).toBe(3)
    expect(waits).toHaveLength(2)
    expect(waits[0]).toBe(7000)
    expect(items.map((i) => i.externalId)).toEqual([LUCIA, WANG, ANONYMOUS])

    // Google often sends no Retry-After: the client backs off on its own, and after its last attempt the run ends, to come back.
    server.use(http.get(REVIEWS, () => HttpResponse.json(jsonFixture('googlebusiness', 'error-429.json'), { status: 429 })))
    const client = testClient({ maxAttempts: 3 })
    const limited = await poll(googlebusinessConnector, config, null, { client }).catch((e: UpstreamError) => e)
    expect(limited).toBeInstanceOf(UpstreamError)
    expect(limited).toMatchObject({ permanent: false, status: 429 })
    expect(client.waits).toHaveLength(2)
    expect(client.waits.every((ms) => ms > 0)).toBe(true)

    // A quota told with a 403 is not a refusal either.
    server.use(http.get(REVIEWS, () => HttpResponse.json({ error: { code: 403, message: 'Quota exceeded.', status: 'RESOURCE_EXHAUSTED' } }, { status: 403 })))
    expect(await poll(googlebusinessConnector, config).catch((e: UpstreamError) => e)).toMatchObject({ permanent: false, status: 403 })
  })

  it('stops for good on a revoked refresh token, saying to grant access again, without the secrets', async () => {
    server.use(tokenEndpoint([], () => HttpResponse.json(jsonFixture('googlebusiness', 'token-invalid-grant.json'), { status: 400 })))
    const revoked = await poll(googlebusinessConnector, config).catch((e: UpstreamError) => e)
    expect(revoked).toBeInstanceOf(UpstreamError)
    expect(revoked).toMatchObject({ permanent: true, status: 400 })
    const message = (revoked as UpstreamError).message
    expect(message).toContain('invalid_grant: Token has been expired or revoked.')
    expect(message).toMatch(/grant earshot access .* again/)
    expect(message).not.toContain(config.clientSecret)
    expect(message).not.toContain(config.refreshToken)

    server.use(tokenEndpoint([], () => HttpResponse.json({ error: 'invalid_client', error_description: 'Unauthorized' }, { status: 401 })))
    const client = await poll(googlebusinessConnector, config).catch((e: UpstreamError) => e)
    expect(client).toMatchObject({ permanent: true, status: 401, message: expect.stringContaining('invalid_client: Unauthorized') })
    expect((client as UpstreamError).message).not.toContain(config.clientSecret)
  })

  it('stops for good when Google refuses the location, in Google’s words', async () => {
    server.use(tokenEndpoint(), http.get(REVIEWS, () => HttpResponse.json(jsonFixture('googlebusiness', 'error-403.json'), { status: 403 })))
    const denied = await poll(googlebusinessConnector, config).catch((e: UpstreamError) => e)
    expect(denied).toBeInstanceOf(UpstreamError)
    expect(denied).toMatchObject({ permanent: true, status: 403, message: expect.stringContaining('PERMISSION_DENIED: The caller does not have permission') })

    server.use(http.get(REVIEWS, () => HttpResponse.json({ error: { code: 401, message: 'Request had invalid authentication credentials.', status: 'UNAUTHENTICATED' } }, { status: 401 })))
    expect(await poll(googlebusinessConnector, config).catch((e: UpstreamError) => e)).toMatchObject({ permanent: true, status: 401 })

    server.use(http.get(REVIEWS, () => HttpResponse.json({ error: { code: 404, message: 'Requested entity was not found.', status: 'NOT_FOUND' } }, { status: 404 })))
    expect(await poll(googlebusinessConnector, config).catch((e: UpstreamError) => e)).toMatchObject({ permanent: true, status: 404, message: expect.stringContaining('location') })
  })

  it('fails a malformed page without returning anything', async () => {
    server.use(tokenEndpoint(), http.get(REVIEWS, () => new HttpResponse('{"reviews": [', { headers: { 'content-type': 'application/json' } })))
    await expect(poll(googlebusinessConnector, config)).rejects.toThrow(/malformed JSON/)

    server.use(http.get(REVIEWS, () => HttpResponse.json({ reviews: [{ reviewId: 'x', comment: 'no time', starRating: 'FIVE' }] })))
    await expect(poll(googlebusinessConnector, config)).rejects.toThrow(/unexpected response shape/)

    server.use(tokenEndpoint([], () => HttpResponse.json({ token_type: 'Bearer' })))
    await expect(poll(googlebusinessConnector, config)).rejects.toThrow(/unexpected response shape/)
  })

  it('refuses a location that is not a resource name, before any call', () => {
    const location = (value: string) => googlebusinessConnector.config.safeParse({ ...config, location: value })
    expect(location('1449937412354389921').success).toBe(false)
    expect(location('locations/1449937412354389921').success).toBe(false)
    expect(location('accounts/acme/locations/1449937412354389921').success).toBe(false)
    expect(location(`${LOCATION}/`).success).toBe(false)
    const refused = location('locations/1449937412354389921')
    expect(refused.error?.issues[0].message).toContain('accounts/{accountId}/locations/{locationId}')
    expect(location(LOCATION).success).toBe(true)
    expect(googlebusinessConnector.config.safeParse({ location: LOCATION, clientId: config.clientId }).success).toBe(false)
    expect(googlebusinessConnector.config.safeParse({ ...config, apiKey: 'AIza' }).success).toBe(false)
    expect(googlebusinessConnector).toMatchObject({ secrets: ['clientSecret', 'refreshToken'], urls: ['baseUrl'], edits: true })
  })

  it('answers a review with a PUT of its reply, named by the review and the time Google gives it', async () => {
    const forms: Record<string, string>[] = []
    const puts: { path: string; auth: string | null; type: string | null; body: unknown }[] = []
    server.use(
      tokenEndpoint(forms),
      http.put(`${REVIEWS}/:reviewId/reply`, async ({ request, params }) => {
        puts.push({ path: String(params.reviewId), auth: request.headers.get('authorization'), type: request.headers.get('content-type'), body: await request.json() })
        return HttpResponse.json(jsonFixture('googlebusiness', 'reply.json'))
      }),
    )
    const { fetch } = testClient({ maxAttempts: 1 })
    const target = { externalId: INGRID, url: '', authorHandle: 'Ingrid Solberg', raw: {} }
    const text = 'Takk for tilbakemeldingen, Ingrid. Vi har satt inn en ekstra servitør på fredager og lørdager.'
    expect(await googlebusinessConnector.reply!.send({ fetch, idempotencyKey: 'k' }, config, target, text)).toEqual({
      externalId: `${INGRID}/reply/2026-03-03T12:41:07.582913Z`,
      url: null,
    })
    expect(forms).toHaveLength(1)
    expect(puts).toEqual([{ path: INGRID, auth: BEARER, type: 'application/json', body: { comment: text } }])
    expect(googlebusinessConnector.reply).toMatchObject({ requires: [], maxGraphemes: 1350 })

    // 1,100 emoji fit the character limit but not Google's 4,096 bytes: refused before signing in or posting.
    const tooLong = await googlebusinessConnector.reply!.send({ fetch, idempotencyKey: 'k2' }, config, target, '🙂'.repeat(1100)).catch((e: UpstreamError) => e)
    expect(tooLong).toMatchObject({ permanent: true, message: expect.stringContaining('4096 bytes') })
    expect(forms).toHaveLength(1)
    expect(puts).toHaveLength(1)

    // A reply Google refuses keeps its reason.
    server.use(http.put(`${REVIEWS}/:reviewId/reply`, () => HttpResponse.json(jsonFixture('googlebusiness', 'error-403.json'), { status: 403 })))
    expect(await googlebusinessConnector.reply!.send({ fetch, idempotencyKey: 'k3' }, config, target, 'Takk!').catch((e: UpstreamError) => e)).toMatchObject({
      permanent: true,
      message: expect.stringContaining('The caller does not have permission'),
    })
  })
})
