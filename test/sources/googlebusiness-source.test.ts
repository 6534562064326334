import { http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { decryptSecret } from '../../src/crypto/secret-box.ts'
import { BEARER, config, INGRID, LOCATION, REVIEWS, TOKEN } from '../connectors/google-business.ts'
import { jsonFixture, useMockServer } from '../connectors/harness.ts'
import { createTestApp } from '../helpers/app.ts'

const server = useMockServer()
const t = await createTestApp()

type Page = { reviews: { reviewId: string; comment?: string; starRating: string; updateTime: string }[] }

/** Google's token endpoint, granting a token only for this source's client and refresh token. */
const tokenEndpoint = (answer = () => HttpResponse.json(jsonFixture('googlebusiness', 'token.json'))) =>
  http.post(TOKEN, async ({ request }) => {
    const form = Object.fromEntries(new URLSearchParams(await request.text()))
    if (form.client_secret !== config.clientSecret || form.refresh_token !== config.refreshToken) return HttpResponse.json({ error: 'invalid_client' }, { status: 401 })
    return answer()
  })

/** The location's reviews, page 1 (or `first`) then page 2 by its token. */
const reviewsEndpoint = (first: () => object = () => jsonFixture('googlebusiness', 'reviews-page1.json')) =>
  http.get(REVIEWS, ({ request }) => {
    expect(request.headers.get('authorization')).toBe(BEARER)
    return HttpResponse.json(new URL(request.url).searchParams.get('pageToken') ? jsonFixture('googlebusiness', 'reviews-page2.json') : first())
  })

const leaks = (value: unknown) => {
  const text = JSON.stringify(value)
  return text.includes(config.clientSecret) || text.includes(config.refreshToken)
}

describe('a Google Business Profile source', () => {
  it('keeps the credentials sealed, stores the reviews in their languages and follows a review its author edits', async () => {
    server.use(tokenEndpoint(), reviewsEndpoint())
    const created = await t.call('POST', '/v1/sources', { body: { kind: 'googlebusiness', name: 'Acme Bistro Oslo', config } })
    expect(created.status, JSON.stringify(created.data)).toBe(201)
    expect(leaks(created.data)).toBe(false)
    expect(created.data.config).toMatchObject({ location: LOCATION, clientId: config.clientId })
    expect(leaks((await t.call('GET', `/v1/sources/${created.data.id}`)).data)).toBe(false)
    expect(leaks((await t.call('GET', '/v1/sources')).data)).toBe(false)
    const [stored] = await t.sql`SELECT config FROM sources WHERE id = ${created.data.id}`
    expect(leaks(stored.config)).toBe(false)
    for (const field of ['clientSecret', 'refreshToken'] as const) {
      expect(await decryptSecret(t.deps.config.secretKey, stored.config[field].sealed, `source:${t.workspaceId}:${created.data.id}:${field}`)).toBe(config[field])
    }

    const first = await t.call('POST', `/v1/sources/${created.data.id}/run`)
    expect(first.data).toMatchObject({ status: 'ok', fetched: 5, inserted: 5, edited: 0 })
    expect((await t.call('POST', `/v1/sources/${created.data.id}/run`)).data).toMatchObject({ status: 'ok', inserted: 0, edited: 0 })

    const items = (await t.call('GET', `/v1/mentions?source=${created.data.id}&sort=newest`)).data.items
    expect(items.map((m: { lang: string }) => m.lang)).toEqual(['no', 'ru', 'es', 'zh', 'el'])
    expect(items.map((m: { rating: number | null }) => m.rating)).toEqual([2, 4, 3, 5, null])
    // Lucía's words, not Google's English translation of them.
    expect(items[2].text).toBe('La paella estaba riquísima, pero tuvimos que esperar cuarenta minutos para pagar la cuenta.')

    // Aleksey's review arrived answered in the Business Profile: it counts as answered, by Google Business Profile.
    const answered = await t.call('GET', `/v1/mentions?source=${created.data.id}&answered=true`)
    expect(answered.data.items.map((m: { author: { handle: string } }) => m.author.handle)).toEqual(['Алексей Смирнов'])
    expect((await t.call('GET', `/v1/mentions/${answered.data.items[0].id}/replies`)).data.items).toEqual([
      expect.objectContaining({ author: 'Google Business Profile', status: 'sent', sentAt: '2026-03-03T09:05:11.204Z' }),
    ])

    // Ingrid comes back the next day with a star more and other words: her review heads the list again, edited.
    const edited = jsonFixture('googlebusiness', 'reviews-page1.json') as Page
    Object.assign(edited.reviews[0], { comment: 'Oppdatering: de ringte meg og beklaget, og neste besøk gikk mye raskere.', starRating: 'THREE', updateTime: '2026-03-04T08:12:00Z' })
    server.use(reviewsEndpoint(() => edited))
    expect((await t.call('POST', `/v1/sources/${created.data.id}/run`)).data).toMatchObject({ status: 'ok', inserted: 0, duplicates: 0, edited: 1 })
    const ingrid = (await t.call('GET', `/v1/mentions?source=${created.data.id}&sort=newest`)).data.items[0]
    expect(ingrid).toMatchObject({ externalId: INGRID, text: 'Oppdatering: de ringte meg og beklaget, og neste besøk gikk mye raskere.', rating: 3, lang: 'no', publishedAt: '2026-03-03T10:15:42.318Z' })
    expect(ingrid.editedAt).not.toBeNull()
  })

  it('answers a review from the inbox with a PUT of the owner reply', async () => {
    server.use(tokenEndpoint(), reviewsEndpoint())
    const created = await t.call('POST', '/v1/sources', { body: { kind: 'googlebusiness', name: 'Acme Bistro replies', config } })
    expect((await t.call('POST', `/v1/sources/${created.data.id}/run`)).data).toMatchObject({ status: 'ok', inserted: 5 })
    const [mention] = await t.sql`SELECT id FROM mentions WHERE source_id = ${created.data.id} AND external_id = ${INGRID}`
    expect((await t.call('GET', `/v1/mentions/${mention.id}`)).data.replyUnavailable).toBeNull()

    const puts: { auth: string | null; body: unknown }[] = []
    server.use(
      http.put(`${REVIEWS}/${INGRID}/reply`, async ({ request }) => {
        puts.push({ auth: request.headers.get('authorization'), body: await request.json() })
        return HttpResponse.json(jsonFixture('googlebusiness', 'reply.json'))
      }),
    )
    const text = 'Takk for tilbakemeldingen, Ingrid. Vi har satt inn en ekstra servitør på fredager og lørdager.'
    const reply = await t.call('POST', `/v1/mentions/${mention.id}/replies`, { body: { text } })
    expect(reply.status, JSON.stringify(reply.data)).toBe(201)
    expect(reply.data).toMatchObject({ status: 'sent', text, url: null, error: null })
    expect(puts).toEqual([{ auth: BEARER, body: { comment: text } }])
    const [row] = await t.sql`SELECT external_id FROM mention_replies WHERE id = ${reply.data.id}`
    expect(row.external_id).toBe(`${INGRID}/reply/2026-03-03T12:41:07.582913Z`)

    // Longer than Google takes: refused before anything is sent.
    const long = await t.call('POST', `/v1/mentions/${mention.id}/replies`, { body: { text: '好'.repeat(1351) } })
    expect(long.status).toBe(400)
    expect(puts).toHaveLength(1)
  })

  it('stops polling for good when Google no longer takes the refresh token, and says to grant access again', async () => {
    server.use(tokenEndpoint(() => HttpResponse.json(jsonFixture('googlebusiness', 'token-invalid-grant.json'), { status: 400 })))
    const created = await t.call('POST', '/v1/sources', { body: { kind: 'googlebusiness', name: 'Acme Bistro revoked', config } })
    expect((await t.call('POST', `/v1/sources/${created.data.id}/run`)).data).toMatchObject({ status: 'error' })
    const source = (await t.call('GET', `/v1/sources/${created.data.id}`)).data
    expect(source.status).toBe('disabled')
    expect(source.disabledReason).toContain('invalid_grant')
    expect(source.disabledReason).toMatch(/grant earshot access .* again/)
    expect(leaks(source)).toBe(false)
  })
})
