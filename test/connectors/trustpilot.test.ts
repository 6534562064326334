import { http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { reviewsOf, toMention, trustpilotConnector } from '../../connectors/trustpilot/index.ts'
import { UpstreamError } from '../../src/net/errors.ts'
import { jsonFixture, poll, testClient, useMockServer } from './harness.ts'

const server = useMockServer()

const UNIT = '5f6a1b2c3d4e5f6a7b8c9d0e'
const REVIEWS = `https://api.trustpilot.com/v1/business-units/${UNIT}/reviews`
const FIND = 'https://api.trustpilot.com/v1/business-units/find'
const API_KEY = 'tpKey4mJ9xQ2vR7s'
const config = { apiKey: API_KEY, businessUnitId: UNIT }

const SIGRID = '6750b3f1a2c4d5e6f7a80011'
const PRIYA = '6750a1c2e77911f2449e0002'
const JONAS = '6750a1c2e77911f2449e0001'
const NIKOS = '6750991de0aa4411c2b30007'
const OLA = '67400c2d11ee22ff33aa0003'
const ELENI = '673f5a6b7c8d9e0f1a2b0009'

type Page = { reviews: Record<string, unknown>[] }
const page1 = () => jsonFixture('trustpilot', 'reviews-page1.json') as Page
const page2 = () => jsonFixture('trustpilot', 'reviews-page2.json') as Page

/** A full page of 100 reviews in the API's shape, all newer than page 2's, newest first. */
function fullPage(): Page {
  const [template] = page1().reviews
  return {
    reviews: Array.from({ length: 100 }, (_, i) => ({
      ...template,
      id: `6751${i.toString(16).padStart(20, '0')}`,
      createdAt: new Date(Date.parse('2026-03-01T12:00:00Z') - i * 60_000).toISOString(),
    })),
  }
}

/** The reviews endpoint: records each URL and answers `answer(page)` after checking the key. */
function reviewsEndpoint(urls: URL[] = [], answer: (page: number) => object = (page) => (page === 1 ? page1() : page2())) {
  return http.get(REVIEWS, ({ request }) => {
    expect(request.headers.get('apikey')).toBe(API_KEY)
    const url = new URL(request.url)
    urls.push(url)
    return HttpResponse.json(answer(Number(url.searchParams.get('page'))))
  })
}

const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as UpstreamError)

