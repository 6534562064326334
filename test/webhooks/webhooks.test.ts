import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import type { Deps } from '../../src/deps.ts'
import { dispatchDueDeliveries } from '../../src/webhooks/dispatch.ts'
import { createWebhook } from '../../src/webhooks/webhooks.ts'
import { enqueueEvent } from '../../src/webhooks/events.ts'
import { startDeliveryLoop } from '../../src/webhooks/loop.ts'
import { KEEP_FINISHED_DAYS, pruneDeliveries } from '../../src/webhooks/prune.ts'
import { MAX_ATTEMPTS } from '../../src/webhooks/retry.ts'
import { createTestApp } from '../helpers/app.ts'
import { startReceiver, verifiesAsStandardWebhook } from './receiver.ts'

const t = await createTestApp()
const rx = await startReceiver()

/** The app's deps with the clock moved forward, to reach retries without waiting. */
const at = (ms: number): Deps => ({ ...t.deps, clock: () => new Date(Date.now() + ms) })

async function newWebhook(body: Record<string, unknown> = {}) {
  const res = await t.call('POST', '/v1/webhooks', { body: { url: rx.url, events: ['mention.created'], ...body } })
  expect(res.status).toBe(201)
  return res.data as { id: string; secret: string }
}

let workspaces = 0
/** A fresh workspace, so events emitted in one test reach only that test's webhooks. */
async function isolated() {
  const ws = await t.call('POST', '/v1/workspaces', { body: { name: `hooks-${++workspaces}` } })
  const key = ws.data.key as string
  const workspaceId = ws.data.id as string
  return {
    key,
    workspaceId,
    hook: async (body: Record<string, unknown> = {}) => {
      const res = await t.call('POST', '/v1/webhooks', { key, body: { url: rx.url, events: ['mention.created'], ...body } })
      expect(res.status).toBe(201)
      return res.data as { id: string; secret: string }
    },
    emit: (type: 'mention.created' | 'alert.fired', data: Record<string, unknown>) => enqueueEvent(t.sql, workspaceId, type, data),
    deliveries: async (hookId: string) => (await t.call('GET', `/v1/webhooks/${hookId}/deliveries`, { key })).data.items,
  }
}

const receivedBy = (secret: string) => rx.received.filter((r) => verifiesAsStandardWebhook(r, secret))

