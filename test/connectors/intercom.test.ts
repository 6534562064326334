import { http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { intercomConnector } from '../../connectors/intercom/index.ts'
import { jsonFixture, NOW, poll, useMockServer } from './harness.ts'

const server = useMockServer()
const SEARCH = 'https://api.intercom.io/conversations/search'
const config = { accessToken: 'ic-token', workspaceId: 'abc123de' }

interface SearchBody {
  query: { operator: string; value: { field: string; operator: string; value: unknown }[] }
  pagination: { per_page: number; starting_after?: string }
}

function answer(bodies: SearchBody[]) {
  return http.post(SEARCH, async ({ request }) => {
    expect(request.headers.get('authorization')).toBe('Bearer ic-token')
    expect(request.headers.get('intercom-version')).toBe('2.11')
    const body = (await request.json()) as SearchBody
    bodies.push(body)
    return HttpResponse.json(jsonFixture('intercom', body.pagination.starting_after ? 'search-page2.json' : 'search-page1.json'))
  })
}

describe('intercom connector', () => {
  it('searches conversations customers opened in the last week, pages them, and keeps them newest first', async () => {
    const bodies: SearchBody[] = []
    server.use(answer(bodies))
    const { items, cursor } = await poll(intercomConnector, config)
    expect(bodies[0].query.value).toEqual([
      { field: 'created_at', operator: '>', value: NOW.getTime() / 1000 - 7 * 86_400 - 1 },
      { field: 'source.author.type', operator: 'IN', value: ['user', 'lead'] },
    ])
    expect(bodies[1].pagination.starting_after).toBe('WzE3NzI1MTc2MDAwMDAsMjE1NDcwMDAwXQ==')
    expect(items.map((i) => i.externalId)).toEqual(['215470002', '215470001', '215470000'])
    expect(items[1]).toMatchObject({
      url: 'https://app.intercom.com/a/inbox/abc123de/inbox/conversation/215470001',
      author: { handle: 'lucia@cliente.example', name: 'Lucía Gómez' },
      text: 'Hola, la app se cierra cuando intento exportar el informe. ¿Pueden ayudarme?',
      publishedAt: new Date(1772521200 * 1000),
      platform: 'email',
    })
    expect(items[1].title).toBeUndefined()
    expect(items[2]).toMatchObject({ title: 'Invoice question', author: { handle: 'intercom-lead-64f0a1b2c3d4e5f6a7b8c9d1' }, platform: 'intercom' })
    expect(cursor).toEqual({ since: new Date(1772524800 * 1000).toISOString(), ids: ['215470002'] })
  })

  it('asks only for what came after the mark, and keeps nothing it already has', async () => {
    const bodies: SearchBody[] = []
    server.use(answer(bodies))
    const mark = { since: new Date(1772521200 * 1000).toISOString(), ids: ['215470001'] }
    const { items } = await poll(intercomConnector, { accessToken: 'ic-token' }, mark)
    expect(bodies[0].query.value[0]).toEqual({ field: 'created_at', operator: '>', value: 1772521200 - 1 })
    expect(items.map((i) => [i.externalId, i.url])).toEqual([['215470002', '']])
  })

  it('treats a refused token as permanent and a malformed page as a failed run', async () => {
    server.use(http.post(SEARCH, () => HttpResponse.json(jsonFixture('intercom', 'error-401.json'), { status: 401 })))
    await expect(poll(intercomConnector, config)).rejects.toMatchObject({ permanent: true, status: 401 })
    server.use(http.post(SEARCH, () => HttpResponse.json({ conversations: [{ id: 1 }] })))
    await expect(poll(intercomConnector, config)).rejects.toThrow(/unexpected response shape/)
  })
})
