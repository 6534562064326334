import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { pollTrackerStatuses } from '../../src/integrations/sync.ts'
import { dispatchDueDeliveries } from '../../src/webhooks/dispatch.ts'
import { createTestApp } from '../helpers/app.ts'
import { startReceiver, verifiesAsStandardWebhook } from '../webhooks/receiver.ts'
import { fixture, fixtureText, hexHmac } from './fixtures.ts'

const t = await createTestApp()
const rx = await startReceiver()
const GH = 'https://api.github.com'
const LINEAR = 'https://api.linear.app'
const JIRA = 'https://acme.atlassian.net'

const server = setupServer()
beforeAll(() => server.listen({ onUnhandledRequest: (req, print) => (new URL(req.url).hostname === '127.0.0.1' ? undefined : print.error()) }))
afterEach(() => server.resetHandlers())
afterAll(() => server.close())

let workspaces = 0
/** A workspace with pushed mentions and a ticket linking them. */
async function setup() {
  const ws = await t.call('POST', '/v1/workspaces', { body: { name: `trackers-${++workspaces}` } })
  const key = ws.data.key as string
  const source = await t.call('POST', '/v1/sources', { key, body: { kind: 'api', name: 'pushed' } })
  const pushed = await t.call('POST', '/v1/mentions', {
    key,
    body: {
      sourceId: source.data.id,
      items: [
        { externalId: 'a', url: 'https://example.com/a', author: { handle: 'ann' }, text: 'Export crashes every time @everyone ![x](https://evil.example/x.png)', publishedAt: new Date().toISOString() },
        { externalId: 'b', url: 'https://example.com/b', author: { handle: 'bob' }, text: 'The CSV export dies on big workspaces', publishedAt: new Date().toISOString() },
      ],
    },
  })
  const ticket = await t.call('POST', '/v1/tickets', { key, body: { title: 'Export crashes on large workspaces', mentionIds: pushed.data.ids } })
  expect(ticket.status).toBe(201)
  const integrate = async (body: Record<string, unknown>) => {
    const res = await t.call('POST', '/v1/integrations', { key, body })
    expect(res.status, JSON.stringify(res.data)).toBe(201)
    return res.data as { id: string }
  }
  return { key, workspaceId: ws.data.id as string, ticketId: ticket.data.id as string, mentionIds: pushed.data.ids as string[], integrate }
}

describe('integrations API', () => {
  it('stores tokens encrypted and never returns them', async () => {
    const ws = await setup()
    const created = await ws.integrate({ provider: 'github', token: 'ghp_topsecret_token_value', webhookSecret: 'hook-secret-1' })
    expect(created).toMatchObject({ provider: 'github', baseUrl: GH, hasWebhookSecret: true })
    const all = JSON.stringify([created, (await t.call('GET', '/v1/integrations', { key: ws.key })).data, (await t.call('GET', `/v1/integrations/${created.id}`, { key: ws.key })).data])
    expect(all).not.toContain('ghp_topsecret')
    expect(all).not.toContain('hook-secret-1')
    const [row] = await t.sql`SELECT token_ciphertext, webhook_secret_ciphertext FROM integrations WHERE id = ${created.id}`
    expect(row.token_ciphertext).not.toContain('topsecret')
    expect(row.webhook_secret_ciphertext).not.toContain('hook-secret')
    expect((await t.call('POST', '/v1/integrations', { key: ws.key, body: { provider: 'github', token: 'x' } })).status).toBe(409)
    const patched = await t.call('PATCH', `/v1/integrations/${created.id}`, { key: ws.key, body: { webhookSecret: null } })
    expect(patched.data.hasWebhookSecret).toBe(false)
  })

  it('validates providers and Jira settings, and is admin-only', async () => {
    const ws = await setup()
    expect((await t.call('POST', '/v1/integrations', { key: ws.key, body: { provider: 'gitlab', token: 'x' } })).status).toBe(400)
    expect((await t.call('POST', '/v1/integrations', { key: ws.key, body: { provider: 'jira', token: 'x' } })).status).toBe(400)
    const agent = await t.keyFor('agent', ws.workspaceId)
    expect((await t.call('GET', '/v1/integrations', { key: agent })).status).toBe(403)
    const other = await setup()
    const theirs = await other.integrate({ provider: 'linear', token: 'lin_api_x' })
    expect((await t.call('GET', `/v1/integrations/${theirs.id}`, { key: ws.key })).status).toBe(404)
    expect((await t.call('DELETE', `/v1/integrations/${theirs.id}`, { key: ws.key })).status).toBe(404)
  })
})

