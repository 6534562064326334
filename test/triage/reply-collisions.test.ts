import { delay, http, HttpResponse } from 'msw'
import type postgres from 'postgres'
import { describe, expect, it } from 'vitest'
import { insertApiKey } from '../../src/auth/api-keys.ts'
import { jsonFixture, useMockServer } from '../connectors/harness.ts'
import { createTestApp } from '../helpers/app.ts'
import { postForm, webSession } from '../web/web-session.ts'
import { seedMentions, seedSource } from './seed.ts'

const server = useMockServer()
const t = await createTestApp()
const danaKey = (await insertApiKey(t.sql, t.workspaceId, 'Dana', 'agent')).key
const sam = (await insertApiKey(t.sql, t.workspaceId, 'Sam', 'agent')).key
const viewer = await t.keyFor('viewer')

const ISSUE_42_COMMENTS = 'https://api.github.com/repos/acme/app/issues/42/comments'

/** A GitHub issue mention that can be answered, polled through the API as a user would. */
async function githubIssue() {
  server.use(http.get('https://api.github.com/search/issues', () => HttpResponse.json(jsonFixture('github', 'search-page1.json'))))
  const created = await t.call('POST', '/v1/sources', { body: { kind: 'github', name: `gh ${crypto.randomUUID()}`, config: { query: 'repo:acme/app', token: 'ghp_write_token' } } })
  expect((await t.call('POST', `/v1/sources/${created.data.id}/run`)).data).toMatchObject({ status: 'ok' })
  const [row] = await t.sql<{ id: string }[]>`SELECT id FROM mentions WHERE source_id = ${created.data.id} AND external_id = '3000000002'`
  return row.id
}

/** Counts the comments GitHub receives; each answer waits `ms` first, as a slow upstream would. */
function githubComments(ms = 0) {
  const posted: string[] = []
  server.use(
    http.post(ISSUE_42_COMMENTS, async ({ request }) => {
      posted.push(((await request.json()) as { body: string }).body)
      await delay(ms)
      return HttpResponse.json(jsonFixture('github', 'create-comment.json'), { status: 201 })
    }),
  )
  return posted
}

const reply = (mentionId: string, key: string, text: string, unlessRepliedSince?: string) =>
  t.call('POST', `/v1/mentions/${mentionId}/replies`, { key, body: unlessRepliedSince === undefined ? { text } : { text, unlessRepliedSince } })

/**
 * Plays a request of someone else's in the middle of its check: the mention locked while `during` starts this test's
 * request, then `recorded` written and committed.
 */
async function whileLocked<T>(mentionId: string, during: () => Promise<T>, recorded: (tx: postgres.TransactionSql) => Promise<unknown>): Promise<T> {
  let pending: Promise<T> | undefined
  await t.sql.begin(async (tx) => {
    await tx`SELECT 1 FROM mentions WHERE id = ${mentionId} FOR NO KEY UPDATE`
    pending = during()
    await delay(300)
    await recorded(tx)
  })
  return pending!
}

const countReplies = async (mentionId: string) => (await t.sql`SELECT count(*)::int AS n FROM mention_replies WHERE mention_id = ${mentionId}`)[0].n as number

