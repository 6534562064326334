import { describe, expect, it } from 'vitest'
import { ADMIN_KEY, createTestApp } from '../helpers/app.ts'
import { postForm, webSession, type BrowserSession } from './web-session.ts'

const t = await createTestApp()

const session = (key: string) => webSession(t.app, key, '/app/alerts')
const post = (s: BrowserSession, path: string, fields: [string, string][]) => postForm(t.app, s, path, fields)
const page = async (s: { cookie: string }, path: string) => (await t.app.request(`http://localhost${path}`, { headers: { cookie: s.cookie } })).text()

describe('web alerts', () => {
  it('creates an alert from the form, as the API would store it, and shows what it watches', async () => {
    const src = await t.call('POST', '/v1/sources', { body: { kind: 'api', name: 'Support forum' } })
    const hook = await t.call('POST', '/v1/webhooks', { body: { url: 'https://hooks.example.com/earshot', events: ['alert.fired'], description: 'Ops channel' } })
    expect(hook.status).toBe(201)
    const chat = await t.call('POST', '/v1/webhooks', { body: { url: 'https://chat.example.com/services/T0001/B0001/tokenpart', events: ['alert.fired'], format: 'slack' } })
    expect(chat.status).toBe(201)
    const agent = await session(await t.keyFor('agent'))
    const list = await page(agent, '/app/alerts')
    expect(list).toContain('Ops channel')
    // Agents may route alerts to a webhook but never see its URL, which can hold a token.
    expect(list).toContain('chat.example.com')
    expect(list).not.toContain('tokenpart')

    const res = await post(agent, '/app/alerts', [
      ['name', 'Angry spike'], ['kind', 'spike'], ['sentiment', 'negative'], ['intent', 'bug_report'], ['source', src.data.id],
      ['q', 'export'], ['window', '15m'], ['sensitivity', '2.5'], ['minCount', '3'], ['cooldown', '30m'], ['channels', hook.data.id],
    ])
    expect(res.status).toBe(303)
    const id = /\/app\/alerts\/([0-9a-f-]{36})/.exec(res.headers.get('location') ?? '')![1]
    const stored = await t.call('GET', `/v1/alerts/${id}`)
    expect(stored.data).toMatchObject({
      kind: 'spike', name: 'Angry spike', window: '15m', sensitivity: 2.5, minCount: 3, cooldown: '30m', channels: [hook.data.id],
      filter: { sentiment: ['negative'], intent: ['bug_report'], source: [src.data.id], q: 'export' },
    })
    const detail = await page(agent, `/app/alerts/${id}`)
    expect(detail).toContain('negative sentiment, bug report, from Support forum, “export”')
    expect(await page(agent, '/app/alerts')).toContain(`href="/app/alerts/${id}"`)

    // A response-time promise in working hours, and a low-stars alert on 1–2★ reviews.
    const promise = await post(agent, '/app/alerts', [
      ['name', 'Office hours'], ['kind', 'unanswered'], ['replyWithin', '4h'], ['workingHours', 'true'],
      ['workDays', '1'], ['workDays', '2'], ['workDays', '3'], ['workDays', '4'], ['workStart', '08:30'], ['workEnd', '16:00'], ['timeZone', 'Europe/Oslo'],
    ])
    expect(promise.status).toBe(303)
    const promiseId = /\/app\/alerts\/([0-9a-f-]{36})/.exec(promise.headers.get('location') ?? '')![1]
    expect((await t.call('GET', `/v1/alerts/${promiseId}`)).data.businessHours).toEqual({ timeZone: 'Europe/Oslo', days: [1, 2, 3, 4], start: '08:30', end: '16:00' })
    expect(await page(agent, `/app/alerts/${promiseId}`)).toContain('a reply within 4h of working time (Mon, Tue, Wed, Thu 08:30–16:00 Europe/Oslo)')
    const stars = await post(agent, '/app/alerts', [['name', 'Low stars'], ['kind', 'rating'], ['belowRating', '3.5'], ['window', '1d'], ['rating', '1'], ['rating', '2']])
    expect(stars.status).toBe(303)
    const starsId = /\/app\/alerts\/([0-9a-f-]{36})/.exec(stars.headers.get('location') ?? '')![1]
    expect((await t.call('GET', `/v1/alerts/${starsId}`)).data).toMatchObject({ kind: 'rating', belowRating: 3.5, filter: { rating: [1, 2] } })
    expect(await page(agent, `/app/alerts/${starsId}`)).toContain('1, 2★')
  })

  it('keeps the form and says why when the alert is invalid, storing nothing', async () => {
    const agent = await session(await t.keyFor('agent'))
    const before = (await t.call('GET', '/v1/alerts')).data.items.length
    const res = await post(agent, '/app/alerts', [['name', 'Keep me'], ['kind', 'spike'], ['cooldown', 'soon']])
    expect(res.status).toBe(400)
    const html = await res.text()
    expect(html).toContain('cooldown')
    expect(html).toContain('value="Keep me"')
    const unknownChannel = await post(agent, '/app/alerts', [['name', 'x'], ['kind', 'match'], ['channels', '00000000-0000-4000-8000-000000000000']])
    expect(unknownChannel.status).toBe(400)
    expect((await t.call('GET', '/v1/alerts')).data.items.length).toBe(before)
  })

  it('lists what a match alert fired on, pauses and deletes; viewers only read', async () => {
    const agent = await session(await t.keyFor('agent'))
    const res = await post(agent, '/app/alerts', [['name', 'Churn talk'], ['kind', 'match'], ['q', 'cancel'], ['onlyNew', 'true']])
    const id = /\/app\/alerts\/([0-9a-f-]{36})/.exec(res.headers.get('location') ?? '')![1]
    expect((await t.call('GET', `/v1/alerts/${id}`)).data).toMatchObject({ kind: 'match', onlyNew: true, filter: { q: 'cancel' } })
    const src = await t.call('POST', '/v1/sources', { body: { kind: 'api', name: 'push' } })
    const pushed = await t.call('POST', '/v1/mentions', {
      body: { sourceId: src.data.id, items: [{ externalId: 'c1', url: 'https://example.com/c1', author: { handle: 'bo' }, text: 'We will cancel our plan next month', publishedAt: new Date().toISOString() }] },
    })
    expect(await page(agent, `/app/alerts/${id}`)).toContain(`href="/app/inbox?m=${pushed.data.ids[0]}"`)

    const viewer = await session(await t.keyFor('viewer'))
    const view = await page(viewer, `/app/alerts/${id}`)
    expect(view).toContain('Churn talk')
    expect(view).not.toContain('Pause')
    expect(await page(viewer, '/app/alerts')).not.toContain('Create alert')
    expect((await post(viewer, `/app/alerts/${id}/delete`, [])).status).toBe(403)

    expect((await post(agent, `/app/alerts/${id}/enabled`, [['enabled', 'false']])).status).toBe(303)
    expect((await t.call('GET', `/v1/alerts/${id}`)).data.enabled).toBe(false)
    expect((await post(agent, `/app/alerts/${id}/delete`, [])).status).toBe(303)
    expect((await t.call('GET', `/v1/alerts/${id}`)).status).toBe(404)
  })

  it('is per workspace: another workspace sees a 404', async () => {
    const mine = await t.call('POST', '/v1/alerts', { body: { kind: 'spike', name: 'ws secret alert' } })
    const other = await t.call('POST', '/v1/workspaces', { key: ADMIN_KEY, body: { name: 'alerts-other' } })
    const outsider = await session(other.data.key)
    const res = await t.app.request(`http://localhost/app/alerts/${mine.data.id}`, { headers: { cookie: outsider.cookie } })
    expect(res.status).toBe(404)
    expect(await page(outsider, '/app/alerts')).not.toContain('ws secret alert')
  })
})

