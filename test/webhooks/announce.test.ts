import { describe, expect, it } from 'vitest'
import { announceSurveyResponses } from '../../src/webhooks/announce.ts'
import { createTestApp } from '../helpers/app.ts'

const t = await createTestApp()

async function surveyWithResponse(workspaceId: string) {
  const [survey] = await t.sql`
    INSERT INTO surveys (workspace_id, kind, public_key, question) VALUES (${workspaceId}, 'nps', ${crypto.randomUUID()}, 'Recommend us?') RETURNING id`
  const [response] = await t.sql`
    INSERT INTO survey_responses (workspace_id, survey_id, score, comment) VALUES (${workspaceId}, ${survey.id}, 3, 'too slow') RETURNING id`
  return { id: response.id as string, workspace_id: workspaceId }
}

describe('survey_response.created', () => {
  it('queues one event per response for subscribed webhooks only', async () => {
    const other = await t.call('POST', '/v1/workspaces', { body: { name: 'no-subscribers' } })
    const hook = await t.call('POST', '/v1/webhooks', { body: { url: 'https://hooks.example.com/x', events: ['survey_response.created'] } })
    const ours = await surveyWithResponse(t.workspaceId)
    const theirs = await surveyWithResponse(other.data.id)
    expect(await announceSurveyResponses(t.sql, [ours, theirs])).toBe(1)
    const [delivery] = await t.sql`SELECT event_type, body FROM webhook_deliveries WHERE webhook_id = ${hook.data.id}`
    expect(delivery.event_type).toBe('survey_response.created')
    expect(JSON.parse(delivery.body).data).toMatchObject({ id: ours.id, surveyKind: 'nps', score: 3, comment: 'too slow' })
  })
})
