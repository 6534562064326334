import { http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { jsonFixture, useMockServer } from '../connectors/harness.ts'
import { createTestApp } from '../helpers/app.ts'

const server = useMockServer()
const t = await createTestApp()
const GRAPH = 'https://graph.facebook.com/v21.0'
const TOKEN = 'EAAB-page-token-0123456789'

describe('a Facebook Page source', () => {
  it('stores comments in their languages, never shows the token, and answers one from the inbox as the Page', async () => {
    server.use(
      http.get(`${GRAPH}/104857600123456/posts`, () => HttpResponse.json(jsonFixture('facebook', 'posts.json'))),
      http.get(`${GRAPH}/104857600123456_987650001/comments`, () => HttpResponse.json(jsonFixture('facebook', 'comments-page2.json'))),
    )
    const created = await t.call('POST', '/v1/sources', { body: { kind: 'facebook', name: 'Acme Page', config: { pageId: '104857600123456', accessToken: TOKEN } } })
    expect(created.status, JSON.stringify(created.data)).toBe(201)
    expect(JSON.stringify((await t.call('GET', `/v1/sources/${created.data.id}`)).data)).not.toContain(TOKEN)
    expect((await t.call('POST', `/v1/sources/${created.data.id}/run`)).data).toMatchObject({ status: 'ok', inserted: 4 })
    expect((await t.call('POST', `/v1/sources/${created.data.id}/run`)).data).toMatchObject({ status: 'ok', inserted: 0 })

    const items = (await t.call('GET', `/v1/mentions?source=${created.data.id}&sort=newest`)).data.items
    expect(items.map((m: { lang: string }) => m.lang)).toEqual(['no', 'el', 'zh', 'en'])
    expect(items[0]).toMatchObject({ sentiment: 'negative', author: { name: 'Ingrid Hansen' } })

    const posted: string[] = []
    server.use(
      http.post(`${GRAPH}/987650001_5550003/comments`, async ({ request }) => {
        expect(request.headers.get('authorization')).toBe(`Bearer ${TOKEN}`)
        posted.push(new URLSearchParams(await request.text()).get('message')!)
        return HttpResponse.json(jsonFixture('facebook', 'reply.json'))
      }),
    )
    const reply = await t.call('POST', `/v1/mentions/${items[0].id}/replies`, { body: { text: 'Hei Ingrid, vi har svart deg på melding.' } })
    expect(reply.status, JSON.stringify(reply.data)).toBe(201)
    expect(reply.data).toMatchObject({ status: 'sent', url: null })
    expect(posted).toEqual(['Hei Ingrid, vi har svart deg på melding.'])
  })
})
