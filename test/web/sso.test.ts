import { readFileSync } from 'node:fs'
import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN_KEY, createTestApp } from '../helpers/app.ts'
import { postForm, sessionFrom, webSession } from './web-session.ts'

const ISSUER = 'https://idp.example.com/realms/acme'
const TOKEN_URL = `${ISSUER}/protocol/openid-connect/token`
const discovery = JSON.parse(readFileSync(new URL('../fixtures/oidc/discovery.json', import.meta.url), 'utf8'))

const server = setupServer(http.get(`${ISSUER}/.well-known/openid-configuration`, () => HttpResponse.json(discovery)))
beforeAll(() => server.listen({ onUnhandledRequest: (req, print) => (new URL(req.url).hostname === '127.0.0.1' ? undefined : print.error()) }))
afterEach(() => server.resetHandlers())
afterAll(() => server.close())

const t = await createTestApp()

const b64url = (bytes: Uint8Array | string) =>
  Buffer.from(typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes).toString('base64url')
const keys = await crypto.subtle.generateKey({ name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, true, ['sign', 'verify'])
async function idToken(claims: Record<string, unknown>) {
  const input = `${b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: 'k1' }))}.${b64url(JSON.stringify(claims))}`
  return `${input}.${b64url(new Uint8Array(await crypto.subtle.sign('RSASSA-PKCS1-v1_5', keys.privateKey, new TextEncoder().encode(input))))}`
}

interface Person {
  sub: string
  email: string
  email_verified?: boolean
  name?: string
  groups?: string[] | string
  roles?: string[]
}

/**
 * The provider's side of a sign-in: checks the code exchange the way a
 * provider does (client credentials, redirect URI, PKCE) and answers with an
 * ID token for `person`. `tamper` changes the claims after the fact.
 */
function provider(person: Person, seen: { nonce?: string; challenge?: string; requests: number }, tamper: Record<string, unknown> = {}) {
  server.use(
    http.post(TOKEN_URL, async ({ request }) => {
      seen.requests++
      const form = new URLSearchParams(await request.text())
      const verifier = form.get('code_verifier') ?? ''
      const challenge = b64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))))
      // RFC 6749 §2.3.1: id and secret are form-encoded before Basic's base64.
      const basic = atob((request.headers.get('authorization') ?? '').replace(/^Basic /, '')).split(':').map(decodeURIComponent)
      if (form.get('grant_type') !== 'authorization_code' || form.get('code') !== 'code-1' || basic[0] !== 'earshot' || basic[1] !== 's3cret-value') {
        return HttpResponse.json({ error: 'invalid_client', error_description: 'Invalid client or Invalid client credentials' }, { status: 401 })
      }
      if (challenge !== seen.challenge || form.get('redirect_uri') !== 'http://localhost/app/sso/callback') {
        return HttpResponse.json({ error: 'invalid_grant', error_description: 'PKCE verification failed' }, { status: 400 })
      }
      const now = Math.floor(Date.now() / 1000)
      const id_token = await idToken({ iss: ISSUER, aud: 'earshot', azp: 'earshot', iat: now, exp: now + 300, nonce: seen.nonce, ...person, ...tamper })
      return HttpResponse.json({ access_token: 'at-1', token_type: 'Bearer', expires_in: 300, refresh_expires_in: 1800, id_token, scope: 'openid email profile' })
    }),
  )
}

async function configure(body: Record<string, unknown> = {}) {
  return t.call('PUT', '/v1/sso', {
    body: { issuer: ISSUER, clientId: 'earshot', clientSecret: 's3cret-value', allowedDomains: ['Acme.com'], defaultRole: 'agent', ...body },
    headers: { host: 'localhost' },
  })
}

/** Starts a sign-in as the browser does; returns the state cookie and what the provider was sent. */
async function start(workspace = 'default', next = '/app/alerts') {
  const res = await t.app.request(`http://localhost/app/sso/start?workspace=${workspace}&next=${encodeURIComponent(next)}`)
  const html = await res.text()
  const target = /content="0;url=([^"]+)"/.exec(html)?.[1]?.replaceAll('&amp;', '&')
  const cookie = /earshot_sso=([^;]+)/.exec(res.headers.getSetCookie().join('\n'))?.[1]
  return { res, html, cookie, target: target ? new URL(target) : undefined }
}

