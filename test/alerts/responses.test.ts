import { describe, expect, it } from 'vitest'
import { evaluatePeriodicAlerts } from '../../src/alerts/periodic.ts'
import type { Deps } from '../../src/deps.ts'
import { createTestApp } from '../helpers/app.ts'
import { postForm, webSession } from '../web/web-session.ts'

const t = await createTestApp()
const at = (ms: number): Deps => ({ ...t.deps, clock: () => new Date(ms) })

async function workspace() {
  const ws = await t.call('POST', '/v1/workspaces', { body: { name: `responses-${crypto.randomUUID()}` } })
  const key = ws.data.key as string
  const survey = async (kind: string, name: string) =>
    (await t.call('POST', '/v1/surveys', { key, body: { kind, name, question: 'How are we doing?', allowedOrigins: ['https://acme.test'] } })).data.id as string
  const answer = (surveyId: string, rows: unknown[]) => t.call('POST', `/v1/surveys/${surveyId}/responses`, { key, body: rows })
  return { key, workspaceId: ws.data.id as string, survey, answer }
}

describe('response alerts', () => {
  it('fire once for each answer in the chosen bands given after they were made, with the answer, to their channels', async () => {
    const ws = await workspace()
    const hook = await t.call('POST', '/v1/webhooks', { key: ws.key, body: { url: 'https://chat.example.com/services/T1/B1/detractors', events: ['mention.created'], format: 'slack' } })
    const nps = await ws.survey('nps', 'Product NPS')
    const csat = await ws.survey('csat', 'Support CSAT')
    await ws.answer(nps, [{ score: 1, comment: 'Before the alert existed' }])
    const alert = await t.call('POST', '/v1/alerts', { key: ws.key, body: { name: 'Unhappy answers', kind: 'response', channels: [hook.data.id] } })
    expect(alert.status, JSON.stringify(alert.data)).toBe(201)
    expect(alert.data).toMatchObject({ kind: 'response', surveyId: null, bands: ['detractor', 'unsatisfied', 'difficult'] })

    await ws.answer(nps, [{ score: 3, comment: 'Export <b>keeps</b> failing', email: 'ana@acme.test' }, { score: 9 }, { score: 7 }])
    await ws.answer(csat, [{ score: 2, comment: 'Slow support' }, { score: 5 }])
    const events = async (id: string) => (await t.call('GET', `/v1/alerts/${id}/events`, { key: ws.key })).data.items as { responseId: string; explanation: { score: number } }[]
    await evaluatePeriodicAlerts(at(Date.now() + 1000))
    const fired = await events(alert.data.id)
    expect(fired.map((e) => e.explanation.score).sort()).toEqual([2, 3])
    expect(fired.every((e) => typeof e.responseId === 'string')).toBe(true)

    const sent = await t.sql<{ body: string }[]>`SELECT body FROM webhook_deliveries WHERE webhook_id = ${hook.data.id} ORDER BY created_at`
    const text = sent.map((d) => JSON.stringify(JSON.parse(d.body).blocks)).join('\n')
    expect(text).toContain('Product NPS: *NPS 3* from ana@acme.test')
    expect(text).toContain('Support CSAT: *CSAT 2*')
    expect(text).toContain('>Export keeps failing')
    expect(text).not.toContain('Before the alert existed')

    // Each answer fires once.
    await evaluatePeriodicAlerts(at(Date.now() + 120_000))
    expect(await events(alert.data.id)).toHaveLength(2)

    const passives = await t.call('POST', '/v1/alerts', { key: ws.key, body: { name: 'NPS passives', kind: 'response', surveyId: nps, bands: ['passive'] } })
    await ws.answer(nps, [{ score: 8 }, { score: 2 }])
    await ws.answer(csat, [{ score: 3 }])
    await evaluatePeriodicAlerts(at(Date.now() + 240_000))
    expect((await events(passives.data.id)).map((e) => e.explanation.score)).toEqual([8])
  })

  it('fire for every urgent answer too when asked, whatever its score', async () => {
    const ws = await workspace()
    const nps = await ws.survey('nps', 'Product NPS')
    const plain = await t.call('POST', '/v1/alerts', { key: ws.key, body: { name: 'Detractors', kind: 'response' } })
    const urgent = await t.call('POST', '/v1/alerts', { key: ws.key, body: { name: 'Detractors and urgent', kind: 'response', urgentAnswers: true } })
    expect([plain.data.urgentAnswers, urgent.data.urgentAnswers]).toEqual([false, true])
    await ws.answer(nps, [{ score: 9, comment: "Love it, but I can't log in since the update, urgent" }, { score: 10, comment: 'Love it' }, { score: 2, comment: 'Meh' }])
    await evaluatePeriodicAlerts(at(Date.now() + 1000))
    const scores = async (id: string) => ((await t.call('GET', `/v1/alerts/${id}/events`, { key: ws.key })).data.items as { explanation: { score: number } }[]).map((e) => e.explanation.score).sort()
    expect(await scores(plain.data.id)).toEqual([2])
    expect(await scores(urgent.data.id)).toEqual([2, 9])
    expect((await t.call('PATCH', `/v1/alerts/${urgent.data.id}`, { key: ws.key, body: { urgentAnswers: false } })).data.urgentAnswers).toBe(false)
  })

  it('send a burst of answers as one message listing them, each answer still firing once', async () => {
    const ws = await workspace()
    const hook = await t.call('POST', '/v1/webhooks', { key: ws.key, body: { url: 'https://chat.example.com/services/T1/B1/burst', events: ['mention.created'], format: 'slack' } })
    const nps = await ws.survey('nps', 'Campaign NPS')
    const alert = await t.call('POST', '/v1/alerts', { key: ws.key, body: { name: 'Campaign detractors', kind: 'response', channels: [hook.data.id] } })
    const burst = Array.from({ length: 12 }, (_, i) => ({ score: i % 7, comment: `Reason <i>${i}</i>`, email: `p${i}@acme.test` }))
    await ws.answer(nps, [...burst, { score: 10 }])
    await evaluatePeriodicAlerts(at(Date.now() + 1000))
    const events = async () => (await t.call('GET', `/v1/alerts/${alert.data.id}/events`, { key: ws.key })).data.items as { responseId: string }[]
    const fired = await events()
    expect(fired).toHaveLength(12)
    expect(new Set(fired.map((e) => e.responseId)).size).toBe(12)

    const deliveries = async () => (await t.sql<{ body: string }[]>`SELECT body FROM webhook_deliveries WHERE webhook_id = ${hook.data.id} ORDER BY created_at`).map((d) => JSON.parse(d.body))
    const [message, ...others] = await deliveries()
    expect(others).toHaveLength(0)
    const blocks = JSON.stringify(message.blocks)
    expect(blocks).toContain('*12 answers*')
    // Answers given together come in no particular order: ten of them are shown, with what the person wrote.
    expect(blocks.match(/Campaign NPS: \*NPS \d\* from p\d+@acme.test/g)).toHaveLength(10)
    expect(blocks.match(/>Reason \d+/g)).toHaveLength(10)
    expect(blocks).toContain('and 2 more')

    // Nothing fires twice; one more answer later goes out on its own.
    await evaluatePeriodicAlerts(at(Date.now() + 120_000))
    expect(await events()).toHaveLength(12)
    await ws.answer(nps, [{ score: 4, comment: 'Late reply' }])
    await evaluatePeriodicAlerts(at(Date.now() + 240_000))
    const all = await deliveries()
    expect(all).toHaveLength(2)
    expect(JSON.stringify(all[1].blocks)).toContain('Campaign NPS: *NPS 4*')
    expect(JSON.stringify(all[1].blocks)).not.toContain('answers*')
  })

  it('can count only the answers of customers worth enough', async () => {
    const ws = await workspace()
    const nps = await ws.survey('nps', 'Enterprise NPS')
    await t.call('POST', '/v1/customers', { key: ws.key, body: { name: 'Big Co', email: 'cto@big.test', value: 50_000 } })
    await t.call('POST', '/v1/customers', { key: ws.key, body: { name: 'Small Co', email: 'owner@small.test', value: 100 } })
    const alert = await t.call('POST', '/v1/alerts', { key: ws.key, body: { name: 'Big accounts unhappy', kind: 'response', minCustomerValue: 10_000 } })
    await ws.answer(nps, [{ score: 2, email: 'cto@big.test' }, { score: 1, email: 'owner@small.test' }, { score: 0 }])
    await evaluatePeriodicAlerts(at(Date.now() + 1000))
    const fired = (await t.call('GET', `/v1/alerts/${alert.data.id}/events`, { key: ws.key })).data.items as { explanation: { score: number } }[]
    expect(fired.map((e) => e.explanation.score)).toEqual([2])
  })

  it('refuses a survey of another workspace and bands that do not exist', async () => {
    const ws = await workspace()
    const other = await workspace()
    const theirs = await other.survey('nps', 'Theirs')
    const make = (body: Record<string, unknown>) => t.call('POST', '/v1/alerts', { key: ws.key, body: { name: 'x', kind: 'response', ...body } })
    expect((await make({ surveyId: theirs })).status).toBe(400)
    expect((await make({ bands: ['grumpy'] })).status).toBe(400)
    expect((await make({ bands: [] })).status).toBe(400)
  })

  it('is made from the alerts page with a survey and bands', async () => {
    const ws = await workspace()
    const nps = await ws.survey('nps', 'Onboarding NPS')
    const s = await webSession(t.app, ws.key, '/app/alerts')
    const page = await (await t.app.request('http://localhost/app/alerts', { headers: { cookie: s.cookie } })).text()
    expect(page).toContain(`<option value="${nps}">Onboarding NPS</option>`)
    const res = await postForm(t.app, s, '/app/alerts', [['name', 'Onboarding detractors'], ['kind', 'response'], ['surveyId', nps], ['bands', 'detractor'], ['urgentAnswers', 'true']])
    expect(res.status).toBe(303)
    const [made] = (await t.call('GET', '/v1/alerts', { key: ws.key })).data.items
    expect(made).toMatchObject({ kind: 'response', surveyId: nps, bands: ['detractor'], urgentAnswers: true })
    const listed = await (await t.app.request('http://localhost/app/alerts', { headers: { cookie: s.cookie } })).text()
    expect(listed).toContain('Each survey answer in chosen bands')
    expect(listed).toContain('detractor and urgent answers of one survey')
  })
})