describe('two people answering the same mention', () => {
  it('refuses a reply written before a colleague’s went out, with theirs, and posts nothing', async () => {
    const mentionId = await githubIssue()
    const posted = githubComments()
    const read = new Date().toISOString()
    expect((await reply(mentionId, sam, 'Fixed in 2.1, sorry about that.', read)).status).toBe(201)

    const late = await reply(mentionId, danaKey, 'We are looking into it!', read)
    expect(late.status).toBe(409)
    expect(late.data.error).toMatchObject({ code: 'already_replied', message: expect.stringContaining('Sam replied after you read this mention') })
    expect(late.data.error.details.replies).toMatchObject([{ author: 'Sam', text: 'Fixed in 2.1, sorry about that.', status: 'sent' }])
    expect(posted).toEqual(['Fixed in 2.1, sorry about that.'])
    expect(await countReplies(mentionId)).toBe(1)

    // Having read Sam's reply, Dana may still add hers; without the condition nothing is checked.
    expect((await reply(mentionId, danaKey, 'And 2.1 is out today.', new Date().toISOString())).status).toBe(201)
    expect((await reply(mentionId, danaKey, 'One more thing.')).status).toBe(201)
    expect(posted).toHaveLength(3)
  })

  it('does not count a reply that failed, and refuses a bad time', async () => {
    const mentionId = await githubIssue()
    const read = new Date().toISOString()
    let refuse = true
    server.use(
      http.post(ISSUE_42_COMMENTS, () =>
        refuse ? HttpResponse.json({ message: 'Server Error' }, { status: 502 }) : HttpResponse.json(jsonFixture('github', 'create-comment.json'), { status: 201 }),
      ),
    )
    expect((await reply(mentionId, sam, 'First try', read)).status).toBe(502)
    refuse = false
    expect((await reply(mentionId, danaKey, 'Second try', read)).status).toBe(201)
    expect((await reply(mentionId, danaKey, 'x', 'yesterday-ish')).status).toBe(400)
  })

  it('answers a double-submitted reply (same Idempotency-Key) as the repeat it is, not as a colleague’s', async () => {
    const mentionId = await githubIssue()
    const posted = githubComments()
    const read = new Date().toISOString()
    // The first click's request is being recorded while the second click's arrives.
    const again = await whileLocked(
      mentionId,
      () => t.call('POST', `/v1/mentions/${mentionId}/replies`, { key: sam, body: { text: 'Fixed in 2.1.', unlessRepliedSince: read }, headers: { 'idempotency-key': 'double-click-1' } }),
      (tx) => tx`
        INSERT INTO mention_replies (workspace_id, mention_id, author, body, idempotency_key)
        VALUES (${t.workspaceId}, ${mentionId}, 'Sam', 'Fixed in 2.1.', 'double-click-1')`,
    )
    expect(again.status, JSON.stringify(again.data)).toBe(200)
    expect(again.data).toMatchObject({ text: 'Fixed in 2.1.', status: 'sending' })
    expect(posted).toEqual([])
  })

  it('waits for a colleague whose reply is being recorded at that moment, then refuses', async () => {
    const mentionId = await githubIssue()
    const posted = githubComments()
    const read = new Date().toISOString()
    // Sam's request is in the middle of its check: the mention locked, his reply not yet committed.
    const refused = await whileLocked(
      mentionId,
      () => reply(mentionId, danaKey, 'From Dana', read),
      (tx) => tx`INSERT INTO mention_replies (workspace_id, mention_id, author, body) VALUES (${t.workspaceId}, ${mentionId}, 'Sam', 'From Sam')`,
    )
    expect(refused.status).toBe(409)
    expect(refused.data.error.details.replies).toMatchObject([{ author: 'Sam', text: 'From Sam', status: 'sending' }])
    expect(posted).toEqual([])
  })

  it('hands the web form back with the colleague’s reply above and the draft kept, then posts it when sent again', async () => {
    const mentionId = await githubIssue()
    const posted = githubComments()
    const s = await webSession(t.app, danaKey)
    const page = await (await t.app.request(`http://localhost/app/inbox?m=${mentionId}`, { headers: { cookie: s.cookie } })).text()
    const seen = /name="seen" value="([^"]+)"/.exec(page)![1]
    const key = /name="key" value="([^"]+)"/.exec(page)![1]
    // The page showed no reply; what it says it saw is the database's, not a server clock that may run ahead of it.
    expect(seen).toBe('1970-01-01T00:00:00.000Z')
    expect((await reply(mentionId, sam, 'Sam <b>got</b> it')).status).toBe(201)
    // Sam's reply stored by a database whose clock is behind this server's: still a reply Dana never saw.
    await t.sql`UPDATE mention_replies SET created_at = now() - interval '1 minute' WHERE mention_id = ${mentionId}`

    const back = `/app/inbox?m=${mentionId}`
    const handed = await postForm(t.app, s, `/app/inbox/${mentionId}/replies`, [['text', 'Dana’s take'], ['key', key], ['seen', seen], ['back', back]])
    expect(handed.status).toBe(200)
    const html = await handed.text()
    expect(html).toContain('Sam &lt;b&gt;got&lt;/b&gt; it')
    expect(html).toMatch(/<textarea id="reply"[^>]*>Dana’s take<\/textarea>/)
    expect(html).toContain('Sam replied after you read this mention, so yours was not posted')
    expect(posted).toEqual(['Sam <b>got</b> it'])

    const [sams] = await t.sql<{ created_at: Date }[]>`SELECT created_at FROM mention_replies WHERE mention_id = ${mentionId}`
    expect(/name="seen" value="([^"]+)"/.exec(html)![1]).toBe(new Date(sams.created_at.getTime() + 1).toISOString())
    const again = await postForm(t.app, s, `/app/inbox/${mentionId}/replies`, [
      ['text', 'Dana’s take'],
      ['key', /name="key" value="([^"]+)"/.exec(html)![1]],
      ['seen', /name="seen" value="([^"]+)"/.exec(html)![1]],
      ['back', back],
    ])
    expect(again.headers.get('location')).toContain('notice=reply-sent')
    expect(posted).toEqual(['Sam <b>got</b> it', 'Dana’s take'])
  })
})

