import { http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { jsonFixture, useMockServer } from '../connectors/harness.ts'
import { createTestApp } from '../helpers/app.ts'

const server = useMockServer()
const t = await createTestApp()
const GRAPHQL = 'https://api.producthunt.com/v2/api/graphql'
const TOKEN = 'ph-dev-token-0123456789abcdef'

type Page = { data: { post: { comments: { edges: { node: Record<string, unknown> }[] } } } }

describe('a Product Hunt source', () => {
  it('stores the comments and replies on a launch, keeps the token sealed, then stores only what is new', async () => {
    let firstPage = jsonFixture('producthunt', 'post-page1.json') as Page
    const authorizations: (string | null)[] = []
    server.use(
      http.post(GRAPHQL, async ({ request }) => {
        authorizations.push(request.headers.get('authorization'))
        const { query, variables } = (await request.json()) as { query: string; variables: Record<string, unknown> }
        if (query.includes('comment(id:')) return HttpResponse.json(jsonFixture('producthunt', 'replies-page2.json'))
        return HttpResponse.json(variables.after === 'MjA' ? jsonFixture('producthunt', 'post-page2.json') : firstPage)
      }),
    )
    const created = await t.call('POST', '/v1/sources', { body: { kind: 'producthunt', name: 'Launch day', config: { token: TOKEN, posts: ['acme-analytics-2'] } } })
    expect(created.status, JSON.stringify(created.data)).toBe(201)
    expect(JSON.stringify(created.data)).not.toContain(TOKEN)
    const [stored] = await t.sql<{ config: unknown }[]>`SELECT config FROM sources WHERE id = ${created.data.id}`
    expect(JSON.stringify(stored.config)).not.toContain(TOKEN)

    // Every comment and reply but the one with no body.
    expect((await t.call('POST', `/v1/sources/${created.data.id}/run`)).data).toMatchObject({ status: 'ok', inserted: 11 })
    expect(authorizations.every((a) => a === `Bearer ${TOKEN}`)).toBe(true)
    const [{ cursor }] = await t.sql<{ cursor: unknown }[]>`SELECT cursor FROM sources WHERE id = ${created.data.id}`
    expect(cursor).toEqual({ 'acme-analytics-2': '2026-03-03T11:58:00.000Z#4123490' })

    const mentions = (await t.call('GET', `/v1/mentions?source=${created.data.id}&sort=newest`)).data.items as { id: string; externalId: string; author: { handle: string | null } }[]
    expect(mentions).toHaveLength(11)
    expect(mentions[0].externalId).toBe('ph:comment:4123490')
    const pricing = mentions.find((m) => m.externalId === 'ph:comment:4123440')!
    const detail = (await t.call('GET', `/v1/mentions/${pricing.id}`)).data
    expect(detail).toMatchObject({ url: 'https://www.producthunt.com/posts/acme-analytics-2?comment=4123440', text: 'The pricing page says $49 but checkout charged me $59?' })
    expect(detail.replyUnavailable).toBe('producthunt sources cannot reply from earshot; answer at the source')

    // Nothing new: nothing stored. Then a new thread on the launch: only it.
    expect((await t.call('POST', `/v1/sources/${created.data.id}/run`)).data).toMatchObject({ status: 'ok', inserted: 0, duplicates: 0 })
    firstPage = structuredClone(firstPage)
    firstPage.data.post.comments.edges.unshift({
      node: {
        id: '4123500',
        body: 'Just switched our team over. The funnel view alone is worth it.',
        createdAt: '2026-03-03T12:10:00Z',
        url: 'https://www.producthunt.com/posts/acme-analytics-2?comment=4123500',
        votesCount: 0,
        parentId: null,
        user: { id: '0', username: '[REDACTED]', name: '[REDACTED]' },
        replies: { totalCount: 0, pageInfo: { endCursor: null, hasNextPage: false }, edges: [] },
      },
    })
    expect((await t.call('POST', `/v1/sources/${created.data.id}/run`)).data).toMatchObject({ status: 'ok', inserted: 1, duplicates: 0 })
  })

  it('stops with the reason when the token is refused', async () => {
    server.use(http.post(GRAPHQL, () => HttpResponse.json(jsonFixture('producthunt', 'error-401.json'), { status: 401 })))
    const created = await t.call('POST', '/v1/sources', { body: { kind: 'producthunt', name: 'Old token', config: { token: 'revoked', posts: ['acme-analytics-2'] } } })
    const run = (await t.call('POST', `/v1/sources/${created.data.id}/run`)).data
    expect(run).toMatchObject({ status: 'error' })
    const source = (await t.call('GET', `/v1/sources/${created.data.id}`)).data
    expect(source).toMatchObject({ status: 'disabled', disabledReason: expect.stringContaining('the token was refused') })
  })
})
