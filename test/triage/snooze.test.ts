import { describe, expect, it } from 'vitest'
import { wakeSnoozedMentions } from '../../src/mentions/snooze.ts'
import { SNOOZE_CHOICES } from '../../src/web/pages/inbox-detail.tsx'
import { createTestApp } from '../helpers/app.ts'
import { postForm, webSession } from '../web/web-session.ts'
import { seedMentions, seedSource } from './seed.ts'

const t = await createTestApp()
const agent = await t.keyFor('agent')
const source = await seedSource(t.sql, t.workspaceId, 'reddit', 'snooze source')
const HOUR = 3_600_000

const later = (ms: number) => new Date(Date.now() + ms).toISOString()
async function mention(text = `Waiting on the vendor for ${crypto.randomUUID()}`) {
  const [id] = await seedMentions(t.sql, t.workspaceId, source, [{ text, status: 'open' }])
  return id
}
const patch = (id: string, body: unknown) => t.call('PATCH', `/v1/mentions/${id}`, { key: agent, body })

describe('snoozing a mention', () => {
  it('takes it out of what needs attention until its time, then the tick reopens it with a history entry and a webhook', async () => {
    const hook = await t.call('POST', '/v1/webhooks', { body: { url: 'https://hooks.example.com/snooze', events: ['mention.updated'] } })
    const id = await mention()
    const until = later(24 * HOUR)
    const snoozed = await patch(id, { snoozedUntil: until })
    expect(snoozed.status, JSON.stringify(snoozed.data)).toBe(200)
    expect(snoozed.data).toMatchObject({ status: 'snoozed', snoozedUntil: until })

    const attention = await t.call('GET', '/v1/mentions?status=new,open,in_progress&limit=200')
    expect(attention.data.items.map((m: { id: string }) => m.id)).not.toContain(id)
    const asleep = await t.call('GET', '/v1/mentions?status=snoozed')
    expect(asleep.data.items).toEqual([expect.objectContaining({ id, snoozedUntil: until })])
    expect((await t.call('GET', '/v1/mentions/stats')).data.byStatus.snoozed).toBe(1)

    expect(await wakeSnoozedMentions(t.deps, new Date())).toBe(0)
    expect(await wakeSnoozedMentions(t.deps, new Date(Date.parse(until) + 1000))).toBe(1)
    const woken = await t.call('GET', `/v1/mentions/${id}`)
    expect(woken.data).toMatchObject({ status: 'open', snoozedUntil: null })
    expect(woken.data.history.map((h: { action: string }) => h.action)).toEqual(['updated', 'snooze_ended'])
    expect(woken.data.history[0].changes).toEqual({ status: { from: 'open', to: 'snoozed' }, snoozedUntil: { to: expect.any(String) } })
    const events = await t.sql<{ body: string }[]>`SELECT body FROM webhook_deliveries WHERE webhook_id = ${hook.data.id} ORDER BY created_at`
    expect(events.map((e) => JSON.parse(e.body).data.status)).toEqual(['snoozed', 'open'])
  })

  it('ends when someone sets a status, and snoozes a mention’s copies with it', async () => {
    const text = `The same complaint posted twice ${crypto.randomUUID()}`
    const [first] = await seedMentions(t.sql, t.workspaceId, source, [{ text, status: 'open' }])
    const [copy] = await seedMentions(t.sql, t.workspaceId, source, [{ text, status: 'open' }])
    await t.sql`UPDATE mentions SET duplicate_of = ${first} WHERE id = ${copy}`
    expect((await patch(first, { snoozedUntil: later(HOUR) })).status).toBe(200)
    expect((await t.call('GET', `/v1/mentions/${copy}`)).data.status).toBe('snoozed')
    const resolved = await patch(first, { status: 'resolved' })
    expect(resolved.data).toMatchObject({ status: 'resolved', snoozedUntil: null })
    expect((await t.call('GET', `/v1/mentions/${copy}`)).data).toMatchObject({ status: 'resolved', snoozedUntil: null })
    expect(await wakeSnoozedMentions(t.deps, new Date(Date.now() + 2 * HOUR))).toBe(0)
  })

  it('refuses a time in the past or too far ahead, a status with it, and `snoozed` without a time', async () => {
    const id = await mention()
    for (const body of [
      { snoozedUntil: later(-HOUR) },
      { snoozedUntil: later(91 * 24 * HOUR) },
      { snoozedUntil: 'next tuesday' },
      { snoozedUntil: later(HOUR), status: 'open' },
      { status: 'snoozed' },
    ]) {
      const res = await patch(id, body)
      expect(res.status, JSON.stringify(body)).toBe(400)
    }
    expect((await t.call('POST', '/v1/rules', { key: agent, body: { name: 'nap', filter: {}, action: { status: 'snoozed' } } })).status).toBe(400)
    expect((await t.call('POST', '/v1/rules', { key: agent, body: { name: 'nap', filter: {}, action: { snoozedUntil: later(HOUR) } } })).status).toBe(400)
    expect((await t.call('GET', `/v1/mentions/${id}`)).data.status).toBe('open')
  })

  it('snoozes many at once from a bulk action', async () => {
    const ids = [await mention(), await mention()]
    const res = await t.call('POST', '/v1/mentions/bulk', { key: agent, body: { ids, action: { snoozedUntil: later(3 * HOUR) } } })
    expect(res.data).toEqual({ matched: 2, updated: 2 })
    const rows = await t.sql<{ status: string }[]>`SELECT status FROM mentions WHERE id = ANY(${ids}::uuid[])`
    expect(rows.map((r) => r.status)).toEqual(['snoozed', 'snoozed'])
  })

  it('has a Snooze form in the inbox, and the default inbox leaves snoozed mentions out', async () => {
    const id = await mention('Snooze me from the web form please')
    const session = await webSession(t.app, agent)
    const res = await postForm(t.app, session, `/app/inbox/${id}/update`, [['snoozeFor', '3d'], ['back', `/app/inbox?m=${id}`]])
    expect(res.status).toBe(303)
    const [row] = await t.sql<{ status: string; snoozed_until: Date }[]>`SELECT status, snoozed_until FROM mentions WHERE id = ${id}`
    expect(row.status).toBe('snoozed')
    expect(Math.abs(row.snoozed_until.getTime() - (Date.now() + 72 * HOUR))).toBeLessThan(60_000)
    const detail = await (await t.app.request(`/app/inbox?m=${id}`, { headers: { cookie: session.cookie } })).text()
    expect(detail).toContain('snoozed until <time')
    expect(detail).toContain('Snooze again')
    const inbox = await (await t.app.request('/app/inbox', { headers: { cookie: session.cookie } })).text()
    expect(inbox).not.toContain(`data-id="${id}"`)
    const snoozedView = await (await t.app.request('/app/inbox?status=snoozed', { headers: { cookie: session.cookie } })).text()
    expect(snoozedView).toContain(`data-id="${id}"`)
    expect((await postForm(t.app, session, `/app/inbox/${id}/update`, [['snoozeFor', 'forever'], ['back', '/app/inbox']])).status).toBe(400)

    const done = await mention('Already resolved, nothing to put off')
    await patch(done, { status: 'resolved' })
    expect(await (await t.app.request(`/app/inbox?m=${done}&status=all`, { headers: { cookie: session.cookie } })).text()).not.toContain('id="snooze-for"')

    const many = [await mention(), await mention()]
    expect(inbox).toContain('<option value="snooze:1h">Snooze for 1 hour</option>')
    const bulk = await postForm(t.app, session, '/app/inbox/bulk', [...many.map((m) => ['ids', m] as [string, string]), ['status', 'snooze:1h'], ['back', '/app/inbox']])
    expect(bulk.status).toBe(303)
    const rows = await t.sql<{ status: string; snoozed_until: Date }[]>`SELECT status, snoozed_until FROM mentions WHERE id = ANY(${many}::uuid[])`
    expect(rows.every((r) => r.status === 'snoozed' && Math.abs(r.snoozed_until.getTime() - Date.now() - HOUR) < 60_000)).toBe(true)
  })

  it('snoozes until 9:00 tomorrow or next Monday where the person is, daylight-saving changes included', () => {
    const ends = (value: string, now: string, tz: string) => new Date(SNOOZE_CHOICES.find(([v]) => v === value)![2](Date.parse(now), tz)).toISOString()
    // Saturday 23:30 in Oslo (summer time); Sunday is the day the clocks go back, so 9:00 is 08:00 UTC.
    expect(ends('tomorrow', '2026-10-24T21:30:00Z', 'Europe/Oslo')).toBe('2026-10-25T08:00:00.000Z')
    expect(ends('monday', '2026-10-24T21:30:00Z', 'Europe/Oslo')).toBe('2026-10-26T08:00:00.000Z')
    // Sunday the clocks went forward: Monday 9:00 is 07:00 UTC.
    expect(ends('monday', '2026-03-29T08:00:00Z', 'Europe/Oslo')).toBe('2026-03-30T07:00:00.000Z')
    // It is already Monday 00:30 in Shanghai (Sunday in UTC): the next Monday, a week on.
    expect(ends('monday', '2026-12-06T16:30:00Z', 'Asia/Shanghai')).toBe('2026-12-14T01:00:00.000Z')
    expect(ends('tomorrow', '2026-12-06T16:30:00Z', 'Asia/Shanghai')).toBe('2026-12-08T01:00:00.000Z')
    expect(ends('tomorrow', '2026-12-06T16:30:00Z', 'UTC')).toBe('2026-12-07T09:00:00.000Z')
  })

  it('reads the time zone the page sends for "until tomorrow 9:00" (the workspace\'s without script), and UTC for one that does not exist', async () => {
    const session = await webSession(t.app, agent)
    const inbox = await (await t.app.request('/app/inbox', { headers: { cookie: session.cookie } })).text()
    expect(inbox).toContain('<input type="hidden" name="tz" value="UTC" data-local-tz')
    const local = await mention()
    expect((await postForm(t.app, session, `/app/inbox/${local}/update`, [['snoozeFor', 'tomorrow'], ['tz', 'Asia/Shanghai'], ['back', '/app/inbox']])).status).toBe(303)
    const bogus = await mention()
    await postForm(t.app, session, '/app/inbox/bulk', [['ids', bogus], ['status', 'snooze:tomorrow'], ['tz', 'Mars/Olympus_Mons'], ['back', '/app/inbox']])
    const until = async (id: string) => (await t.sql<{ snoozed_until: Date }[]>`SELECT snoozed_until FROM mentions WHERE id = ${id}`)[0].snoozed_until
    const [inShanghai, inUtc] = [await until(local), await until(bogus)]
    expect([inShanghai.getUTCHours(), inShanghai.getUTCMinutes()]).toEqual([1, 0])
    expect([inUtc.getUTCHours(), inUtc.getUTCMinutes()]).toEqual([9, 0])
    for (const d of [inShanghai, inUtc]) expect(d.getTime() - Date.now()).toBeGreaterThan(0)
    for (const d of [inShanghai, inUtc]) expect(d.getTime() - Date.now()).toBeLessThanOrEqual(33 * HOUR)
    // Without script the form carries the workspace's zone.
    await t.call('PATCH', '/v1/workspaces/current/settings', { body: { timeZone: 'Europe/Oslo' } })
    const oslo = await (await t.app.request(`/app/inbox?m=${local}&status=all`, { headers: { cookie: session.cookie } })).text()
    expect(oslo.match(/name="tz" value="Europe\/Oslo" data-local-tz/g)).toHaveLength(2)
    await t.call('PATCH', '/v1/workspaces/current/settings', { body: { timeZone: 'UTC' } })
  })
})
