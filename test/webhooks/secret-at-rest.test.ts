import { describe, expect, it } from 'vitest'
import { dispatchDueDeliveries } from '../../src/webhooks/dispatch.ts'
import { enqueueEvent } from '../../src/webhooks/events.ts'
import { createTestApp } from '../helpers/app.ts'
import { startReceiver, verifiesAsStandardWebhook } from './receiver.ts'

const t = await createTestApp()
const rx = await startReceiver()

describe('webhook signing secret at rest', () => {
  it('stores the secret sealed and still signs deliveries that verify', async () => {
    const ws = await t.call('POST', '/v1/workspaces', { body: { name: 'hooks-at-rest' } })
    const key = ws.data.key as string
    const workspaceId = ws.data.id as string
    const res = await t.call('POST', '/v1/webhooks', { key, body: { url: rx.url, events: ['mention.created'] } })
    expect(res.status).toBe(201)
    const hook = res.data as { id: string; secret: string }

    const [row] = await t.sql<{ secret: string }[]>`SELECT secret FROM webhooks WHERE id = ${hook.id}`
    expect(row.secret).not.toBe(hook.secret)
    expect(row.secret).not.toContain(hook.secret.slice(6))
    expect(row.secret).not.toContain('whsec_')
    expect(row.secret).toMatch(/^v1\./)

    await enqueueEvent(t.sql, workspaceId, 'mention.created', { id: 'sealed-1', text: 'hi' })
    await dispatchDueDeliveries(t.deps)
    const got = rx.received.filter((r) => verifiesAsStandardWebhook(r, hook.secret))
    expect(got).toHaveLength(1)
    expect(JSON.parse(got[0].body).data.id).toBe('sealed-1')
  })
})
