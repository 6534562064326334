import { http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { jsonFixture, useMockServer } from '../connectors/harness.ts'
import { createTestApp } from '../helpers/app.ts'

const server = useMockServer()
const t = await createTestApp()

describe('a VK source', () => {
  it('stores matching posts in Russian with their reach, never shows the token, and finds nothing new on the next run', async () => {
    server.use(
      http.post('https://api.vk.com/method/newsfeed.search', async ({ request }) =>
        HttpResponse.json(jsonFixture('vk', new URLSearchParams(await request.text()).get('start_from') ? 'search-page2.json' : 'search-page1.json')),
      ),
    )
    const created = await t.call('POST', '/v1/sources', { body: { kind: 'vk', name: 'VK', config: { query: 'acme', accessToken: 'vk1.a.service-token' } } })
    expect(created.status, JSON.stringify(created.data)).toBe(201)
    expect(JSON.stringify((await t.call('GET', `/v1/sources/${created.data.id}`)).data)).not.toContain('vk1.a.service-token')
    expect((await t.call('POST', `/v1/sources/${created.data.id}/run`)).data).toMatchObject({ status: 'ok', inserted: 3 })
    expect((await t.call('POST', `/v1/sources/${created.data.id}/run`)).data).toMatchObject({ status: 'ok', inserted: 0 })

    const items = (await t.call('GET', `/v1/mentions?source=${created.data.id}&sort=newest`)).data.items
    expect(items.map((m: { lang: string }) => m.lang)).toEqual(['ru', 'ru', 'ru'])
    expect(items[0]).toMatchObject({ sentiment: 'negative', author: { handle: 'd.orlov', followers: 318 } })
    expect(items[1]).toMatchObject({ sentiment: 'positive', author: { name: 'Техно-обзоры', followers: 90412 } })
    expect((await t.call('GET', `/v1/mentions/${items[0].id}`)).data.replyUnavailable).toContain('vk sources cannot reply from earshot')
  })
})
