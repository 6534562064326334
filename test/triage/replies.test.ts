import { delay, http, HttpResponse } from 'msw'
import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { mastodonConnector, addressed } from '../../connectors/mastodon/index.ts'
import { sendReply } from '../../src/mentions/replies.ts'
import { AppError } from '../../src/errors.ts'
import { createHttpClient } from '../../src/net/http-client.ts'
import { BEARER, serviceAccountKey, tokenEndpoint } from '../connectors/google-service-account.ts'
import { jsonFixture, useMockServer } from '../connectors/harness.ts'
import { API as RUSTORE_API, authEndpoint as rustoreAuth, config as rustoreConfig, JWE } from '../connectors/rustore-key.ts'
import { createTestApp } from '../helpers/app.ts'
import { seedMentions, seedSource } from './seed.ts'
import { postForm, webSession } from '../web/web-session.ts'

const server = useMockServer()
const t = await createTestApp()
const agent = await t.keyFor('agent')
const viewer = await t.keyFor('viewer')

const GITHUB_SEARCH = 'https://api.github.com/search/issues'
const ISSUE_42_COMMENTS = 'https://api.github.com/repos/acme/app/issues/42/comments'

interface Seen {
  url: string
  headers: Headers
  body: Record<string, unknown>
}

/** Records what earshot sent upstream and answers with `answer`. */
function recordPosts(url: string, answer: () => Response | Promise<Response>) {
  const seen: Seen[] = []
  server.use(
    http.post(url, async ({ request }) => {
      seen.push({ url: request.url, headers: request.headers, body: (await request.json()) as Record<string, unknown> })
      return answer()
    }),
  )
  return seen
}

/** Creates a source through the API and polls it once, as a user would; returns the mention stored for `externalId`. */
async function polledMention(kind: string, config: Record<string, unknown>, externalId: string) {
  const created = await t.call('POST', '/v1/sources', { body: { kind, name: `${kind} ${crypto.randomUUID()}`, config } })
  expect(created.status, JSON.stringify(created.data)).toBe(201)
  const run = await t.call('POST', `/v1/sources/${created.data.id}/run`)
  expect(run.data, JSON.stringify(run.data)).toMatchObject({ status: 'ok' })
  const [row] = await t.sql<{ id: string }[]>`SELECT id FROM mentions WHERE source_id = ${created.data.id} AND external_id = ${externalId}`
  return { mentionId: row.id, sourceId: created.data.id as string }
}

async function githubIssue(config: Record<string, unknown> = { query: 'repo:acme/app', token: 'ghp_write_token' }) {
  server.use(http.get(GITHUB_SEARCH, () => HttpResponse.json(jsonFixture('github', 'search-page1.json'))))
  return polledMention('github', config, '3000000002')
}

const reply = (mentionId: string, text: string, opts: { key?: string; idempotencyKey?: string } = {}) =>
  t.call('POST', `/v1/mentions/${mentionId}/replies`, {
    key: opts.key ?? agent,
    body: { text },
    headers: opts.idempotencyKey ? { 'idempotency-key': opts.idempotencyKey } : {},
  })

