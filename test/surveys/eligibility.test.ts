import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createTestApp } from '../helpers/app.ts'

const t = await createTestApp()
const ORIGIN = 'https://shop.example'
const SECRET = 'eligibility-secret-0123'

async function newSurvey(body: Record<string, unknown> = {}) {
  const res = await t.call('POST', '/v1/surveys', { body: { kind: 'nps', question: 'Q?', allowedOrigins: [ORIGIN], identitySecret: SECRET, ...body } })
  expect(res.status).toBe(201)
  return res.data as { id: string; publicKey: string }
}

const eligible = async (key: string, query: string) => {
  const res = await t.call('GET', `/s/${key}/eligibility?${query}`, { key: null, headers: { origin: ORIGIN } })
  expect(res.status).toBe(200)
  expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN)
  return res.data.eligible as boolean
}
const sign = (user: string) => createHmac('sha256', SECRET).update(user).digest('hex')

describe('survey fatigue', () => {
  it('hides every survey of the workspace from someone who answered one within fatigueDays', async () => {
    const a = await newSurvey()
    const b = await newSurvey()
    expect(await eligible(b.publicKey, 'user=u-1')).toBe(true)
    expect((await t.call('POST', `/s/${a.publicKey}/responses`, { key: null, headers: { origin: ORIGIN }, body: { score: 9, user: 'u-1' } })).status).toBe(201)
    expect(await eligible(b.publicKey, 'user=u-1')).toBe(false)
    expect(await eligible(b.publicKey, 'user=u-2')).toBe(true)
    expect(await eligible(b.publicKey, '')).toBe(true)
    const relaxed = await newSurvey({ fatigueDays: 0 })
    expect(await eligible(relaxed.publicKey, 'user=u-1')).toBe(true)
  })

  it('matches imported responses by email, case-insensitively, and forgets answers older than fatigueDays', async () => {
    const a = await newSurvey()
    const b = await newSurvey({ fatigueDays: 7 })
    const old = new Date(Date.now() - 10 * 86_400_000).toISOString()
    await t.call('POST', `/v1/surveys/${a.id}/responses`, { body: [{ score: 5, email: 'Pat@Corp.test' }, { score: 5, email: 'old@corp.test', respondedAt: old }] })
    expect(await eligible(b.publicKey, 'user=pat@corp.test')).toBe(false)
    expect(await eligible(b.publicKey, 'user=old@corp.test')).toBe(true)
  })

  it('hides surveys from a signed-in customer with an open negative mention, and refuses a forged signature', async () => {
    const s = await newSurvey()
    const [customer] = await t.sql`INSERT INTO customers (workspace_id, email) VALUES (${t.workspaceId}, 'angry@corp.test') RETURNING id`
    expect(await eligible(s.publicKey, `user=angry@corp.test&signature=${sign('angry@corp.test')}`)).toBe(true)
    const [source] = await t.sql`INSERT INTO sources (workspace_id, kind, name) VALUES (${t.workspaceId}, 'api', 'test') RETURNING id`
    const [mention] = await t.sql`
      INSERT INTO mentions (workspace_id, source_id, external_id, kind, body, published_at, content_hash, sentiment_label, status, customer_id)
      VALUES (${t.workspaceId}, ${source.id}, 'm1', 'api', 'Still broken!!', now(), 'h1', 'negative', 'open', ${customer.id}) RETURNING id`
    expect(await eligible(s.publicKey, `user=angry@corp.test&signature=${sign('angry@corp.test')}`)).toBe(false)
    await t.sql`UPDATE mentions SET status = 'resolved' WHERE id = ${mention.id}`
    expect(await eligible(s.publicKey, `user=angry@corp.test&signature=${sign('angry@corp.test')}`)).toBe(true)
    const forged = await t.call('GET', `/s/${s.publicKey}/eligibility?user=angry@corp.test&signature=${sign('someone-else')}`, { key: null, headers: { origin: ORIGIN } })
    expect(forged.status).toBe(403)
  })

  it('says no for a paused survey', async () => {
    const s = await newSurvey()
    await t.call('PATCH', `/v1/surveys/${s.id}`, { body: { status: 'paused' } })
    expect((await t.call('GET', `/s/${s.publicKey}/eligibility?user=u-9`, { key: null, headers: { origin: ORIGIN } })).status).toBe(410)
  })
})
