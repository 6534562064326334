import { describe, expect, it } from 'vitest'
import type { Mailer } from '../../src/mail/mailer.ts'
import { expirePersonalData } from '../../src/workspaces/retention.ts'
import { ADMIN_KEY, createTestApp } from '../helpers/app.ts'
import { webSession } from '../web/web-session.ts'

const t = await createTestApp()
const ORIGIN = 'https://shop.example'

async function newSurvey() {
  const res = await t.call('POST', '/v1/surveys', { body: { kind: 'nps', question: 'Recommend us?', allowedOrigins: [ORIGIN] } })
  expect(res.status).toBe(201)
  return res.data as { id: string; publicKey: string }
}

const post = (key: string, body: unknown) => t.call('POST', `/s/${key}/responses`, { key: null, body, headers: { origin: ORIGIN } })
const stored = async (id: string) => (await t.sql`SELECT properties FROM survey_responses WHERE id = ${id}`)[0].properties
const count = async (surveyId: string) => (await t.sql`SELECT count(*)::int AS n FROM survey_responses WHERE survey_id = ${surveyId}`)[0].n

describe('response properties', () => {
  it('keeps what the page says of an answer as text, and none as NULL', async () => {
    const s = await newSurvey()
    const res = await post(s.publicKey, { score: 9, properties: { plan: 'pro', seats: 25, trial: false, 'Страна': 'Норвегия', 'order id': ' A-1001 ' } })
    expect(res.status).toBe(201)
    expect(await stored(res.data.id)).toEqual({ plan: 'pro', seats: '25', trial: 'false', 'Страна': 'Норвегия', 'order id': 'A-1001' })
    const bare = await post(s.publicKey, { score: 3, properties: {} })
    expect(await stored(bare.data.id)).toBeNull()
    const list = await t.call('GET', `/v1/surveys/${s.id}/responses`)
    expect(list.data.items.map((r: { properties: object }) => r.properties)).toEqual([{}, expect.objectContaining({ plan: 'pro' })])
  })

  it('refuses bad properties with a 400 and stores nothing', async () => {
    const s = await newSurvey()
    const bad = [
      { 'no:colons': 'x' },
      { '': 'x' },
      { ' leading': 'x' },
      { ['n'.repeat(41)]: 'x' },
      { plan: 'x'.repeat(201) },
      { plan: '   ' },
      { plan: { nested: true } },
      { plan: ['a'] },
      { plan: null },
      { plan: 'a\u0000b' },
      Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`p${i}`, 'x'])),
      'plan=pro',
    ]
    for (const properties of bad) {
      const res = await post(s.publicKey, { score: 5, properties })
      expect(res.status, JSON.stringify(properties)).toBe(400)
    }
    expect(await count(s.id)).toBe(0)
    const twenty = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`p${i}`, 'x']))
    expect((await post(s.publicKey, { score: 5, properties: twenty })).status).toBe(201)
  })

  it('segments results by a property and filters the list and export by one', async () => {
    const s = await newSurvey()
    for (const [score, plan] of [[10, 'pro'], [9, 'pro'], [0, 'pro'], [2, 'free'], [3, 'free'], [10, undefined]] as const) {
      expect((await post(s.publicKey, { score, ...(plan ? { properties: { plan, variant: 'B' } } : {}) })).status).toBe(201)
    }
    const byPlan = await t.call('GET', `/v1/surveys/${s.id}/results?segment=property:plan`)
    expect(byPlan.status).toBe(200)
    const scores = Object.fromEntries(byPlan.data.segments.map((g: { value: string | null; nps: { score: number; n: number } }) => [String(g.value), [g.nps.n, g.nps.score]]))
    expect(scores).toEqual({ pro: [3, 33.33], free: [2, -100], null: [1, 100] })

    // Results of one property's answers only: the pro plan's NPS, over time too.
    const proResults = await t.call('GET', `/v1/surveys/${s.id}/results?property=plan:pro&interval=week`)
    expect(proResults.data.nps).toMatchObject({ n: 3, score: 33.33 })
    expect(proResults.data.series.reduce((a: number, p: { nps: { n: number } }) => a + p.nps.n, 0)).toBe(3)
    expect((await t.call('GET', `/v1/surveys/${s.id}/results?property=plan`)).status).toBe(400)

    const pro = await t.call('GET', `/v1/surveys/${s.id}/responses?property=plan:pro`)
    expect(pro.data.items.map((r: { score: number }) => r.score).sort()).toEqual([0, 10, 9].sort())
    expect((await t.call('GET', `/v1/surveys/${s.id}/responses?property=plan:enterprise`)).data.items).toEqual([])
    expect((await t.call('GET', `/v1/surveys/${s.id}/responses?property=plan`)).status).toBe(400)
    expect((await t.call('GET', `/v1/surveys/${s.id}/responses?property=:pro`)).status).toBe(400)

    const csv = await t.call('GET', `/v1/surveys/${s.id}/responses?format=csv&property=plan:free`)
    const [header, ...lines] = String(csv.data).replace(/^\uFEFF/, '').trim().split(/\r\n/)
    expect(header.split(',').slice(-2)).toEqual(['properties.plan', 'properties.variant'])
    expect(lines).toHaveLength(2)
    expect(lines.every((l) => l.endsWith(',free,B'))).toBe(true)
  })

  it('imports properties from JSON and from CSV columns named properties.NAME, as the export writes them', async () => {
    const s = await newSurvey()
    const json = await t.call('POST', `/v1/surveys/${s.id}/responses`, {
      body: [{ score: 8, properties: { plan: 'pro', region: 'EU' } }, { score: 4, properties: { 'bad:name': 'x' } }, { score: 6 }],
    })
    expect(json.data).toEqual({ inserted: 2, rejected: [{ index: 1, reason: expect.stringMatching(/^properties/) }] })
    const csv = 'score,comment,properties.plan,properties.Region\r\n7,"Fine",free,APAC\r\n10,,,\r\n'
    const imported = await t.call('POST', `/v1/surveys/${s.id}/responses`, { raw: csv, headers: { 'content-type': 'text/csv' } })
    expect(imported.data).toEqual({ inserted: 2, rejected: [] })
    const rows = await t.sql`SELECT score, properties FROM survey_responses WHERE survey_id = ${s.id} ORDER BY score`
    expect(rows).toEqual([
      { score: 6, properties: null },
      { score: 7, properties: { plan: 'free', Region: 'APAC' } },
      { score: 8, properties: { plan: 'pro', region: 'EU' } },
      { score: 10, properties: null },
    ])
  })

  it("puts an invitation's properties on the answer given through its link, the page's own over them", async () => {
    const s = await newSurvey()
    t.deps.mail = { send: async () => {}, close: () => {} } satisfies Mailer
    try {
      const queued = await t.call('POST', `/v1/surveys/${s.id}/sends`, {
        body: { recipients: [{ email: 'ana@acme.test', properties: { order: 'A-77', plan: 'free' } }, { email: 'bo@acme.test', properties: { 'bad:name': 1 } }] },
      })
      expect(queued.status).toBe(400)
      const ok = await t.call('POST', `/v1/surveys/${s.id}/sends`, { body: { recipients: [{ email: 'ana@acme.test', properties: { order: 'A-77', plan: 'free' } }] } })
      expect(ok.status).toBe(202)
    } finally {
      delete t.deps.mail
    }
    const token = 'c'.repeat(64)
    await t.sql`UPDATE survey_sends SET status = 'sent', token_hash = encode(sha256(convert_to(${token}, 'UTF8')), 'hex') WHERE survey_id = ${s.id}`
    const answer = await post(s.publicKey, { score: 10, send: token, properties: { plan: 'pro' } })
    expect(answer.status).toBe(201)
    expect(await stored(answer.data.id)).toEqual({ order: 'A-77', plan: 'pro' })
  })

  it('sends properties with the survey_response.created webhook', async () => {
    const hook = await t.call('POST', '/v1/webhooks', { body: { url: 'https://hooks.example/props', events: ['survey_response.created'] } })
    const s = await newSurvey()
    const res = await post(s.publicKey, { score: 7, properties: { plan: 'pro' } })
    const [row] = await t.sql`SELECT body FROM webhook_deliveries WHERE webhook_id = ${hook.data.id}`
    expect(JSON.parse(row.body).data).toMatchObject({ id: res.data.id, properties: { plan: 'pro' } })
    await t.call('DELETE', `/v1/webhooks/${hook.data.id}`)
  })

  it('erases properties with the customer, and retention erases them with the rest of an old answer', async () => {
    const s = await newSurvey()
    const [customer] = await t.sql`INSERT INTO customers (workspace_id, email) VALUES (${t.workspaceId}, 'eve@acme.test') RETURNING id`
    const imported = await t.call('POST', `/v1/surveys/${s.id}/responses`, { body: [{ score: 9, email: 'eve@acme.test', properties: { order: 'A-1' } }] })
    expect(imported.data.inserted).toBe(1)
    const exported = await t.call('GET', `/v1/customers/${customer.id}/export`)
    expect(exported.data.surveyResponses[0].properties).toEqual({ order: 'A-1' })
    // The customer's page shows it with the answer.
    const session = await webSession(t.app, ADMIN_KEY, `/app/customers/${customer.id}`)
    const page = await (await t.app.request(`http://localhost/app/customers/${customer.id}`, { headers: { cookie: session.cookie } })).text()
    expect(page).toContain('<bdi>order: A-1</bdi>')
    expect((await t.call('DELETE', `/v1/customers/${customer.id}?erase=true`)).status).toBe(200)
    expect((await t.sql`SELECT properties FROM survey_responses WHERE survey_id = ${s.id}`)[0].properties).toBeNull()

    // An answer whose only personal data is its properties is still erased when it grows old.
    const old = await t.call('POST', `/v1/surveys/${s.id}/responses`, { body: [{ score: 5, respondedAt: '2020-01-01T00:00:00Z', properties: { order: 'A-2' } }] })
    expect(old.data.inserted).toBe(1)
    await t.call('PATCH', '/v1/workspaces/current/settings', { body: { retentionDays: 365 } })
    const erased = await expirePersonalData(t.deps, new Date())
    expect(erased.surveyResponses).toBeGreaterThanOrEqual(1)
    expect(await t.sql`SELECT 1 FROM survey_responses WHERE survey_id = ${s.id} AND properties IS NOT NULL`).toHaveLength(0)
  })

  it('breaks the score down by a property on the survey page, escaping what the page sent', async () => {
    const s = await newSurvey()
    const page = async (query = '') => {
      const session = await webSession(t.app, ADMIN_KEY, `/app/surveys/${s.id}`)
      return (await t.app.request(`http://localhost/app/surveys/${s.id}${query}`, { headers: { cookie: session.cookie } })).text()
    }
    expect(await page()).not.toContain('By property')
    const answers: [number, Record<string, string>, string?][] = [
      [10, { plan: 'pro', variant: 'A' }, 'Fast and clear'],
      [9, { plan: 'pro', variant: '<img src=x onerror=alert(1)>' }],
      [1, { plan: 'free' }, 'Too slow'],
    ]
    for (const [score, properties, comment] of answers) expect((await post(s.publicKey, { score, properties, comment })).status).toBe(201)
    const html = await page()
    const card = html.slice(html.indexOf('id="by-property"'))
    expect(card).toContain('<option value="plan" selected="">plan</option>')
    expect(card).toContain(`<a href="/app/surveys/${s.id}/responses?property=plan&amp;value=free"><bdi>free</bdi></a></td><td class="num">1</td><td class="num">-100</td>`)
    expect(card).toContain(`<a href="/app/surveys/${s.id}/responses?property=plan&amp;value=pro"><bdi>pro</bdi></a></td><td class="num">2</td><td class="num">100</td>`)
    expect(html).toContain('<bdi>plan: pro</bdi> · <bdi>variant: A</bdi>')

    const byVariant = await page('?by=variant')
    expect(byVariant).toContain('&lt;img src=x onerror=alert(1)&gt;')
    expect(byVariant).not.toContain('<img src=x')
    expect(byVariant).toContain('<td><span class="hint">none</span></td><td class="num">1</td>')
    // A name no answer carries falls back to the most used one.
    expect(await page('?by=nope')).toContain('<option value="plan" selected="">plan</option>')
  })
})
