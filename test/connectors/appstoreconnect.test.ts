import { generateKeyPairSync } from 'node:crypto'
import { importSPKI, jwtVerify } from 'jose'
import { http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { appstoreconnectConnector } from '../../connectors/appstoreconnect/index.ts'
import { UpstreamError } from '../../src/net/errors.ts'
import { jsonFixture, poll, testClient, useMockServer } from './harness.ts'

const server = useMockServer()
const REVIEWS = 'https://api.appstoreconnect.apple.com/v1/apps/1234567890/customerReviews'
const RESPONSES = 'https://api.appstoreconnect.apple.com/v1/customerReviewResponses'

// A throw-away P-256 key, as App Store Connect issues them (.p8, PKCS #8).
const keys = generateKeyPairSync('ec', { namedCurve: 'P-256', privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } })
const config = { appId: '1234567890', issuerId: '57246542-96fe-1a63-e053-0824d011072a', keyId: '2X9R4HXF34', privateKey: keys.privateKey }

/** Apple's check of the bearer token: signed by this key, for this issuer and audience, at most 20 minutes long. */
async function verified(request: Request) {
  const token = request.headers.get('authorization')?.replace(/^Bearer /, '') ?? ''
  try {
    const { payload, protectedHeader } = await jwtVerify(token, await importSPKI(keys.publicKey, 'ES256'), { issuer: config.issuerId, audience: 'appstoreconnect-v1' })
    return protectedHeader.kid === config.keyId && payload.exp! - payload.iat! <= 20 * 60
  } catch {
    return false
  }
}
const unauthorized = () => HttpResponse.json(jsonFixture('appstoreconnect', 'error-401.json'), { status: 401 })

describe('appstoreconnect connector', () => {
  it('signs a token with the API key, follows next links newest first and maps reviews', async () => {
    const asked: URLSearchParams[] = []
    server.use(
      http.get(REVIEWS, async ({ request }) => {
        if (!(await verified(request))) return unauthorized()
        const params = new URL(request.url).searchParams
        asked.push(params)
        return HttpResponse.json(jsonFixture('appstoreconnect', params.get('cursor') ? 'reviews-page2.json' : 'reviews-page1.json'))
      }),
    )
    const { items, cursor } = await poll(appstoreconnectConnector, config)
    expect(asked.map((p) => [p.get('sort'), p.get('cursor')])).toEqual([['-createdDate', null], ['-createdDate', 'Mg.ANbVKDE']])
    expect(items).toHaveLength(3)
    expect(items[0]).toMatchObject({
      externalId: '00000028-b08c-0014-729e-fbd500000001',
      url: 'https://apps.apple.com/app/id1234567890?see-all=reviews',
      author: { handle: 'Алексей К.' },
      title: 'Синхронизация не работает',
      text: 'После обновления приложение не синхронизирует данные с сервером. Верните старую версию!',
      publishedAt: new Date('2026-03-03T10:10:34Z'),
      rating: 1,
    })
    expect(items[0].ownerReply).toEqual({ text: 'Здравствуйте, Алексей! Мы уже выпустили исправление синхронизации в версии 4.12.1.', at: new Date('2026-03-03T11:40:00Z'), by: 'App Store Connect' })
    expect(asked[0].get('include')).toBe('response')
    expect(items[1]).toMatchObject({ title: '好用', rating: 5 })
    expect(items[1].ownerReply).toBeUndefined()
    expect(items[2]).toMatchObject({ author: { handle: 'kiwi_dev' }, publishedAt: new Date('2026-03-02T23:30:00Z'), rating: 3 })
    expect(items[2].title).toBeUndefined()
    expect(cursor).toEqual({ since: '2026-03-03T10:10:34.000Z', ids: ['00000028-b08c-0014-729e-fbd500000001'] })
  })

  it('stops at the first review already seen', async () => {
    server.use(http.get(REVIEWS, ({ request }) => {
      expect(new URL(request.url).searchParams.get('cursor')).toBeNull()
      return HttpResponse.json(jsonFixture('appstoreconnect', 'reviews-page1.json'))
    }))
    const { items } = await poll(appstoreconnectConnector, config, { since: '2026-03-03T09:00:00.000Z', ids: ['00000028-b08c-0014-729e-fbd500000002'] })
    expect(items.map((i) => i.externalId)).toEqual(['00000028-b08c-0014-729e-fbd500000001'])
  })

  it('posts a response to the review and names the response', async () => {
    let body: unknown
    server.use(
      http.post(RESPONSES, async ({ request }) => {
        if (!(await verified(request))) return unauthorized()
        body = await request.json()
        return HttpResponse.json(jsonFixture('appstoreconnect', 'response-created.json'), { status: 201 })
      }),
    )
    const sent = await appstoreconnectConnector.reply!.send(
      { fetch: testClient().fetch, idempotencyKey: 'k' },
      appstoreconnectConnector.config.parse(config),
      { externalId: '00000028-b08c-0014-729e-fbd500000001', url: null, authorHandle: 'Алексей К.', raw: null },
      'Спасибо, Алексей!',
    )
    expect(sent).toEqual({ externalId: '6f2c8c1e-37a1-4f5e-9e0a-5b8f8e3b1a01', url: 'https://apps.apple.com/app/id1234567890?see-all=reviews' })
    expect(body).toEqual({
      data: {
        type: 'customerReviewResponses',
        attributes: { responseBody: 'Спасибо, Алексей!' },
        relationships: { review: { data: { type: 'customerReviews', id: '00000028-b08c-0014-729e-fbd500000001' } } },
      },
    })
  })

  it('treats a revoked key as permanent, and waits out a rate limit', async () => {
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256', privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } })
    let calls = 0
    server.use(
      http.get(REVIEWS, async ({ request }) => {
        if (!(await verified(request))) return unauthorized()
        return ++calls === 1
          ? HttpResponse.json(jsonFixture('appstoreconnect', 'error-429.json'), { status: 429, headers: { 'retry-after': '3' } })
          : HttpResponse.json(jsonFixture('appstoreconnect', 'reviews-page2.json'))
      }),
    )
    const revoked = await poll(appstoreconnectConnector, { ...config, privateKey: other.privateKey }).catch((e: UpstreamError) => e)
    expect(revoked).toMatchObject({ permanent: true, status: 401 })

    const { items, waits } = await poll(appstoreconnectConnector, config)
    expect(waits[0]).toBe(3000)
    expect(items).toHaveLength(1)

    const rsa = await poll(appstoreconnectConnector, { ...config, privateKey: generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey }).catch((e: UpstreamError) => e)
    expect(rsa).toMatchObject({ permanent: true, message: expect.stringContaining('not a usable P-256 key') })
  })

  it('fails a malformed page and refuses a config that cannot sign', async () => {
    server.use(http.get(REVIEWS, () => HttpResponse.json({ data: [{ id: 'x', attributes: { createdDate: 'yesterday' } }] })))
    await expect(poll(appstoreconnectConnector, config)).rejects.toThrow(/unexpected response shape/)
    server.use(http.get(REVIEWS, () => HttpResponse.json({ data: [], included: [{ type: 'customerReviewResponses', id: 'r', attributes: {} }] })))
    await expect(poll(appstoreconnectConnector, config)).rejects.toThrow(/unexpected response shape/)
    expect(appstoreconnectConnector.config.safeParse({ ...config, issuerId: 'not-a-uuid' }).success).toBe(false)
    expect(appstoreconnectConnector.config.safeParse({ ...config, privateKey: 'hunter2' }).success).toBe(false)
  })
})