describe('survey score alerts', () => {
  const DAY = 86_400_000
  const answersOn = (daysAgo: number, scores: number[]) => scores.map((score) => ({ score, respondedAt: new Date(Date.now() - daysAgo * DAY).toISOString() }))

  it("fire once when a survey's score over the window falls below the line, with enough answers, against the week before", async () => {
    const ws = await workspace()
    const hook = await t.call('POST', '/v1/webhooks', { key: ws.key, body: { url: 'https://chat.example.com/services/T1/B1/scores', events: ['mention.created'], format: 'slack' } })
    const nps = await ws.survey('nps', 'Product NPS')
    const alert = await t.call('POST', '/v1/alerts', { key: ws.key, body: { name: 'NPS under 30', kind: 'survey_score', surveyId: nps, belowScore: 30, window: '7d', channels: [hook.data.id] } })
    expect(alert.status, JSON.stringify(alert.data)).toBe(201)
    expect(alert.data).toMatchObject({ kind: 'survey_score', surveyId: nps, belowScore: 30, window: '7d', minCount: 5 })
    // The week before: 6 promoters, 3 passives, 1 detractor = NPS 50.
    await ws.answer(nps, answersOn(10, [9, 10, 9, 10, 9, 10, 7, 8, 7, 2]))
    // Four detractors are too few to speak of.
    await ws.answer(nps, answersOn(2, [0, 3, 5, 6]))
    await evaluatePeriodicAlerts(at(Date.now() + 1000))
    const events = async () => (await t.call('GET', `/v1/alerts/${alert.data.id}/events`, { key: ws.key })).data.items as { explanation: Record<string, unknown> }[]
    expect(await events()).toHaveLength(0)

    await ws.answer(nps, answersOn(1, [4, 9]))
    await evaluatePeriodicAlerts(at(Date.now() + 120_000))
    const [fired, ...more] = await events()
    expect(more).toHaveLength(0)
    expect(fired.explanation).toMatchObject({ observed: -66.67, expected: 50, threshold: 30, anomalous: true, samples: 6, window: '7d', survey: { id: nps, name: 'Product NPS', kind: 'nps' } })
    const [delivery] = await t.sql<{ body: string }[]>`SELECT body FROM webhook_deliveries WHERE webhook_id = ${hook.data.id}`
    expect(JSON.stringify(JSON.parse(delivery.body).blocks)).toContain('Product NPS: NPS -66.67 over 7d from 6 answers · NPS 50 the week before · alert below 30')

    // Still low: the same episode.
    await evaluatePeriodicAlerts(at(Date.now() + 240_000))
    expect(await events()).toHaveLength(1)
    const shown = await t.call('GET', `/v1/alerts/${alert.data.id}`, { key: ws.key })
    expect(shown.data).toMatchObject({ inEpisode: true, lastEvaluation: { observed: -66.67, samples: 6 } })
  })

  it("count only the answers with one property value when asked: the enterprise plan's NPS, its detractors", async () => {
    const ws = await workspace()
    const hook = await t.call('POST', '/v1/webhooks', { key: ws.key, body: { url: 'https://chat.example.com/services/T1/B1/enterprise', events: ['mention.created'], format: 'slack' } })
    const nps = await ws.survey('nps', 'Product NPS')
    const enterprise = { name: 'plan', value: 'enterprise' }
    const score = await t.call('POST', '/v1/alerts', {
      key: ws.key, body: { name: 'Enterprise NPS under 0', kind: 'survey_score', surveyId: nps, belowScore: 0, window: '7d', minCount: 3, answerProperty: enterprise, channels: [hook.data.id] },
    })
    expect(score.status, JSON.stringify(score.data)).toBe(201)
    expect(score.data.answerProperty).toEqual(enterprise)
    const detractors = await t.call('POST', '/v1/alerts', { key: ws.key, body: { name: 'Enterprise detractors', kind: 'response', answerProperty: enterprise } })
    const tagged = (scores: number[], plan: string) => scores.map((score) => ({ score, properties: { plan } }))
    // Everyone else is happy; the enterprise plan's three answers are not: NPS -100 for them, 40 over all.
    await ws.answer(nps, [...tagged([10, 10, 9, 10, 9, 10, 9], 'free'), ...tagged([2, 5, 6], 'enterprise')])
    await evaluatePeriodicAlerts(at(Date.now() + 1000))
    const events = async (id: string) => (await t.call('GET', `/v1/alerts/${id}/events`, { key: ws.key })).data.items as { explanation: Record<string, unknown> }[]
    const [fired] = await events(score.data.id)
    expect(fired.explanation).toMatchObject({ observed: -100, samples: 3, survey: { property: enterprise } })
    const [delivery] = await t.sql<{ body: string }[]>`SELECT body FROM webhook_deliveries WHERE webhook_id = ${hook.data.id}`
    expect(JSON.stringify(JSON.parse(delivery.body).blocks)).toContain('Product NPS (plan: enterprise): NPS -100 over 7d from 3 answers')
    expect((await events(detractors.data.id)).map((e) => e.explanation.score).sort()).toEqual([2, 5, 6])

    const make = (body: Record<string, unknown>) => t.call('POST', '/v1/alerts', { key: ws.key, body: { name: 'x', ...body } })
    expect((await make({ kind: 'spike', answerProperty: enterprise })).status).toBe(400)
    expect((await make({ kind: 'response', answerProperty: { name: 'bad:name', value: 'x' } })).status).toBe(400)
    expect((await t.call('PATCH', `/v1/alerts/${detractors.data.id}`, { key: ws.key, body: { answerProperty: null } })).data.answerProperty).toBeNull()
  })

  it('need a survey of the workspace and a line on its scale; a week is a window for levels only', async () => {
    const ws = await workspace()
    const ces = await ws.survey('ces', 'Checkout effort')
    const make = (body: Record<string, unknown>) => t.call('POST', '/v1/alerts', { key: ws.key, body: { name: 'x', ...body } })
    expect((await make({ kind: 'survey_score', belowScore: 30 })).status).toBe(400)
    expect((await make({ kind: 'survey_score', surveyId: ces })).status).toBe(400)
    const offScale = await make({ kind: 'survey_score', surveyId: ces, belowScore: 30 })
    expect(offScale.status).toBe(400)
    expect(offScale.data.error.message).toContain('between 1 and 7 for a CES survey')
    expect((await make({ kind: 'spike', window: '7d' })).status).toBe(400)
    expect((await make({ kind: 'rating', window: '7d' })).status).toBe(201)
    const ok = await make({ kind: 'survey_score', surveyId: ces, belowScore: 4.5, window: '1d' })
    expect(ok.status).toBe(201)
    expect((await t.call('PATCH', `/v1/alerts/${ok.data.id}`, { key: ws.key, body: { belowScore: 8 } })).status).toBe(400)
    expect((await t.call('PATCH', `/v1/alerts/${ok.data.id}`, { key: ws.key, body: { belowScore: 5, window: '7d' } })).data).toMatchObject({ belowScore: 5, window: '7d' })
    const spike = await make({ kind: 'spike' })
    expect((await t.call('PATCH', `/v1/alerts/${spike.data.id}`, { key: ws.key, body: { window: '7d' } })).status).toBe(400)
  })

  it('are made from the alerts page', async () => {
    const ws = await workspace()
    const csat = await ws.survey('csat', 'Support CSAT')
    const s = await webSession(t.app, ws.key, '/app/alerts')
    const res = await postForm(t.app, s, '/app/alerts', [
      ['name', 'CSAT slipping'], ['kind', 'survey_score'], ['surveyId', csat], ['belowScore', '80'], ['window', '7d'], ['minCount', '10'],
      ['answerPropertyName', 'region'], ['answerPropertyValue', 'Nordics <EU>'],
    ])
    expect(res.status).toBe(303)
    const [made] = (await t.call('GET', '/v1/alerts', { key: ws.key })).data.items
    expect(made).toMatchObject({ kind: 'survey_score', surveyId: csat, belowScore: 80, window: '7d', minCount: 10, answerProperty: { name: 'region', value: 'Nordics <EU>' } })
    const listed = await (await t.app.request('http://localhost/app/alerts', { headers: { cookie: s.cookie } })).text()
    expect(listed).toContain("A survey&#39;s score falls too low")
    expect(listed).toContain('7d, below 80, at least 10 answers')
    expect(listed).toContain('region: Nordics &lt;EU&gt;')
    // A value without its name is a clear error, not an alert on every answer.
    const half = await postForm(t.app, s, '/app/alerts', [['name', 'Half'], ['kind', 'response'], ['answerPropertyValue', 'enterprise']])
    expect(half.status).toBe(400)
  })
})
