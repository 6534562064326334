import { http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { jsonFixture, useMockServer } from '../connectors/harness.ts'
import { createTestApp } from '../helpers/app.ts'

const server = useMockServer()
const t = await createTestApp()
const API = 'https://graph.threads.net/v1.0'

describe('a Threads source', () => {
  it('stores replies and search results in their languages, keeps the token sealed, and answers a reply from the inbox in two steps', async () => {
    server.use(
      http.get(`${API}/me`, () => HttpResponse.json(jsonFixture('threads', 'me.json'))),
      http.get(`${API}/me/threads`, () => HttpResponse.json(jsonFixture('threads', 'threads.json'))),
      http.get(`${API}/18064523170461877/conversation`, ({ request }) =>
        HttpResponse.json(jsonFixture('threads', new URL(request.url).searchParams.get('after') ? 'conversation-1-page2.json' : 'conversation-1.json'))),
      http.get(`${API}/18047739906511254/conversation`, () => HttpResponse.json(jsonFixture('threads', 'conversation-2.json'))),
      http.get(`${API}/keyword_search`, () => HttpResponse.json(jsonFixture('threads', 'search.json'))),
    )
    const config = { accessToken: 'THAAGm3xYz-long-lived-0123456789', query: 'acme' }
    const created = await t.call('POST', '/v1/sources', { body: { kind: 'threads', name: 'Acme on Threads', config } })
    expect(created.status, JSON.stringify(created.data)).toBe(201)
    expect(JSON.stringify(created.data)).not.toContain('long-lived-0123456789')
    expect((await t.call('POST', `/v1/sources/${created.data.id}/run`)).data).toMatchObject({ status: 'ok', inserted: 6 })
    const items = (await t.call('GET', `/v1/mentions?source=${created.data.id}&sort=newest`)).data.items
    expect(items.map((m: { lang: string }) => m.lang)).toEqual(['en', 'ru', 'no', 'zh', 'el', 'ru'])
    expect(items[1]).toMatchObject({ url: 'https://www.threads.net/@olga.petrova/post/DGy0aB2oQ4x', author: { handle: 'olga.petrova' } })

    const steps: string[] = []
    server.use(
      http.post(`${API}/me/threads`, async ({ request }) => {
        const body = new URLSearchParams(await request.text())
        steps.push(`container ${body.get('reply_to_id')} ${body.get('text')}`)
        return HttpResponse.json(jsonFixture('threads', 'container.json'))
      }),
      http.post(`${API}/me/threads_publish`, async ({ request }) => {
        steps.push(`publish ${new URLSearchParams(await request.text()).get('creation_id')}`)
        return HttpResponse.json(jsonFixture('threads', 'published.json'))
      }),
    )
    const sent = await t.call('POST', `/v1/mentions/${items[1].id}/replies`, { body: { text: 'Ольга, напишите нам номер заказа — разберёмся сегодня' } })
    expect(sent.status, JSON.stringify(sent.data)).toBe(201)
    expect(steps).toEqual(['container 18105872235433931 Ольга, напишите нам номер заказа — разберёмся сегодня', 'publish 17889615691921648'])
  })
})