describe('replies at the source', () => {
  it('comments on a GitHub issue with the source token, records the reply and opens the mention', async () => {
    const { mentionId } = await githubIssue()
    const seen = recordPosts(ISSUE_42_COMMENTS, () => HttpResponse.json(jsonFixture('github', 'create-comment.json'), { status: 201 }))

    const res = await reply(mentionId, '  Thanks for the report, we are looking into the export crash.  ')
    expect(res.status, JSON.stringify(res.data)).toBe(201)
    expect(res.data).toMatchObject({
      text: 'Thanks for the report, we are looking into the export crash.',
      status: 'sent',
      url: 'https://github.com/acme/app/issues/42#issuecomment-2700000001',
      author: 'test agent',
      error: null,
    })
    expect(seen).toHaveLength(1)
    expect(seen[0].headers.get('authorization')).toBe('Bearer ghp_write_token')
    expect(seen[0].headers.get('x-github-api-version')).toBe('2022-11-28')
    expect(seen[0].body).toEqual({ body: 'Thanks for the report, we are looking into the export crash.' })

    const detail = await t.call('GET', `/v1/mentions/${mentionId}`, { key: viewer })
    expect(detail.data.status).toBe('open')
    expect(detail.data.replyUnavailable).toBeNull()
    expect(detail.data.replies).toMatchObject([{ id: res.data.id, status: 'sent' }])
    expect(detail.data.history.map((h: { action: string }) => h.action)).toEqual(['replied', 'updated'])
    const listed = await t.call('GET', `/v1/mentions/${mentionId}/replies`, { key: viewer })
    expect(listed.data.items.map((r: { id: string }) => r.id)).toEqual([res.data.id])
    const [row] = await t.sql`SELECT external_id FROM mention_replies WHERE id = ${res.data.id}`
    expect(row.external_id).toBe('2700000001')
  })

  it('tells webhooks subscribed to mention.replied what went out, and a Slack channel who replied', async () => {
    const hook = await t.call('POST', '/v1/webhooks', { body: { url: 'https://hooks.example.com/replies', events: ['mention.replied'], format: 'slack' } })
    expect(hook.status, JSON.stringify(hook.data)).toBe(201)
    const { mentionId } = await githubIssue()
    recordPosts(ISSUE_42_COMMENTS, () => HttpResponse.json(jsonFixture('github', 'create-comment.json'), { status: 201 }))
    const res = await reply(mentionId, 'Fixed in 2.1 <script>, thanks!')
    const [delivery] = await t.sql<{ event_type: string; body: string }[]>`SELECT event_type, body FROM webhook_deliveries WHERE webhook_id = ${hook.data.id}`
    expect(delivery.event_type).toBe('mention.replied')
    const body = JSON.stringify(JSON.parse(delivery.body))
    expect(body).toContain('test agent replied')
    expect(body).toContain('Fixed in 2.1 &lt;script&gt;, thanks!')
    expect(body).toContain(`<${res.data.url}|Open the reply>`)
    expect(body).toContain('Export crashes with large files')
    expect((await t.call('DELETE', `/v1/webhooks/${hook.data.id}`)).status).toBe(204)
  })

  it('filters the inbox by answered or not, and a reply moves a kept page along', async () => {
    const { mentionId, sourceId } = await githubIssue()
    expect((await t.call('PATCH', `/v1/mentions/${mentionId}`, { body: { status: 'open' } })).status).toBe(200)
    recordPosts(ISSUE_42_COMMENTS, () => HttpResponse.json(jsonFixture('github', 'create-comment.json'), { status: 201 }))
    const ids = async (answered: string) =>
      (await t.call('GET', `/v1/mentions?source=${sourceId}&answered=${answered}`)).data.items.map((m: { id: string }) => m.id)
    expect(await ids('false')).toContain(mentionId)
    expect(await ids('true')).not.toContain(mentionId)
    // The status is already open, so only the reply itself can move the page the inbox keeps.
    expect((await reply(mentionId, 'Fixed in 2.1.')).status).toBe(201)
    expect(await ids('false')).not.toContain(mentionId)
    expect(await ids('true')).toEqual([mentionId])
    expect((await t.call('GET', `/v1/mentions?answered=maybe`)).status).toBe(400)
  })

  it('refuses viewers, empty and overlong text, unknown ids and other workspaces, posting nothing', async () => {
    const { mentionId } = await githubIssue()
    expect((await reply(mentionId, 'hello', { key: viewer })).status).toBe(403)
    expect((await reply(mentionId, '   ')).status).toBe(400)
    expect((await reply(mentionId, 'x'.repeat(5001))).status).toBe(400)
    expect((await t.call('POST', `/v1/mentions/${mentionId}/replies`, { key: agent, body: { text: 'hi', extra: 1 } })).status).toBe(400)
    expect((await reply(crypto.randomUUID(), 'hello')).status).toBe(404)
    const other = await t.call('POST', '/v1/workspaces', { body: { name: `other-${crypto.randomUUID()}` } })
    expect((await reply(mentionId, 'hello', { key: other.data.key })).status).toBe(404)
    expect((await t.call('GET', `/v1/mentions/${mentionId}/replies`, { key: other.data.key })).status).toBe(404)
    // No POST handler is registered: a request upstream would have failed the test (onUnhandledRequest: error).
    expect((await t.sql`SELECT count(*)::int AS n FROM mention_replies WHERE mention_id = ${mentionId}`)[0].n).toBe(0)
  })

  it('posts once for a repeated Idempotency-Key and refuses the key on another mention', async () => {
    const { mentionId } = await githubIssue()
    const seen = recordPosts(ISSUE_42_COMMENTS, () => HttpResponse.json(jsonFixture('github', 'create-comment.json'), { status: 201 }))
    const key = crypto.randomUUID()
    const first = await reply(mentionId, 'We are on it.', { idempotencyKey: key })
    const again = await reply(mentionId, 'We are on it.', { idempotencyKey: key })
    expect([first.status, again.status]).toEqual([201, 200])
    expect(again.data.id).toBe(first.data.id)
    expect(seen).toHaveLength(1)

    const [hn] = await seedMentions(t.sql, t.workspaceId, await seedSource(t.sql, t.workspaceId, 'hackernews'), [{ text: 'other' }])
    expect((await reply(hn, 'We are on it.', { idempotencyKey: key })).status).toBe(409)
  })

  it('keeps a refused reply as failed with the reason, does not retry it, and posts on the next try', async () => {
    const { mentionId } = await githubIssue()
    let answers = 0
    recordPosts(ISSUE_42_COMMENTS, () => (++answers === 1 ? HttpResponse.json({ message: 'Server Error' }, { status: 502 }) : HttpResponse.json(jsonFixture('github', 'create-comment.json'), { status: 201 })))

    const failed = await reply(mentionId, 'Looking into it.')
    expect(failed.status).toBe(502)
    expect(failed.data.error).toMatchObject({ code: 'upstream_error', message: expect.stringContaining('HTTP 502') })
    expect(answers).toBe(1)
    const detail = await t.call('GET', `/v1/mentions/${mentionId}`)
    expect(detail.data.status).toBe('new')
    expect(detail.data.replies).toMatchObject([{ id: failed.data.error.details.replyId, status: 'failed', error: expect.stringContaining('HTTP 502'), url: null }])

    const retried = await reply(mentionId, 'Looking into it.')
    expect(retried.status).toBe(201)
    expect((await t.call('GET', `/v1/mentions/${mentionId}/replies`)).data.items.map((r: { status: string }) => r.status)).toEqual(['failed', 'sent'])
  })

  it('records a reply the source took but answered unreadably as sent, without an address', async () => {
    const { mentionId } = await githubIssue()
    recordPosts(ISSUE_42_COMMENTS, () => new HttpResponse('<html>oops', { status: 201, headers: { 'content-type': 'text/html' } }))
    const res = await reply(mentionId, 'Thanks!')
    expect(res.status).toBe(201)
    expect(res.data).toMatchObject({ status: 'sent', url: null, error: expect.stringContaining('malformed JSON') })
  })

  it('marks a reply whose source never answers as failed (timeout)', async () => {
    const { mentionId } = await githubIssue()
    server.use(http.post(ISSUE_42_COMMENTS, async () => {
      await delay('infinite')
      return HttpResponse.json({})
    }))
    const quick = createHttpClient({ userAgent: 'earshot-test', urlPolicy: { allowPrivate: true }, timeoutMs: 50, maxAttempts: 1 })
    const err = await sendReply(t.deps, t.workspaceId, mentionId, 'Hello?', { keyId: null }, { http: quick }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(AppError)
    expect((err as AppError).status).toBe(502)
    const [row] = await t.sql`SELECT status, error FROM mention_replies WHERE mention_id = ${mentionId}`
    expect(row).toMatchObject({ status: 'failed', error: expect.stringContaining('timed out') })
  })

  it('posts to the configured API of a GitHub Enterprise source, never to github.com', async () => {
    server.use(http.get('https://ghe.example/api/v3/search/issues', () => HttpResponse.json(jsonFixture('github', 'search-page1.json'))))
    const { mentionId } = await polledMention('github', { query: 'x', token: 'ghp_enterprise', baseUrl: 'https://ghe.example/api/v3' }, '3000000002')
    const seen = recordPosts('https://ghe.example/api/v3/repos/acme/app/issues/42/comments', () => HttpResponse.json(jsonFixture('github', 'create-comment.json'), { status: 201 }))
    expect((await reply(mentionId, 'Hello')).status).toBe(201)
    expect(seen[0].headers.get('authorization')).toBe('Bearer ghp_enterprise')
  })

  it('says why a mention cannot be answered: kind, missing credentials', async () => {
    const [hn] = await seedMentions(t.sql, t.workspaceId, await seedSource(t.sql, t.workspaceId, 'hackernews'), [{ text: 'a story' }])
    const res = await reply(hn, 'Hello')
    expect(res.status).toBe(409)
    expect(res.data.error.message).toContain('hackernews sources cannot reply')
    expect((await t.call('GET', `/v1/mentions/${hn}`)).data.replyUnavailable).toContain('hackernews')

    const { mentionId } = await githubIssue({ query: 'repo:acme/app' })
    const noToken = await reply(mentionId, 'Hello')
    expect(noToken.status).toBe(409)
    expect(noToken.data.error.message).toContain('needs token')
  })

  it('replies on Mastodon addressed to the author, with an idempotency key, and reports a rate limit', async () => {
    // The first page, then the end of the timeline.
    server.use(http.get('https://social.example/api/v1/timelines/tag/acme', ({ request }) => HttpResponse.json(new URL(request.url).searchParams.has('max_id') ? [] : jsonFixture('mastodon', 'tag-timeline.json'))))
    const { mentionId } = await polledMention('mastodon', { instance: 'https://social.example', hashtag: 'acme', accessToken: 'masto-token' }, 'https://social.example/users/dana/statuses/113000000000000003')
    let limited = true
    const seen = recordPosts('https://social.example/api/v1/statuses', () =>
      limited ? HttpResponse.json({ error: 'Too many requests' }, { status: 429, headers: { 'retry-after': '120' } }) : HttpResponse.json(jsonFixture('mastodon', 'post-status.json')),
    )
    const refused = await reply(mentionId, 'Thanks, we are on it.')
    expect(refused.status).toBe(502)
    expect(refused.data.error.message).toContain('rate limited')
    expect(new Date(refused.data.error.details.retryAt).getTime()).toBeGreaterThan(Date.now() + 60_000)

    limited = false
    const res = await reply(mentionId, 'Thanks, we are on it.')
    expect(res.status).toBe(201)
    expect(res.data.url).toBe('https://social.example/@acme/113000000000000099')
    expect(seen[1].body).toEqual({ status: '@dana Thanks, we are on it.', in_reply_to_id: '113000000000000003' })
    expect(seen[1].headers.get('authorization')).toBe('Bearer masto-token')
    expect(seen[1].headers.get('idempotency-key')).toBe(res.data.id)
    expect(seen[0].headers.get('idempotency-key')).not.toBe(res.data.id)
  })

  it('replies in the Discourse topic under the key’s user and shows a refusal’s reason', async () => {
    server.use(http.get('https://forum.example/posts.json', () => HttpResponse.json(jsonFixture('discourse', 'posts-page1.json'))))
    const { mentionId } = await polledMention('discourse', { instance: 'https://forum.example', apiKey: 'disc-key', apiUsername: 'acme_support' }, '120')
    let tooShort = true
    const seen = recordPosts('https://forum.example/posts.json', () =>
      tooShort ? HttpResponse.json(jsonFixture('discourse', 'error-422-too-short.json'), { status: 422 }) : HttpResponse.json(jsonFixture('discourse', 'create-post.json')),
    )
    const refused = await reply(mentionId, 'Thanks!')
    expect(refused.status).toBe(502)
    expect(refused.data.error.message).toContain('Body is too short')

    tooShort = false
    const res = await reply(mentionId, 'Thanks for the report, we are looking into the export crash.')
    expect(res.status).toBe(201)
    expect(seen[1].body).toEqual({ topic_id: 88, reply_to_post_number: 2, raw: 'Thanks for the report, we are looking into the export crash.' })
    expect(seen[1].headers.get('api-key')).toBe('disc-key')
    expect(seen[1].headers.get('api-username')).toBe('acme_support')
    const created = jsonFixture('discourse', 'create-post.json') as { topic_slug: string; topic_id: number; post_number: number }
    expect(res.data.url).toBe(`https://forum.example/t/${created.topic_slug}/${created.topic_id}/${created.post_number}`)
  })

  it('goes with the person: in their data export, and deleted when they are erased', async () => {
    const { mentionId } = await githubIssue()
    recordPosts(ISSUE_42_COMMENTS, () => HttpResponse.json(jsonFixture('github', 'create-comment.json'), { status: 201 }))
    expect((await reply(mentionId, '@octo-user thanks!')).status).toBe(201)
    const customer = await t.call('POST', '/v1/customers', { body: { name: 'Octo', email: `octo-${crypto.randomUUID()}@example.com` } })
    expect((await t.call('POST', `/v1/mentions/${mentionId}/customer`, { body: { customerId: customer.data.id } })).status).toBe(200)

    const exported = await t.call('GET', `/v1/customers/${customer.data.id}/export`)
    expect(exported.data.replies).toMatchObject([{ mentionId, text: '@octo-user thanks!', status: 'sent' }])
    expect((await t.call('DELETE', `/v1/customers/${customer.data.id}?erase=true`)).status).toBe(200)
    expect((await t.sql`SELECT count(*)::int AS n FROM mention_replies WHERE mention_id = ${mentionId}`)[0].n).toBe(0)
    const again = await reply(mentionId, 'Hello again')
    expect(again.status).toBe(409)
    expect(again.data.error.message).toContain('erased')
  })
})

describe('x replies', () => {
  const X_KEYS = { consumerKey: 'ck-app', consumerSecret: 'cs-app secret', accessToken: '1500000099-brandtoken', accessTokenSecret: 'ts-brand/secret' }
  async function xPost(keys: Partial<typeof X_KEYS> = X_KEYS) {
    server.use(
      http.get('https://api.x.com/2/tweets/search/recent', ({ request }) =>
        HttpResponse.json(jsonFixture('x', new URL(request.url).searchParams.get('next_token') ? 'search-empty.json' : 'search-page1.json')),
      ),
    )
    return polledMention('x', { query: 'acme', bearerToken: 'AAAA-bearer', ...keys }, '2028800050590646273')
  }
  /** RFC 3986 percent-encoding, as OAuth 1.0a signs with. */
  const enc = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)

  it('posts as the brand account with an OAuth 1.0a signature X can check, in reply to the post', async () => {
    const { mentionId } = await xPost()
    const seen = recordPosts('https://api.x.com/2/tweets', () => HttpResponse.json(jsonFixture('x', 'create-tweet.json'), { status: 201 }))
    const res = await reply(mentionId, 'Sorry about that! The export fix ships today.')
    expect(res.status, JSON.stringify(res.data)).toBe(201)
    expect(res.data).toMatchObject({ status: 'sent', url: 'https://x.com/i/web/status/2028900011122233344' })
    expect(seen[0].body).toEqual({ text: 'Sorry about that! The export fix ships today.', reply: { in_reply_to_tweet_id: '2028800050590646273' } })

    const header = seen[0].headers.get('authorization')!
    expect(header.startsWith('OAuth ')).toBe(true)
    const params = Object.fromEntries([...header.slice(6).matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], decodeURIComponent(m[2])]))
    expect(params).toMatchObject({ oauth_consumer_key: 'ck-app', oauth_token: '1500000099-brandtoken', oauth_signature_method: 'HMAC-SHA1', oauth_version: '1.0' })
    const { oauth_signature: signature, ...signed } = params
    const paramString = Object.keys(signed).sort().map((k) => `${enc(k)}=${enc(signed[k])}`).join('&')
    const base = ['POST', enc('https://api.x.com/2/tweets'), enc(paramString)].join('&')
    const expected = createHmac('sha1', `${enc(X_KEYS.consumerSecret)}&${enc(X_KEYS.accessTokenSecret)}`).update(base).digest('base64')
    expect(signature).toBe(expected)
  })

  it('keeps X’s refusal as the reason, and needs the account’s keys to offer a reply at all', async () => {
    const { mentionId } = await xPost()
    recordPosts('https://api.x.com/2/tweets', () => HttpResponse.json(jsonFixture('x', 'error-403-reply.json'), { status: 403 }))
    const refused = await reply(mentionId, 'Can we help?')
    expect(refused.status).toBe(502)
    expect(refused.data.error.message).toContain('not been mentioned or otherwise engaged')
    const [row] = await t.sql`SELECT status FROM mention_replies WHERE id = ${refused.data.error.details.replyId}`
    expect(row.status).toBe('failed')
    expect((await reply(mentionId, 'x'.repeat(281))).status).toBe(400)

    const { mentionId: readOnly } = await xPost({})
    const detail = await t.call('GET', `/v1/mentions/${readOnly}`)
    expect(detail.data.replyUnavailable).toContain('consumerKey')
  })
})

