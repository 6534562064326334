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

  it('counts a review answered in the Play Console as answered, once, and not again for a reply sent from earshot', async () => {
    server.use(
      tokenEndpoint(),
      http.get(REVIEWS, ({ request }) => HttpResponse.json(jsonFixture('googleplay', new URL(request.url).searchParams.get('token') ? 'reviews-page2.json' : 'reviews-page1.json'))),
    )
    const created = await t.call('POST', '/v1/sources', { body: { kind: 'googleplay', name: 'Play answered', config: { packageName: 'com.acme.app', serviceAccountKey } } })
    expect((await t.call('POST', `/v1/sources/${created.data.id}/run`)).data).toMatchObject({ status: 'ok', inserted: 3 })
    const answered = await t.call('GET', `/v1/mentions?source=${created.data.id}&answered=true`)
    expect(answered.data.items.map((m: { externalId: string }) => m.externalId)).toEqual(['gp:AOqpTOFm3kX1-page1-b'])
    const id = answered.data.items[0].id
    const replies = await t.call('GET', `/v1/mentions/${id}/replies`)
    expect(replies.data.items).toEqual([
      expect.objectContaining({ author: 'Google Play Console', text: '¡Gracias Carlos! El modo oscuro llega en la próxima versión.', status: 'sent', sentAt: '2026-03-03T09:26:40.000Z' }),
    ])

    // Polled again from scratch (a reset cursor): the answer is not counted twice.
    await t.sql`UPDATE sources SET cursor = NULL WHERE id = ${created.data.id}`
    expect((await t.call('POST', `/v1/sources/${created.data.id}/run`)).data).toMatchObject({ status: 'ok', inserted: 0 })
    expect((await t.call('GET', `/v1/mentions/${id}/replies`)).data.items).toHaveLength(1)

    // A reply earshot sent shows up at the source as the developer's answer: still one reply.
    const [ingrid] = await t.sql`SELECT id FROM mentions WHERE source_id = ${created.data.id} AND external_id = 'gp:AOqpTOFm3kX1-page1-a'`
    await t.sql`INSERT INTO mention_replies (workspace_id, mention_id, author, body, status, sent_at) VALUES (${t.workspaceId}, ${ingrid.id}, 'agent', 'Takk, Ingrid! Rettelsen kommer i 4.12.1.', 'sent', now())`
    const withAnswer = jsonFixture('googleplay', 'reviews-page1.json') as { reviews: { comments: object[] }[] }
    withAnswer.reviews[0].comments.push({ developerComment: { text: 'Takk, Ingrid! Rettelsen kommer i 4.12.1.', lastModified: { seconds: '1772600000', nanos: 0 } } })
    server.use(http.get(REVIEWS, ({ request }) => HttpResponse.json(new URL(request.url).searchParams.get('token') ? jsonFixture('googleplay', 'reviews-page2.json') : withAnswer)))
    await t.sql`UPDATE sources SET cursor = NULL WHERE id = ${created.data.id}`
    expect((await t.call('POST', `/v1/sources/${created.data.id}/run`)).data).toMatchObject({ status: 'ok' })
    expect((await t.call('GET', `/v1/mentions/${ingrid.id}/replies`)).data.items).toHaveLength(1)
  })
})
