import { http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { decryptSecret } from '../../src/crypto/secret-box.ts'
import { serviceAccountKey, tokenEndpoint } from '../connectors/google-service-account.ts'
import { jsonFixture, useMockServer } from '../connectors/harness.ts'
import { createTestApp } from '../helpers/app.ts'

const server = useMockServer()
const t = await createTestApp()
const REVIEWS = 'https://androidpublisher.googleapis.com/androidpublisher/v3/applications/com.acme.app/reviews'

type Reviews = { reviews: { comments: { userComment: { text: string; starRating: number; lastModified: { seconds: string } } }[] }[] }

describe('a Google Play source', () => {
  it('keeps the key sealed, stores the reviews, and follows a review its author edits', async () => {
    server.use(tokenEndpoint(), http.get(REVIEWS, () => HttpResponse.json(jsonFixture('googleplay', 'reviews-page2.json'))))
    const created = await t.call('POST', '/v1/sources', { body: { kind: 'googleplay', name: 'Play', config: { packageName: 'com.acme.app', serviceAccountKey } } })
    expect(created.status, JSON.stringify(created.data)).toBe(201)
    expect(JSON.stringify(created.data)).not.toContain('PRIVATE KEY')
    const [stored] = await t.sql`SELECT config FROM sources WHERE id = ${created.data.id}`
    expect(JSON.stringify(stored.config)).not.toContain('PRIVATE KEY')
    expect(await decryptSecret(t.deps.config.secretKey, stored.config.serviceAccountKey.sealed, `source:${t.workspaceId}:${created.data.id}:serviceAccountKey`)).toBe(serviceAccountKey)

    const first = await t.call('POST', `/v1/sources/${created.data.id}/run`)
    expect(first.data).toMatchObject({ status: 'ok', inserted: 1, edited: 0 })

    // The reviewer comes back a day later with fewer stars: the review heads the list again, edited.
    const edited = jsonFixture('googleplay', 'reviews-page2.json') as Reviews
    Object.assign(edited.reviews[0].comments[0].userComment, { text: '\tGood app, but the last update broke sync', starRating: 2, lastModified: { seconds: '1772611200' } })
    server.use(http.get(REVIEWS, () => HttpResponse.json(edited)))
    const second = await t.call('POST', `/v1/sources/${created.data.id}/run`)
    expect(second.data).toMatchObject({ status: 'ok', inserted: 0, duplicates: 0, edited: 1 })

    const list = await t.call('GET', `/v1/mentions?source=${created.data.id}`)
    expect(list.data.items).toHaveLength(1)
    expect(list.data.items[0]).toMatchObject({ text: 'Good app, but the last update broke sync', rating: 2, publishedAt: '2026-03-03T08:00:00.000Z' })
    expect(list.data.items[0].editedAt).not.toBeNull()
  })
})
