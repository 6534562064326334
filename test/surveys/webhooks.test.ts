import { describe, expect, it } from 'vitest'
import { commitResponses, enrichComment, type ResponseInsert } from '../../src/surveys/responses.ts'
import { createTestApp } from '../helpers/app.ts'

const t = await createTestApp()
const ORIGIN = 'https://shop.example'

describe('survey_response.created', () => {
  it('is queued for subscribed webhooks when a response is committed, publicly or by import', async () => {
    const hook = await t.call('POST', '/v1/webhooks', { body: { url: 'https://hooks.example/in', events: ['survey_response.created'] } })
    expect(hook.status).toBe(201)
    const survey = await t.call('POST', '/v1/surveys', { body: { kind: 'nps', question: 'Recommend us?', allowedOrigins: [ORIGIN] } })
    const pub = await t.call('POST', `/s/${survey.data.publicKey}/responses`, { key: null, body: { score: 3, comment: 'Checkout keeps failing' }, headers: { origin: ORIGIN } })
    expect(pub.status).toBe(201)
    const imported = await t.call('POST', `/v1/surveys/${survey.data.id}/responses`, { body: [{ score: 10 }] })
    expect(imported.status).toBeLessThan(300)

    const rows = await t.sql`SELECT body FROM webhook_deliveries WHERE webhook_id = ${hook.data.id} AND event_type = 'survey_response.created' ORDER BY seq`
    const payloads = rows.map((r) => JSON.parse(r.body))
    expect(payloads).toHaveLength(2)
    expect(payloads[0].data).toMatchObject({ id: pub.data.id, score: 3, comment: 'Checkout keeps failing', surveyId: survey.data.id })
    expect(payloads[1].data).toMatchObject({ score: 10 })
  })

  it('is queued only for the workspace that listens when one group of responses spans workspaces', async () => {
    const loud = await t.call('POST', '/v1/workspaces', { body: { name: 'survey-hooks-loud' } })
    const quiet = await t.call('POST', '/v1/workspaces', { body: { name: 'survey-hooks-quiet' } })
    await t.call('POST', '/v1/webhooks', { key: loud.data.key, body: { url: 'https://hooks.example/loud', events: ['survey_response.created'] } })
    await t.call('POST', '/v1/webhooks', { key: quiet.data.key, body: { url: 'https://hooks.example/quiet', events: ['mention.created'] } })
    const row = async (ws: { id: string; key: string }, score: number): Promise<ResponseInsert> => ({
      id: crypto.randomUUID(), workspace_id: ws.id, survey_id: (await t.call('POST', '/v1/surveys', { key: ws.key, body: { kind: 'csat', question: 'Happy?' } })).data.id,
      score, ...enrichComment('csat', score, undefined, false),
      email: null, respondent: null, customer_id: null, customer_match: null, page: null, locale: null, token: 'a'.repeat(64), channel: 'embed', responded_at: new Date().toISOString(),
    })
    const rows = [await row(loud.data, 5), await row(quiet.data, 1)]
    await commitResponses(t.sql, rows)

    expect(await t.sql`SELECT id FROM survey_responses WHERE id = ANY(${rows.map((r) => r.id)}::uuid[])`).toHaveLength(2)
    const queued = await t.sql`SELECT workspace_id, body FROM webhook_deliveries WHERE workspace_id IN (${loud.data.id}, ${quiet.data.id})`
    expect(queued.map((q) => [q.workspace_id, JSON.parse(q.body).data.id])).toEqual([[loud.data.id, rows[0].id]])
  })
})
