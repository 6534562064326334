import { readFileSync } from 'node:fs'
import { http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { jsonFixture, useMockServer } from '../connectors/harness.ts'
import { createTestApp } from '../helpers/app.ts'

const server = useMockServer()
const t = await createTestApp()

const UNIT = '5f6a1b2c3d4e5f6a7b8c9d0e'
const REVIEWS = `https://api.trustpilot.com/v1/business-units/${UNIT}/reviews`
const SECRET = 'tp-0123456789abcdef0123456789abcdef'
const polling = { apiKey: 'tpKey4mJ9xQ2vR7s', businessUnitId: UNIT }
const webhookBody = readFileSync(new URL('../fixtures/trustpilot/webhook-reviews.json', import.meta.url), 'utf8')

type Page = { reviews: Record<string, unknown>[] }
const reviewsEndpoint = (page: () => object = () => jsonFixture('trustpilot', 'reviews-page1.json')) =>
  http.get(REVIEWS, ({ request }) => (request.headers.get('apikey') === polling.apiKey ? HttpResponse.json(page()) : HttpResponse.json({ message: 'Unauthorized' }, { status: 401 })))

async function create(name: string, config: Record<string, unknown>, schedule?: string) {
  const res = await t.call('POST', '/v1/sources', { body: { kind: 'trustpilot', name, config, ...(schedule ? { schedule } : {}) } })
  expect(res.status, JSON.stringify(res.data)).toBe(201)
  return res.data as { id: string; status: string; nextRunAt: string | null }
}

const mentionsOf = (sourceId: string) => t.sql`SELECT external_id, lang, rating FROM mentions WHERE source_id = ${sourceId} ORDER BY published_at DESC`

describe('a trustpilot source that polls', () => {
  it('backfills without any webhook, then takes only new reviews, with the replies given in Trustpilot Business', async () => {
    server.use(reviewsEndpoint())
    const source = await create('Trustpilot polled', polling, '*/30 * * * *')
    expect(source.status).toBe('active')
    expect(source.nextRunAt).not.toBeNull()

    const first = await t.call('POST', `/v1/sources/${source.id}/run`)
    expect(first.data).toMatchObject({ status: 'ok', fetched: 4, inserted: 4, duplicates: 0 })
    expect((await mentionsOf(source.id)).map((m) => [m.lang, m.rating])).toEqual([['no', 2], ['en', 5], ['de', 1], ['el', 4]])

    // Nikos's and Priya's reviews were answered in Trustpilot Business: they count as answered, once.
    const answered = (await t.call('GET', `/v1/mentions?source=${source.id}&answered=true`)).data.items
    expect(answered.map((m: { author: { handle: string } }) => m.author.handle).sort()).toEqual(['Priya', 'Νίκος Παπαδόπουλος'])
    const nikos = answered.find((m: { author: { handle: string } }) => m.author.handle === 'Νίκος Παπαδόπουλος')
    expect((await t.call('GET', `/v1/mentions/${nikos.id}/replies`)).data.items).toEqual([
      expect.objectContaining({ author: 'Trustpilot Business', status: 'sent', sentAt: '2026-03-02T19:10:30.000Z' }),
    ])

    // A new review on top: the next run stores only it.
    const newer = jsonFixture('trustpilot', 'reviews-page1.json') as Page
    newer.reviews.unshift({ ...newer.reviews[0], id: '6750c0ffee00112233440055', title: 'Nå fungerer det', text: 'Eksporten virker igjen etter oppdateringen. Takk!', stars: 4, createdAt: '2026-03-03T13:01:00Z' })
    server.use(reviewsEndpoint(() => newer))
    expect((await t.call('POST', `/v1/sources/${source.id}/run`)).data).toMatchObject({ status: 'ok', fetched: 1, inserted: 1, duplicates: 0 })
    expect((await t.call('POST', `/v1/sources/${source.id}/run`)).data).toMatchObject({ status: 'ok', fetched: 0, inserted: 0 })
    expect(await mentionsOf(source.id)).toHaveLength(5)
    expect((await t.call('GET', `/v1/mentions?source=${source.id}&answered=true`)).data.items).toHaveLength(2)
  })

  it('stores a review once when the webhook pushed it before a run listed it', async () => {
    const source = await create('Trustpilot both ways', { ...polling, webhookSecret: SECRET })
    expect(source.status).toBe('active')
    const pushed = await t.call('POST', `/hooks/trustpilot/${source.id}?token=${SECRET}`, { key: null, raw: webhookBody })
    expect(pushed.data).toMatchObject({ inserted: 2, duplicates: 0 })

    server.use(reviewsEndpoint())
    expect((await t.call('POST', `/v1/sources/${source.id}/run`)).data).toMatchObject({ status: 'ok', fetched: 4, inserted: 2, duplicates: 2 })
    const rows = await t.sql`SELECT external_id, count(*)::int AS n FROM mentions WHERE source_id = ${source.id} GROUP BY external_id`
    expect(rows).toHaveLength(4)
    expect(rows.every((r) => r.n === 1)).toBe(true)
    // Priya's review came by webhook unanswered; the run brought the company's reply to it.
    const [priya] = await t.sql`SELECT id FROM mentions WHERE source_id = ${source.id} AND external_id = '6750a1c2e77911f2449e0002'`
    expect((await t.call('GET', `/v1/mentions/${priya.id}/replies`)).data.items).toEqual([expect.objectContaining({ author: 'Trustpilot Business', status: 'sent' })])

    // And pushed again after the run: still once.
    expect((await t.call('POST', `/hooks/trustpilot/${source.id}?token=${SECRET}`, { key: null, raw: webhookBody })).data).toMatchObject({ inserted: 0, duplicates: 2 })
  })

  it('refuses a config with no way in, or with half of what polling needs', async () => {
    for (const config of [{}, { apiKey: polling.apiKey }, { businessUnitId: UNIT }, { ...polling, domain: 'acme-analytics.example' }, { apiKey: polling.apiKey, businessUnitId: 'acme' }]) {
      const res = await t.call('POST', '/v1/sources', { body: { kind: 'trustpilot', name: 'x', config } })
      expect(res.status, JSON.stringify(config)).toBe(400)
      expect(res.data.error.message).toBe('invalid trustpilot config')
    }
    const none = await t.call('POST', '/v1/sources', { body: { kind: 'trustpilot', name: 'x', config: {} } })
    expect(JSON.stringify(none.data.error.details)).toContain('no way in')
  })

  it('stays push-only with the webhook alone, and becomes so when polling is taken out of its config', async () => {
    const pushOnly = await t.call('POST', '/v1/sources', { body: { kind: 'trustpilot', name: 'x', schedule: '*/5 * * * *', config: { webhookSecret: SECRET } } })
    expect(pushOnly.status).toBe(400)
    expect(pushOnly.data.error.message).toContain('only takes pushes')

    const source = await create('Trustpilot switching', { ...polling, webhookSecret: SECRET }, '*/10 * * * *')
    const keepsSchedule = await t.call('PATCH', `/v1/sources/${source.id}`, { body: { config: { webhookSecret: SECRET } } })
    expect(keepsSchedule.status).toBe(400)
    const switched = await t.call('PATCH', `/v1/sources/${source.id}`, { body: { config: { webhookSecret: SECRET }, schedule: null } })
    expect(switched.status, JSON.stringify(switched.data)).toBe(200)
    expect(switched.data).toMatchObject({ status: 'push', nextRunAt: null, schedule: null })
    expect((await t.call('POST', `/v1/sources/${source.id}/run`)).status).toBe(400)

    const back = await t.call('PATCH', `/v1/sources/${source.id}`, { body: { config: { ...polling, webhookSecret: SECRET } } })
    expect(back.data.status).toBe('active')
    expect(back.data.nextRunAt).not.toBeNull()
  })

  it('stops polling with Trustpilot’s reason when it refuses the key or knows no such business unit', async () => {
    server.use(http.get(REVIEWS, () => HttpResponse.json(jsonFixture('trustpilot', 'error-401.json'), { status: 401 })))
    const refused = await create('Trustpilot bad key', polling)
    expect((await t.call('POST', `/v1/sources/${refused.id}/run`)).data).toMatchObject({ status: 'error' })
    const stopped = (await t.call('GET', `/v1/sources/${refused.id}`)).data
    expect(stopped).toMatchObject({ status: 'disabled', nextRunAt: null })
    expect(stopped.disabledReason).toContain('Invalid ApiKey')

    server.use(http.get(REVIEWS, () => HttpResponse.json(jsonFixture('trustpilot', 'error-404.json'), { status: 404 })))
    const unknown = await create('Trustpilot unknown unit', polling)
    await t.call('POST', `/v1/sources/${unknown.id}/run`)
    const gone = (await t.call('GET', `/v1/sources/${unknown.id}`)).data
    expect(gone.status).toBe('disabled')
    expect(gone.disabledReason).toContain('check businessUnitId')
  })

  it('keeps a source polling after a malformed page, to try again', async () => {
    server.use(http.get(REVIEWS, () => new HttpResponse('<html>upstream error</html>', { headers: { 'content-type': 'text/html' } })))
    const source = await create('Trustpilot malformed', polling)
    const run = await t.call('POST', `/v1/sources/${source.id}/run`)
    expect(run.data).toMatchObject({ status: 'error', error: expect.stringContaining('malformed JSON') })
    expect((await t.call('GET', `/v1/sources/${source.id}`)).data).toMatchObject({ status: 'failing', consecutiveFailures: 1 })
  })
})