describe('export to GitHub', () => {
  it('creates the issue with an escaped evidence summary and links it', async () => {
    const ws = await setup()
    await ws.integrate({ provider: 'github', token: 'ghp_token' })
    let sent: { auth: string | null; body: { title: string; body: string } } | undefined
    server.use(
      http.post(`${GH}/repos/acme/app/issues`, async ({ request }) => {
        sent = { auth: request.headers.get('authorization'), body: (await request.json()) as never }
        return HttpResponse.json(fixture('github-api/issue_created.json'), { status: 201 })
      }),
    )
    const res = await t.call('POST', `/v1/tickets/${ws.ticketId}/export`, { key: ws.key, body: { provider: 'github', target: 'acme/app' } })
    expect(res.status, JSON.stringify(res.data)).toBe(201)
    expect(res.data).toMatchObject({ provider: 'github', externalKey: 'acme/app#1347', externalUrl: 'https://github.com/acme/app/issues/1347' })
    expect(sent!.auth).toBe('Bearer ghp_token')
    expect(sent!.body.title).toBe('Export crashes on large workspaces')
    expect(sent!.body.body).toContain('2 mentions and 0 survey responses')
    expect(sent!.body.body).toContain('[link](<https://example.com/a>)')
    expect(sent!.body.body).toContain('\\@everyone \\!\\[x\\]')
    const ticket = await t.call('GET', `/v1/tickets/${ws.ticketId}`, { key: ws.key })
    expect(ticket.data.external).toMatchObject({ provider: 'github', key: 'acme/app#1347', url: 'https://github.com/acme/app/issues/1347' })
    const again = await t.call('POST', `/v1/tickets/${ws.ticketId}/export`, { key: ws.key, body: { provider: 'github', target: 'acme/app' } })
    expect(again.status).toBe(409)
  })

  it('maps GitHub refusals to clear errors', async () => {
    const ws = await setup()
    await ws.integrate({ provider: 'github', token: 'ghp_token' })
    const cases = [
      ['github-api/error_404_not_found.json', 404, 422, 'Not Found'],
      ['github-api/error_410_issues_disabled.json', 410, 422, 'Issues are disabled'],
      ['github-api/error_401_bad_credentials.json', 401, 502, 'Bad credentials'],
    ] as const
    for (const [file, upstream, ours, message] of cases) {
      server.use(http.post(`${GH}/repos/acme/app/issues`, () => HttpResponse.json(fixture(file), { status: upstream })))
      const res = await t.call('POST', `/v1/tickets/${ws.ticketId}/export`, { key: ws.key, body: { provider: 'github', target: 'acme/app' } })
      expect(res.status, file).toBe(ours)
      expect(res.data.error.message).toContain(message)
    }
    expect((await t.call('GET', `/v1/tickets/${ws.ticketId}`, { key: ws.key })).data.external).toBeNull()
  })

  it('rejects bad targets, missing integrations and unknown tickets', async () => {
    const ws = await setup()
    expect((await t.call('POST', `/v1/tickets/${ws.ticketId}/export`, { key: ws.key, body: { provider: 'github', target: 'acme/app' } })).status).toBe(409)
    await ws.integrate({ provider: 'github', token: 'ghp_token' })
    expect((await t.call('POST', `/v1/tickets/${ws.ticketId}/export`, { key: ws.key, body: { provider: 'github', target: 'not a repo' } })).status).toBe(400)
    expect((await t.call('POST', `/v1/tickets/${crypto.randomUUID()}/export`, { key: ws.key, body: { provider: 'github', target: 'acme/app' } })).status).toBe(404)
  })
})

