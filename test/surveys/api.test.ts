import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createApp } from '../../src/app.ts'
import { closeFinishedSurveys } from '../../src/surveys/surveys.ts'
import { createTestApp } from '../helpers/app.ts'

const t = await createTestApp()
const ORIGIN = 'https://shop.example'

async function newSurvey(body: Record<string, unknown> = {}) {
  const res = await t.call('POST', '/v1/surveys', { body: { kind: 'nps', question: 'How likely are you to recommend us?', allowedOrigins: [ORIGIN], ...body } })
  expect(res.status).toBe(201)
  return res.data as { id: string; publicKey: string; kind: string }
}

const post = (key: string, body: unknown, headers: Record<string, string> = { origin: ORIGIN }) =>
  t.call('POST', `/s/${key}/responses`, { key: null, body, headers })

const count = async (surveyId: string) => (await t.sql`SELECT count(*)::int AS n FROM survey_responses WHERE survey_id = ${surveyId}`)[0].n

describe('survey management', () => {
  it('creates a survey with a public key and a ready-to-paste snippet, never echoing the identity secret', async () => {
    const res = await t.call('POST', '/v1/surveys', {
      body: { kind: 'csat', question: 'How satisfied are you?', allowedOrigins: ['https://a.example/path'], identitySecret: 'a-long-identity-secret', followUp: { unsatisfied: 'What went wrong?' } },
    })
    expect(res.status).toBe(201)
    expect(res.data).toMatchObject({
      kind: 'csat', status: 'active', locale: 'en', allowedOrigins: ['https://a.example'], hasIdentitySecret: true, fatigueDays: 30,
      display: { delaySeconds: 0, onceEveryDays: 30, samplePercent: 100, pages: [], excludePages: [] },
      thanks: null, appearance: { accent: '#0969da', position: 'bottom-right' }, closesAt: null, maxResponses: null,
    })
    expect(res.data.publicKey).toMatch(/^sv_[A-Za-z0-9_-]{24}$/)
    expect(res.data.embedSnippet).toBe(`<script src="http://localhost/embed.js" data-survey="${res.data.publicKey}" async></script>`)
    expect(JSON.stringify(res.data)).not.toContain('a-long-identity-secret')
    const got = await t.call('GET', `/v1/surveys/${res.data.id}`)
    expect(JSON.stringify(got.data)).not.toContain('a-long-identity-secret')
    expect((await t.call('GET', '/v1/surveys')).data.items.map((s: { id: string }) => s.id)).toContain(res.data.id)
  })

  it('rejects unknown fields, bands of another kind, bad origins and bad ids with 400', async () => {
    const base = { kind: 'nps', question: 'Q?' }
    expect((await t.call('POST', '/v1/surveys', { body: { ...base, extra: 1 } })).status).toBe(400)
    expect((await t.call('POST', '/v1/surveys', { body: { ...base, followUp: { easy: 'x' } } })).status).toBe(400)
    expect((await t.call('POST', '/v1/surveys', { body: { ...base, allowedOrigins: ['javascript:alert(1)'] } })).status).toBe(400)
    expect((await t.call('POST', '/v1/surveys', { body: { ...base, locale: 'xx' } })).status).toBe(400)
    expect((await t.call('GET', '/v1/surveys/not-a-uuid')).status).toBe(400)
  })

  it('lets viewers read but only admins change surveys', async () => {
    const s = await newSurvey()
    const viewer = await t.keyFor('viewer')
    expect((await t.call('GET', `/v1/surveys/${s.id}`, { key: viewer })).status).toBe(200)
    expect((await t.call('POST', '/v1/surveys', { key: viewer, body: { kind: 'nps', question: 'Q?' } })).status).toBe(403)
    expect((await t.call('PATCH', `/v1/surveys/${s.id}`, { key: viewer, body: { status: 'paused' } })).status).toBe(403)
  })

  it('hides another workspace’s surveys behind 404', async () => {
    const s = await newSurvey()
    const other = await t.call('POST', '/v1/workspaces', { body: { name: 'survey-other' } })
    expect((await t.call('GET', `/v1/surveys/${s.id}`, { key: other.data.key })).status).toBe(404)
    expect((await t.call('GET', `/v1/surveys/${s.id}/results`, { key: other.data.key })).status).toBe(404)
    expect((await t.call('POST', `/v1/surveys/${s.id}/responses`, { key: other.data.key, body: [{ score: 1 }] })).status).toBe(404)
    expect((await t.call('DELETE', `/v1/surveys/${s.id}`, { key: other.data.key })).status).toBe(404)
  })

  it('pausing takes effect on the public endpoint at once (410), and deleting answers 404', async () => {
    const s = await newSurvey()
    expect((await post(s.publicKey, { score: 9 })).status).toBe(201)
    const paused = await t.call('PATCH', `/v1/surveys/${s.id}`, { body: { status: 'paused', display: { samplePercent: 50 } } })
    expect(paused.data).toMatchObject({ status: 'paused', display: { samplePercent: 50, onceEveryDays: 30 } })
    expect((await post(s.publicKey, { score: 9 })).status).toBe(410)
    expect((await t.call('GET', `/s/${s.publicKey}`, { key: null })).status).toBe(410)
    expect((await t.call('DELETE', `/v1/surveys/${s.id}`)).status).toBe(204)
    expect((await post(s.publicKey, { score: 9 })).status).toBe(404)
  })

  it('takes its own accent colour, corner and thank-you (per language too), refusing a colour white text cannot be read on', async () => {
    const s = await newSurvey({ appearance: { accent: '#1A7F37', position: 'bottom-left' }, thanks: 'Takk! Vi leser alt.', locale: 'no', translations: { en: { question: 'Recommend us?', thanks: 'Thanks, we read every answer.' } } })
    const config = async (lang: string) => (await t.call('GET', `/s/${s.publicKey}/config?lang=${lang}`, { key: null, headers: { origin: ORIGIN } })).data
    expect((await config('no')).appearance).toEqual({ accent: '#1a7f37', position: 'bottom-left' })
    expect((await config('no')).strings.thanks).toBe('Takk! Vi leser alt.')
    expect((await config('en')).strings.thanks).toBe('Thanks, we read every answer.')
    for (const accent of ['#ffff00', '#7fbfff', 'red', '#12345']) {
      const res = await t.call('PATCH', `/v1/surveys/${s.id}`, { body: { appearance: { accent } } })
      expect(res.status, accent).toBe(400)
    }
    expect(JSON.stringify((await t.call('PATCH', `/v1/surveys/${s.id}`, { body: { appearance: { accent: '#ffff00' } } })).data.error.details)).toContain('4.5:1')
    // Unchanged by a refused change, and a change of the colour keeps the corner.
    expect((await t.call('GET', `/v1/surveys/${s.id}`)).data.appearance).toEqual({ accent: '#1a7f37', position: 'bottom-left' })
    expect((await t.call('PATCH', `/v1/surveys/${s.id}`, { body: { appearance: { accent: '#6639ba' } } })).data.appearance).toEqual({ accent: '#6639ba', position: 'bottom-left' })
    // A survey without its own thank-you says the built-in one.
    const plain = await newSurvey()
    expect((await t.call('GET', `/s/${plain.publicKey}/config`, { key: null, headers: { origin: ORIGIN } })).data.strings.thanks).toBe('Thank you for your feedback!')
  })

  it('closes itself at closesAt or once it has maxResponses answers: paused by the tick, 410 to the public after', async () => {
    const past = new Date(Date.now() - 60_000).toISOString()
    expect((await t.call('POST', '/v1/surveys', { body: { kind: 'nps', question: 'Q?', closesAt: past } })).status).toBe(400)
    const inAWeek = new Date(Date.now() + 7 * 86_400_000)
    const capped = await newSurvey({ maxResponses: 2, closesAt: inAWeek.toISOString() })
    const dated = await newSurvey({ closesAt: inAWeek.toISOString() })
    expect((await post(capped.publicKey, { score: 9 })).status).toBe(201)
    expect(await closeFinishedSurveys(t.deps, new Date())).toBe(0)
    expect((await post(capped.publicKey, { score: 3 })).status).toBe(201)
    expect(await closeFinishedSurveys(t.deps, new Date())).toBe(1)
    expect((await t.call('GET', `/v1/surveys/${capped.id}`)).data.status).toBe('paused')
    expect((await t.call('PATCH', `/v1/surveys/${capped.id}`, { body: { status: 'active' } })).status).toBe(400)
    expect((await t.call('PATCH', `/v1/surveys/${capped.id}`, { body: { status: 'active', maxResponses: 3 } })).data.status).toBe('active')
    await t.call('PATCH', `/v1/surveys/${capped.id}`, { body: { status: 'paused' } })
    // A server whose survey cache is fresh refuses it at once; this one's within its 5-second cache.
    const fresh = createApp(t.deps)
    const answer = (key: string) => fresh.request(`/s/${key}/responses`, { method: 'POST', headers: { 'content-type': 'application/json', origin: ORIGIN }, body: JSON.stringify({ score: 8 }) })
    expect((await answer(capped.publicKey)).status).toBe(410)
    expect((await answer(dated.publicKey)).status).toBe(201)
    expect(await closeFinishedSurveys(t.deps, new Date(inAWeek.getTime() + 1000))).toBe(1)
    expect((await t.call('GET', `/v1/surveys/${dated.id}`)).data.status).toBe('paused')
    // Taking answers again needs a closing time still ahead.
    expect((await t.call('PATCH', `/v1/surveys/${dated.id}`, { body: { status: 'active' } })).status).toBe(200)
    t.deps.clock = () => new Date(inAWeek.getTime() + 2000)
    try {
      expect((await t.call('PATCH', `/v1/surveys/${dated.id}`, { body: { status: 'active' } })).status).toBe(400)
      expect((await t.call('PATCH', `/v1/surveys/${dated.id}`, { body: { status: 'active', closesAt: null } })).data).toMatchObject({ status: 'active', closesAt: null })
    } finally {
      t.deps.clock = () => new Date()
    }
  })

  it('changes the display rules it is given and keeps the others, pages included', async () => {
    const s = await newSurvey({ display: { onceEveryDays: 7, delaySeconds: 3, pages: ['/pricing', ' /account/* '], excludePages: ['/account/billing'] } })
    expect((await t.call('GET', `/v1/surveys/${s.id}`)).data.display).toEqual({
      delaySeconds: 3, onceEveryDays: 7, samplePercent: 100, pages: ['/pricing', '/account/*'], excludePages: ['/account/billing'],
    })
    const patched = await t.call('PATCH', `/v1/surveys/${s.id}`, { body: { display: { samplePercent: 50 } } })
    expect(patched.data.display).toEqual({ delaySeconds: 3, onceEveryDays: 7, samplePercent: 50, pages: ['/pricing', '/account/*'], excludePages: ['/account/billing'] })
    const config = await t.call('GET', `/s/${s.publicKey}/config`, { key: null, headers: { origin: ORIGIN } })
    expect(config.data.display).toMatchObject({ pages: ['/pricing', '/account/*'], excludePages: ['/account/billing'] })
    for (const pages of [['pricing'], ['https://shop.example/pricing'], ['/a b'], Array.from({ length: 21 }, (_, i) => `/p${i}`)]) {
      expect((await t.call('PATCH', `/v1/surveys/${s.id}`, { body: { display: { pages } } })).status, JSON.stringify(pages)).toBe(400)
    }
    expect((await t.call('PATCH', `/v1/surveys/${s.id}`, { body: { display: { bogus: 1 } } })).status).toBe(400)
  })
})