describe('webhook CRUD', () => {
  it('generates a whsec_ secret shown only in the 201', async () => {
    const hook = await newWebhook({ format: 'json' })
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/)
    expect(Buffer.from(hook.secret.slice(6), 'base64')).toHaveLength(32)
    const listed = await t.call('GET', '/v1/webhooks')
    const one = await t.call('GET', `/v1/webhooks/${hook.id}`)
    const patched = await t.call('PATCH', `/v1/webhooks/${hook.id}`, { body: { events: ['mention.created', 'ticket.updated'] } })
    for (const res of [listed, one, patched]) {
      expect(res.status).toBe(200)
      expect(JSON.stringify(res.data)).not.toContain(hook.secret.slice(6))
    }
    expect(patched.data.events).toEqual(['mention.created', 'ticket.updated'])
    expect((await t.call('DELETE', `/v1/webhooks/${hook.id}`)).status).toBe(204)
    expect((await t.call('GET', `/v1/webhooks/${hook.id}`)).status).toBe(404)
  })

  it('keeps a given secret and rejects one that is not whsec_ base64', async () => {
    const secret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`
    expect((await newWebhook({ secret })).secret).toBe(secret)
    const bad = await t.call('POST', '/v1/webhooks', { body: { url: rx.url, events: ['mention.created'], secret: 'hunter2' } })
    expect(bad.status).toBe(400)
  })

  it('validates urls, events, formats and unknown fields', async () => {
    const base = { url: rx.url, events: ['mention.created'] }
    for (const body of [
      { ...base, url: 'ftp://example.com/x' },
      { ...base, events: [] },
      { ...base, events: ['mention.deleted'] },
      { ...base, format: 'xml' },
      { ...base, extra: true },
    ]) {
      expect((await t.call('POST', '/v1/webhooks', { body })).status).toBe(400)
    }
  })

  it('is admin-only and invisible to other workspaces', async () => {
    const hook = await newWebhook()
    const agent = await t.keyFor('agent')
    expect((await t.call('GET', '/v1/webhooks', { key: agent })).status).toBe(403)
    const other = await t.call('POST', '/v1/workspaces', { body: { name: 'webhooks-other' } })
    const theirs = other.data.key as string
    expect((await t.call('GET', `/v1/webhooks/${hook.id}`, { key: theirs })).status).toBe(404)
    expect((await t.call('PATCH', `/v1/webhooks/${hook.id}`, { key: theirs, body: { enabled: false } })).status).toBe(404)
    expect((await t.call('DELETE', `/v1/webhooks/${hook.id}`, { key: theirs })).status).toBe(404)
    expect((await t.call('GET', `/v1/webhooks/${hook.id}/deliveries`, { key: theirs })).status).toBe(404)
    expect((await t.call('GET', '/v1/webhooks/not-a-uuid')).status).toBe(400)
  })
})

describe('delivery', () => {
  it('signs every request the Standard Webhooks way with a JSON envelope', async () => {
    const ws = await isolated()
    const hook = await ws.hook()
    await ws.emit('mention.created', { id: 'm1', text: 'hello' })
    const result = await dispatchDueDeliveries(t.deps)
    expect(result.delivered).toBeGreaterThanOrEqual(1)
    const [got] = receivedBy(hook.secret)
    expect(got.headers['content-type']).toBe('application/json')
    expect(got.headers['webhook-id']).toMatch(/^msg_[0-9a-f]{32}$/)
    expect(Math.abs(Number(got.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(300)
    expect(JSON.parse(got.body)).toMatchObject({ type: 'mention.created', timestamp: expect.any(String), data: { id: 'm1', text: 'hello' } })
  })

  it('retries a 500 with the same webhook-id and logs both attempts', async () => {
    const ws = await isolated()
    const hook = await ws.hook()
    rx.answerWith((r) => (verifiesAsStandardWebhook(r, hook.secret) && receivedBy(hook.secret).length === 1 ? 500 : 200))
    await ws.emit('mention.created', { id: 'm2' })
    expect((await dispatchDueDeliveries(t.deps)).failed).toBe(1)
    expect((await dispatchDueDeliveries(t.deps)).attempted).toBe(0)
    const [pending] = await ws.deliveries(hook.id)
    expect(pending).toMatchObject({ status: 'pending', attempts: 1, lastStatus: 500 })
    const wait = new Date(pending.nextAttemptAt).getTime() - Date.now()
    expect(wait).toBeGreaterThan(3_000)
    expect(wait).toBeLessThan(10_000)
    await dispatchDueDeliveries(at(10_000))
    const [first, second] = receivedBy(hook.secret)
    expect(second.headers['webhook-id']).toBe(first.headers['webhook-id'])
    expect(second.body).toBe(first.body)
    const [done] = await ws.deliveries(hook.id)
    expect(done).toMatchObject({ status: 'delivered', attempts: 2, lastStatus: 200 })
    expect(done.attemptLog.map((a: { statusCode: number }) => a.statusCode)).toEqual([500, 200])
    rx.answerWith(() => 200)
  })

  it('delivers in event order: a delivery waiting to retry holds back later ones', async () => {
    const ws = await isolated()
    const hook = await ws.hook({ events: ['mention.created', 'alert.fired'] })
    rx.answerWith((r) => (verifiesAsStandardWebhook(r, hook.secret) && receivedBy(hook.secret).length === 1 ? 503 : 200))
    await ws.emit('mention.created', { id: 'first' })
    await ws.emit('alert.fired', { id: 'second' })
    await dispatchDueDeliveries(t.deps)
    expect(receivedBy(hook.secret)).toHaveLength(1)
    await dispatchDueDeliveries(at(10_000))
    const order = receivedBy(hook.secret).map((r) => JSON.parse(r.body).data.id)
    expect(order).toEqual(['first', 'first', 'second'])
    rx.answerWith(() => 200)
  })

  it('does not retry a 4xx and moves on to the next delivery', async () => {
    const ws = await isolated()
    const hook = await ws.hook()
    rx.answerWith((r) => (verifiesAsStandardWebhook(r, hook.secret) && JSON.parse(r.body).data.id === 'bad' ? 400 : 200))
    await ws.emit('mention.created', { id: 'bad' })
    await ws.emit('mention.created', { id: 'good' })
    await dispatchDueDeliveries(t.deps)
    const [good, bad] = await ws.deliveries(hook.id)
    expect(bad).toMatchObject({ status: 'failed', attempts: 1, lastStatus: 400 })
    expect(good).toMatchObject({ status: 'delivered' })
    rx.answerWith(() => 200)
  })

  it('backs off for about a day, then fails the delivery and disables the webhook visibly', async () => {
    const ws = await isolated()
    const hook = await ws.hook()
    rx.answerWith((r) => (verifiesAsStandardWebhook(r, hook.secret) ? 500 : 200))
    await ws.emit('mention.created', { id: 'doomed' })
    const gaps: number[] = []
    let clock = 0
    for (let i = 0; i < MAX_ATTEMPTS; i++) {
      await dispatchDueDeliveries(at(clock))
      const [d] = await ws.deliveries(hook.id)
      if (d.status === 'pending') {
        const next = new Date(d.nextAttemptAt).getTime() - Date.now()
        gaps.push(next - clock)
        clock = next + 1
      }
    }
    expect(receivedBy(hook.secret)).toHaveLength(MAX_ATTEMPTS)
    for (let i = 1; i < gaps.length; i++) expect(gaps[i]).toBeGreaterThanOrEqual(gaps[i - 1] * 0.9)
    const total = gaps.reduce((a, b) => a + b, 0)
    expect(total).toBeGreaterThan(20 * 3600_000)
    expect(total).toBeLessThan(30 * 3600_000)
    const [d] = await ws.deliveries(hook.id)
    expect(d).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS })
    const state = await t.call('GET', `/v1/webhooks/${hook.id}`, { key: ws.key })
    expect(state.data).toMatchObject({ enabled: false, consecutiveFailures: MAX_ATTEMPTS, disabledReason: expect.stringContaining('HTTP 500') })
    await ws.emit('mention.created', { id: 'while disabled' })
    expect(await ws.deliveries(hook.id)).toHaveLength(1)

    rx.answerWith(() => 200)
    expect((await t.call('POST', `/v1/webhooks/${hook.id}/deliveries/${d.id}/redeliver`, { key: ws.key })).status).toBe(409)
    const enabled = await t.call('PATCH', `/v1/webhooks/${hook.id}`, { key: ws.key, body: { enabled: true } })
    expect(enabled.data).toMatchObject({ enabled: true, consecutiveFailures: 0, disabledReason: null })
    expect((await t.call('POST', `/v1/webhooks/${hook.id}/deliveries/${d.id}/redeliver`, { key: ws.key })).status).toBe(202)
    await dispatchDueDeliveries(t.deps)
    const all = receivedBy(hook.secret)
    expect(all.at(-1)!.headers['webhook-id']).toBe(all[0].headers['webhook-id'])
    expect((await ws.deliveries(hook.id))[0]).toMatchObject({ status: 'delivered' })
  })

  it('never follows a redirect', async () => {
    const ws = await isolated()
    const hook = await ws.hook()
    rx.answerWith((r) => (verifiesAsStandardWebhook(r, hook.secret) ? 302 : 200))
    await ws.emit('mention.created', { id: 'redirected' })
    await dispatchDueDeliveries(t.deps)
    const [d] = await ws.deliveries(hook.id)
    expect(d).toMatchObject({ status: 'failed', lastStatus: 302, lastError: expect.stringContaining('redirect') })
    rx.answerWith(() => 200)
  })

  it('retries when the receiver is unreachable', async () => {
    const ws = await isolated()
    const hook = await ws.hook({ url: 'http://127.0.0.1:9/unreachable' })
    await ws.emit('mention.created', { id: 'nobody home' })
    await dispatchDueDeliveries(t.deps)
    const [d] = await ws.deliveries(hook.id)
    expect(d).toMatchObject({ status: 'pending', attempts: 1, lastStatus: null, lastError: expect.stringContaining('network error') })
  })

  it('refuses to create a webhook to a private address when private URLs are not allowed', async () => {
    const strict: Deps = { ...t.deps, config: { ...t.deps.config, allowPrivateUrls: false } }
    for (const url of ['http://127.0.0.1:8080/x', 'http://10.0.0.5/hook', 'http://[::1]/x', 'http://169.254.169.254/latest', 'http://intranet.local/x']) {
      await expect(createWebhook(strict, t.workspaceId, { url, events: ['mention.created'], format: 'json', enabled: true }), url).rejects.toMatchObject({ status: 400 })
    }
  })

  it('refuses private targets at delivery time when private URLs are not allowed', async () => {
    const ws = await isolated()
    const hook = await ws.hook()
    await ws.emit('mention.created', { id: 'ssrf' })
    const before = rx.received.length
    await dispatchDueDeliveries({ ...t.deps, config: { ...t.deps.config, allowPrivateUrls: false } })
    expect(rx.received.length).toBe(before)
    const [d] = await ws.deliveries(hook.id)
    expect(d).toMatchObject({ status: 'failed', lastError: expect.stringContaining('private') })
  })

  it('loses nothing across a restart and sends each delivery once with several dispatchers', async () => {
    const ws = await isolated()
    const hook = await ws.hook()
    for (let i = 0; i < 20; i++) await ws.emit('mention.created', { id: `r${i}` })
    // A new process is a new deps over the same database: nothing lives in memory.
    const restarted: Deps = { ...t.deps, clock: () => new Date() }
    await Promise.all([dispatchDueDeliveries(restarted), dispatchDueDeliveries(restarted), dispatchDueDeliveries(t.deps)])
    const ids = receivedBy(hook.secret).map((r) => JSON.parse(r.body).data.id)
    expect(ids).toEqual(Array.from({ length: 20 }, (_, i) => `r${i}`))
  })

  it('sends events only to webhooks subscribed to them, and alert events to the alert channels', async () => {
    const ws = await isolated()
    const mentions = await ws.hook({ events: ['mention.created'] })
    const channel = await ws.hook({ events: ['ticket.updated'] })
    await enqueueEvent(t.sql, ws.workspaceId, 'alert.fired', { id: 'a1' }, { webhookIds: [channel.id] })
    await dispatchDueDeliveries(t.deps)
    expect(receivedBy(mentions.secret)).toHaveLength(0)
    expect(receivedBy(channel.secret).map((r) => JSON.parse(r.body).type)).toEqual(['alert.fired'])
  })

  it('pages the delivery log', async () => {
    const ws = await isolated()
    const hook = await ws.hook()
    for (let i = 0; i < 5; i++) await ws.emit('mention.created', { id: `p${i}` })
    const first = await t.call('GET', `/v1/webhooks/${hook.id}/deliveries?limit=3`, { key: ws.key })
    expect(first.data.items).toHaveLength(3)
    const rest = await t.call('GET', `/v1/webhooks/${hook.id}/deliveries?limit=3&cursor=${first.data.nextCursor}`, { key: ws.key })
    expect(rest.data.items).toHaveLength(2)
    expect(rest.data.nextCursor).toBeNull()
    expect((await t.call('GET', `/v1/webhooks/${hook.id}/deliveries?cursor=garbage`, { key: ws.key })).status).toBe(400)
  })

  it('prunes finished deliveries after the retention, never pending ones', async () => {
    const ws = await isolated()
    const hook = await ws.hook({ url: 'http://127.0.0.1:9/unreachable' })
    await ws.emit('mention.created', { id: 'old-pending' })
    const ok = await ws.hook()
    await ws.emit('mention.created', { id: 'old-done' })
    await dispatchDueDeliveries(t.deps)
    const later = at((KEEP_FINISHED_DAYS + 1) * 86_400_000)
    await pruneDeliveries(later)
    expect(await ws.deliveries(ok.id)).toHaveLength(0)
    expect((await ws.deliveries(hook.id)).map((d: { status: string }) => d.status)).toEqual(['pending', 'pending'])
  })

  it("prunes sooner in a workspace that keeps personal data for less than the log's retention", async () => {
    const short = await isolated()
    const long = await isolated()
    expect((await t.call('PATCH', '/v1/workspaces/current/settings', { key: short.key, body: { retentionDays: 7 } })).status).toBe(200)
    const [a, b] = [await short.hook(), await long.hook()]
    await short.emit('mention.created', { id: 'short', text: 'their words' })
    await long.emit('mention.created', { id: 'long', text: 'their words' })
    await dispatchDueDeliveries(t.deps)
    await pruneDeliveries(at(6 * 86_400_000))
    expect(await short.deliveries(a.id)).toHaveLength(1)
    await pruneDeliveries(at(8 * 86_400_000))
    expect(await short.deliveries(a.id)).toHaveLength(0)
    expect(await long.deliveries(b.id)).toHaveLength(1)
  })

  it('sends Slack-format webhooks a signed Slack message', async () => {
    const ws = await isolated()
    const hook = await ws.hook({ format: 'slack' })
    await ws.emit('mention.created', { id: 'm', text: 'crash <!channel>', url: 'https://example.com/m', author: { handle: 'ann' } })
    await dispatchDueDeliveries(t.deps)
    const [got] = receivedBy(hook.secret)
    const msg = JSON.parse(got.body)
    expect(msg.text).toBe('New mention')
    expect(JSON.stringify(msg.blocks)).toContain('crash &lt;!channel&gt;')
    expect(JSON.stringify(msg.blocks)).toContain('<https://example.com/m|Open the mention>')
  })

  it('sends Teams-format webhooks an Adaptive Card a Teams workflow can post', async () => {
    const ws = await isolated()
    const hook = await ws.hook({ format: 'teams' })
    await ws.emit('mention.created', { id: 'm', text: 'crash **now**', url: 'https://example.com/m', author: { handle: 'ann' } })
    await dispatchDueDeliveries(t.deps)
    const [got] = receivedBy(hook.secret)
    const msg = JSON.parse(got.body)
    expect(msg).toMatchObject({ type: 'message', summary: 'New mention', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive' }] })
    const card = JSON.stringify(msg.attachments[0].content)
    expect(card).toContain('crash \\\\*\\\\*now\\\\*\\\\*')
    expect(card).toContain('[Open the mention](https://example.com/m)')
  })

  it('runs the dispatcher in a loop until stopped', async () => {
    const ws = await isolated()
    const hook = await ws.hook()
    const loop = startDeliveryLoop(t.deps, 10)
    await ws.emit('mention.created', { id: 'looped' })
    await expect.poll(() => receivedBy(hook.secret).length, { timeout: 10_000 }).toBe(1)
    await loop.stop()
    await ws.emit('mention.created', { id: 'after stop' })
    expect((await ws.deliveries(hook.id))[0]).toMatchObject({ status: 'pending' })
  })

  it('stops without waiting for a receiver that never answers, leaving its delivery pending and uncounted', async () => {
    const arrived: http.IncomingMessage[] = []
    const silent = http.createServer((req) => void arrived.push(req))
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    try {
      const ws = await isolated()
      const hook = await ws.hook({ url: `http://127.0.0.1:${(silent.address() as AddressInfo).port}/hook` })
      const loop = startDeliveryLoop(t.deps, 10)
      await ws.emit('mention.created', { id: 'to a silent receiver' })
      await expect.poll(() => arrived.length, { timeout: 10_000 }).toBe(1)
      await loop.stop()
      // Waiting out the 10 s timeout instead would have recorded a failed attempt.
      expect((await ws.deliveries(hook.id))[0]).toMatchObject({ status: 'pending', attempts: 0 })
    } finally {
      silent.closeAllConnections()
      await new Promise((resolve) => silent.close(resolve))
    }
  })
})