describe('stack exchange replies', () => {
  const ADD = 'https://api.stackexchange.com/2.3/posts/79500002/comments/add'
  async function question() {
    server.use(
      http.get('https://api.stackexchange.com/2.3/search/advanced', ({ request }) =>
        HttpResponse.json(new URL(request.url).searchParams.get('page') === '1' ? jsonFixture('stackexchange', 'search-page1.json') : { items: [], has_more: false }),
      ),
    )
    return polledMention('stackexchange', { query: 'acme', site: 'stackoverflow', key: 'app-key((', accessToken: 'user-token' }, '79500002')
  }

  it('comments on the question with the app key and the user’s token, and links the comment', async () => {
    const { mentionId } = await question()
    const seen: URLSearchParams[] = []
    server.use(http.post(ADD, async ({ request }) => {
      seen.push(new URLSearchParams(await request.text()))
      return HttpResponse.json(jsonFixture('stackexchange', 'add-comment.json'))
    }))
    const res = await reply(mentionId, 'Thanks for the report: this is fixed in Acme 4.13, released today.')
    expect(res.status, JSON.stringify(res.data)).toBe(201)
    expect(res.data.url).toBe('https://stackoverflow.com/questions/79500002/x#comment140000123_79500002')
    expect(Object.fromEntries(seen[0])).toEqual({
      body: 'Thanks for the report: this is fixed in Acme 4.13, released today.', site: 'stackoverflow', key: 'app-key((', access_token: 'user-token', preview: 'false',
    })
  })

  it('keeps Stack Exchange’s refusal as the reason', async () => {
    const { mentionId } = await question()
    server.use(http.post(ADD, () => HttpResponse.json(jsonFixture('stackexchange', 'error-access-denied.json'), { status: 400 })))
    const res = await reply(mentionId, 'We are looking into this one.')
    expect(res.status).toBe(502)
    expect(res.data.error.message).toContain('write_access required')
  })
})

