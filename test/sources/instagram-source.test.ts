import { http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { jsonFixture, useMockServer } from '../connectors/harness.ts'
import { createTestApp } from '../helpers/app.ts'

const server = useMockServer()
const t = await createTestApp()
const GRAPH = 'https://graph.facebook.com/v21.0'

describe('an Instagram source', () => {
  it('stores comments and replies in their languages and answers a reply under its comment from the inbox', async () => {
    server.use(
      http.get(`${GRAPH}/17841405309211844/media`, () => HttpResponse.json(jsonFixture('instagram', 'media.json'))),
      http.get(`${GRAPH}/17918195224117851/comments`, () => HttpResponse.json(jsonFixture('instagram', 'comments-page2.json'))),
    )
    const config = { igUserId: '17841405309211844', accessToken: 'EAAG-token-0123456789abcdef' }
    const created = await t.call('POST', '/v1/sources', { body: { kind: 'instagram', name: 'Acme on Instagram', config } })
    expect(created.status, JSON.stringify(created.data)).toBe(201)
    expect((await t.call('POST', `/v1/sources/${created.data.id}/run`)).data).toMatchObject({ status: 'ok', inserted: 4 })
    const items = (await t.call('GET', `/v1/mentions?source=${created.data.id}&sort=newest`)).data.items
    expect(items.map((m: { lang: string }) => m.lang)).toEqual(['en', 'el', 'no', 'en'])
    expect(items[1]).toMatchObject({ sentiment: 'negative', author: { handle: 'maria.k' } })

    const under: string[] = []
    server.use(http.post(`${GRAPH}/:id/replies`, ({ params }) => (under.push(String(params.id)), HttpResponse.json(jsonFixture('instagram', 'reply.json')))))
    expect((await t.call('POST', `/v1/mentions/${items[0].id}/replies`, { body: { text: '@maria.k checking it now' } })).status).toBe(201)
    expect(under).toEqual(['17870913679156914'])
  })
})
