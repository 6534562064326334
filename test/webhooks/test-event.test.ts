import { describe, expect, it } from 'vitest'
import { ADMIN_KEY, createTestApp } from '../helpers/app.ts'

const t = await createTestApp()

const outbox = (webhookId: string) =>
  t.sql<{ event_type: string; body: string }[]>`SELECT event_type, body FROM webhook_deliveries WHERE webhook_id = ${webhookId} ORDER BY id`

describe('POST /v1/webhooks/:id/test', () => {
  it('queues a webhook.test event for that webhook alone, in its format', async () => {
    const json = (await t.call('POST', '/v1/webhooks', { body: { url: 'https://hooks.example.com/a', events: ['alert.fired'] } })).data
    const chat = (await t.call('POST', '/v1/webhooks', { body: { url: 'https://chat.example.com/services/T/B/x', events: ['digest.daily'], format: 'slack' } })).data
    expect((await t.call('POST', `/v1/webhooks/${chat.id}/test`)).status).toBe(202)
    expect(await outbox(json.id)).toEqual([])
    const [sent] = await outbox(chat.id)
    expect(sent.event_type).toBe('webhook.test')
    expect(JSON.parse(sent.body)).toMatchObject({ text: 'earshot test message' })
    expect((await t.call('POST', `/v1/webhooks/${json.id}/test`)).status).toBe(202)
    expect(JSON.parse((await outbox(json.id))[0].body)).toMatchObject({ type: 'webhook.test', data: { webhookId: json.id } })
  })

  it('refuses a paused webhook, other roles and other workspaces', async () => {
    const hook = (await t.call('POST', '/v1/webhooks', { body: { url: 'https://hooks.example.com/b', events: ['alert.fired'] } })).data
    expect((await t.call('POST', `/v1/webhooks/${hook.id}/test`, { key: await t.keyFor('agent') })).status).toBe(403)
    const other = await t.call('POST', '/v1/workspaces', { key: ADMIN_KEY, body: { name: 'webhook-test-other' } })
    expect((await t.call('POST', `/v1/webhooks/${hook.id}/test`, { key: other.data.key })).status).toBe(404)
    await t.call('PATCH', `/v1/webhooks/${hook.id}`, { body: { enabled: false } })
    expect((await t.call('POST', `/v1/webhooks/${hook.id}/test`)).status).toBe(409)
    expect(await outbox(hook.id)).toEqual([])
  })
})