describe('bluesky replies', () => {
  const PDS = 'https://bsky.social/xrpc'
  async function blueskyPost() {
    server.use(
      http.post(`${PDS}/com.atproto.server.createSession`, () => HttpResponse.json(jsonFixture('bluesky', 'session.json'))),
      http.get(`${PDS}/app.bsky.feed.searchPosts`, ({ request }) =>
        HttpResponse.json(new URL(request.url).searchParams.get('cursor') ? { posts: [] } : jsonFixture('bluesky', 'search-page1.json')),
      ),
    )
    return polledMention('bluesky', { query: 'acme', identifier: 'me.bsky.social', appPassword: 'abcd-efgh-ijkl-mnop' }, 'at://did:plc:bbb222/app.bsky.feed.post/3lk1zzz')
  }

  it('posts in the thread of the post it answers, with links as facets, and gives the reply its bsky.app address', async () => {
    const { mentionId } = await blueskyPost()
    const seen = recordPosts(`${PDS}/com.atproto.repo.createRecord`, () => HttpResponse.json(jsonFixture('bluesky', 'create-record.json')))
    const text = 'Sorry 😞 fixed in https://acme.example/changelog#42.'
    const res = await reply(mentionId, text)
    expect(res.status, JSON.stringify(res.data)).toBe(201)
    expect(res.data.url).toBe('https://bsky.app/profile/me.bsky.social/post/3lkreply001')
    expect(seen[0].headers.get('authorization')).toBe(`Bearer ${(jsonFixture('bluesky', 'session.json') as { accessJwt: string }).accessJwt}`)
    const { repo, collection, record } = seen[0].body as { repo: string; collection: string; record: Record<string, unknown> }
    expect([repo, collection]).toEqual(['did:plc:me000', 'app.bsky.feed.post'])
    expect(record).toMatchObject({
      $type: 'app.bsky.feed.post',
      text,
      // The answered post is itself a reply: the thread's root stays the root.
      reply: {
        root: { uri: 'at://did:plc:ccc333/app.bsky.feed.post/3ljroot', cid: 'bafyreid3ljroot' },
        parent: { uri: 'at://did:plc:bbb222/app.bsky.feed.post/3lk1zzz', cid: 'bafyreid3lk1zzz' },
      },
    })
    // "Sorry 😞 fixed in " is 20 bytes of UTF-8 (the emoji is four); the link stops before the final full stop.
    expect(record.facets).toEqual([{ index: { byteStart: 20, byteEnd: 53 }, features: [{ $type: 'app.bsky.richtext.facet#link', uri: 'https://acme.example/changelog#42' }] }])
  })

  it('asks Bluesky for the post’s content hash when the stored row lacks it', async () => {
    const { mentionId } = await blueskyPost()
    await t.sql`UPDATE mentions SET raw = raw - 'cid' WHERE id = ${mentionId}`
    server.use(http.get(`${PDS}/app.bsky.feed.getPosts`, ({ request }) => {
      expect(new URL(request.url).searchParams.get('uris')).toBe('at://did:plc:bbb222/app.bsky.feed.post/3lk1zzz')
      return HttpResponse.json(jsonFixture('bluesky', 'get-posts.json'))
    }))
    const seen = recordPosts(`${PDS}/com.atproto.repo.createRecord`, () => HttpResponse.json(jsonFixture('bluesky', 'create-record.json')))
    expect((await reply(mentionId, 'Thanks!')).status).toBe(201)
    expect((seen[0].body.record as { reply: { parent: { cid: string } } }).reply.parent.cid).toBe('bafyreid3lk1zzz')
  })

  it('counts the 300-character limit in graphemes, as Bluesky does, and refuses longer text before posting', async () => {
    const { mentionId } = await blueskyPost()
    recordPosts(`${PDS}/com.atproto.repo.createRecord`, () => HttpResponse.json(jsonFixture('bluesky', 'create-record.json')))
    const long = await reply(mentionId, '👍🏽'.repeat(301))
    expect(long.status).toBe(400)
    expect(long.data.error.message).toContain('at most 300 characters; this one has 301')
    expect((await t.sql`SELECT count(*)::int AS n FROM mention_replies WHERE mention_id = ${mentionId}`)[0].n).toBe(0)
    // Four UTF-16 units each, one grapheme each.
    expect((await reply(mentionId, '👍🏽'.repeat(300))).status).toBe(201)
  })

  it('answers a Google Play review as the developer, under the service account, within 350 characters', async () => {
    const reviews = 'https://androidpublisher.googleapis.com/androidpublisher/v3/applications/com.acme.app/reviews'
    server.use(tokenEndpoint(), http.get(reviews, () => HttpResponse.json(jsonFixture('googleplay', 'reviews-page2.json'))))
    const { mentionId, sourceId } = await polledMention('googleplay', { packageName: 'com.acme.app', serviceAccountKey }, 'gp:AOqpTOFm3kX1-page2-a')
    const source = await t.call('GET', `/v1/sources/${sourceId}`)
    expect(JSON.stringify(source.data)).not.toContain('PRIVATE KEY')
    const seen = recordPosts(`${reviews}/gp%3AAOqpTOFm3kX1-page2-a:reply`, () => HttpResponse.json(jsonFixture('googleplay', 'reply.json')))

    expect((await reply(mentionId, 'x'.repeat(351))).status).toBe(400)
    const res = await reply(mentionId, 'Thank you! Tell us what to build next.')
    expect(res.status, JSON.stringify(res.data)).toBe(201)
    expect(res.data).toMatchObject({ status: 'sent', url: 'https://play.google.com/store/apps/details?id=com.acme.app&reviewId=gp%3AAOqpTOFm3kX1-page2-a' })
    expect(seen).toHaveLength(1)
    expect(seen[0].headers.get('authorization')).toBe(BEARER)
    expect(seen[0].body).toEqual({ replyText: 'Thank you! Tell us what to build next.' })
  })

  it('answers a RuStore review as the developer, signed in with the source’s key', async () => {
    server.use(
      rustoreAuth(),
      http.get(`${RUSTORE_API}/comment`, ({ request }) =>
        HttpResponse.json(jsonFixture('rustore', new URL(request.url).searchParams.get('page') === '0' ? 'comments-next.json' : 'comments-empty.json'))),
      http.get(`${RUSTORE_API}/feedback`, () => HttpResponse.json(jsonFixture('rustore', 'feedback-empty.json'))),
    )
    const { mentionId } = await polledMention('rustore', rustoreConfig, '5718511')
    const seen = recordPosts(`${RUSTORE_API}/feedback`, () => HttpResponse.json(jsonFixture('rustore', 'feedback-created.json')))
    const res = await reply(mentionId, 'Ольга, спасибо! Проверьте, пожалуйста, версию 4.12.1 — вход через VK ID починили.')
    expect(res.status, JSON.stringify(res.data)).toBe(201)
    expect(res.data).toMatchObject({ status: 'sent', url: 'https://www.rustore.ru/catalog/app/ru.acme.app' })
    expect(seen).toHaveLength(1)
    expect(seen[0].url).toBe(`${RUSTORE_API}/feedback?commentId=5718511`)
    expect(seen[0].headers.get('public-token')).toBe(JWE)
    expect(seen[0].body).toEqual({ message: 'Ольга, спасибо! Проверьте, пожалуйста, версию 4.12.1 — вход через VK ID починили.' })
  })

  it('comments on Reddit as the script app’s account, and keeps Reddit’s refusals and rate limits', async () => {
    const grants: string[] = []
    server.use(
      http.post('https://www.reddit.com/api/v1/access_token', async ({ request }) => {
        const form = new URLSearchParams(await request.text())
        grants.push(form.get('grant_type')!)
        if (form.get('grant_type') === 'client_credentials') return HttpResponse.json(jsonFixture('reddit', 'token.json'))
        return HttpResponse.json(jsonFixture('reddit', form.get('password') === 'hunter2' ? 'token-password.json' : 'token-invalid-grant.json'))
      }),
      http.get('https://oauth.reddit.com/r/acme/new.json', () => HttpResponse.json(jsonFixture('reddit', 'subreddit-new.json'))),
    )
    const config = { subreddit: 'acme', include: ['posts'], clientId: 'cid', clientSecret: 'csecret', username: 'acme_support', password: 'hunter2', userAgent: 'web:acme-listening:v1 (by /u/acme_support)' }
    const { mentionId, sourceId } = await polledMention('reddit', config, 't3_1b2c3d')
    let answer = () => HttpResponse.json(jsonFixture('reddit', 'comment-created.json'))
    const seen: { auth: string | null; ua: string | null; form: URLSearchParams }[] = []
    server.use(http.post('https://oauth.reddit.com/api/comment', async ({ request }) => {
      seen.push({ auth: request.headers.get('authorization'), ua: request.headers.get('user-agent'), form: new URLSearchParams(await request.text()) })
      return answer()
    }))

    const res = await reply(mentionId, 'Thanks for the report! The export fix ships in 4.12.1 this week.')
    expect(res.status, JSON.stringify(res.data)).toBe(201)
    expect(res.data).toMatchObject({ status: 'sent', url: 'https://www.reddit.com/r/acme/comments/1b2c3d4/export_keeps_crashing/mq7x2ab/' })
    expect(grants).toEqual(['client_credentials', 'password'])
    expect(seen[0].auth).toMatch(/^Bearer eyJ.*user-token-for-tests$/)
    expect(seen[0].ua).toBe('web:acme-listening:v1 (by /u/acme_support)')
    expect(Object.fromEntries(seen[0].form)).toEqual({ api_type: 'json', thing_id: 't3_1b2c3d', text: 'Thanks for the report! The export fix ships in 4.12.1 this week.' })

    answer = () => HttpResponse.json(jsonFixture('reddit', 'comment-ratelimit.json'))
    const limited = await reply(mentionId, 'One more thing')
    expect(limited.status).toBe(502)
    expect(limited.data.error.message).toContain('Take a break for 5 minutes')
    expect(Date.parse(limited.data.error.details.retryAt) - Date.now()).toBeGreaterThan(4 * 60_000)

    answer = () => HttpResponse.json(jsonFixture('reddit', 'comment-locked.json'))
    expect((await reply(mentionId, 'Locked?')).data.error.message).toContain('Comments are locked.')

    await t.call('PATCH', `/v1/sources/${sourceId}`, { body: { config: { ...config, password: 'wrong' } } })
    const refused = await reply(mentionId, 'Wrong password')
    expect(refused.status).toBe(502)
    expect(refused.data.error.message).toContain('sign-in as acme_support refused (invalid_grant)')
    expect(seen).toHaveLength(3)
    const rows = await t.sql`SELECT status FROM mention_replies WHERE mention_id = ${mentionId} ORDER BY created_at`
    expect(rows.map((r) => r.status)).toEqual(['sent', 'failed', 'failed', 'failed'])
  })

  it('answers a YouTube comment in its thread as the channel, with a refreshed token; a revoked token or a used-up quota posts nothing', async () => {
    server.use(http.get('https://www.googleapis.com/youtube/v3/commentThreads', () => HttpResponse.json(jsonFixture('youtube', 'threads-page1.json'))))
    const config = { videoId: 'aB3dE5fG7hI', apiKey: 'AIza-test', clientId: 'cid.apps.googleusercontent.com', clientSecret: 'GOCSPX-secret', refreshToken: '1//0refresh' }
    const { mentionId, sourceId } = await polledMention('youtube', config, 'UgxAcme0001qAbCdEfGh4AaABAg')
    let tokenAnswer = () => HttpResponse.json(jsonFixture('googleplay', 'token.json'))
    server.use(http.post('https://oauth2.googleapis.com/token', async ({ request }) => {
      expect(Object.fromEntries(new URLSearchParams(await request.text()))).toEqual({ grant_type: 'refresh_token', client_id: config.clientId, client_secret: config.clientSecret, refresh_token: config.refreshToken })
      return tokenAnswer()
    }))
    let answer = () => HttpResponse.json(jsonFixture('youtube', 'comment-inserted.json'))
    const seen = recordPosts('https://www.googleapis.com/youtube/v3/comments', () => answer())

    const res = await reply(mentionId, "Thanks! The fix is in today's update.")
    expect(res.status, JSON.stringify(res.data)).toBe(201)
    expect(res.data.url).toBe('https://www.youtube.com/watch?v=aB3dE5fG7hI&lc=UgxAcme0001qAbCdEfGh4AaABAg.9zZ1aB2cD3e9zZ1aB2cD3f')
    expect(new URL(seen[0].url).searchParams.get('part')).toBe('snippet')
    expect(seen[0].headers.get('authorization')).toBe(BEARER)
    expect(seen[0].body).toEqual({ snippet: { parentId: 'UgxAcme0001qAbCdEfGh4AaABAg', textOriginal: "Thanks! The fix is in today's update." } })

    answer = () => HttpResponse.json(jsonFixture('youtube', 'error-403-quota.json'), { status: 403 })
    const quota = await reply(mentionId, 'Again')
    expect(quota.status).toBe(502)
    expect(quota.data.error.details.retryAt).toBeTruthy()

    // Sign-in that answers 200 with something else is a failure: nothing was posted.
    tokenAnswer = () => HttpResponse.json({ unexpected: true })
    expect((await reply(mentionId, 'Third')).data).toMatchObject({ error: { code: 'upstream_error' } })
    tokenAnswer = () => HttpResponse.json(jsonFixture('youtube', 'token-invalid-grant.json'), { status: 400 })
    expect((await reply(mentionId, 'Fourth')).data.error.message).toContain('invalid_grant')
    expect(seen).toHaveLength(2)
    const rows = await t.sql`SELECT status FROM mention_replies WHERE mention_id = ${mentionId} ORDER BY created_at`
    expect(rows.map((r) => r.status)).toEqual(['sent', 'failed', 'failed', 'failed'])
    const source = await t.call('GET', `/v1/sources/${sourceId}`)
    expect(JSON.stringify(source.data)).not.toContain('1//0refresh')
  })

  it('answers a Zendesk ticket with a public comment by the token’s agent, and keeps a closed ticket’s refusal', async () => {
    server.use(http.get('https://acme.zendesk.com/api/v2/incremental/tickets/cursor.json', () => HttpResponse.json(jsonFixture('zendesk', 'export-page1.json'))))
    const { mentionId } = await polledMention('zendesk', { subdomain: 'acme', email: 'agent@acme.example', apiToken: 'zd-token-123' }, '4101')
    let answer = () => HttpResponse.json(jsonFixture('zendesk', 'ticket-updated.json'))
    const seen: { auth: string | null; body: unknown }[] = []
    server.use(http.put('https://acme.zendesk.com/api/v2/tickets/4101.json', async ({ request }) => {
      seen.push({ auth: request.headers.get('authorization'), body: await request.json() })
      return answer()
    }))
    const res = await reply(mentionId, 'Hei Olga! Vi har funnet feilen.')
    expect(res.status, JSON.stringify(res.data)).toBe(201)
    expect(res.data).toMatchObject({ status: 'sent', url: 'https://acme.zendesk.com/agent/tickets/4101' })
    expect(seen[0]).toEqual({ auth: `Basic ${btoa('agent@acme.example/token:zd-token-123')}`, body: { ticket: { comment: { body: 'Hei Olga! Vi har funnet feilen.', public: true } } } })
    answer = () => HttpResponse.json(jsonFixture('zendesk', 'error-422-closed.json'), { status: 422 })
    const closed = await reply(mentionId, 'Again')
    expect(closed.status).toBe(502)
    expect(closed.data.error.message).toContain('422')
  })

  it('answers a Freshdesk ticket with a public reply as the key’s agent, and keeps a deleted ticket’s refusal', async () => {
    server.use(http.get('https://acme.freshdesk.com/api/v2/tickets', () => HttpResponse.json(jsonFixture('freshdesk', 'tickets-page2.json'))))
    const { mentionId } = await polledMention('freshdesk', { domain: 'acme', apiKey: 'fd-key-123' }, 'freshdesk:ticket:106')
    let answer = () => HttpResponse.json(jsonFixture('freshdesk', 'reply-created.json'), { status: 201 })
    const seen = recordPosts('https://acme.freshdesk.com/api/v2/tickets/106/reply', () => answer())
    const res = await reply(mentionId, 'Hei Olga!\nSynkroniseringen virker igjen.')
    expect(res.status, JSON.stringify(res.data)).toBe(201)
    expect(res.data).toMatchObject({ status: 'sent', url: 'https://acme.freshdesk.com/a/tickets/106' })
    expect(seen[0].headers.get('authorization')).toBe(`Basic ${btoa('fd-key-123:X')}`)
    expect(seen[0].body).toEqual({ body: 'Hei Olga!<br>Synkroniseringen virker igjen.' })
    answer = () => new HttpResponse(null, { status: 404 })
    const gone = await reply(mentionId, 'Again')
    expect(gone.status).toBe(502)
    expect(gone.data.error.message).toContain('ticket 106 is no longer in Freshdesk')
    const rows = await t.sql`SELECT status, error FROM mention_replies WHERE mention_id = ${mentionId} ORDER BY created_at`
    expect(rows.map((r) => r.status)).toEqual(['sent', 'failed'])
    expect(rows[1].error).toContain('deleted, or merged into another')
  })

  it('replies in an Intercom conversation as the configured teammate, and says which field is missing without one', async () => {
    server.use(http.post('https://api.intercom.io/conversations/search', () => HttpResponse.json(jsonFixture('intercom', 'search-page2.json'))))
    const { mentionId, sourceId } = await polledMention('intercom', { accessToken: 'ic-token', workspaceId: 'abc123de' }, '215470002')
    const detail = await t.call('GET', `/v1/mentions/${mentionId}`)
    expect(detail.data.replyUnavailable).toContain('adminId')
    await t.call('PATCH', `/v1/sources/${sourceId}`, { body: { config: { accessToken: 'ic-token', workspaceId: 'abc123de', adminId: '5310001' } } })
    const seen = recordPosts('https://api.intercom.io/conversations/215470002/reply', () => HttpResponse.json(jsonFixture('intercom', 'reply.json')))
    const res = await reply(mentionId, 'Thank you, Mei!')
    expect(res.status, JSON.stringify(res.data)).toBe(201)
    expect(res.data).toMatchObject({ status: 'sent', url: 'https://app.intercom.com/a/inbox/abc123de/inbox/conversation/215470002' })
    expect(seen[0].headers.get('intercom-version')).toBe('2.11')
    expect(seen[0].body).toEqual({ message_type: 'comment', type: 'admin', admin_id: '5310001', body: 'Thank you, Mei!' })
  })

  it('replies in a Help Scout conversation to its customer as the configured user, and keeps a merged conversation’s refusal', async () => {
    const page = { ...jsonFixture('helpscout', 'conversations-page2.json'), page: { size: 25, totalElements: 4, totalPages: 1, number: 1 } }
    server.use(
      http.post('https://api.helpscout.net/v2/oauth2/token', () => HttpResponse.json(jsonFixture('helpscout', 'token.json'))),
      http.get('https://api.helpscout.net/v2/conversations', () => HttpResponse.json(page)),
    )
    // The first run looks a week back from the day the recorded conversations were opened.
    const realClock = t.deps.clock
    t.deps.clock = () => new Date('2026-03-03T12:00:00Z')
    const { mentionId } = await polledMention('helpscout', { clientId: 'hs-app-id', clientSecret: 'hs-app-secret-123', userId: 90211 }, 'helpscout:conversation:7005').finally(() => {
      t.deps.clock = realClock
    })
    let answer = () => new HttpResponse(null, { status: 201, headers: { 'resource-id': '91120' } })
    const seen = recordPosts('https://api.helpscout.net/v2/conversations/7005/reply', () => answer())
    const res = await reply(mentionId, 'Здравствуйте, Иван!\nСертификат обновлён.')
    expect(res.status, JSON.stringify(res.data)).toBe(201)
    expect(res.data).toMatchObject({ status: 'sent', url: 'https://secure.helpscout.net/conversation/7005/1245' })
    expect(seen[0].headers.get('authorization')).toBe('Bearer hs-token-1')
    expect(seen[0].body).toEqual({ customer: { id: 402003 }, text: 'Здравствуйте, Иван!<br>Сертификат обновлён.', user: 90211 })
    answer = () => HttpResponse.json(jsonFixture('helpscout', 'error-404.json'), { status: 404 })
    const gone = await reply(mentionId, 'Again')
    expect(gone.status).toBe(502)
    expect(gone.data.error.message).toContain('conversation 7005 is no longer in Help Scout')
    const rows = await t.sql`SELECT status, external_id FROM mention_replies WHERE mention_id = ${mentionId} ORDER BY created_at`
    expect(rows).toEqual([{ status: 'sent', external_id: 'helpscout:conversation:7005/thread/91120' }, { status: 'failed', external_id: null }])
  })
})

