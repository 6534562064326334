import { describe, expect, it } from 'vitest'
import { evaluatePeriodicAlerts } from '../../src/alerts/periodic.ts'
import type { Deps } from '../../src/deps.ts'
import { dispatchDueDeliveries } from '../../src/webhooks/dispatch.ts'
import { createTestApp } from '../helpers/app.ts'
import { startReceiver, verifiesAsStandardWebhook } from '../webhooks/receiver.ts'

const t = await createTestApp()
const rx = await startReceiver()
const HOUR = 3600_000

let workspaces = 0
/** A fresh workspace with an api source and a webhook on the shared receiver. */
async function setup(events: string[] = ['alert.fired']) {
  const ws = await t.call('POST', '/v1/workspaces', { body: { name: `alerts-${++workspaces}` } })
  const key = ws.data.key as string
  const workspaceId = ws.data.id as string
  const source = await t.call('POST', '/v1/sources', { key, body: { kind: 'api', name: 'pushed' } })
  expect(source.status).toBe(201)
  const hook = await t.call('POST', '/v1/webhooks', { key, body: { url: rx.url, events } })
  expect(hook.status).toBe(201)
  let n = 0
  return {
    key,
    workspaceId,
    hook: hook.data as { id: string; secret: string },
    alert: async (body: Record<string, unknown>) => {
      const res = await t.call('POST', '/v1/alerts', { key, body: { channels: [hook.data.id], ...body } })
      expect(res.status).toBe(201)
      return res.data as { id: string }
    },
    push: async (items: { text: string; publishedAt?: Date; platform?: string; handle?: string }[]) => {
      const res = await t.call('POST', '/v1/mentions', {
        key,
        body: {
          sourceId: source.data.id,
          items: items.map((i) => ({
            externalId: `x${++n}`, url: `https://example.com/${n}`, author: { handle: i.handle ?? `user${n}` }, text: i.text,
            publishedAt: (i.publishedAt ?? new Date()).toISOString(), ...(i.platform ? { platform: i.platform } : {}),
          })),
        },
      })
      expect(res.status).toBe(200)
      return res.data as { ids: string[] }
    },
    events: async (alertId: string) => (await t.call('GET', `/v1/alerts/${alertId}/events`, { key })).data.items,
    received: () => rx.received.filter((r) => verifiesAsStandardWebhook(r, hook.data.secret)).map((r) => JSON.parse(r.body)),
  }
}

describe('alert CRUD', () => {
  it('creates with defaults, reads, updates and deletes', async () => {
    const ws = await setup()
    const created = await t.call('POST', '/v1/alerts', { key: ws.key, body: { name: 'crashes', kind: 'spike', filter: { q: 'crash' } } })
    expect(created.status).toBe(201)
    expect(created.data).toMatchObject({ name: 'crashes', kind: 'spike', filter: { q: 'crash' }, cooldown: '1h', window: '1h', minCount: 5, sensitivity: 3, enabled: true, channels: [] })
    const id = created.data.id
    expect((await t.call('GET', `/v1/alerts/${id}`, { key: ws.key })).data.name).toBe('crashes')
    expect((await t.call('GET', '/v1/alerts', { key: ws.key })).data.items).toHaveLength(1)
    const patched = await t.call('PATCH', `/v1/alerts/${id}`, { key: ws.key, body: { window: '15m', channels: [ws.hook.id], cooldown: '2d' } })
    expect(patched.data).toMatchObject({ window: '15m', channels: [ws.hook.id], cooldown: '2d' })
    expect((await t.call('DELETE', `/v1/alerts/${id}`, { key: ws.key })).status).toBe(204)
    expect((await t.call('GET', `/v1/alerts/${id}`, { key: ws.key })).status).toBe(404)
  })

  it('rejects bad filters, durations, unknown channels and fields', async () => {
    const ws = await setup()
    const base = { name: 'x', kind: 'spike' }
    for (const body of [
      { ...base, kind: 'nope' },
      { ...base, filter: { sentiment: ['furious'] } },
      { ...base, filter: { bogus: 1 } },
      { ...base, cooldown: 'soon' },
      { ...base, window: '2h' },
      { ...base, channels: ['7c9e6679-7425-40de-944b-e07fc1f90ae7'] },
      { ...base, onlyNew: true },
      { ...base, extra: 1 },
    ]) {
      const res = await t.call('POST', '/v1/alerts', { key: ws.key, body })
      expect(res.status, JSON.stringify(body)).toBe(400)
    }
  })

  it('lets viewers read but not write, and hides alerts across workspaces', async () => {
    const ws = await setup()
    const alert = await ws.alert({ name: 'a', kind: 'match', filter: { q: 'refund' } })
    const viewer = await t.keyFor('viewer', ws.workspaceId)
    expect((await t.call('GET', `/v1/alerts/${alert.id}`, { key: viewer })).status).toBe(200)
    expect((await t.call('POST', '/v1/alerts', { key: viewer, body: { name: 'b', kind: 'match' } })).status).toBe(403)
    const other = await setup()
    for (const [method, path] of [['GET', ''], ['PATCH', ''], ['DELETE', ''], ['GET', '/events']] as const) {
      const res = await t.call(method, `/v1/alerts/${alert.id}${path}`, { key: other.key, body: method === 'PATCH' ? { name: 'z' } : undefined })
      expect(res.status, `${method} ${path}`).toBe(404)
    }
    expect((await t.call('GET', '/v1/alerts/123', { key: ws.key })).status).toBe(400)
  })
})