describe('trustpilot connector: polling the Business Units API', () => {
  it('backfills the newest reviews with the API key, in their languages, with the company replies already given', async () => {
    const urls: URL[] = []
    server.use(reviewsEndpoint(urls))
    const { items, cursor } = await poll(trustpilotConnector, config)

    expect(urls.map((u) => u.search)).toEqual(['?orderBy=createdat.desc&perPage=100&page=1'])
    expect(items.map((i) => i.externalId)).toEqual([SIGRID, PRIYA, JONAS, NIKOS])
    expect(items[0]).toEqual({
      externalId: SIGRID,
      url: `https://www.trustpilot.com/reviews/${SIGRID}`,
      author: { handle: 'Sigrid Haugen', name: 'Sigrid Haugen', profileUrl: 'https://www.trustpilot.com/users/6611aa00bb11cc22dd330044' },
      title: 'Eksporten feiler hver gang',
      text: 'Rapportene lar seg ikke eksportere til PDF lenger, og kundeservice har ikke svart på fire dager. Veldig skuffende.',
      lang: 'nb',
      publishedAt: new Date('2026-03-03T11:42:17Z'),
      rating: 2,
      engagement: { likes: 2 },
      raw: page1().reviews[0],
    })
    expect(items.map((i) => i.lang)).toEqual(['nb', 'en', 'de', 'el'])
    // A title that only cuts the text short adds nothing.
    expect(items[2].title).toBeUndefined()
    // Times written without a zone are UTC; an edited company reply counts from its edit.
    expect(items[3]).toMatchObject({ author: { handle: 'Νίκος Παπαδόπουλος' }, rating: 4, publishedAt: new Date('2026-03-02T16:20:05Z') })
    expect(items[3].ownerReply).toEqual({
      text: 'Ευχαριστούμε πολύ, Νίκο! Νέα πρότυπα γραφημάτων έρχονται τον Απρίλιο.',
      at: new Date('2026-03-02T19:10:30Z'),
      by: 'Trustpilot Business',
    })
    expect(items[1].ownerReply).toEqual({ text: 'Thank you, Priya! We are glad the billing issue is sorted.', at: new Date('2026-03-03T11:30:12Z'), by: 'Trustpilot Business' })
    expect(items[0].ownerReply).toBeUndefined()
    expect(cursor).toEqual({ since: '2026-03-03T11:42:17.000Z', ids: [SIGRID] })
  })

  it('maps a review the same whether the webhook pushed it or the API listed it, so it is stored once', () => {
    const pushed = reviewsOf(jsonFixture('trustpilot', 'webhook-reviews.json') as never).items
    const listed = page1().reviews.map((r) => toMention(r as never))
    for (const id of [JONAS, PRIYA]) {
      const { raw: _a, engagement: _b, ownerReply: _c, ...fromHook } = pushed.find((m) => m.externalId === id)!
      const { raw: _d, engagement: _e, ownerReply: _f, ...fromApi } = listed.find((m) => m.externalId === id)!
      expect(fromApi).toEqual(fromHook)
    }
    // A company reply comes as `text` in the documentation and as `message` in some clients' reading: either is the answer.
    const withMessage = { ...page1().reviews[1], companyReply: { message: 'Takk!', createdAt: '2026-03-03T12:00:00Z' } }
    expect(toMention(withMessage as never).ownerReply).toEqual({ text: 'Takk!', at: new Date('2026-03-03T12:00:00Z'), by: 'Trustpilot Business' })
  })

  it('reads a time without a zone as UTC, wherever earshot runs', () => {
    // Node reads TZ again when it changes: a host east of UTC would otherwise shift zoneless times by its offset.
    const tz = process.env.TZ
    process.env.TZ = 'Asia/Tokyo'
    try {
      const nikos = toMention(page1().reviews[3] as never)
      expect(nikos.publishedAt.toISOString()).toBe('2026-03-02T16:20:05.000Z')
      expect(nikos.ownerReply?.at.toISOString()).toBe('2026-03-02T19:10:30.000Z')
    } finally {
      if (tz === undefined) delete process.env.TZ
      else process.env.TZ = tz
    }
  })

  it('returns only the reviews newer than the last run kept, in one call', async () => {
    const urls: URL[] = []
    server.use(reviewsEndpoint(urls))
    const { items, cursor } = await poll(trustpilotConnector, config, { since: '2026-03-03T11:05:00.000Z', ids: [PRIYA] })
    expect(urls).toHaveLength(1)
    expect(items.map((i) => i.externalId)).toEqual([SIGRID])
    expect(cursor).toEqual({ since: '2026-03-03T11:42:17.000Z', ids: [SIGRID] })

    const quiet = await poll(trustpilotConnector, config, cursor)
    expect(quiet.items).toEqual([])
    expect(quiet.cursor).toEqual(cursor)
    expect(urls).toHaveLength(2)
  })

  it('pages on while a whole page is new, and stops at a short page or at the last run’s newest review', async () => {
    const urls: URL[] = []
    server.use(reviewsEndpoint(urls, (page) => (page === 1 ? fullPage() : page2())))
    const all = await poll(trustpilotConnector, config, null, { maxItems: 500 })
    expect(urls.map((u) => u.searchParams.get('page'))).toEqual(['1', '2'])
    expect(all.items).toHaveLength(102)
    expect(all.items.slice(-2).map((i) => i.externalId)).toEqual([OLA, ELENI])

    urls.length = 0
    const since = await poll(trustpilotConnector, config, { since: '2026-02-21T08:15:00.000Z', ids: [OLA] }, { maxItems: 500 })
    expect(urls).toHaveLength(2)
    expect(since.items).toHaveLength(100)
    expect(since.cursor).toEqual({ since: '2026-03-01T12:00:00.000Z', ids: ['675100000000000000000000'] })

    // The last run's newest review halfway down a full page: nothing older can be new, so no second call.
    urls.length = 0
    const fiftieth = fullPage().reviews[50] as { id: string; createdAt: string }
    const half = await poll(trustpilotConnector, config, { since: fiftieth.createdAt, ids: [fiftieth.id] }, { maxItems: 500 })
    expect(urls).toHaveLength(1)
    expect(half.items).toHaveLength(50)
  })

  it('asks for no more than maxItems and keeps the newest, with the mark at what it kept', async () => {
    const urls: URL[] = []
    server.use(reviewsEndpoint(urls, () => ({ reviews: page1().reviews.slice(0, 2) })))
    const { items, cursor } = await poll(trustpilotConnector, config, null, { maxItems: 2 })
    expect(urls.map((u) => u.searchParams.get('perPage'))).toEqual(['2'])
    expect(items.map((i) => i.externalId)).toEqual([SIGRID, PRIYA])
    expect(cursor).toEqual({ since: '2026-03-03T11:42:17.000Z', ids: [SIGRID] })
  })

  it('finds the business unit by domain once a run', async () => {
    const names: (string | null)[] = []
    server.use(
      http.get(FIND, ({ request }) => {
        expect(request.headers.get('apikey')).toBe(API_KEY)
        names.push(new URL(request.url).searchParams.get('name'))
        return HttpResponse.json(jsonFixture('trustpilot', 'business-unit-find.json'))
      }),
      reviewsEndpoint(),
    )
    const { items } = await poll(trustpilotConnector, { apiKey: API_KEY, domain: 'acme-analytics.example' })
    expect(names).toEqual(['acme-analytics.example'])
    expect(items).toHaveLength(4)

    server.use(http.get(FIND, () => HttpResponse.json({ message: 'Not Found' }, { status: 404 })))
    const unknown = await failure(poll(trustpilotConnector, { apiKey: API_KEY, domain: 'acme-typo.example' }))
    expect(unknown).toMatchObject({ permanent: true, status: 404, message: expect.stringContaining('no business unit named acme-typo.example; check domain') })
  })

  it('stops for good when Trustpilot refuses the key, in its words, without the key', async () => {
    server.use(http.get(REVIEWS, () => HttpResponse.json(jsonFixture('trustpilot', 'error-401.json'), { status: 401 })))
    const refused = await failure(poll(trustpilotConnector, config))
    expect(refused).toBeInstanceOf(UpstreamError)
    expect(refused).toMatchObject({ permanent: true, status: 401 })
    expect(refused!.message).toContain('Invalid ApiKey')
    expect(refused!.message).toContain('Integrations → Developers → APIs')
    expect(refused!.message).not.toContain(API_KEY)

    server.use(http.get(REVIEWS, () => HttpResponse.json({ message: 'Forbidden' }, { status: 403 })))
    expect(await failure(poll(trustpilotConnector, config))).toMatchObject({ permanent: true, status: 403, message: expect.stringContaining('Forbidden') })
  })

  it('stops for good on an unknown business unit, naming the field to fix', async () => {
    server.use(http.get(REVIEWS, () => HttpResponse.json(jsonFixture('trustpilot', 'error-404.json'), { status: 404 })))
    const unknown = await failure(poll(trustpilotConnector, config))
    expect(unknown).toMatchObject({ permanent: true, status: 404 })
    expect(unknown!.message).toContain(`no business unit ${UNIT}; check businessUnitId`)
    expect(unknown!.message).toContain('was not found')
  })

  it('waits out a 429 for its Retry-After, and ends a run that stays limited to come back later', async () => {
    let calls = 0
    server.use(
      http.get(REVIEWS, () => {
        calls++
        return calls === 1 ? new HttpResponse(null, { status: 429, headers: { 'retry-after': '3' } }) : HttpResponse.json(page1())
      }),
    )
    const { items, waits } = await poll(trustpilotConnector, config)
    expect(calls).toBe(2)
    expect(waits).toEqual([3000])
    expect(items).toHaveLength(4)

    server.use(http.get(REVIEWS, () => new HttpResponse(null, { status: 429, headers: { 'retry-after': '30' } })))
    const limited = await failure(poll(trustpilotConnector, config, null, { client: testClient({ maxAttempts: 2 }) }))
    expect(limited).toMatchObject({ permanent: false, status: 429 })
    expect(limited!.retryAt).toBeInstanceOf(Date)
  })

  it('retries a 5xx, and fails the run without stopping the source when it persists', async () => {
    let calls = 0
    server.use(
      http.get(REVIEWS, () => {
        calls++
        return calls === 1 ? HttpResponse.json({ message: 'Bad gateway' }, { status: 502 }) : HttpResponse.json(page1())
      }),
    )
    const { items, waits } = await poll(trustpilotConnector, config)
    expect(calls).toBe(2)
    expect(waits).toHaveLength(1)
    expect(items).toHaveLength(4)

    server.use(http.get(REVIEWS, () => HttpResponse.json({ message: 'Internal Server Error' }, { status: 500 })))
    expect(await failure(poll(trustpilotConnector, config))).toMatchObject({ permanent: false, status: 500 })
  })

  it('fails a malformed page clearly, without returning anything', async () => {
    server.use(http.get(REVIEWS, () => new HttpResponse('{"reviews": [', { headers: { 'content-type': 'application/json' } })))
    await expect(poll(trustpilotConnector, config)).rejects.toThrow(/api\.trustpilot\.com: malformed JSON/)

    server.use(http.get(REVIEWS, () => HttpResponse.json({ links: [] })))
    await expect(poll(trustpilotConnector, config)).rejects.toThrow(/unexpected response shape at reviews/)

    const noStars = { reviews: [{ ...page1().reviews[0], stars: 0 }] }
    server.use(http.get(REVIEWS, () => HttpResponse.json(noStars)))
    await expect(poll(trustpilotConnector, config)).rejects.toThrow(/unexpected response shape at reviews\.0\.stars/)

    const noTime = { reviews: [{ ...page1().reviews[0], createdAt: 'yesterday' }] }
    server.use(http.get(REVIEWS, () => HttpResponse.json(noTime)))
    await expect(poll(trustpilotConnector, config)).rejects.toThrow(/unexpected response shape at reviews\.0\.createdAt/)

    server.use(http.get(FIND, () => HttpResponse.json({ displayName: 'Acme Analytics' })))
    await expect(poll(trustpilotConnector, { apiKey: API_KEY, domain: 'acme-analytics.example' })).rejects.toThrow(/unexpected response shape at id/)
  })
})