describe('mastodon addressing', () => {
  it('names the author once, unless the reply already does', () => {
    expect(addressed('dana', 'Thanks!')).toBe('@dana Thanks!')
    expect(addressed('dana@social.example', 'Thanks!')).toBe('@dana@social.example Thanks!')
    expect(addressed('dana', 'Thanks @Dana, fixed.')).toBe('Thanks @Dana, fixed.')
    expect(addressed('dana', '@danaX is not her')).toBe('@dana @danaX is not her')
    expect(mastodonConnector.reply?.requires).toEqual(['accessToken'])
  })
})

describe('replying from the web inbox', () => {
  it('posts from the detail pane once per form, escapes what the source said, and hides the form from viewers', async () => {
    const { mentionId } = await githubIssue()
    let refuse = true
    const seen = recordPosts(ISSUE_42_COMMENTS, () =>
      refuse ? HttpResponse.json({ message: 'Resource not accessible by integration <script src=//evil.example/x.js' }, { status: 403 }) : HttpResponse.json(jsonFixture('github', 'create-comment.json'), { status: 201 }),
    )
    const s = await webSession(t.app, agent)
    const page = await (await t.app.request(`http://localhost/app/inbox?m=${mentionId}`, { headers: { cookie: s.cookie } })).text()
    expect(page).toContain(`action="/app/inbox/${mentionId}/replies"`)
    const formKey = /name="key" value="([^"]+)"/.exec(page)![1]

    const failed = await postForm(t.app, s, `/app/inbox/${mentionId}/replies`, [['text', 'We are on it'], ['key', crypto.randomUUID()], ['back', `/app/inbox?m=${mentionId}`]])
    expect(failed.status).toBe(303)
    expect(failed.headers.get('location')).toContain('notice=reply-failed')
    const after = await (await t.app.request(`http://localhost${failed.headers.get('location')}`, { headers: { cookie: s.cookie } })).text()
    expect(after).not.toContain('<script src=//evil')
    expect(after).toContain('&lt;script src=//evil.example/x.js')
    expect(after).toMatch(/<textarea id="reply"[^>]*>We are on it<\/textarea>/)

    refuse = false
    for (let i = 0; i < 2; i++) {
      const sent = await postForm(t.app, s, `/app/inbox/${mentionId}/replies`, [['text', 'We are on it'], ['key', formKey]])
      expect(sent.headers.get('location')).toContain('notice=reply-sent')
    }
    expect(seen).toHaveLength(2)

    const v = await webSession(t.app, viewer)
    const viewerPage = await (await t.app.request(`http://localhost/app/inbox?m=${mentionId}`, { headers: { cookie: v.cookie } })).text()
    expect(viewerPage).not.toContain('/replies"')
    expect(viewerPage).toContain('We are on it')
    expect((await postForm(t.app, v, `/app/inbox/${mentionId}/replies`, [['text', 'sneaky']])).status).toBe(403)
  })

  it('tells a reply still in flight from one whose answer was never recorded', async () => {
    const { mentionId } = await githubIssue()
    await t.sql`INSERT INTO mention_replies (workspace_id, mention_id, author, body, created_at) VALUES
      (${t.workspaceId}, ${mentionId}, 'agent', 'crashed mid-call', now() - interval '5 minutes'),
      (${t.workspaceId}, ${mentionId}, 'agent', 'just sent', now())`
    const s = await webSession(t.app, agent)
    const page = await (await t.app.request(`http://localhost/app/inbox?m=${mentionId}`, { headers: { cookie: s.cookie } })).text()
    expect(page).toMatch(/crashed mid-call<\/bdi><\/span><div class="meta">[^]*?no answer recorded: the call did not finish/)
    expect(page).toMatch(/just sent<\/bdi><\/span><div class="meta">[^]*?sending \(no answer from the source yet\)/)
  })

  it('says in the pane why a mention cannot be answered', async () => {
    const [hn] = await seedMentions(t.sql, t.workspaceId, await seedSource(t.sql, t.workspaceId, 'hackernews'), [{ text: 'a story' }])
    const s = await webSession(t.app, agent)
    const page = await (await t.app.request(`http://localhost/app/inbox?m=${hn}`, { headers: { cookie: s.cookie } })).text()
    expect(page).toContain('Replying from here is not available: hackernews sources cannot reply from earshot')
    expect(page).not.toContain(`/app/inbox/${hn}/replies`)
  })
})