describe('match alerts', () => {
  it('can require a valuable customer', async () => {
    const ws = await setup()
    const alert = await ws.alert({ name: 'big accounts', kind: 'match', filter: { q: 'broken' }, minCustomerValue: 10_000 })
    for (const [handle, value] of [['small', 100], ['big', 50_000]] as const) {
      const res = await t.call('POST', '/v1/customers', { key: ws.key, body: { name: handle, value, identities: [{ kind: 'twitter', value: handle }] } })
      expect(res.status, JSON.stringify(res.data)).toBe(201)
    }
    await ws.push([{ text: 'sync is broken', platform: 'twitter', handle: 'small' }])
    expect(await ws.events(alert.id)).toHaveLength(0)
    const { ids } = await ws.push([{ text: 'export is broken', platform: 'twitter', handle: 'big' }])
    const events = await ws.events(alert.id)
    expect(events.map((e: { mentionId: string }) => e.mentionId)).toEqual(ids)
  })

  it('fire once, right after ingestion, and reach the channel after the mention itself', async () => {
    const ws = await setup(['mention.created', 'alert.fired'])
    const alert = await ws.alert({ name: 'churn', kind: 'match', filter: { q: 'cancel' }, cooldown: '1h' })
    const { ids } = await ws.push([{ text: 'I will cancel my subscription if the export keeps crashing' }, { text: 'love the new dashboard' }])
    const events = await ws.events(alert.id)
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({ mentionId: ids[0], explanation: { matched: 1 } })
    await dispatchDueDeliveries(t.deps)
    const got = ws.received()
    expect(got.map((b) => b.type)).toEqual(['mention.created', 'mention.created', 'alert.fired'])
    expect(got[2].data).toMatchObject({ alert: { id: alert.id, name: 'churn', kind: 'match' }, mention: { id: ids[0], text: expect.stringContaining('cancel') } })
  })

  it('stay quiet during the cooldown and never fire twice for one mention', async () => {
    const ws = await setup()
    const alert = await ws.alert({ name: 'refunds', kind: 'match', filter: { q: 'refund' }, cooldown: '1h' })
    await ws.push([{ text: 'I want a refund' }])
    await ws.push([{ text: 'refund please, this is broken' }])
    expect(await ws.events(alert.id)).toHaveLength(1)
    await t.call('PATCH', `/v1/alerts/${alert.id}`, { key: ws.key, body: { cooldown: '1s' } })
    await t.sql`UPDATE alerts SET last_fired_at = now() - interval '1 minute' WHERE id = ${alert.id}`
    await ws.push([{ text: 'another refund request' }])
    expect(await ws.events(alert.id)).toHaveLength(2)
  })

  it('honour onlyNew, the filter fields and disabled alerts', async () => {
    const ws = await setup()
    const onlyNew = await ws.alert({ name: 'new only', kind: 'match', filter: { q: 'outage' }, onlyNew: true })
    const off = await ws.alert({ name: 'off', kind: 'match', filter: { q: 'outage' }, enabled: false })
    await ws.push([{ text: 'that outage last year was bad', publishedAt: new Date(Date.now() - 400 * 86_400_000) }])
    expect(await ws.events(onlyNew.id)).toHaveLength(0)
    await ws.push([{ text: 'outage right now' }])
    expect(await ws.events(onlyNew.id)).toHaveLength(1)
    expect(await ws.events(off.id)).toHaveLength(0)
  })
})

