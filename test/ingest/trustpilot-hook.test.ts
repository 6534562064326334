import { readFileSync } from 'node:fs'
import { http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { jsonFixture, useMockServer } from '../connectors/harness.ts'
import { createTestApp } from '../helpers/app.ts'

const server = useMockServer()
const t = await createTestApp()
const body = readFileSync(new URL('../fixtures/trustpilot/webhook-reviews.json', import.meta.url), 'utf8')
const SECRET = 'tp-0123456789abcdef0123456789abcdef'

async function trustpilotSource(secret = SECRET) {
  const res = await t.call('POST', '/v1/sources', { body: { kind: 'trustpilot', name: 'Trustpilot', config: { webhookSecret: secret } } })
  expect(res.status, JSON.stringify(res.data)).toBe(201)
  return res.data as { id: string; status: string; config: { webhookSecret: string } }
}

const deliver = (sourceId: string, opts: { token?: string; basic?: string; raw?: string } = {}) =>
  t.call('POST', `/hooks/trustpilot/${sourceId}${opts.token === undefined ? '' : `?token=${encodeURIComponent(opts.token)}`}`, {
    key: null,
    raw: opts.raw ?? body,
    headers: opts.basic ? { authorization: `Basic ${btoa(opts.basic)}` } : {},
  })

describe('POST /hooks/trustpilot/:sourceId', () => {
  it('stores new reviews once, with stars and language, and ignores other events', async () => {
    const source = await trustpilotSource()
    expect(source.status).toBe('push')
    expect(source.config.webhookSecret).not.toContain('0123456789abcdef0123')

    const first = await deliver(source.id, { token: SECRET })
    expect(first.status).toBe(202)
    // The update event and the unreadable review (9 stars, no text) are counted, not stored.
    expect(first.data).toEqual({ inserted: 2, duplicates: 0, edited: 0, ignored: 2 })
    const again = await deliver(source.id, { token: SECRET })
    expect(again.data).toEqual({ inserted: 0, duplicates: 2, edited: 0, ignored: 2 })

    const rows = await t.sql`
      SELECT external_id, url, author_handle, author_name, title, body, rating, lang, platform, sentiment_label
      FROM mentions WHERE source_id = ${source.id} ORDER BY external_id`
    expect(rows).toHaveLength(2)
    expect(rows[0]).toMatchObject({
      url: 'https://www.trustpilot.com/reviews/6750a1c2e77911f2449e0001',
      author_handle: 'Jonas M.',
      // A title that is only the text's opening cut with "…" adds nothing.
      title: null,
      rating: 1,
      lang: 'de',
      platform: 'trustpilot',
      sentiment_label: 'negative',
    })
    expect(rows[1]).toMatchObject({ title: 'Best support I have had', rating: 5, lang: 'en', sentiment_label: 'positive' })
  })

  it('takes the secret as the Basic auth password too, and refuses wrong or missing secrets alike', async () => {
    const source = await trustpilotSource()
    expect((await deliver(source.id, { basic: `trustpilot:${SECRET}` })).data).toMatchObject({ inserted: 2 })

    const other = await trustpilotSource('tp-another-secret-of-enough-length-000')
    for (const attempt of [{}, { token: 'wrong' }, { token: SECRET }, { basic: 'trustpilot:wrong' }]) {
      const res = await deliver(other.id, attempt)
      expect(res.status, JSON.stringify(attempt)).toBe(401)
    }
    // Unknown source, and a source of another kind: the same 401.
    expect((await deliver('00000000-0000-4000-8000-000000000000', { token: SECRET })).status).toBe(401)
    const api = await t.call('POST', '/v1/sources', { body: { kind: 'api', name: 'push' } })
    expect((await deliver(api.data.id, { token: SECRET })).status).toBe(401)
    expect((await t.sql`SELECT count(*)::int AS n FROM mentions WHERE source_id = ${other.id}`)[0].n).toBe(0)
  })

  it('answers bad bodies with 400 or 413 and stores nothing', async () => {
    const source = await trustpilotSource()
    expect((await deliver(source.id, { token: SECRET, raw: '{"events": [' })).status).toBe(400)
    expect((await deliver(source.id, { token: SECRET, raw: '{"reviews": []}' })).status).toBe(400)
    expect((await deliver('not-a-uuid', { token: SECRET })).status).toBe(400)
    expect((await deliver(source.id, { token: SECRET, raw: JSON.stringify({ events: [{ eventName: 'x', eventData: 'y'.repeat(1_100_000) }] }) })).status).toBe(413)
    expect((await t.sql`SELECT count(*)::int AS n FROM mentions WHERE source_id = ${source.id}`)[0].n).toBe(0)
  })

  it('is push-only: no schedule, nothing to run, and a short secret is refused', async () => {
    const source = await trustpilotSource()
    expect((await t.call('POST', `/v1/sources/${source.id}/run`)).status).toBe(400)
    const short = await t.call('POST', '/v1/sources', { body: { kind: 'trustpilot', name: 'x', config: { webhookSecret: 'short' } } })
    expect(short.status).toBe(400)
    const scheduled = await t.call('POST', '/v1/sources', { body: { kind: 'trustpilot', name: 'x', schedule: '*/5 * * * *', config: { webhookSecret: SECRET } } })
    expect(scheduled.status).toBe(400)
  })

  it('answers a review publicly as the business user, with an application token, and keeps a refusal', async () => {
    const res = await t.call('POST', '/v1/sources', {
      body: { kind: 'trustpilot', name: 'Trustpilot replies', config: { webhookSecret: SECRET, apiKey: 'tp-key', apiSecret: 'tp-secret', businessUserId: 'bu-7001' } },
    })
    expect(JSON.stringify(res.data)).not.toContain('tp-secret')
    await deliver(res.data.id, { token: SECRET })
    const [mention] = await t.sql`SELECT id FROM mentions WHERE source_id = ${res.data.id} AND external_id = '6750a1c2e77911f2449e0001'`
    const grants: string[] = []
    let replied: { auth: string | null; body: unknown } | undefined
    let answer = () => new HttpResponse(null, { status: 201 })
    server.use(
      http.post('https://api.trustpilot.com/v1/oauth/oauth-business-users-for-applications/accesstoken', async ({ request }) => {
        expect(request.headers.get('authorization')).toBe(`Basic ${btoa('tp-key:tp-secret')}`)
        grants.push(await request.text())
        return HttpResponse.json(jsonFixture('trustpilot', 'token-client-credentials.json'))
      }),
      http.post('https://api.trustpilot.com/v1/private/reviews/6750a1c2e77911f2449e0001/reply', async ({ request }) => {
        replied = { auth: request.headers.get('authorization'), body: await request.json() }
        return answer()
      }),
    )
    const sent = await t.call('POST', `/v1/mentions/${mention.id}/replies`, { body: { text: 'Thank you for the kind words!' } })
    expect(sent.status, JSON.stringify(sent.data)).toBe(201)
    expect(sent.data).toMatchObject({ status: 'sent', url: 'https://www.trustpilot.com/reviews/6750a1c2e77911f2449e0001' })
    expect(grants).toEqual(['grant_type=client_credentials'])
    expect(replied).toEqual({ auth: 'Bearer AtpBusinessAccessTokenForTests0001', body: { message: 'Thank you for the kind words!', authorBusinessUserId: 'bu-7001' } })

    answer = () => HttpResponse.json({ message: 'Review not found' }, { status: 404 })
    const refused = await t.call('POST', `/v1/mentions/${mention.id}/replies`, { body: { text: 'Again' } })
    expect(refused.status).toBe(502)
    expect(refused.data.error.message).toContain('404')
  })
})