async function signIn(person: Person, tamper: Record<string, unknown> = {}) {
  const s = await start()
  const seen = { nonce: s.target!.searchParams.get('nonce')!, challenge: s.target!.searchParams.get('code_challenge')!, requests: 0 }
  provider(person, seen, tamper)
  const res = await t.app.request(`http://localhost/app/sso/callback?code=code-1&state=${s.target!.searchParams.get('state')}&iss=${encodeURIComponent(ISSUER)}`, {
    headers: { cookie: `earshot_sso=${s.cookie}` },
  })
  const session = /earshot_session=([^;]+)/.exec(res.headers.getSetCookie().join('\n'))?.[1]
  return { res, session, seen, start: s }
}

const alice = { sub: 'f3b0c6a2-alice', email: 'Alice@acme.com', email_verified: true, name: 'Alice Liddell' }

describe('single sign-on (OpenID Connect)', () => {
  it('is set up by admins only, checks the issuer first, and never returns or stores the client secret in the clear', async () => {
    expect((await t.call('PUT', '/v1/sso', { key: await t.keyFor('agent'), body: { issuer: ISSUER, clientId: 'x', clientSecret: 'y' } })).status).toBe(403)
    server.use(http.get('https://typo.example.com/.well-known/openid-configuration', () => new HttpResponse('not found', { status: 404 })))
    const typo = await configure({ issuer: 'https://typo.example.com' })
    expect(typo.status).toBe(400)
    expect(typo.data.error.message).toContain('discovery')
    expect((await t.call('GET', '/v1/sso')).status).toBe(404)
    expect((await configure({ issuer: 'http://idp.example.com' })).status).toBe(400)

    const res = await configure()
    expect(res.status).toBe(200)
    expect(res.data).toMatchObject({
      issuer: ISSUER, clientId: 'earshot', allowedDomains: ['acme.com'], defaultRole: 'agent', enabled: true,
      redirectUri: 'http://localhost/app/sso/callback', signInUrl: 'http://localhost/app/sso/start?workspace=default',
    })
    expect(JSON.stringify(res.data)).not.toContain('s3cret')
    const [row] = await t.sql`SELECT client_secret_sealed FROM sso_connections WHERE workspace_id = ${t.workspaceId}`
    expect(row.client_secret_sealed).toMatch(/^v1\./)
    expect(row.client_secret_sealed).not.toContain('s3cret')
    // A later change may leave the secret out and keep the stored one.
    expect((await configure({ clientSecret: undefined, defaultRole: 'agent' })).status).toBe(200)
  })

  it('signs a person in through the provider with state, nonce and PKCE, as a member with the default role', async () => {
    await configure()
    const { res, session, seen, start: s } = await signIn(alice)
    expect(s.target!.origin + s.target!.pathname).toBe(discovery.authorization_endpoint)
    // The browser remembers the workspace for its next sign-in; a link can name it too.
    const remembered = /earshot_workspace=([^;]+)/.exec(s.res.headers.getSetCookie().join('\n'))![1]
    const again = await (await t.app.request('http://localhost/app/sign-in', { headers: { cookie: `earshot_workspace=${remembered}` } })).text()
    expect(again).toContain('name="workspace" value="default"')
    expect(await (await t.app.request('http://localhost/app/sign-in?workspace=%3Cacme%3E')).text()).toContain('value="&lt;acme&gt;"')
    expect(Object.fromEntries(s.target!.searchParams)).toMatchObject({
      response_type: 'code', client_id: 'earshot', redirect_uri: 'http://localhost/app/sso/callback', scope: 'openid email profile', code_challenge_method: 'S256',
    })
    expect(seen.requests).toBe(1)
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/app/alerts')
    expect(session).toBeTruthy()

    const members = await t.call('GET', '/v1/sso/members')
    expect(members.data.items).toEqual([expect.objectContaining({ email: 'alice@acme.com', name: 'Alice Liddell', role: 'agent', disabled: false })])
    // The member acts under their own name: a view saved from the inbox is theirs, in the audit too.
    const saved = await postForm(t.app, await sessionFrom(t.app, session!), '/app/inbox/views', [['name', 'Alice negative'], ['sentiment', 'negative']])
    expect(saved.status).toBe(303)
    const views = await t.call('GET', '/v1/views')
    expect(views.data.items.find((v: { name: string }) => v.name === 'Alice negative').createdBy).toBe('alice@acme.com')
    const [audit] = await t.sql`SELECT actor, actor_id FROM audit_log WHERE workspace_id = ${t.workspaceId} AND entity = 'view' ORDER BY id DESC LIMIT 1`
    expect(audit).toEqual({ actor: 'alice@acme.com', actor_id: members.data.items[0].id })
  })

  it('refuses a callback without its state cookie, and a state used twice', async () => {
    await configure()
    const s = await start()
    const seen = { nonce: s.target!.searchParams.get('nonce')!, challenge: s.target!.searchParams.get('code_challenge')!, requests: 0 }
    provider(alice, seen)
    const url = `http://localhost/app/sso/callback?code=code-1&state=${s.target!.searchParams.get('state')}&iss=${encodeURIComponent(ISSUER)}`
    const stranger = await t.app.request(url)
    expect(stranger.status).toBe(400)
    expect(stranger.headers.getSetCookie().join('\n')).not.toContain('earshot_session=')
    const first = await t.app.request(url, { headers: { cookie: `earshot_sso=${s.cookie}` } })
    expect(first.status).toBe(303)
    const replay = await t.app.request(url, { headers: { cookie: `earshot_sso=${s.cookie}` } })
    expect(replay.status).toBe(400)
    expect(seen.requests).toBe(1)
  })

  it('turns away unverified e-mail, other domains, a wrong nonce and a provider that fails, creating nothing', async () => {
    await configure()
    const before = (await t.call('GET', '/v1/sso/members')).data.items.length
    const unverified = await signIn({ sub: 'u1', email: 'bob@acme.com', email_verified: false })
    expect(unverified.res.status).toBe(403)
    expect(await unverified.res.text()).toContain('has not verified bob@acme.com')
    const outsider = await signIn({ sub: 'u2', email: 'eve@evil.example', email_verified: true })
    expect(outsider.res.status).toBe(403)
    expect(await outsider.res.text()).toContain('evil.example addresses may not sign in')
    const replayed = await signIn({ sub: 'u3', email: 'carol@acme.com' }, { nonce: 'another-sign-in' })
    expect(replayed.res.status).toBe(502)
    expect(await replayed.res.text()).toContain('Single sign-on failed')
    const otherClient = await signIn({ sub: 'u4', email: 'dan@acme.com' }, { aud: 'some-other-app' })
    expect(otherClient.res.status).toBe(502)

    for (const upstream of [new HttpResponse('<html>Bad gateway</html>', { status: 502 }), new HttpResponse('{"access_token": ', { headers: { 'content-type': 'application/json' } })]) {
      const s = await start()
      server.use(http.post(TOKEN_URL, () => upstream.clone()))
      const res = await t.app.request(`http://localhost/app/sso/callback?code=code-1&state=${s.target!.searchParams.get('state')}&iss=${encodeURIComponent(ISSUER)}`, {
        headers: { cookie: `earshot_sso=${s.cookie}` },
      })
      expect(res.status).toBe(502)
      expect(res.headers.getSetCookie().join('\n')).not.toContain('earshot_session=')
    }
    for (const r of [unverified, outsider, replayed, otherClient]) expect(r.session).toBeUndefined()
    expect((await t.call('GET', '/v1/sso/members')).data.items.length).toBe(before)
  })

  it('bounds the sign-ins under way per workspace, so a flood of abandoned starts stores nothing more', async () => {
    await configure()
    await t.sql`
      INSERT INTO sso_sign_ins (state_hash, workspace_id, nonce, code_verifier, next, expires_at)
      SELECT 'flood-' || i, ${t.workspaceId}, 'n', 'v', '/app/inbox', now() + interval '10 minutes' FROM generate_series(1, 1000) i`
    const res = await start()
    expect(res.res.status).toBe(429)
    expect(res.res.headers.get('retry-after')).toBe('600')
    expect(res.cookie).toBeUndefined()
    const [{ n }] = await t.sql`SELECT count(*)::int AS n FROM sso_sign_ins WHERE workspace_id = ${t.workspaceId}`
    expect(n).toBeLessThanOrEqual(1000)
    await t.sql`DELETE FROM sso_sign_ins WHERE state_hash LIKE 'flood-%'`
    expect((await start()).res.status).toBe(200)
  })

  it("shows the provider's refusal escaped, and says when a workspace has no single sign-on", async () => {
    await configure()
    const s = await start()
    const res = await t.app.request(
      `http://localhost/app/sso/callback?error=access_denied&error_description=${encodeURIComponent('<script>alert(1)</script>')}&state=${s.target!.searchParams.get('state')}&iss=${encodeURIComponent(ISSUER)}`,
      { headers: { cookie: `earshot_sso=${s.cookie}` } },
    )
    const html = await res.text()
    expect(res.status).toBe(502)
    expect(html).toContain('access_denied')
    expect(html).not.toContain('<script>alert(1)')
    await t.call('POST', '/v1/workspaces', { key: ADMIN_KEY, body: { name: 'sso-none' } })
    expect((await start('sso-none')).res.status).toBe(404)
    expect((await start('no-such-workspace')).res.status).toBe(404)
  })

  it("applies an admin's role change to open sessions at once, and turning a member away ends them", async () => {
    await configure()
    const mallory = { sub: 'm-1', email: 'mallory@acme.com', email_verified: true }
    const { session } = await signIn(mallory)
    const cookie = `earshot_session=${session}`
    const id = (await t.call('GET', '/v1/sso/members')).data.items.find((m: { email: string }) => m.email === 'mallory@acme.com').id
    expect((await t.call('PATCH', `/v1/sso/members/${id}`, { key: await t.keyFor('agent'), body: { role: 'admin' } })).status).toBe(403)
    expect((await t.app.request('http://localhost/app/webhooks', { headers: { cookie } })).status).toBe(403)
    expect((await t.call('PATCH', `/v1/sso/members/${id}`, { body: { role: 'admin' } })).data.role).toBe('admin')
    expect((await t.app.request('http://localhost/app/webhooks', { headers: { cookie } })).status).toBe(200)

    expect((await t.call('PATCH', `/v1/sso/members/${id}`, { body: { disabled: true } })).status).toBe(200)
    const after = await t.app.request('http://localhost/app/inbox', { headers: { cookie } })
    expect(after.status).toBe(303)
    expect(after.headers.get('location')).toContain('/app/sign-in')
    const again = await signIn(mallory)
    expect(again.res.status).toBe(403)
    expect(again.session).toBeUndefined()
  })

  it("takes roles from the provider's groups when mapped, at every sign-in, highest first", async () => {
    await configure({ defaultRole: 'viewer', roleMapping: { admin: ['earshot-admins'], agent: ['support', 'community'] } })
    const roleOf = async (email: string) => (await t.call('GET', '/v1/sso/members')).data.items.find((m: { email: string }) => m.email === email).role
    const grace = { sub: 'g-1', email: 'grace@acme.com', email_verified: true }
    const first = await signIn({ ...grace, groups: ['support'] })
    expect(await roleOf('grace@acme.com')).toBe('agent')
    const cookie = `earshot_session=${first.session}`
    expect((await t.app.request('http://localhost/app/webhooks', { headers: { cookie } })).status).toBe(403)
    await signIn({ ...grace, groups: ['support', 'earshot-admins'] })
    expect(await roleOf('grace@acme.com')).toBe('admin')
    // Her earlier session follows too.
    expect((await t.app.request('http://localhost/app/webhooks', { headers: { cookie } })).status).toBe(200)
    await signIn({ ...grace, groups: [] })
    expect(await roleOf('grace@acme.com')).toBe('viewer')
    await signIn({ sub: 'h-1', email: 'heidi@acme.com', groups: 'community' })
    expect(await roleOf('heidi@acme.com')).toBe('agent')
    await configure({ defaultRole: 'viewer', roleClaim: 'roles', roleMapping: { admin: ['owner'] } })
    await signIn({ sub: 'h-1', email: 'heidi@acme.com', groups: ['community'], roles: ['owner'] })
    expect(await roleOf('heidi@acme.com')).toBe('admin')
    // Without a mapping, an admin's choice stands across sign-ins.
    await configure({ defaultRole: 'viewer', roleMapping: null })
    const id = (await t.call('GET', '/v1/sso/members')).data.items.find((m: { email: string }) => m.email === 'heidi@acme.com').id
    await t.call('PATCH', `/v1/sso/members/${id}`, { body: { role: 'agent' } })
    await signIn({ sub: 'h-1', email: 'heidi@acme.com', roles: ['owner'] })
    expect(await roleOf('heidi@acme.com')).toBe('agent')
  })

  it('ends member sessions when single sign-on is turned off, and signs no one in while it is', async () => {
    await configure()
    const { session } = await signIn({ sub: 'o-1', email: 'oscar@acme.com' })
    expect((await configure({ enabled: false })).status).toBe(200)
    expect((await t.app.request('http://localhost/app/inbox', { headers: { cookie: `earshot_session=${session}` } })).status).toBe(303)
    expect((await start()).res.status).toBe(404)
    await configure()
    const back = await signIn({ sub: 'o-1', email: 'oscar@acme.com' })
    expect(back.res.status).toBe(303)
    expect((await t.call('DELETE', '/v1/sso')).status).toBe(204)
    expect((await t.app.request('http://localhost/app/inbox', { headers: { cookie: `earshot_session=${back.session}` } })).status).toBe(303)
    expect((await t.call('GET', '/v1/sso')).status).toBe(404)
  })
})

