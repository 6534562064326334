import { describe, expect, it } from 'vitest'
import { evaluatePeriodicAlerts } from '../../src/alerts/periodic.ts'
import type { Deps } from '../../src/deps.ts'
import { wakeSnoozedMentions } from '../../src/mentions/snooze.ts'
import { createTestApp } from '../helpers/app.ts'
import { webSession } from '../web/web-session.ts'

const t = await createTestApp()
const MIN = 60_000
const HOUR = 60 * MIN
const at = (ms: number): Deps => ({ ...t.deps, clock: () => new Date(ms) })

/** A workspace with a pushed source; `push` stores mentions as the API does. */
async function setup() {
  const ws = await t.call('POST', '/v1/workspaces', { body: { name: `unanswered-${crypto.randomUUID()}` } })
  const key = ws.data.key as string
  const source = await t.call('POST', '/v1/sources', { key, body: { kind: 'api', name: 'pushed' } })
  let n = 0
  const push = async (text: string, publishedAt: number) => {
    const res = await t.call('POST', '/v1/mentions', {
      key,
      body: { sourceId: source.data.id, items: [{ externalId: `u${++n}`, url: `https://example.com/${n}`, author: { handle: `user${n}` }, text, publishedAt: new Date(publishedAt).toISOString() }] },
    })
    return res.data.ids[0] as string
  }
  return { key, workspaceId: ws.data.id as string, push }
}