describe('public responses', () => {
  it('stores a response from an allowed origin with CORS headers and enrichment of the comment', async () => {
    const s = await newSurvey()
    const res = await post(s.publicKey, { score: 2, comment: 'The export keeps crashing and support never answers', page: 'https://shop.example/cart' })
    expect(res.status).toBe(201)
    expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN)
    expect(res.data.token).toMatch(/^[0-9a-f]{64}$/)
    const [row] = await t.sql`SELECT * FROM survey_responses WHERE id = ${res.data.id}`
    expect(row).toMatchObject({ score: 2, comment: 'The export keeps crashing and support never answers', channel: 'embed', page: 'https://shop.example/cart' })
    expect(row.sentiment_label).not.toBeNull()
    expect(Array.isArray(row.intents) && Array.isArray(row.pii)).toBe(true)
    expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/)
    expect(row.token_hash).not.toBe(res.data.token)
  })

  it('accepts the longest comment the embed allows even in a 3-byte script', async () => {
    const s = await newSurvey()
    const res = await post(s.publicKey, { score: 8, comment: '很'.repeat(2000), page: 'https://shop.example/' + 'p'.repeat(500) })
    expect(res.status).toBe(201)
  })

  it('answers a preflight only for allowed origins and refuses requests from others, storing nothing', async () => {
    const s = await newSurvey()
    const ok = await t.app.request(`/s/${s.publicKey}/responses`, { method: 'OPTIONS', headers: { origin: ORIGIN, 'access-control-request-method': 'POST' } })
    expect(ok.headers.get('access-control-allow-origin')).toBe(ORIGIN)
    expect(ok.headers.get('access-control-allow-methods')).toContain('POST')
    const evil = await t.app.request(`/s/${s.publicKey}/responses`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } })
    expect(evil.headers.get('access-control-allow-origin')).toBeNull()
    const refused = await post(s.publicKey, { score: 9 }, { origin: 'https://evil.example' })
    expect(refused.status).toBe(403)
    expect(refused.headers.get('access-control-allow-origin')).toBeNull()
    expect(await count(s.id)).toBe(0)
  })

  it('rejects malformed, out-of-range, oversized, unknown-field and wrong-type bodies with clean 4xx and stores nothing', async () => {
    const s = await newSurvey()
    const outOfRange = await post(s.publicKey, { score: 11 })
    expect(outOfRange.status).toBe(400)
    expect(outOfRange.headers.get('access-control-allow-origin')).toBe(ORIGIN)
    expect(outOfRange.headers.get('vary')).toBe('Origin')
    expect((await post(s.publicKey, { score: -1 })).status).toBe(400)
    expect((await post(s.publicKey, { score: 7.5 })).status).toBe(400)
    expect((await post(s.publicKey, { score: '9' })).status).toBe(400)
    expect((await post(s.publicKey, { score: 9, admin: true })).status).toBe(400)
    expect((await post(s.publicKey, { score: 9, comment: 'nul \u0000 byte' })).status).toBe(400)
    expect((await post(s.publicKey, '{"score": 9')).status).toBe(400)
    const big = await post(s.publicKey, { score: 5, comment: 'x'.repeat(20_000) })
    expect(big.status).toBe(413)
    expect(big.headers.get('access-control-allow-origin')).toBe(ORIGIN)
    // Without Content-Length the body is counted as it streams.
    const chunks = new TextEncoder().encode(JSON.stringify({ score: 5, comment: 'y'.repeat(20_000) }))
    const streamed = await t.app.request(`/s/${s.publicKey}/responses`, {
      method: 'POST',
      headers: { origin: ORIGIN, 'content-type': 'application/json' },
      body: new ReadableStream({ start: (c) => (c.enqueue(chunks), c.close()) }),
      duplex: 'half',
    } as RequestInit)
    expect(streamed.status).toBe(413)
    const text = await t.call('POST', `/s/${s.publicKey}/responses`, { key: null, raw: 'score=9', headers: { origin: ORIGIN, 'content-type': 'text/plain' } })
    expect(text.status).toBe(415)
    expect((await post('sv_nope', { score: 9 })).status).toBe(404)
    expect(await count(s.id)).toBe(0)
  })

  it('links a correctly signed identity to its customer and rejects a forged one', async () => {
    const secret = 'identity-secret-0123456789'
    const s = await newSurvey({ identitySecret: secret })
    const [customer] = await t.sql`INSERT INTO customers (workspace_id, email, plan) VALUES (${t.workspaceId}, 'Ops@Alice.test', 'pro') RETURNING id`
    const sig = createHmac('sha256', secret).update('ops@alice.test').digest('hex')
    const forged = await post(s.publicKey, { score: 3, user: 'ops@alice.test', signature: 'deadbeef' })
    expect(forged.status).toBe(403)
    const wrongKey = createHmac('sha256', 'another-secret-entirely').update('ops@alice.test').digest('hex')
    expect((await post(s.publicKey, { score: 3, user: 'ops@alice.test', signature: wrongKey })).status).toBe(403)
    expect((await post(s.publicKey, { score: 3, user: 'someone@else.test', signature: sig })).status).toBe(403)
    expect((await post(s.publicKey, { score: 3, signature: sig })).status).toBe(400)
    expect(await count(s.id)).toBe(0)
    const signed = await post(s.publicKey, { score: 2, user: 'ops@alice.test', signature: sig.toUpperCase() })
    expect(signed.status).toBe(201)
    const [row] = await t.sql`SELECT customer_id, customer_match, respondent FROM survey_responses WHERE id = ${signed.data.id}`
    expect(row).toEqual({ customer_id: customer.id, customer_match: 'signed_identity', respondent: 'ops@alice.test' })
  })

  it('refuses signatures on a survey without an identity secret', async () => {
    const s = await newSurvey()
    const sig = createHmac('sha256', 'whatever-secret-123').update('u1').digest('hex')
    expect((await post(s.publicKey, { score: 3, user: 'u1', signature: sig })).status).toBe(400)
  })

  it('pretends to accept a bot that fills the honeypot but stores nothing', async () => {
    const s = await newSurvey()
    const res = await post(s.publicKey, { score: 10, website: 'http://spam.example' })
    expect(res.status).toBe(201)
    expect(await count(s.id)).toBe(0)
  })

  it('reads urgency in comments, given at once or added after the score, and lists it', async () => {
    const s = await newSurvey()
    const urgent = await post(s.publicKey, { score: 2, comment: "I can't log in since Monday, urgent" })
    const calm = await post(s.publicKey, { score: 9 })
    const patched = await t.call('PATCH', `/s/${s.publicKey}/responses/${calm.data.id}`, { key: null, headers: { origin: ORIGIN }, body: { token: calm.data.token, comment: 'Charged me twice this month' } })
    expect([urgent.status, calm.status, patched.status]).toEqual([201, 201, 200])
    const bare = await post(s.publicKey, { score: 5 })
    const listed = (await t.call('GET', `/v1/surveys/${s.id}/responses`)).data.items as { id: string; urgent: boolean }[]
    expect(Object.fromEntries(listed.map((r) => [r.id, r.urgent]))).toEqual({ [urgent.data.id]: true, [calm.data.id]: true, [bare.data.id]: false })
    const csv = (await t.call('GET', `/v1/surveys/${s.id}/responses?format=csv`)).data as string
    expect(csv.split('\r\n')[0]).toContain(',urgent,')
  })

  it('adds a comment to the score already given with the returned token, once per token and survey', async () => {
    const s = await newSurvey()
    const first = await post(s.publicKey, { score: 4 })
    const path = `/s/${s.publicKey}/responses/${first.data.id}`
    expect((await t.call('PATCH', path, { key: null, headers: { origin: ORIGIN }, body: { token: 'x'.repeat(32), comment: 'hi' } })).status).toBe(404)
    const patched = await t.call('PATCH', path, { key: null, headers: { origin: ORIGIN }, body: { token: first.data.token, comment: 'Too slow to load' } })
    expect(patched.status).toBe(200)
    expect(await count(s.id)).toBe(1)
    const [row] = await t.sql`SELECT score, comment, sentiment_label FROM survey_responses WHERE id = ${first.data.id}`
    expect(row).toMatchObject({ score: 4, comment: 'Too slow to load' })
    expect(row.sentiment_label).not.toBeNull()
    const other = await newSurvey()
    expect((await t.call('PATCH', `/s/${other.publicKey}/responses/${first.data.id}`, { key: null, body: { token: first.data.token, comment: 'x' } })).status).toBe(404)
    await t.sql`UPDATE survey_responses SET created_at = now() - interval '31 minutes' WHERE id = ${first.data.id}`
    expect((await t.call('PATCH', path, { key: null, body: { token: first.data.token, comment: 'late' } })).status).toBe(404)
  })

  it('rate-limits a flood from one client per survey with 429 and Retry-After, storing only what it accepted', async () => {
    const s = await newSurvey()
    const flood = await Promise.all(Array.from({ length: 60 }, () => post(s.publicKey, { score: 7 })))
    const accepted = flood.filter((r) => r.status === 201).length
    const limited = flood.filter((r) => r.status === 429)
    expect(accepted + limited.length).toBe(60)
    expect(limited.length).toBeGreaterThan(0)
    expect(Number(limited[0].headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    // The embed on the allowed origin can read the refusal.
    expect(limited[0].headers.get('access-control-allow-origin')).toBe(ORIGIN)
    expect(await count(s.id)).toBe(accepted)
    // another survey has its own budget
    const fresh = await newSurvey()
    expect((await post(fresh.publicKey, { score: 7 })).status).toBe(201)
  })

  it('counts every address of an IPv6 /64 as one client, so rotating addresses does not escape the limit', async () => {
    const app = createApp({ ...t.deps, clientIp: (c) => c.req.header('x-client-ip') })
    const s = await newSurvey()
    const from = (ip: string) =>
      app.request(`/s/${s.publicKey}/responses`, { method: 'POST', headers: { 'content-type': 'application/json', origin: ORIGIN, 'x-client-ip': ip }, body: JSON.stringify({ score: 9 }) })
    const rotating = await Promise.all(Array.from({ length: 30 }, (_, i) => from(`2001:db8:1:2::${(i + 1).toString(16)}`)))
    expect(rotating.filter((r) => r.status === 429).length).toBeGreaterThan(0)
    expect((await from('2001:db8:1:3::1')).status).toBe(201)
  })
})