describe('trustpilot connector: config', () => {
  const parse = (c: unknown) => trustpilotConnector.config.safeParse(c)
  const messages = (c: unknown) => parse(c).error?.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`) ?? []
  const SECRET = 'tp-0123456789abcdef0123456789abcdef'

  it('takes a webhook, polling, or both, and says what is missing otherwise', () => {
    expect(parse({ webhookSecret: SECRET }).success).toBe(true)
    expect(parse(config).success).toBe(true)
    expect(parse({ apiKey: API_KEY, domain: 'acme-analytics.example' }).success).toBe(true)
    expect(parse({ ...config, webhookSecret: SECRET, apiSecret: 's', businessUserId: 'bu-1', backfill: 500 }).success).toBe(true)

    expect(messages({})).toEqual([expect.stringMatching(/^\(root\): no way in: give webhookSecret .*, apiKey with businessUnitId or domain/)])
    // An API key alone replies, but reads nothing.
    expect(messages({ apiKey: API_KEY })).toEqual([expect.stringContaining('no way in')])
    expect(messages({ businessUnitId: UNIT })).toEqual([expect.stringMatching(/^apiKey: polling needs apiKey, from Trustpilot Business → Integrations → Developers → APIs/)])
    expect(messages({ ...config, domain: 'acme-analytics.example' })).toEqual(['domain: businessUnitId or domain, not both'])
    expect(messages({ apiKey: API_KEY, businessUnitId: 'acme-analytics.example' })[0]).toMatch(/^businessUnitId: the business unit's id, 24 letters and digits .* or give domain instead/)
    expect(messages({ apiKey: API_KEY, domain: 'https://www.trustpilot.com/review/acme-analytics.example' })[0]).toMatch(/^domain: the domain of your Trustpilot page/)
    expect(messages({ webhookSecret: 'short' })[0]).toMatch(/^webhookSecret: at least 24 characters/)
    expect(parse({ ...config, location: 'x' }).success).toBe(false)
  })

  it('is polled only with an API key and a business unit; with a webhook alone it takes pushes', async () => {
    expect(trustpilotConnector.polled(config)).toBe(true)
    expect(trustpilotConnector.polled({ apiKey: API_KEY, domain: 'acme-analytics.example', webhookSecret: SECRET })).toBe(true)
    expect(trustpilotConnector.polled({ webhookSecret: SECRET, apiKey: API_KEY, apiSecret: 's', businessUserId: 'bu-1' })).toBe(false)
    // A stored config holds its secrets sealed: still only which fields are set counts.
    expect(trustpilotConnector.polled({ webhookSecret: { sealed: 'x', mask: '****' }, ...config })).toBe(true)
    expect(trustpilotConnector).toMatchObject({ secrets: ['webhookSecret', 'apiSecret'], urls: ['baseUrl'], edits: false })

    // Should a push-only source be run all the same, it stops with the reason and calls nothing.
    expect(await failure(poll(trustpilotConnector, { webhookSecret: SECRET }))).toMatchObject({ permanent: true, message: expect.stringContaining('only takes the webhook') })
  })

  it('calls the configured baseUrl instead of the public origin', async () => {
    const urls: string[] = []
    server.use(http.get('https://trustpilot-proxy.example/v1/business-units/:unit/reviews', ({ request }) => (urls.push(request.url), HttpResponse.json(page2()))))
    const { items } = await poll(trustpilotConnector, { ...config, baseUrl: 'https://trustpilot-proxy.example/' })
    expect(urls).toEqual([`https://trustpilot-proxy.example/v1/business-units/${UNIT}/reviews?orderBy=createdat.desc&perPage=100&page=1`])
    expect(items.map((i) => i.externalId)).toEqual([OLA, ELENI])
  })
})