describe('web webhooks', () => {
  it('lets an admin add a webhook and shows its signing secret once', async () => {
    const admin = await session(ADMIN_KEY)
    const res = await post(admin, '/app/webhooks', [
      ['url', 'https://hooks.example.com/from-web'], ['events', 'alert.fired'], ['events', 'mention.created'], ['format', 'json'], ['description', '<script>alert(1)</script>ops'],
    ])
    expect(res.status).toBe(200)
    const html = await res.text()
    const secret = /<code>(whsec_[A-Za-z0-9+/=]+)<\/code>/.exec(html)![1]
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;ops')
    expect(html).not.toContain('<script>alert(1)')
    const stored = (await t.call('GET', '/v1/webhooks')).data.items.find((w: { url: string }) => w.url === 'https://hooks.example.com/from-web')
    expect(stored).toMatchObject({ events: ['alert.fired', 'mention.created'], format: 'json', enabled: true })
    // Not on any later page.
    expect(await page(admin, '/app/webhooks')).not.toContain(secret)

    expect((await post(admin, `/app/webhooks/${stored.id}/enabled`, [['enabled', 'false']])).status).toBe(303)
    expect((await t.call('GET', `/v1/webhooks/${stored.id}`)).data.enabled).toBe(false)
    expect((await post(admin, `/app/webhooks/${stored.id}/delete`, [])).status).toBe(303)
    expect((await t.call('GET', `/v1/webhooks/${stored.id}`)).status).toBe(404)
  })

  it('refuses bad targets with the form kept, and is for admins only', async () => {
    const admin = await session(ADMIN_KEY)
    const before = (await t.call('GET', '/v1/webhooks')).data.items.length
    const noEvents = await post(admin, '/app/webhooks', [['url', 'https://hooks.example.com/x']])
    expect(noEvents.status).toBe(400)
    expect(await noEvents.text()).toContain('value="https://hooks.example.com/x"')
    const bad = await post(admin, '/app/webhooks', [['url', 'ftp://hooks.example.com/x'], ['events', 'alert.fired']])
    expect(bad.status).toBe(400)
    expect((await t.call('GET', '/v1/webhooks')).data.items.length).toBe(before)

    const agent = await session(await t.keyFor('agent'))
    expect((await t.app.request('http://localhost/app/webhooks', { headers: { cookie: agent.cookie } })).status).toBe(403)
    expect(await page(agent, '/app/alerts')).not.toContain('href="/app/webhooks"')
    expect(await page(admin, '/app/alerts')).toContain('href="/app/webhooks"')
  })
})
