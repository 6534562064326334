import { http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { jsonFixture, useMockServer } from '../connectors/harness.ts'
import { createTestApp } from '../helpers/app.ts'

const server = useMockServer()
const t = await createTestApp()
const TICKETS = 'https://acme.freshdesk.com/api/v2/tickets'
const NEXT = '<https://acme.freshdesk.com/api/v2/tickets?page=2&per_page=100>; rel="next"'

describe('a Freshdesk source', () => {
  it('stores tickets once, linked to the customer by the requester’s e-mail, carries on from its mark, and keeps the key sealed', async () => {
    const olga = (await t.call('POST', '/v1/customers', { body: { name: 'Olga Berg', email: 'Olga@Kunde.example' } })).data
    const asked: string[] = []
    server.use(http.get(TICKETS, ({ request }) => {
      const q = new URL(request.url).searchParams
      asked.push(`${q.get('updated_since')} ${q.get('page')}`)
      if (q.get('updated_since') === '2026-03-02T10:04:59Z') return HttpResponse.json(jsonFixture('freshdesk', 'tickets-page3.json'))
      // The first run asks from a week before today, which the recorded tickets predate: it turns the page.
      return q.get('page') === '1'
        ? HttpResponse.json(jsonFixture('freshdesk', 'tickets-page1.json'), { headers: { link: NEXT } })
        : HttpResponse.json(jsonFixture('freshdesk', 'tickets-page2.json'))
    }))
    const created = await t.call('POST', '/v1/sources', { body: { kind: 'freshdesk', name: 'Support', config: { domain: 'acme', apiKey: 'fd-key-123' } } })
    expect(created.status, JSON.stringify(created.data)).toBe(201)
    expect(JSON.stringify(created.data)).not.toContain('fd-key-123')
    // 101, 102, 105, 106, 107: not the outbound e-mail (103) nor the ticket we cannot read (104).
    expect((await t.call('POST', `/v1/sources/${created.data.id}/run`)).data).toMatchObject({ status: 'ok', inserted: 5 })
    expect(asked.map((a) => a.split(' ')[1])).toEqual(['1', '2'])

    const mine = await t.call('GET', `/v1/mentions?customer=${olga.id}`)
    expect(mine.data.items.map((m: { externalId: string }) => m.externalId).sort()).toEqual(['freshdesk:ticket:101', 'freshdesk:ticket:106'])

    // The next run asks from its mark's second: 107 was read, 108 shares its second and is new, 101 changed again and is no new mention.
    expect((await t.call('POST', `/v1/sources/${created.data.id}/run`)).data).toMatchObject({ status: 'ok', inserted: 2, duplicates: 1 })
    expect(asked.slice(-1)).toEqual(['2026-03-02T10:04:59Z 1'])
    const [stored] = await t.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM mentions WHERE source_id = ${created.data.id}`
    expect(stored.n).toBe(7)
  })

  it('stops a source whose key Freshdesk refuses, with the reason', async () => {
    server.use(http.get(TICKETS, () => HttpResponse.json(jsonFixture('freshdesk', 'error-401.json'), { status: 401 })))
    const created = await t.call('POST', '/v1/sources', { body: { kind: 'freshdesk', name: 'Old key', config: { domain: 'acme.freshdesk.com', apiKey: 'revoked' } } })
    await t.call('POST', `/v1/sources/${created.data.id}/run`)
    const source = await t.call('GET', `/v1/sources/${created.data.id}`)
    expect(source.data).toMatchObject({ status: 'disabled' })
    expect(source.data.disabledReason).toContain('Your API Key')
    expect(source.data.disabledReason).toContain('invalid_credentials')
  })
})