describe('export to Linear and Jira', () => {
  it('creates a Linear issue for a team key through GraphQL', async () => {
    const ws = await setup()
    await ws.integrate({ provider: 'linear', token: 'lin_api_key' })
    const queries: string[] = []
    server.use(
      http.post(`${LINEAR}/graphql`, async ({ request }) => {
        expect(request.headers.get('authorization')).toBe('lin_api_key')
        const { query, variables } = (await request.json()) as { query: string; variables: Record<string, never> }
        queries.push(query)
        if (query.includes('teams(')) return HttpResponse.json(fixture('linear/teams_by_key.json'))
        expect(variables.input).toMatchObject({ teamId: '9cfb482a-81e3-4154-b5b9-2c805e70a02d', title: 'Export crashes on large workspaces' })
        return HttpResponse.json(fixture('linear/issue_create.json'))
      }),
    )
    const res = await t.call('POST', `/v1/tickets/${ws.ticketId}/export`, { key: ws.key, body: { provider: 'linear', target: 'ENG' } })
    expect(res.status, JSON.stringify(res.data)).toBe(201)
    expect(res.data).toMatchObject({ externalKey: 'ENG-123', remoteState: 'Todo' })
    expect(queries).toHaveLength(2)
  })

  it('reports Linear authentication and GraphQL errors (even on HTTP 200)', async () => {
    const ws = await setup()
    await ws.integrate({ provider: 'linear', token: 'lin_api_bad' })
    server.use(http.post(`${LINEAR}/graphql`, () => HttpResponse.json(fixture('linear/error_authentication.json'), { status: 400 })))
    const auth = await t.call('POST', `/v1/tickets/${ws.ticketId}/export`, { key: ws.key, body: { provider: 'linear', target: 'ENG' } })
    expect(auth.status).toBe(502)
    expect(auth.data.error).toMatchObject({ code: 'tracker_auth_failed', message: expect.stringContaining('You need to authenticate') })
    server.use(http.post(`${LINEAR}/graphql`, () => HttpResponse.json(fixture('linear/error_entity_not_found.json'))))
    const missing = await t.call('POST', '/v1/tickets/import', { key: ws.key, body: { url: 'https://linear.app/acme/issue/ENG-999/gone' } })
    expect(missing.status).toBe(422)
    expect(missing.data.error.message).toContain('Could not find referenced Issue')
  })

  it('creates a Jira issue with an ADF description and basic auth', async () => {
    const ws = await setup()
    await ws.integrate({ provider: 'jira', token: 'jira-token', email: 'pm@acme.example', baseUrl: JIRA })
    let body: { fields: Record<string, never> } | undefined
    server.use(
      http.post(`${JIRA}/rest/api/3/issue`, async ({ request }) => {
        expect(request.headers.get('authorization')).toBe(`Basic ${btoa('pm@acme.example:jira-token')}`)
        body = (await request.json()) as never
        return HttpResponse.json(fixture('jira/issue_created.json'), { status: 201 })
      }),
    )
    const res = await t.call('POST', `/v1/tickets/${ws.ticketId}/export`, { key: ws.key, body: { provider: 'jira', target: 'PROJ' } })
    expect(res.status, JSON.stringify(res.data)).toBe(201)
    expect(res.data).toMatchObject({ externalKey: 'PROJ-24', externalUrl: `${JIRA}/browse/PROJ-24` })
    expect(body!.fields).toMatchObject({ project: { key: 'PROJ' }, summary: 'Export crashes on large workspaces', issuetype: { name: 'Task' } })
    const description = body!.fields.description as { type: string; version: number; content: unknown[] }
    expect(description).toMatchObject({ type: 'doc', version: 1 })
    expect(JSON.stringify(description)).toContain('"href":"https://example.com/a"')
  })

  it('reports Jira validation and authentication errors', async () => {
    const ws = await setup()
    await ws.integrate({ provider: 'jira', token: 'jira-token', email: 'pm@acme.example', baseUrl: JIRA })
    server.use(http.post(`${JIRA}/rest/api/3/issue`, () => HttpResponse.json(fixture('jira/error_400_project.json'), { status: 400 })))
    const bad = await t.call('POST', `/v1/tickets/${ws.ticketId}/export`, { key: ws.key, body: { provider: 'jira', target: 'NOPE' } })
    expect(bad.status).toBe(422)
    expect(bad.data.error.message).toContain('project: valid project is required')
    server.use(http.post(`${JIRA}/rest/api/3/issue`, () => new HttpResponse(fixtureText('jira/error_401.txt'), { status: 401, headers: { 'content-type': 'text/plain' } })))
    expect((await t.call('POST', `/v1/tickets/${ws.ticketId}/export`, { key: ws.key, body: { provider: 'jira', target: 'PROJ' } })).status).toBe(502)
    server.use(http.get(`${JIRA}/rest/api/3/issue/PROJ-404`, () => HttpResponse.json(fixture('jira/error_404_issue.json'), { status: 404 })))
    const missing = await t.call('POST', '/v1/tickets/import', { key: ws.key, body: { url: `${JIRA}/browse/PROJ-404` } })
    expect(missing.status).toBe(422)
    expect(missing.data.error.message).toContain('Issue does not exist')
  })
})

