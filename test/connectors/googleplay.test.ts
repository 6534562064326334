import { generateKeyPairSync } from 'node:crypto'
import { delay, http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { googleplayConnector } from '../../connectors/googleplay/index.ts'
import { UpstreamError } from '../../src/net/errors.ts'
import { BEARER, serviceAccountKey, tokenEndpoint, type Grant } from './google-service-account.ts'
import { jsonFixture, poll, testClient, useMockServer } from './harness.ts'

const server = useMockServer()
const REVIEWS = 'https://androidpublisher.googleapis.com/androidpublisher/v3/applications/com.acme.app/reviews'
const config = { packageName: 'com.acme.app', serviceAccountKey }

describe('googleplay connector', () => {
  it('signs in as the service account, pages reviews by token and maps them', async () => {
    const grants: Grant[] = []
    const pages: (string | null)[] = []
    server.use(
      tokenEndpoint(grants),
      http.get(REVIEWS, ({ request }) => {
        expect(request.headers.get('authorization')).toBe(BEARER)
        const token = new URL(request.url).searchParams.get('token')
        pages.push(token)
        return HttpResponse.json(jsonFixture('googleplay', token ? 'reviews-page2.json' : 'reviews-page1.json'))
      }),
    )
    const { items, cursor } = await poll(googleplayConnector, config)
    expect(grants).toHaveLength(1)
    expect(grants[0].kid).toBe('k1')
    expect(grants[0].assertion.scope).toBe('https://www.googleapis.com/auth/androidpublisher')
    expect((grants[0].assertion.exp as number) - (grants[0].assertion.iat as number)).toBe(3600)
    expect(pages).toEqual([null, 'page-2-token'])
    expect(items).toHaveLength(3)
    expect(items[0]).toMatchObject({
      externalId: 'gp:AOqpTOFm3kX1-page1-a',
      url: 'https://play.google.com/store/apps/details?id=com.acme.app&reviewId=gp%3AAOqpTOFm3kX1-page1-a',
      author: { handle: 'Ingrid Solberg' },
      text: 'Appen krasjer hver gang jeg prøver å eksportere rapporten. Veldig frustrerende!',
      lang: 'no-NO',
      publishedAt: new Date('2026-03-03T10:00:00.512Z'),
      rating: 1,
      version: '4.12.0',
      engagement: { likes: 7 },
    })
    expect(items[0].title).toBeUndefined()
    // "title<TAB>body"; the developer's reply in the same review is not a mention of its own.
    expect(items[1]).toMatchObject({ title: 'Muy útil', text: 'La uso todos los días para el equipo, ojalá tuviera modo oscuro.', rating: 4, lang: 'es' })
    expect(items[1].engagement.likes).toBeUndefined()
    expect(items[1].ownerReply).toEqual({ text: '¡Gracias Carlos! El modo oscuro llega en la próxima versión.', at: new Date('2026-03-03T09:26:40Z'), by: 'Google Play Console' })
    expect(items[0].ownerReply).toBeUndefined()
    expect(items[2]).toMatchObject({ author: { handle: 'A Google user' }, text: 'Good app', rating: 5 })
    expect(items[2].lang).toBeUndefined()
    expect(items[2].version).toBeUndefined()
    expect(cursor).toEqual({ since: '2026-03-03T10:00:00.512Z', ids: ['gp:AOqpTOFm3kX1-page1-a'] })
  })

  it('stops at the first review already seen and returns only newer ones', async () => {
    server.use(
      tokenEndpoint(),
      http.get(REVIEWS, ({ request }) => {
        expect(new URL(request.url).searchParams.get('token')).toBeNull()
        return HttpResponse.json(jsonFixture('googleplay', 'reviews-next.json'))
      }),
    )
    const { items, cursor } = await poll(googleplayConnector, config, { since: '2026-03-03T10:00:00.512Z', ids: ['gp:AOqpTOFm3kX1-page1-a'] })
    expect(items.map((i) => i.externalId)).toEqual(['gp:AOqpTOFm3kX1-next-a'])
    expect(items[0]).toMatchObject({ author: { handle: 'Μαρία Παπαδοπούλου' }, lang: 'el', rating: 3 })
    expect(cursor).toEqual({ since: '2026-03-03T11:00:00.000Z', ids: ['gp:AOqpTOFm3kX1-next-a'] })
  })

  it('refuses a config without a usable service account key, before any call', () => {
    expect(googleplayConnector.config.safeParse({ packageName: 'com.acme.app', serviceAccountKey: '{"client_email": "x@y"}' }).success).toBe(false)
    expect(googleplayConnector.config.safeParse({ packageName: 'com.acme.app', serviceAccountKey: 'not json' }).success).toBe(false)
    expect(googleplayConnector.config.safeParse({ packageName: 'acme', serviceAccountKey }).success).toBe(false)
    expect(googleplayConnector.config.safeParse(config).success).toBe(true)
  })

  it('treats a key Google refuses, or no access to the app, as permanent', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } })
    server.use(tokenEndpoint())
    const revoked = await poll(googleplayConnector, { ...config, serviceAccountKey: JSON.stringify({ ...JSON.parse(serviceAccountKey), private_key: other.privateKey }) }).catch((e: UpstreamError) => e)
    expect(revoked).toMatchObject({ permanent: true, status: 400 })

    server.use(http.get(REVIEWS, () => HttpResponse.json(jsonFixture('googleplay', 'error-403-permission.json'), { status: 403 })))
    const denied = await poll(googleplayConnector, config).catch((e: UpstreamError) => e)
    expect(denied).toBeInstanceOf(UpstreamError)
    expect(denied).toMatchObject({ permanent: true, status: 403 })

    const garbled = await poll(googleplayConnector, { ...config, serviceAccountKey: JSON.stringify({ client_email: 'x@y', private_key: '-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----' }) }).catch((e: UpstreamError) => e)
    expect(garbled).toMatchObject({ permanent: true, message: expect.stringContaining('not a usable RSA key') })
  })

  it('waits out a 429 and a 500, then reads the page', async () => {
    let calls = 0
    server.use(
      tokenEndpoint(),
      http.get(REVIEWS, () => {
        calls++
        if (calls === 1) return HttpResponse.json(jsonFixture('googleplay', 'error-429.json'), { status: 429, headers: { 'retry-after': '7' } })
        if (calls === 2) return HttpResponse.json({ error: { code: 500, message: 'Internal error encountered.', status: 'INTERNAL' } }, { status: 500 })
        return HttpResponse.json(jsonFixture('googleplay', 'reviews-page2.json'))
      }),
    )
    const { items, waits } = await poll(googleplayConnector, config)
    expect(calls).toBe(3)
    expect(waits[0]).toBe(7000)
    expect(items.map((i) => i.externalId)).toEqual(['gp:AOqpTOFm3kX1-page2-a'])
  })

  it('fails a malformed or timed-out page without returning anything', async () => {
    server.use(tokenEndpoint(), http.get(REVIEWS, () => new HttpResponse('{"reviews": [', { headers: { 'content-type': 'application/json' } })))
    await expect(poll(googleplayConnector, config)).rejects.toThrow(/malformed JSON/)

    server.use(http.get(REVIEWS, () => HttpResponse.json({ reviews: [{ reviewId: 'x', comments: [{ userComment: { text: 'no time' } }] }] })))
    await expect(poll(googleplayConnector, config)).rejects.toThrow(/unexpected response shape/)

    server.use(
      http.get(REVIEWS, async () => {
        await delay(200)
        return HttpResponse.json(jsonFixture('googleplay', 'reviews-page2.json'))
      }),
    )
    await expect(poll(googleplayConnector, config, null, { client: testClient({ timeoutMs: 20, maxAttempts: 2 }) })).rejects.toThrow(UpstreamError)
  })
})