/** Inserts `n` mentions of `text` spread over the hour ending at `end`. */
async function seed(workspaceId: string, sourceId: string, end: number, n: number, text: string, sentiment = 'neutral') {
  if (n === 0) return
  const rows = Array.from({ length: n }, (_, i) => ({
    workspace_id: workspaceId, source_id: sourceId, external_id: crypto.randomUUID(), kind: 'api', body: text,
    published_at: new Date(end - ((i + 0.5) / n) * HOUR), content_hash: crypto.randomUUID(), sentiment_label: sentiment,
  }))
  await t.sql`INSERT INTO mentions ${t.sql(rows)}`
}

describe('spike and negative_share alerts on the tick', () => {
  it('fire once per spike with an explanation, and stay quiet on normal volume', async () => {
    const ws = await setup()
    const [source] = await t.sql<{ id: string }[]>`SELECT id FROM sources WHERE workspace_id = ${ws.workspaceId}`
    const alert = await ws.alert({ name: 'crash spike', kind: 'spike', filter: { q: 'crash' }, window: '1h', cooldown: '1h' })
    const now = Date.now()
    for (let h = 1; h <= 72; h++) await seed(ws.workspaceId, source.id, now - h * HOUR, 4 + (h % 3), 'the app crashes on start')
    await seed(ws.workspaceId, source.id, now - 2 * HOUR, 0, 'x')
    const at = (ms: number): Deps => ({ ...t.deps, clock: () => new Date(ms) })
    await evaluatePeriodicAlerts(at(now))
    expect(await ws.events(alert.id)).toHaveLength(0)
    const quiet = await t.call('GET', `/v1/alerts/${alert.id}`, { key: ws.key })
    expect(quiet.data.lastEvaluation).toMatchObject({ anomalous: false, baseline: 'trailing', samples: 72 })

    await seed(ws.workspaceId, source.id, now + HOUR, 60, 'crash crash crash')
    await evaluatePeriodicAlerts(at(now + HOUR))
    await evaluatePeriodicAlerts(at(now + HOUR + 60_000))
    await evaluatePeriodicAlerts(at(now + HOUR + 120_000))
    const events = await ws.events(alert.id)
    expect(events).toHaveLength(1)
    expect(events[0].explanation).toMatchObject({ observed: 60, anomalous: true, window: '1h' })
    expect(events[0].explanation.expected).toBeGreaterThan(3)
    expect(events[0].explanation.expected).toBeLessThan(7)
    expect(events[0].explanation.threshold).toBeLessThan(60)
    // The event was queued at the test's clock, an hour ahead.
    await dispatchDueDeliveries(at(now + 2 * HOUR))
    const fired = ws.received().filter((b) => b.data.alert?.id === alert.id)
    expect(fired).toHaveLength(1)
    expect(fired[0].data.explanation).toMatchObject({ observed: 60 })
  })

  it('compares a window with the same local hour of earlier weeks, across a clock change', async () => {
    const ws = await setup()
    const [source] = await t.sql<{ id: string }[]>`SELECT id FROM sources WHERE workspace_id = ${ws.workspaceId}`
    expect((await t.call('PATCH', '/v1/workspaces/current/settings', { key: ws.key, body: { timeZone: 'Europe/Oslo' } })).status).toBe(200)
    const alert = await ws.alert({ name: 'monday standup', kind: 'spike', filter: { q: 'standup' }, window: '1h', minCount: 3 })
    // Monday 30 March 2026, 10:00 in Oslo, the day after the clocks went forward: 08:00 UTC, where the Mondays before
    // were an hour later in UTC terms (10:00 CET = 09:00 UTC). Every Monday 9:00–10:00 local brings 6 mentions.
    const now = Date.parse('2026-03-30T08:00:00Z')
    await seed(ws.workspaceId, source.id, now, 6, 'standup notes')
    for (let week = 1; week <= 5; week++) await seed(ws.workspaceId, source.id, now - week * 168 * HOUR + HOUR, 6, 'standup notes')
    await evaluatePeriodicAlerts({ ...t.deps, clock: () => new Date(now) })
    const evaluated = await t.call('GET', `/v1/alerts/${alert.id}`, { key: ws.key })
    // Whole 168-hour weeks would read 8:00–9:00 local on those Mondays, see nothing, and call a normal Monday a spike.
    expect(evaluated.data.lastEvaluation).toMatchObject({ observed: 6, expected: 6, baseline: 'seasonal', samples: 4, anomalous: false })
    expect(await ws.events(alert.id)).toHaveLength(0)
  })

  it('is evaluated by one instance when several tick together', async () => {
    const ws = await setup()
    const [source] = await t.sql<{ id: string }[]>`SELECT id FROM sources WHERE workspace_id = ${ws.workspaceId}`
    const alert = await ws.alert({ name: 'busy', kind: 'spike', filter: {} })
    const now = Date.now()
    for (let h = 1; h <= 24; h++) await seed(ws.workspaceId, source.id, now - h * HOUR, 5, 'normal day')
    await seed(ws.workspaceId, source.id, now, 80, 'everyone is talking')
    const deps: Deps = { ...t.deps, clock: () => new Date(now) }
    const results = await Promise.all([evaluatePeriodicAlerts(deps), evaluatePeriodicAlerts(deps), evaluatePeriodicAlerts(deps)])
    expect(results.reduce((a, r) => a + r.fired, 0)).toBe(1)
    expect(await ws.events(alert.id)).toHaveLength(1)
  })

  it('negative_share fires when the share of negative mentions jumps', async () => {
    const ws = await setup()
    const [source] = await t.sql<{ id: string }[]>`SELECT id FROM sources WHERE workspace_id = ${ws.workspaceId}`
    const alert = await ws.alert({ name: 'mood', kind: 'negative_share', window: '1h', minCount: 10 })
    const now = Date.now()
    for (let h = 1; h <= 48; h++) {
      await seed(ws.workspaceId, source.id, now - h * HOUR, 8, 'fine')
      await seed(ws.workspaceId, source.id, now - h * HOUR, 2, 'meh', 'negative')
    }
    await seed(ws.workspaceId, source.id, now, 8, 'fine')
    await seed(ws.workspaceId, source.id, now, 2, 'meh', 'negative')
    await evaluatePeriodicAlerts({ ...t.deps, clock: () => new Date(now) })
    expect(await ws.events(alert.id)).toHaveLength(0)
    await seed(ws.workspaceId, source.id, now + HOUR, 5, 'fine')
    await seed(ws.workspaceId, source.id, now + HOUR, 15, 'terrible', 'negative')
    await evaluatePeriodicAlerts({ ...t.deps, clock: () => new Date(now + HOUR) })
    const [event] = await ws.events(alert.id)
    expect(event.explanation).toMatchObject({ observed: 0.75, anomalous: true })
    expect(event.explanation.expected).toBeCloseTo(0.2, 2)
  })

  it('rating fires when the window\'s reviews average fewer stars than the alert allows, with enough of them', async () => {
    const ws = await setup()
    const [source] = await t.sql<{ id: string }[]>`SELECT id FROM sources WHERE workspace_id = ${ws.workspaceId}`
    const alert = await ws.alert({ name: 'stars', kind: 'rating', window: '1d', minCount: 4, belowRating: 3.5 })
    expect(alert).toMatchObject({ kind: 'rating', belowRating: 3.5 })
    const now = Date.now()
    const rate = async (end: number, stars: number[]) => {
      const rows = stars.map((r, i) => ({
        workspace_id: ws.workspaceId, source_id: source.id, external_id: crypto.randomUUID(), kind: 'api', body: `review ${r}`,
        published_at: new Date(end - (i + 1) * 60_000), content_hash: crypto.randomUUID(), rating: r,
      }))
      await t.sql`INSERT INTO mentions ${t.sql(rows)}`
    }
    await rate(now - 3 * 86_400_000, [5, 4, 5, 4, 5])
    await rate(now, [2, 1])
    // Two low reviews are not enough to speak of.
    await evaluatePeriodicAlerts({ ...t.deps, clock: () => new Date(now) })
    expect(await ws.events(alert.id)).toHaveLength(0)
    await rate(now + HOUR, [3, 2, 5])
    await evaluatePeriodicAlerts({ ...t.deps, clock: () => new Date(now + HOUR) })
    const [event] = await ws.events(alert.id)
    expect(event.explanation).toMatchObject({ observed: 2.6, expected: 4.6, threshold: 3.5, anomalous: true, samples: 5, window: '1d' })
    // Still low an hour later: the same episode, no second firing.
    await evaluatePeriodicAlerts({ ...t.deps, clock: () => new Date(now + 2 * HOUR) })
    expect(await ws.events(alert.id)).toHaveLength(1)
    expect((await t.call('POST', '/v1/alerts', { key: ws.key, body: { name: 'x', kind: 'rating', belowRating: 6 } })).status).toBe(400)
  })
})
