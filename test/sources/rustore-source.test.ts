import { http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { decryptSecret } from '../../src/crypto/secret-box.ts'
import { jsonFixture, useMockServer } from '../connectors/harness.ts'
import { API, authEndpoint, config, privateKey } from '../connectors/rustore-key.ts'
import { createTestApp } from '../helpers/app.ts'

const server = useMockServer()
const t = await createTestApp()

/** RuStore as the source sees it: `pages` by number (a missing one is empty) and the answers list. */
function serveRuStore(pages: Record<string, string>, asked: string[] = []) {
  server.use(
    authEndpoint(),
    http.get(`${API}/comment`, ({ request }) => {
      const page = new URL(request.url).searchParams.get('page') ?? ''
      asked.push(page)
      return HttpResponse.json(jsonFixture('rustore', pages[page] ?? 'comments-empty.json'))
    }),
    http.get(`${API}/feedback`, ({ request }) =>
      HttpResponse.json(jsonFixture('rustore', new URL(request.url).searchParams.get('page') === '0' ? 'feedback.json' : 'feedback-empty.json'))),
  )
  return asked
}

describe('a RuStore source', () => {
  it('keeps the key sealed, stores reviews once with their stars and versions, and carries on from its mark', async () => {
    const asked = serveRuStore({ '0': 'comments-page0.json', '1': 'comments-page1.json' })
    const created = await t.call('POST', '/v1/sources', { body: { kind: 'rustore', name: 'RuStore', config } })
    expect(created.status, JSON.stringify(created.data)).toBe(201)
    expect(JSON.stringify(created.data)).not.toContain(privateKey.slice(0, 60))
    const [stored] = await t.sql`SELECT config FROM sources WHERE id = ${created.data.id}`
    expect(JSON.stringify(stored.config)).not.toContain(privateKey.slice(0, 60))
    expect(await decryptSecret(t.deps.config.secretKey, stored.config.privateKey.sealed, `source:${t.workspaceId}:${created.data.id}:privateKey`)).toBe(privateKey)

    expect((await t.call('POST', `/v1/sources/${created.data.id}/run`)).data).toMatchObject({ status: 'ok', inserted: 5, duplicates: 0 })
    expect(asked).toEqual(['0', '1', '2'])
    const list = await t.call('GET', `/v1/mentions?source=${created.data.id}&rating=1,2`)
    expect(list.data.items.map((m: { externalId: string }) => m.externalId).sort()).toEqual(['5716001', '5718304'])
    const alexey = list.data.items.find((m: { externalId: string }) => m.externalId === '5718304')
    expect(alexey).toMatchObject({ rating: 1, appVersion: '4.12.0', url: 'https://www.rustore.ru/catalog/app/ru.acme.app', lang: 'ru' })

    // Answered in RuStore Console before earshot saw them: counted as answered, once.
    const answered = await t.call('GET', `/v1/mentions?source=${created.data.id}&answered=true`)
    expect(answered.data.items.map((m: { externalId: string }) => m.externalId).sort()).toEqual(['5716001', '5718122'])
    const marina = answered.data.items.find((m: { externalId: string }) => m.externalId === '5718122')
    expect((await t.call('GET', `/v1/mentions/${marina.id}/replies`)).data.items).toEqual([
      expect.objectContaining({ author: 'RuStore Console', status: 'sent', sentAt: '2026-03-03T08:30:00.000Z' }),
    ])

    // The next run: one new review above Alexey's, which is not stored again (its likes changed meanwhile).
    asked.length = 0
    serveRuStore({ '0': 'comments-next.json' }, asked)
    expect((await t.call('POST', `/v1/sources/${created.data.id}/run`)).data).toMatchObject({ status: 'ok', inserted: 1, duplicates: 0, edited: 0 })
    expect(asked).toEqual(['0'])
    const [{ n }] = await t.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM mentions WHERE source_id = ${created.data.id}`
    expect(n).toBe(6)

    // Polled from scratch again (a reset cursor): nothing is stored twice, answers included.
    await t.sql`UPDATE sources SET cursor = NULL WHERE id = ${created.data.id}`
    serveRuStore({ '0': 'comments-page0.json', '1': 'comments-page1.json' })
    expect((await t.call('POST', `/v1/sources/${created.data.id}/run`)).data).toMatchObject({ status: 'ok', inserted: 0 })
    expect((await t.call('GET', `/v1/mentions/${marina.id}/replies`)).data.items).toHaveLength(1)
  })

  it('stops a source whose key RuStore refuses, with RuStore’s reason', async () => {
    server.use(authEndpoint())
    const created = await t.call('POST', '/v1/sources', { body: { kind: 'rustore', name: 'Old key', config: { ...config, keyId: '99' } } })
    await t.call('POST', `/v1/sources/${created.data.id}/run`)
    const source = await t.call('GET', `/v1/sources/${created.data.id}`)
    expect(source.data).toMatchObject({ status: 'disabled' })
    expect(source.data.disabledReason).toContain('RuStore refused key 99')
    expect(source.data.disabledReason).toContain('Подпись не прошла проверку')
  })
})