describe('embed assets', () => {
  it('serves embed.js as small JavaScript and the hosted page as HTML with a CSP', async () => {
    const s = await newSurvey({ question: 'Would you <b>recommend</b> us?' })
    const js = await t.app.request('/embed.js')
    expect(js.headers.get('content-type')).toMatch(/javascript/)
    const { gzipSync } = await import('node:zlib')
    expect(gzipSync(Buffer.from(await js.text())).length).toBeLessThanOrEqual(10 * 1024)
    const page = await t.app.request(`/s/${s.publicKey}?score=10`)
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toMatch(/html/)
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'")
    const html = await page.text()
    expect(html).toContain('data-score="10"')
    expect(html).toContain('Would you &lt;b&gt;recommend&lt;/b&gt; us?')
    expect((await t.app.request('/s/sv_missing')).status).toBe(404)
  })

  it('gives the embed its config in the survey locale, only to allowed origins', async () => {
    const s = await newSurvey({ locale: 'de', followUp: { detractor: 'Was können wir besser machen?' } })
    const cfg = await t.call('GET', `/s/${s.publicKey}/config`, { key: null, headers: { origin: ORIGIN } })
    expect(cfg.status).toBe(200)
    expect(cfg.data).toMatchObject({ kind: 'nps', min: 0, max: 10, lang: 'de', strings: { send: 'Senden', low: 'Überhaupt nicht wahrscheinlich' } })
    expect(cfg.data.bands[0]).toEqual({ lo: 0, hi: 6, prompt: 'Was können wir besser machen?' })
    expect(cfg.data.bands[2].prompt).toContain('Grund')
    expect(JSON.stringify(cfg.data)).not.toMatch(/identity|workspace/i)
    expect((await t.call('GET', `/s/${s.publicKey}/config`, { key: null, headers: { origin: 'https://evil.example' } })).status).toBe(403)
  })

  it('asks happy respondents for a public review at the survey\'s https review link, in their language', async () => {
    const s = await newSurvey()
    expect((await t.call('PATCH', `/v1/surveys/${s.id}`, { body: { reviewLink: 'http://g.page/r/acme/review' } })).status).toBe(400)
    expect((await t.call('PATCH', `/v1/surveys/${s.id}`, { body: { reviewLink: 'javascript:alert(1)' } })).status).toBe(400)
    const set = await t.call('PATCH', `/v1/surveys/${s.id}`, { body: { reviewLink: 'https://g.page/r/acme/review' } })
    expect(set.data.reviewLink).toBe('https://g.page/r/acme/review')
    const cfg = await t.call('GET', `/s/${s.publicKey}/config?lang=no`, { key: null, headers: { origin: ORIGIN } })
    expect(cfg.data.review).toEqual({ url: 'https://g.page/r/acme/review', from: 9 })
    const csat = await newSurvey({ kind: 'csat', question: 'Happy?', reviewLink: 'https://www.trustpilot.com/evaluate/acme.example' })
    expect((await t.call('GET', `/s/${csat.publicKey}/config`, { key: null, headers: { origin: ORIGIN } })).data.review).toEqual({ url: 'https://www.trustpilot.com/evaluate/acme.example', from: 4 })

    // The embed's link goes through earshot, which counts the answer as followed once and sends the browser on.
    const answers = await t.call('POST', `/v1/surveys/${s.id}/responses`, { body: [{ score: 10 }, { score: 9 }, { score: 3 }] })
    expect(answers.data.inserted).toBe(3)
    const [promoter] = await t.sql<{ id: string }[]>`SELECT id FROM survey_responses WHERE survey_id = ${s.id} AND score = 10`
    for (let i = 0; i < 2; i++) {
      const res = await t.app.request(`/s/${s.publicKey}/review?response=${promoter.id}`)
      expect([res.status, res.headers.get('location')]).toEqual([302, 'https://g.page/r/acme/review'])
    }
    const other = await newSurvey()
    const [theirs] = await t.sql<{ id: string }[]>`SELECT id FROM survey_responses WHERE survey_id = ${s.id} AND score = 9`
    // Neither another survey's address nor an odd id moves a count; a survey without a link has no such address.
    expect((await t.app.request(`/s/${s.publicKey}/review?response=not-an-id`)).status).toBe(302)
    expect((await t.app.request(`/s/${other.publicKey}/review?response=${theirs.id}`)).status).toBe(404)
    const results = await t.call('GET', `/v1/surveys/${s.id}/results`)
    expect(results.data.reviews).toEqual({ asked: 2, followed: 1 })

    expect((await t.call('PATCH', `/v1/surveys/${s.id}`, { body: { reviewLink: null } })).data.reviewLink).toBeNull()
    expect((await t.call('GET', `/s/${s.publicKey}/config`, { key: null, headers: { origin: ORIGIN } })).data.review).toBeUndefined()
    expect((await t.app.request(`/s/${s.publicKey}/review?response=${promoter.id}`)).status).toBe(404)
  })
})
