import { describe, expect, it } from 'vitest'
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
})
