import { http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { jsonFixture, useMockServer } from '../connectors/harness.ts'
import { createTestApp } from '../helpers/app.ts'

const server = useMockServer()
const t = await createTestApp()
const TOKEN = 'https://api.helpscout.net/v2/oauth2/token'
const CONVERSATIONS = 'https://api.helpscout.net/v2/conversations'
const config = { clientId: 'hs-app-id', clientSecret: 'hs-app-secret-123' }
// The recorded conversations are of early March 2026; the first run looks a week back from this.
t.deps.clock = () => new Date('2026-03-03T12:00:00Z')

describe('a Help Scout source', () => {
  it('stores the conversations customers opened once, linked to the customer by e-mail, carries on from its mark, and keeps the secret sealed', async () => {
    const olga = (await t.call('POST', '/v1/customers', { body: { name: 'Olga Berg', email: 'Olga@Kunde.example' } })).data
    const asked: string[] = []
    server.use(
      http.post(TOKEN, () => HttpResponse.json(jsonFixture('helpscout', 'token.json'))),
      http.get(CONVERSATIONS, ({ request }) => {
        const q = new URL(request.url).searchParams
        asked.push(`${q.get('modifiedSince')} ${q.get('page')}`)
        if (q.get('modifiedSince') === '2026-03-02T10:29:59Z') return HttpResponse.json(jsonFixture('helpscout', 'conversations-page3.json'))
        return HttpResponse.json(jsonFixture('helpscout', q.get('page') === '1' ? 'conversations-page1.json' : 'conversations-page2.json'))
      }),
    )
    const created = await t.call('POST', '/v1/sources', { body: { kind: 'helpscout', name: 'Support inbox', config } })
    expect(created.status, JSON.stringify(created.data)).toBe(201)
    expect(JSON.stringify(created.data)).not.toContain('hs-app-secret-123')
    // 7002, 7004, 7005, 7006: not 7001 (opened before the week), the team's 7003, the spam 7007, nor 7008 we cannot read.
    expect((await t.call('POST', `/v1/sources/${created.data.id}/run`)).data).toMatchObject({ status: 'ok', inserted: 4 })
    expect(asked).toEqual(['2026-02-24T12:00:00Z 1', '2026-02-24T12:00:00Z 2'])

    const mine = await t.call('GET', `/v1/mentions?customer=${olga.id}`)
    expect(mine.data.items.map((m: { externalId: string }) => m.externalId)).toEqual(['helpscout:conversation:7002'])

    // The next run asks from its mark's second: 7009 shares it and 7010 is new; 7002 changed and is not stored again.
    expect((await t.call('POST', `/v1/sources/${created.data.id}/run`)).data).toMatchObject({ status: 'ok', inserted: 2 })
    expect(asked.slice(-1)).toEqual(['2026-03-02T10:29:59Z 1'])
    const again = await t.call('GET', `/v1/mentions?customer=${olga.id}`)
    expect(again.data.items.map((m: { externalId: string }) => m.externalId).sort()).toEqual(['helpscout:conversation:7002', 'helpscout:conversation:7010'])
  })

  it('stops a source whose app Help Scout refuses, with the reason', async () => {
    server.use(http.post(TOKEN, () => HttpResponse.json(jsonFixture('helpscout', 'token-error-401.json'), { status: 401 })))
    const created = await t.call('POST', '/v1/sources', { body: { kind: 'helpscout', name: 'Old app', config } })
    await t.call('POST', `/v1/sources/${created.data.id}/run`)
    const source = await t.call('GET', `/v1/sources/${created.data.id}`)
    expect(source.data).toMatchObject({ status: 'disabled' })
    expect(source.data.disabledReason).toContain('My Apps')
    expect(source.data.disabledReason).toContain('invalid_client')
  })
})
