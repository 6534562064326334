import { http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { jsonFixture, useMockServer } from '../connectors/harness.ts'
import { createTestApp } from '../helpers/app.ts'

const server = useMockServer()
const t = await createTestApp()

describe('a Zendesk source', () => {
  it('stores new tickets once, linked to the customer with the requester’s e-mail, and keeps the token sealed', async () => {
    const olga = (await t.call('POST', '/v1/customers', { body: { name: 'Olga Berg', email: 'Olga@Kunde.example' } })).data
    server.use(http.get('https://acme.zendesk.com/api/v2/incremental/tickets/cursor.json', ({ request }) =>
      HttpResponse.json(jsonFixture('zendesk', new URL(request.url).searchParams.get('cursor') ? 'export-page2.json' : 'export-page1.json'))))
    const created = await t.call('POST', '/v1/sources', { body: { kind: 'zendesk', name: 'Support', config: { subdomain: 'acme', email: 'agent@acme.example', apiToken: 'zd-token-123' } } })
    expect(created.status, JSON.stringify(created.data)).toBe(201)
    expect(JSON.stringify(created.data)).not.toContain('zd-token-123')
    expect((await t.call('POST', `/v1/sources/${created.data.id}/run`)).data).toMatchObject({ status: 'ok', inserted: 3 })

    const mine = await t.call('GET', `/v1/mentions?customer=${olga.id}`)
    expect(mine.data.items.map((m: { externalId: string }) => m.externalId)).toEqual(['4101'])
    // The next run starts where the export left off; a ticket changed again is not a new mention.
    server.use(http.get('https://acme.zendesk.com/api/v2/incremental/tickets/cursor.json', ({ request }) => {
      expect(new URL(request.url).searchParams.get('cursor')).toBe('MTc3MjUyMTIwMC4wfHw0MTAzfA==')
      return HttpResponse.json(jsonFixture('zendesk', 'export-page2.json'))
    }))
    expect((await t.call('POST', `/v1/sources/${created.data.id}/run`)).data).toMatchObject({ status: 'ok', inserted: 0, duplicates: 1 })
  })
})
