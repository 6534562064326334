import { describe, expect, it } from 'vitest'
import { expirePersonalData } from '../../src/workspaces/retention.ts'
import { ADMIN_KEY, createTestApp } from '../helpers/app.ts'
import { seedMentions, seedSource } from './seed.ts'

const t = await createTestApp()

/** A workspace of its own whose JSON and Slack webhooks listen for erasures; returns what each was queued. */
async function listening() {
  const ws = await t.call('POST', '/v1/workspaces', { key: ADMIN_KEY, body: { name: `erased-${crypto.randomUUID()}` } })
  const key = ws.data.key as string
  const events = ['mention.erased', 'survey_response.erased']
  const json = await t.call('POST', '/v1/webhooks', { key, body: { url: 'https://warehouse.example.com/hooks', events } })
  const slack = await t.call('POST', '/v1/webhooks', { key, body: { url: 'https://hooks.slack.com/services/T0/B0/x', events, format: 'slack' } })
  expect([json.status, slack.status]).toEqual([201, 201])
  const queued = async (hook: string) =>
    (await t.sql<{ event_type: string; body: string }[]>`SELECT event_type, body FROM webhook_deliveries WHERE webhook_id = ${hook} ORDER BY created_at, id`).map((d) => ({
      type: d.event_type,
      body: JSON.parse(d.body) as { data?: Record<string, unknown> },
    }))
  return { id: ws.data.id as string, key, json: () => queued(json.data.id), slack: () => queued(slack.data.id), source: await seedSource(t.sql, ws.data.id, 'reddit') }
}

describe('erasures told to webhooks', () => {
  it('sends the ids of a customer’s mentions and answers, never their words, with the reason', async () => {
    const ws = await listening()
    const customer = await t.call('POST', '/v1/customers', { key: ws.key, body: { name: 'Eve', identities: [{ kind: 'reddit', value: 'eve' }] } })
    const [mention] = await seedMentions(t.sql, ws.id, ws.source, [{ handle: 'eve', text: 'my phone is 555-0101' }])
    const [survey] = await t.sql<{ id: string }[]>`INSERT INTO surveys (workspace_id, kind, public_key, question) VALUES (${ws.id}, 'nps', ${`pk-${ws.id}`}, 'How likely?') RETURNING id`
    const [answer] = await t.sql<{ id: string }[]>`
      INSERT INTO survey_responses (workspace_id, survey_id, score, comment, customer_id) VALUES (${ws.id}, ${survey.id}, 2, 'slow, call me', ${customer.data.id}) RETURNING id`
    expect((await t.call('DELETE', `/v1/customers/${customer.data.id}?erase=true`, { key: ws.key })).status).toBe(200)

    // One transaction, so no order between the two.
    const sent = (await ws.json()).sort((a, b) => a.type.localeCompare(b.type))
    expect(sent).toEqual([
      { type: 'mention.erased', body: expect.objectContaining({ type: 'mention.erased', data: { mentionIds: [mention], reason: 'customer' } }) },
      { type: 'survey_response.erased', body: expect.objectContaining({ type: 'survey_response.erased', data: { responseIds: [answer.id], reason: 'customer' } }) },
    ])
    expect(JSON.stringify(sent)).not.toContain('555-0101')
    expect(JSON.stringify(sent)).not.toContain('call me')
    expect(JSON.stringify(await ws.slack())).toContain('*1 mention erased* (a customer’s request)')
  })

  it('says which were an author’s, and which grew older than the workspace keeps, in one event per batch', async () => {
    const ws = await listening()
    const old = new Date(Date.now() - 40 * 86_400_000)
    const [gina, aged1, aged2] = await seedMentions(t.sql, ws.id, ws.source, [
      { handle: 'gina', text: 'forget me' },
      { handle: 'hal', text: 'an old post', publishedAt: old },
      { handle: 'ida', text: 'another old post', publishedAt: old },
    ])
    expect((await t.call('POST', '/v1/authors/erase', { key: ws.key, body: { platform: 'reddit', handle: 'gina' } })).status).toBe(200)
    expect((await t.call('PATCH', '/v1/workspaces/current/settings', { key: ws.key, body: { retentionDays: 30 } })).status).toBe(200)
    await expirePersonalData(t.deps, new Date())
    const sent = (await ws.json()).map((d) => d.body.data)
    expect(sent).toEqual([
      { mentionIds: [gina], reason: 'author' },
      { mentionIds: expect.arrayContaining([aged1, aged2]), reason: 'retention' },
    ])
    expect(JSON.stringify(await ws.slack())).toContain('*2 mentions erased* (older than the workspace keeps personal data)')
  })
})