describe('who else has a mention open', () => {
  const presence = (mentionId: string, key: string, body: Record<string, unknown> = {}) => t.call('POST', `/v1/mentions/${mentionId}/presence`, { key, body })

  it('shows who is looking and who is writing a reply, and forgets those who left or went quiet', async () => {
    const [mentionId] = await seedMentions(t.sql, t.workspaceId, await seedSource(t.sql, t.workspaceId, 'hackernews'), [{ text: 'Export is broken' }])
    expect((await presence(mentionId, danaKey)).data).toEqual({ others: [] })
    expect((await presence(mentionId, viewer)).data.others).toMatchObject([{ name: 'Dana', replying: false }])
    const samSees = await presence(mentionId, sam, { replying: true })
    expect(samSees.status).toBe(200)
    expect(samSees.data.others.map((p: { name: string }) => p.name)).toEqual(['Dana', 'test viewer'])
    // Those writing a reply come first.
    expect((await presence(mentionId, danaKey)).data.others).toMatchObject([{ name: 'Sam', replying: true }, { name: 'test viewer', replying: false }])

    expect((await presence(mentionId, sam, { gone: true })).data.others).toHaveLength(2)
    await t.sql`UPDATE mention_presence SET seen_at = now() - interval '1 minute' WHERE mention_id = ${mentionId} AND name = 'test viewer'`
    expect((await presence(mentionId, danaKey)).data).toEqual({ others: [] })
  })

  it('refuses unknown fields, unknown mentions and other workspaces', async () => {
    const [mentionId] = await seedMentions(t.sql, t.workspaceId, await seedSource(t.sql, t.workspaceId, 'hackernews'), [{ text: 'hi' }])
    expect((await presence(mentionId, danaKey, { typing: true })).status).toBe(400)
    expect((await presence(mentionId, danaKey, { replying: 'yes' })).status).toBe(400)
    expect((await presence(crypto.randomUUID(), danaKey)).status).toBe(404)
    const other = await t.call('POST', '/v1/workspaces', { body: { name: `other-${crypto.randomUUID()}` } })
    expect((await presence(mentionId, other.data.key)).status).toBe(404)
    expect((await t.sql`SELECT count(*)::int AS n FROM mention_presence WHERE mention_id = ${mentionId}`)[0].n).toBe(0)
  })

  it('says in the detail pane who else is there, escaped, and renews it from the page', async () => {
    const source = await seedSource(t.sql, t.workspaceId, 'hackernews')
    const [mentionId] = await seedMentions(t.sql, t.workspaceId, source, [{ text: 'hello' }])
    const mallory = (await insertApiKey(t.sql, t.workspaceId, '<img src=x onerror=alert(1)>', 'agent')).key
    await presence(mentionId, mallory, { replying: true })
    await presence(mentionId, sam)
    const s = await webSession(t.app, danaKey)
    const page = await (await t.app.request(`http://localhost/app/inbox?source=${source}&m=${mentionId}`, { headers: { cookie: s.cookie } })).text()
    expect(page).toMatch(/<p class="presence" role="status" data-presence="\/app\/inbox\/[^"]+\/presence" data-beat-ms="15000">&lt;img src=x onerror=alert\(1\)&gt; is writing a reply to this\. Sam also has this open\.<\/p>/)

    // The list says it too, of the row.
    expect(page).toContain('<span class="presence-tag"><bdi>&lt;img src=x onerror=alert(1)&gt; replying</bdi></span>')
    // The list's poll renews the words of the rows on screen.
    const polled = await (await t.app.request(`http://localhost/app/inbox/new?source=${source}&after=${new Date().toISOString()}&ids=${mentionId},not-an-id`, { headers: { cookie: s.cookie, accept: 'application/json' } })).json()
    expect(polled).toMatchObject({ items: [], present: { [mentionId]: '<img src=x onerror=alert(1)> replying' } })
    const beat = await postForm(t.app, s, `/app/inbox/${mentionId}/presence`, [['replying', '1']])
    expect(beat.status).toBe(200)
    expect(await beat.json()).toEqual({ line: '<img src=x onerror=alert(1)> is writing a reply to this. Sam also has this open.' })
    expect((await presence(mentionId, sam)).data.others).toMatchObject([{ name: '<img src=x onerror=alert(1)>', replying: true }, { name: 'Dana', replying: true }])
    expect((await postForm(t.app, s, `/app/inbox/${mentionId}/presence`, [['gone', '1']])).status).toBe(200)
    expect((await presence(mentionId, sam)).data.others.map((p: { name: string }) => p.name)).toEqual(['<img src=x onerror=alert(1)>'])
  })
})
