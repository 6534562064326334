import { describe, expect, it } from 'vitest'
import { createTestApp } from '../helpers/app.ts'
import { webSession } from '../web/web-session.ts'

const t = await createTestApp()

describe('urgent mentions', () => {
  it('are stored as urgent with the words that say so, filtered with urgent=true, and marked in the inbox', async () => {
    const src = await t.call('POST', '/v1/sources', { body: { kind: 'api', name: `urgency ${crypto.randomUUID()}` } })
    const now = new Date().toISOString()
    const pushed = await t.call('POST', '/v1/mentions', {
      body: {
        sourceId: src.data.id,
        items: [
          { externalId: 'u1', url: 'https://example.com/u1', author: { handle: 'ola' }, text: 'Får ikke logget inn etter oppdateringen, det haster!', publishedAt: now },
          { externalId: 'u2', url: 'https://example.com/u2', author: { handle: 'eve' }, text: 'The export is a bit slow on big files', publishedAt: now },
        ],
      },
    })
    expect(pushed.status, JSON.stringify(pushed.data)).toBe(200)
    const [urgentId, calmId] = pushed.data.ids
    const urgent = (await t.call('GET', `/v1/mentions/${urgentId}`)).data
    expect(urgent).toMatchObject({ urgent: true, explanation: { urgency: ['får ikke logget inn', 'haster'] } })
    expect((await t.call('GET', `/v1/mentions/${calmId}`)).data.urgent).toBe(false)
    const ids = async (q: string) => (await t.call('GET', `/v1/mentions?source=${src.data.id}&${q}`)).data.items.map((m: { id: string }) => m.id)
    expect(await ids('urgent=true')).toEqual([urgentId])
    expect(await ids('urgent=false')).toEqual([calmId])
    expect((await t.call('GET', `/v1/mentions?urgent=maybe`)).status).toBe(400)

    const s = await webSession(t.app, (await t.keyFor('agent')))
    const page = await (await t.app.request(`http://localhost/app/inbox?source=${src.data.id}&urgent=true&m=${urgentId}`, { headers: { cookie: s.cookie } })).text()
    expect(page).toContain('<span class="badge s-negative">urgent</span>')
    expect(page).toContain('<option value="true" selected="">urgent only</option>')
    // A view of its own beside Needs attention and Open questions (still needing attention: the default statuses).
    const urgentView = await (await t.app.request('http://localhost/app/inbox?urgent=true', { headers: { cookie: s.cookie } })).text()
    expect(urgentView).toContain('<a href="/app/inbox?urgent=true" aria-current="page">Urgent</a>')
    expect(page).toMatch(/<dt>Urgent<\/dt><dd>it says “<bdi>får ikke logget inn<\/bdi>”, “<bdi>haster<\/bdi>”<\/dd>/)
  })
})
