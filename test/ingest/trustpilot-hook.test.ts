import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { createTestApp } from '../helpers/app.ts'

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
    expect(first.data).toEqual({ inserted: 2, duplicates: 0, ignored: 2 })
    const again = await deliver(source.id, { token: SECRET })
    expect(again.data).toEqual({ inserted: 0, duplicates: 2, ignored: 2 })

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
})