describe('import by URL', () => {
  it('creates a ticket from a GitHub issue URL with its title and status', async () => {
    const ws = await setup()
    await ws.integrate({ provider: 'github', token: 'ghp_token' })
    server.use(http.get(`${GH}/repos/acme/app/issues/1347`, () => HttpResponse.json(fixture('github-api/issue_closed.json'))))
    const res = await t.call('POST', '/v1/tickets/import', { key: ws.key, body: { url: 'https://github.com/acme/app/issues/1347' } })
    expect(res.status, JSON.stringify(res.data)).toBe(201)
    expect(res.data).toMatchObject({ externalKey: 'acme/app#1347', status: 'done', remoteState: 'closed (completed)' })
    const ticket = await t.call('GET', `/v1/tickets/${res.data.ticketId}`, { key: ws.key })
    expect(ticket.data).toMatchObject({ title: 'Export crashes on large workspaces', status: 'done' })
    const dup = await t.call('POST', '/v1/tickets/import', { key: ws.key, body: { url: 'https://github.com/acme/app/issues/1347' } })
    expect(dup.status).toBe(409)
  })

  it('links a Jira issue to an existing ticket, and refuses URLs of no tracker', async () => {
    const ws = await setup()
    await ws.integrate({ provider: 'jira', token: 'jira-token', email: 'pm@acme.example', baseUrl: JIRA })
    server.use(http.get(`${JIRA}/rest/api/3/issue/PROJ-24`, () => HttpResponse.json(fixture('jira/issue_done.json'))))
    const res = await t.call('POST', '/v1/tickets/import', { key: ws.key, body: { url: `${JIRA}/browse/PROJ-24`, ticketId: ws.ticketId } })
    expect(res.status, JSON.stringify(res.data)).toBe(201)
    expect(res.data).toMatchObject({ ticketId: ws.ticketId, externalKey: 'PROJ-24', remoteState: 'Done' })
    expect((await t.call('POST', '/v1/tickets/import', { key: ws.key, body: { url: 'https://example.com/whatever' } })).status).toBe(400)
  })
})

