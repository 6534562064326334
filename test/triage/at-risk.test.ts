import { describe, expect, it } from 'vitest'
import { createTestApp } from '../helpers/app.ts'
import { webSession } from '../web/web-session.ts'
import { seedMentions, seedSource } from './seed.ts'

const t = await createTestApp()
const DAY = 86_400_000
const ago = (days: number) => new Date(Date.now() - days * DAY)

describe('customers at risk', () => {
  it('lists who was unhappy lately, in mentions or survey answers, the most valuable first', async () => {
    const customer = async (name: string, value: number, email?: string) =>
      (await t.call('POST', '/v1/customers', { body: { name, value, ...(email ? { email } : {}), identities: [{ kind: 'reddit', value: name.toLowerCase() }] } })).data.id as string
    const big = await customer('Big', 5000)
    const small = await customer('Small', 10, 'small@risk.test')
    const happy = await customer('Happy', 9000, 'happy@risk.test')
    const old = await customer('Old', 7000)
    const source = await seedSource(t.sql, t.workspaceId, 'reddit', 'risk')
    await seedMentions(t.sql, t.workspaceId, source, [
      { handle: 'big', text: 'Your export lost my data', sentiment: 'negative', status: 'open', publishedAt: ago(2) },
      { handle: 'big', text: 'Billing charged me twice', sentiment: 'negative', status: 'resolved', publishedAt: ago(5) },
      { handle: 'small', text: 'The app is slow', sentiment: 'negative', status: 'new', publishedAt: ago(1) },
      { handle: 'happy', text: 'Love it', sentiment: 'positive', publishedAt: ago(1) },
      { handle: 'old', text: 'Terrible support', sentiment: 'negative', status: 'open', publishedAt: ago(40) },
    ])
    const survey = (await t.call('POST', '/v1/surveys', { body: { kind: 'nps', question: 'Recommend us?', allowedOrigins: ['https://acme.test'] } })).data
    await t.call('POST', `/v1/surveys/${survey.id}/responses`, { body: [
      { score: 3, email: 'small@risk.test', respondedAt: ago(3).toISOString() },
      { score: 10, email: 'happy@risk.test', respondedAt: ago(3).toISOString() },
    ] })

    const res = await t.call('GET', '/v1/customers/at-risk', { key: await t.keyFor('viewer') })
    expect(res.status).toBe(200)
    expect(res.data.items.map((r: { customer: { id: string }; negativeMentions: number; openNegativeMentions: number; unhappyResponses: number }) =>
      [r.customer.id, r.negativeMentions, r.openNegativeMentions, r.unhappyResponses])).toEqual([[big, 2, 1, 0], [small, 1, 1, 1]])
    const wider = await t.call('GET', '/v1/customers/at-risk?days=60')
    expect(wider.data.items.map((r: { customer: { id: string } }) => r.customer.id)).toEqual([old, big, small])
    expect(wider.data.items.map((r: { customer: { id: string } }) => r.customer.id)).not.toContain(happy)
    expect((await t.call('GET', '/v1/customers/at-risk?days=0')).status).toBe(400)

    const other = await t.call('POST', '/v1/workspaces', { body: { name: 'at-risk-other' } })
    expect((await t.call('GET', '/v1/customers/at-risk', { key: other.data.key })).data.items).toEqual([])

    const session = await webSession(t.app, await t.keyFor('viewer'), '/app/customers')
    const page = await (await t.app.request('http://localhost/app/customers', { headers: { cookie: session.cookie } })).text()
    expect(page).toContain('At risk')
    expect(page.indexOf(`href="/app/customers/${big}"`)).toBeLessThan(page.indexOf(`href="/app/customers/${small}"`))
    const searched = await (await t.app.request('http://localhost/app/customers?q=big', { headers: { cookie: session.cookie } })).text()
    expect(searched).not.toContain('id="at-risk-h"')
  })
})