describe('unanswered alerts', () => {
  it('fire once per mention that waits past its reply time, the cooldown apart, never for the backlog or what was answered, resolved or unmatched', async () => {
    const ws = await setup()
    const now = Date.now()
    const waiting = await ws.push('the export is broken again', now - 30 * MIN)
    const alsoWaiting = await ws.push('export fails with a 500', now - 25 * MIN)
    const backlog = await ws.push('export crashed last night', now - 3 * HOUR) // overdue before the alert existed
    const answered = await ws.push('export question', now - 10 * MIN)
    const resolved = await ws.push('export is slow', now - 20 * MIN)
    await ws.push('love the new dashboard', now - 40 * MIN) // not what the alert watches
    await t.sql`INSERT INTO mention_replies (workspace_id, mention_id, author, body, status, sent_at) VALUES (${ws.workspaceId}, ${answered}, 'agent', 'hi', 'sent', now())`
    expect((await t.call('PATCH', `/v1/mentions/${resolved}`, { key: ws.key, body: { status: 'resolved' } })).status).toBe(200)

    const created = await t.call('POST', '/v1/alerts', { key: ws.key, body: { name: 'Reply to export reports in 2h', kind: 'unanswered', filter: { q: 'export' }, replyWithin: '2h', cooldown: '1h' } })
    expect(created.status, JSON.stringify(created.data)).toBe(201)
    const id = created.data.id as string
    const events = async () => (await t.call('GET', `/v1/alerts/${id}/events`, { key: ws.key })).data.items as { mentionId: string; explanation: Record<string, unknown> }[]

    await evaluatePeriodicAlerts(at(now))
    expect(await events()).toEqual([])
    expect((await t.call('GET', `/v1/alerts/${id}`, { key: ws.key })).data.lastEvaluation).toEqual({ waiting: 0, oldestMinutes: null, replyWithin: '2h' })

    await evaluatePeriodicAlerts(at(now + 2 * HOUR))
    const first = await events()
    expect(first).toHaveLength(1)
    expect(first[0].explanation).toMatchObject({ waiting: 2, replyWithin: '2h', oldestMinutes: 150 })
    expect([waiting, alsoWaiting]).toContain(first[0].mentionId)

    await evaluatePeriodicAlerts(at(now + 2 * HOUR + MIN)) // within the cooldown
    expect(await events()).toHaveLength(1)
    await evaluatePeriodicAlerts(at(now + 3 * HOUR + 2 * MIN))
    const both = await events()
    expect(both.map((e) => e.mentionId).sort()).toEqual([waiting, alsoWaiting].sort())
    await evaluatePeriodicAlerts(at(now + 4 * HOUR + 3 * MIN)) // each mention fires once
    expect(await events()).toHaveLength(2)
    expect(both.map((e) => e.mentionId)).not.toContain(backlog)

    await t.sql`INSERT INTO mention_replies (workspace_id, mention_id, author, body, status, sent_at) VALUES (${ws.workspaceId}, ${waiting}, 'agent', 'on it', 'sent', now())`
    await evaluatePeriodicAlerts(at(now + 5 * HOUR))
    expect((await t.call('GET', `/v1/alerts/${id}`, { key: ws.key })).data.lastEvaluation).toMatchObject({ waiting: 1 })

    const s = await webSession(t.app, ws.key, '/app/alerts')
    const page = await (await t.app.request('http://localhost/app/alerts', { headers: { cookie: s.cookie } })).text()
    expect(page).toContain('A mention waits too long for a reply')
    expect(page).toContain('a reply within 2h')
    expect(page).toMatch(/1 waiting over 2h, the oldest \d+ min/)
  })

  it('takes a reply time from 5 minutes to 7 days, 2 hours unless told', async () => {
    const ws = await setup()
    const make = (body: Record<string, unknown>) => t.call('POST', '/v1/alerts', { key: ws.key, body: { name: 'x', kind: 'unanswered', ...body } })
    expect((await make({})).data.replyWithin).toBe('2h')
    for (const replyWithin of ['1m', '8d', 'soon', '']) expect((await make({ replyWithin })).status, replyWithin).toBe(400)
    expect((await make({ onlyNew: true })).status).toBe(400)
    const made = await make({ replyWithin: '30m' })
    expect((await t.call('PATCH', `/v1/alerts/${made.data.id}`, { key: ws.key, body: { replyWithin: '1d' } })).data.replyWithin).toBe('1d')
  })

  it('owes nothing when the filter only wants resolved mentions', async () => {
    const ws = await setup()
    const now = Date.now()
    const id = await ws.push('old issue', now - 10 * MIN)
    expect((await t.call('PATCH', `/v1/mentions/${id}`, { key: ws.key, body: { status: 'resolved' } })).status).toBe(200)
    const alert = await t.call('POST', '/v1/alerts', { key: ws.key, body: { name: 'resolved only', kind: 'unanswered', filter: { status: ['resolved'] }, replyWithin: '5m' } })
    await evaluatePeriodicAlerts(at(now + HOUR))
    expect((await t.call('GET', `/v1/alerts/${alert.data.id}`, { key: ws.key })).data.lastEvaluation).toMatchObject({ waiting: 0 })
  })

  it('owes nothing for a snoozed mention until it wakes', async () => {
    const ws = await setup()
    const now = Date.now()
    const id = await ws.push('waiting on the vendor', now - 10 * MIN)
    const alert = await t.call('POST', '/v1/alerts', { key: ws.key, body: { name: 'two hours', kind: 'unanswered', replyWithin: '2h' } })
    const snoozedUntil = new Date(now + 3 * HOUR)
    expect((await t.call('PATCH', `/v1/mentions/${id}`, { key: ws.key, body: { snoozedUntil: snoozedUntil.toISOString() } })).status).toBe(200)
    await evaluatePeriodicAlerts(at(now + 2 * HOUR + 10 * MIN))
    expect((await t.call('GET', `/v1/alerts/${alert.data.id}`, { key: ws.key })).data.lastEvaluation).toMatchObject({ waiting: 0 })
    expect(await wakeSnoozedMentions(t.deps, snoozedUntil)).toBe(1)
    await evaluatePeriodicAlerts(at(now + 3 * HOUR + 2 * MIN))
    const events = (await t.call('GET', `/v1/alerts/${alert.data.id}/events`, { key: ws.key })).data.items as { mentionId: string }[]
    expect(events.map((e) => e.mentionId)).toEqual([id])
  })

  it('counts the reply time in working hours when told: a Friday-evening post is overdue on Monday morning, not Friday night', async () => {
    const ws = await setup()
    const friday = Date.parse('2026-03-06T19:00:00Z') // 20:00 in Oslo
    const id = await ws.push('the export is broken', friday)
    const hours = { timeZone: 'Europe/Oslo', days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' }
    const alert = await t.call('POST', '/v1/alerts', { key: ws.key, body: { name: 'office promise', kind: 'unanswered', replyWithin: '2h', businessHours: hours } })
    expect(alert.data.businessHours).toEqual(hours)
    await t.sql`UPDATE alerts SET created_at = '2026-03-06T00:00:00Z' WHERE id = ${alert.data.id}`
    const state = async () => (await t.call('GET', `/v1/alerts/${alert.data.id}`, { key: ws.key })).data.lastEvaluation
    await evaluatePeriodicAlerts(at(Date.parse('2026-03-06T23:00:00Z'))) // Friday midnight: no working time has passed
    expect(await state()).toMatchObject({ waiting: 0 })
    await evaluatePeriodicAlerts(at(Date.parse('2026-03-09T09:30:00Z'))) // Monday 10:30: one and a half working hours
    expect(await state()).toMatchObject({ waiting: 0 })
    await evaluatePeriodicAlerts(at(Date.parse('2026-03-09T10:05:00Z'))) // Monday 11:05: past the two hours
    expect(await state()).toMatchObject({ waiting: 1 })
    const [event] = (await t.call('GET', `/v1/alerts/${alert.data.id}/events`, { key: ws.key })).data.items
    expect(event.mentionId).toBe(id)

    const bad = await t.call('PATCH', `/v1/alerts/${alert.data.id}`, { key: ws.key, body: { businessHours: { ...hours, timeZone: 'Nowhere/Land' } } })
    expect(bad.status).toBe(400)
    expect((await t.call('PATCH', `/v1/alerts/${alert.data.id}`, { key: ws.key, body: { businessHours: null } })).data.businessHours).toBeNull()
  })
})