describe('the Settings page', () => {
  it('lets admins set up single sign-on from a form, refusing a bad issuer and storing nothing for it', async () => {
    await t.call('DELETE', '/v1/sso')
    expect((await t.app.request('http://localhost/app/settings', { headers: { cookie: (await webSession(t.app, await t.keyFor('agent'))).cookie } })).status).toBe(403)
    const admin = await webSession(t.app, ADMIN_KEY)
    const fields = (issuer: string): [string, string][] => [
      ['issuer', issuer], ['clientId', 'earshot'], ['clientSecret', 's3cret-value'], ['allowedDomains', 'acme.com, Example.org'], ['defaultRole', 'viewer'],
      ['roleClaim', 'groups'], ['map-admin', 'earshot-admins'], ['map-agent', 'support, community'], ['map-viewer', ''], ['enabled', 'true'],
    ]
    server.use(http.get('https://nowhere.example.com/.well-known/openid-configuration', () => HttpResponse.error()))
    const bad = await postForm(t.app, admin, '/app/settings/sso', fields('https://nowhere.example.com'))
    expect(bad.status).toBe(400)
    expect(await bad.text()).toContain('discovery')
    expect((await t.call('GET', '/v1/sso')).status).toBe(404)

    const ok = await postForm(t.app, admin, '/app/settings/sso', fields(ISSUER))
    expect(ok.status).toBe(303)
    expect((await t.call('GET', '/v1/sso')).data).toMatchObject({
      issuer: ISSUER, allowedDomains: ['acme.com', 'example.org'], defaultRole: 'viewer', enabled: true,
      roleClaim: 'groups', roleMapping: { admin: ['earshot-admins'], agent: ['support', 'community'] },
    })
    const html = await (await t.app.request('http://localhost/app/settings', { headers: { cookie: admin.cookie } })).text()
    expect(html).toContain('http://localhost/app/sso/callback')
    expect(html).not.toContain('s3cret-value')
  })

  it("lists members with their provider's name escaped, and changes a role or turns a member away from the page", async () => {
    await configure({ defaultRole: 'viewer' })
    const { session } = await signIn({ sub: 'x-1', email: 'xavier@acme.com', email_verified: true, name: '<img src=x onerror=alert(1)>Xavier' })
    const admin = await webSession(t.app, ADMIN_KEY)
    const html = await (await t.app.request('http://localhost/app/settings', { headers: { cookie: admin.cookie } })).text()
    expect(html).toContain('xavier@acme.com')
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;Xavier')
    expect(html).not.toContain('<img src=x')
    const id = (await t.call('GET', '/v1/sso/members')).data.items.find((m: { email: string }) => m.email === 'xavier@acme.com').id
    expect((await postForm(t.app, admin, `/app/settings/members/${id}`, [['role', 'agent']])).status).toBe(303)
    expect((await t.call('GET', '/v1/sso/members')).data.items.find((m: { id: string }) => m.id === id).role).toBe('agent')
    expect((await postForm(t.app, admin, `/app/settings/members/${id}`, [['role', 'owner']])).status).toBe(400)
    expect((await postForm(t.app, admin, `/app/settings/members/${id}`, [['disabled', 'true']])).status).toBe(303)
    expect((await t.app.request('http://localhost/app/inbox', { headers: { cookie: `earshot_session=${session}` } })).status).toBe(303)
  })
})
