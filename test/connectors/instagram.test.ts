import { http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { instagramConnector } from '../../connectors/instagram/index.ts'
import { UpstreamError } from '../../src/net/errors.ts'
import { jsonFixture, poll, testClient, useMockServer } from './harness.ts'

const server = useMockServer()
const GRAPH = 'https://graph.facebook.com/v21.0'
const MEDIA = `${GRAPH}/17841405309211844/media`
const MORE = `${GRAPH}/17918195224117851/comments`
const config = { igUserId: '17841405309211844', accessToken: 'EAAG-token-0123456789abcdef' }

function graph() {
  const asked: URL[] = []
  server.use(
    http.get(MEDIA, ({ request }) => (asked.push(new URL(request.url)), HttpResponse.json(jsonFixture('instagram', 'media.json')))),
    http.get(MORE, ({ request }) => (asked.push(new URL(request.url)), HttpResponse.json(jsonFixture('instagram', 'comments-page2.json')))),
  )
  return asked
}

describe('instagram connector', () => {
  it('reads comments and replies on the latest posts, every page of them, without the account’s own', async () => {
    const asked = graph()
    const { items, cursor } = await poll(instagramConnector, config)
    expect(items.map((i) => i.externalId)).toEqual(['17870913679157000', '17870913679156914', '17873440459141099', '17873440459141021'])
    expect(items[1]).toMatchObject({
      url: 'https://www.instagram.com/p/C4aBcDeFgHi/',
      author: { handle: 'maria.k', profileUrl: 'https://www.instagram.com/maria.k/' },
      text: 'Η παραγγελία μου άργησε δύο εβδομάδες 😡',
      publishedAt: new Date('2026-03-03T11:20:00Z'),
      engagement: { likes: 3 },
    })
    // A reply remembers the comment it answered, which an answer to it must go under.
    expect(items[0].raw).toMatchObject({ parentId: '17870913679156914' })
    expect(cursor).toEqual({ since: '2026-03-03T11:45:00.000Z', ids: ['17870913679157000'] })
    expect(asked.map((u) => u.pathname)).toEqual(['/v21.0/17841405309211844/media', '/v21.0/17918195224117851/comments'])
    expect(asked[0].searchParams.get('fields')).toContain('replies{')
  })

  it('keeps only what is newer than its mark, whatever order Instagram gives', async () => {
    graph()
    const { items } = await poll(instagramConnector, config, { since: '2026-03-03T10:05:00.000Z', ids: ['17873440459141099'] })
    expect(items.map((i) => i.externalId)).toEqual(['17870913679156914', '17870913679157000'])
  })

  it('loses none of more new comments than a run keeps: the next run takes the rest', async () => {
    graph()
    const mark = { since: '2026-03-03T09:00:00.000Z', ids: [] }
    const first = await poll(instagramConnector, config, mark, { maxItems: 2 })
    expect(first.items.map((i) => i.externalId)).toEqual(['17873440459141021', '17873440459141099'])
    const second = await poll(instagramConnector, config, first.cursor, { maxItems: 2 })
    expect(second.items.map((i) => i.externalId)).toEqual(['17870913679156914', '17870913679157000'])
    expect((await poll(instagramConnector, config, second.cursor, { maxItems: 2 })).items).toEqual([])
  })

  it('waits out Graph’s throttling and stops on a bad token', async () => {
    server.use(http.get(MEDIA, () => HttpResponse.json({ error: { message: 'Application request limit reached', type: 'OAuthException', code: 4 } }, { status: 400 })))
    expect(await poll(instagramConnector, config).catch((x: UpstreamError) => x)).toMatchObject({ permanent: false, retryAt: expect.any(Date) })
    server.use(http.get(MEDIA, () => HttpResponse.json({ error: { message: 'Invalid OAuth access token.', type: 'OAuthException', code: 190 } }, { status: 400 })))
    expect(await poll(instagramConnector, config).catch((x: UpstreamError) => x)).toMatchObject({ permanent: true, message: 'graph.facebook.com: error 190: Invalid OAuth access token.' })
  })

  it('answers under the comment, or under the comment a reply was to', async () => {
    const { items } = await (graph(), poll(instagramConnector, config))
    const paths: string[] = []
    server.use(
      http.post(`${GRAPH}/:id/replies`, async ({ request, params }) => {
        paths.push(`${params.id} ${new URLSearchParams(await request.text()).get('message')}`)
        return HttpResponse.json(jsonFixture('instagram', 'reply.json'))
      }),
    )
    const { fetch } = testClient({ maxAttempts: 1 })
    const target = (raw: unknown) => ({ externalId: 'x', url: null, authorHandle: null, raw })
    expect(await instagramConnector.reply!.send({ fetch, idempotencyKey: 'k' }, config, target(items[1].raw), 'Sorry Maria!')).toEqual({ externalId: '17870913679157111', url: null })
    await instagramConnector.reply!.send({ fetch, idempotencyKey: 'k2' }, config, target(items[0].raw), 'Checking now')
    expect(paths).toEqual(['17870913679156914 Sorry Maria!', '17870913679156914 Checking now'])
  })
})