describe('inbound status and the follow-up loop', () => {
  async function linkedToGithub(webhookSecret?: string) {
    const ws = await setup()
    await ws.integrate({ provider: 'github', token: 'ghp_token', ...(webhookSecret ? { webhookSecret } : {}) })
    server.use(http.post(`${GH}/repos/acme/app/issues`, () => HttpResponse.json(fixture('github-api/issue_created.json'), { status: 201 })))
    expect((await t.call('POST', `/v1/tickets/${ws.ticketId}/export`, { key: ws.key, body: { provider: 'github', target: 'acme/app' } })).status).toBe(201)
    return ws
  }

  it('closes the ticket on a signed GitHub webhook, announces it, and lists the mentions for follow-up', async () => {
    const ws = await linkedToGithub('gh-hook-secret')
    const hook = await t.call('POST', '/v1/webhooks', { key: ws.key, body: { url: rx.url, events: ['ticket.updated'] } })
    const body = fixtureText('github-api/webhook_issues_closed.json')
    const headers = { 'x-github-event': 'issues', 'x-hub-signature-256': `sha256=${hexHmac('gh-hook-secret', body)}` }
    const forged = await t.call('POST', '/hooks/github', { key: null, raw: body, headers: { ...headers, 'x-hub-signature-256': `sha256=${hexHmac('wrong', body)}` } })
    expect(forged.status).toBe(401)
    expect((await t.call('GET', `/v1/tickets/${ws.ticketId}`, { key: ws.key })).data.status).toBe('open')

    const res = await t.call('POST', '/hooks/github', { key: null, raw: body, headers })
    expect(res.status).toBe(202)
    expect(res.data).toEqual({ updated: 1 })
    expect((await t.call('GET', `/v1/tickets/${ws.ticketId}`, { key: ws.key })).data.status).toBe('done')
    const followUp = await t.call('GET', '/v1/mentions?followUp=true', { key: ws.key })
    expect(followUp.data.items.map((m: { id: string }) => m.id).sort()).toEqual([...ws.mentionIds].sort())

    await dispatchDueDeliveries(t.deps)
    const [event] = rx.received.filter((r) => verifiesAsStandardWebhook(r, hook.data.secret)).map((r) => JSON.parse(r.body))
    expect(event).toMatchObject({ type: 'ticket.updated', data: { id: ws.ticketId, status: 'done', previousStatus: 'open', readyToFollowUp: { mentions: 2 } } })
    expect((await t.call('POST', '/hooks/github', { key: null, raw: body, headers })).data).toEqual({ updated: 0 })
  })

  it('verifies Linear signatures and refuses replays of old deliveries', async () => {
    const ws = await setup()
    await ws.integrate({ provider: 'linear', token: 'lin_api_key', webhookSecret: 'linear-secret' })
    server.use(http.post(`${LINEAR}/graphql`, async ({ request }) => {
      const { query } = (await request.json()) as { query: string }
      return HttpResponse.json(fixture(query.includes('teams(') ? 'linear/teams_by_key.json' : 'linear/issue_create.json'))
    }))
    expect((await t.call('POST', `/v1/tickets/${ws.ticketId}/export`, { key: ws.key, body: { provider: 'linear', target: 'ENG' } })).status).toBe(201)
    const stale = fixtureText('linear/webhook_issue_completed.json')
    expect((await t.call('POST', '/hooks/linear', { key: null, raw: stale, headers: { 'linear-signature': hexHmac('linear-secret', stale) } })).status).toBe(401)
    const fresh = JSON.stringify({ ...fixture('linear/webhook_issue_completed.json'), webhookTimestamp: Date.now() })
    const res = await t.call('POST', '/hooks/linear', { key: null, raw: fresh, headers: { 'linear-signature': hexHmac('linear-secret', fresh) } })
    expect(res.status).toBe(202)
    expect(res.data).toEqual({ updated: 1 })
    expect((await t.call('GET', `/v1/tickets/${ws.ticketId}`, { key: ws.key })).data.status).toBe('done')
  })

  it('applies signed Jira webhooks', async () => {
    const ws = await setup()
    await ws.integrate({ provider: 'jira', token: 'jira-token', email: 'pm@acme.example', baseUrl: JIRA, webhookSecret: 'jira-secret' })
    server.use(http.post(`${JIRA}/rest/api/3/issue`, () => HttpResponse.json(fixture('jira/issue_created.json'), { status: 201 })))
    expect((await t.call('POST', `/v1/tickets/${ws.ticketId}/export`, { key: ws.key, body: { provider: 'jira', target: 'PROJ' } })).status).toBe(201)
    const body = fixtureText('jira/webhook_issue_updated.json')
    expect((await t.call('POST', '/hooks/jira', { key: null, raw: body })).status).toBe(401)
    const res = await t.call('POST', '/hooks/jira', { key: null, raw: body, headers: { 'x-hub-signature': `sha256=${hexHmac('jira-secret', body)}` } })
    expect(res.data).toEqual({ updated: 1 })
    expect((await t.call('GET', `/v1/tickets/${ws.ticketId}`, { key: ws.key })).data.status).toBe('done')
    expect((await t.call('POST', '/hooks/jira', { key: null, raw: 'not json' })).status).toBe(400)
    expect((await t.call('POST', '/hooks/gitlab', { key: null, raw: '{}' })).status).toBe(400)
  })

  it('polls trackers that send no webhooks', async () => {
    const polled = await linkedToGithub()
    const pushed = await linkedToGithub('has-a-hook')
    await t.sql`UPDATE ticket_trackers SET next_poll_at = now() - interval '1 minute' WHERE ticket_id IN ${t.sql([polled.ticketId, pushed.ticketId])}`
    let calls = 0
    server.use(http.get(`${GH}/repos/acme/app/issues/1347`, () => {
      calls++
      return HttpResponse.json(fixture('github-api/issue_closed.json'))
    }))
    const result = await pollTrackerStatuses(t.deps)
    expect(result).toMatchObject({ polled: 1, changed: 1 })
    expect(calls).toBe(1)
    expect((await t.call('GET', `/v1/tickets/${polled.ticketId}`, { key: polled.key })).data.status).toBe('done')
    expect((await t.call('GET', `/v1/tickets/${pushed.ticketId}`, { key: pushed.key })).data.status).toBe('open')
    expect((await pollTrackerStatuses(t.deps)).polled).toBe(0)
  })

  it('polls Linear by issue id and maps its completed state', async () => {
    const ws = await setup()
    await ws.integrate({ provider: 'linear', token: 'lin_api_key' })
    const ids: unknown[] = []
    server.use(http.post(`${LINEAR}/graphql`, async ({ request }) => {
      const { query, variables } = (await request.json()) as { query: string; variables: { id?: string } }
      if (query.includes('issue(id:')) {
        ids.push(variables.id)
        return HttpResponse.json(fixture('linear/issue_done.json'))
      }
      return HttpResponse.json(fixture(query.includes('teams(') ? 'linear/teams_by_key.json' : 'linear/issue_create.json'))
    }))
    expect((await t.call('POST', `/v1/tickets/${ws.ticketId}/export`, { key: ws.key, body: { provider: 'linear', target: 'ENG' } })).status).toBe(201)
    expect((await t.call('GET', `/v1/tickets/${ws.ticketId}`, { key: ws.key })).data.status).toBe('open')
    await t.sql`UPDATE ticket_trackers SET next_poll_at = now() - interval '1 minute' WHERE ticket_id = ${ws.ticketId}`
    await pollTrackerStatuses(t.deps)
    expect(ids).toEqual(['2c2a1d6e-5c3f-4b8e-9a53-7f0c8c1b3d21'])
    expect((await t.call('GET', `/v1/tickets/${ws.ticketId}`, { key: ws.key })).data.status).toBe('done')
  })
})
