import { describe, expect, it } from 'vitest'
import { ADMIN_KEY, createTestApp } from '../helpers/app.ts'
import { postForm, webSession } from './web-session.ts'

const t = await createTestApp()

const cookieOf = (res: Response, name: string) => {
  const line = res.headers.getSetCookie().find((c) => c.startsWith(`${name}=`))
  return line?.split(';')[0].slice(name.length + 1)
}

async function signIn(key: string, opts: { origin?: string; https?: boolean } = {}) {
  const form = await t.app.request('/app/sign-in')
  const pre = cookieOf(form, 'earshot_signin')!
  const token = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1]
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', cookie: `earshot_signin=${pre}`, host: 'localhost' }
  if (opts.origin) headers.origin = opts.origin
  if (opts.https) headers['x-forwarded-proto'] = 'https'
  return t.app.request('http://localhost/app/sign-in', { method: 'POST', headers, body: new URLSearchParams({ _csrf: token, key, next: '/app/inbox' }) })
}

describe('web sources', () => {
  it('takes a list of numbers from a generated form (a Discourse source with categories)', async () => {
    const s = await webSession(t.app, ADMIN_KEY, '/app/sources')
    const res = await postForm(t.app, s, '/app/sources', [
      ['kind', 'discourse'], ['name', 'Forum'], ['config.instance', 'https://community.acme.test'], ['config.categories', '4\n7'], ['enabled', 'true'],
    ])
    expect(res.status).toBe(303)
    const id = /\/app\/sources\/([0-9a-f-]{36})/.exec(res.headers.get('location') ?? '')![1]
    expect((await t.call('GET', `/v1/sources/${id}`)).data.config).toMatchObject({ instance: 'https://community.acme.test', categories: [4, 7] })
  })

  it("shows a trustpilot source's webhook URL, without its secret", async () => {
    const src = await t.call('POST', '/v1/sources', { body: { kind: 'trustpilot', name: 'Reviews', config: { webhookSecret: 'tp-secret-value-0123456789abcdef' } } })
    const cookie = `earshot_session=${cookieOf(await signIn(ADMIN_KEY), 'earshot_session')}`
    const page = await (await t.app.request(`http://localhost/app/sources/${src.data.id}`, { headers: { cookie } })).text()
    expect(page).toContain(`http://localhost/hooks/trustpilot/${src.data.id}?token=YOUR_WEBHOOK_SECRET`)
    expect(page).not.toContain('tp-secret-value-0123456789abcdef')
    expect(page).not.toContain('Run now')
  })

  it('shows a trustpilot source that polls without a webhook as one to run, with no webhook URL', async () => {
    const config = { apiKey: 'tp-public-api-key', businessUnitId: '5f6a1b2c3d4e5f6a7b8c9d0e' }
    const src = await t.call('POST', '/v1/sources', { body: { kind: 'trustpilot', name: 'Polled reviews', config } })
    expect(src.data.status).toBe('active')
    const cookie = `earshot_session=${cookieOf(await signIn(ADMIN_KEY), 'earshot_session')}`
    const page = await (await t.app.request(`http://localhost/app/sources/${src.data.id}`, { headers: { cookie } })).text()
    expect(page).toContain('Run now')
    expect(page).not.toContain('Webhook URL')
  })
})

describe('web sessions', () => {
  it('redirects an anonymous visitor to sign-in, with the CSP on every response', async () => {
    const res = await t.app.request('/app')
    expect([302, 303]).toContain(res.status)
    const page = await t.app.request('/app/inbox')
    expect(page.headers.get('location')).toBe('/app/sign-in?next=%2Fapp%2Finbox')
    const form = await t.app.request('/app/sign-in')
    const csp = form.headers.get('content-security-policy')!
    expect(csp).toContain("script-src 'self'")
    expect(csp).not.toContain('unsafe-inline')
    expect(csp).toContain("frame-ancestors 'none'")
    expect(form.headers.get('x-content-type-options')).toBe('nosniff')
  })

  it('trades a valid key for an HttpOnly SameSite=Lax cookie and stores only its hash', async () => {
    const res = await signIn(ADMIN_KEY, { origin: 'http://localhost' })
    expect(res.status).toBe(303)
    const line = res.headers.getSetCookie().find((c) => c.startsWith('earshot_session='))!
    expect(line).toMatch(/HttpOnly/)
    expect(line).toMatch(/SameSite=Lax/)
    expect(line).not.toMatch(/Secure/)
    const token = cookieOf(res, 'earshot_session')!
    const again = await t.app.request('/app/sign-in', { headers: { cookie: `earshot_session=${token}` } })
    expect(again.status).toBe(303)
    expect(again.headers.get('location')).toBe('/app/inbox')
    const rows = await t.sql`SELECT id_hash FROM web_sessions`
    expect(rows.map((r) => r.id_hash)).not.toContain(token)
    expect(rows.length).toBeGreaterThan(0)
  })

  it('marks the cookie Secure behind an https proxy', async () => {
    const res = await signIn(ADMIN_KEY, { https: true })
    expect(res.headers.getSetCookie().find((c) => c.startsWith('earshot_session='))).toMatch(/Secure/)
  })

  it('refuses a bad key and a cross-origin sign-in post', async () => {
    expect((await signIn('esk_nope')).status).toBe(401)
    expect((await signIn(ADMIN_KEY, { origin: 'https://evil.example' })).status).toBe(403)
  })

  it('refuses a state-changing request without the session CSRF token, and signs out with it', async () => {
    const token = cookieOf(await signIn(ADMIN_KEY), 'earshot_session')!
    const headers = { cookie: `earshot_session=${token}`, 'content-type': 'application/x-www-form-urlencoded', host: 'localhost' }
    const forged = await t.app.request('http://localhost/app/sign-out', { method: 'POST', headers, body: '_csrf=guess' })
    expect(forged.status).toBe(403)
    const [row] = await t.sql`SELECT csrf_token FROM web_sessions ORDER BY created_at DESC LIMIT 1`
    const crossSite = await t.app.request('http://localhost/app/sign-out', {
      method: 'POST', headers: { ...headers, origin: 'https://evil.example' }, body: `_csrf=${row.csrf_token}`,
    })
    expect(crossSite.status).toBe(403)
    const ok = await t.app.request('http://localhost/app/sign-out', { method: 'POST', headers, body: `_csrf=${row.csrf_token}` })
    expect(ok.status).toBe(303)
    const after = await t.app.request('/app/inbox', { headers: { cookie: `earshot_session=${token}` } })
    expect(after.headers.get('location')).toMatch(/^\/app\/sign-in/)
  })

  it('ends sessions when their API key is revoked', async () => {
    const key = await t.keyFor('viewer')
    const token = cookieOf(await signIn(key), 'earshot_session')!
    await t.sql`DELETE FROM api_keys WHERE prefix = ${key.slice(0, 10)}`
    const res = await t.app.request('/app/inbox', { headers: { cookie: `earshot_session=${token}` } })
    expect(res.status).toBe(303)
  })

  it('serves hashed static assets with long cache headers and never redirects sign-in elsewhere', async () => {
    const page = await (await t.app.request('/app/sign-in')).text()
    const js = /src="(\/app\/static\/app\.[0-9a-f]{8}\.js)"/.exec(page)![1]
    const res = await t.app.request(js)
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toContain('immutable')
    expect(res.headers.get('content-type')).toContain('javascript')
    const css = /href="(\/app\/static\/app\.[0-9a-f]{8}\.css)"/.exec(page)![1]
    expect((await t.app.request(css)).status).toBe(200)
    const open = await t.app.request('/app/sign-in?next=//evil.example/app')
    expect(await open.text()).toContain('value="/app/inbox"')
  })

  it('lets a viewer read but not triage, and answers 404 for another workspace\'s records', async () => {
    const src = await t.call('POST', '/v1/sources', { body: { kind: 'api', name: 'ws A' } })
    const pushed = await t.call('POST', '/v1/mentions', {
      body: { sourceId: src.data.id, items: [{ externalId: 'a1', url: 'https://example.com/a1', author: { handle: 'a' }, text: 'workspace A secret', publishedAt: new Date().toISOString() }] },
    })
    const mentionId = pushed.data.ids[0] as string
    const session = async (key: string) => {
      const token = cookieOf(await signIn(key), 'earshot_session')!
      const [row] = await t.sql`SELECT csrf_token FROM web_sessions ORDER BY created_at DESC LIMIT 1`
      return { cookie: `earshot_session=${token}`, csrf: row.csrf_token as string }
    }
    const viewer = await session(await t.keyFor('viewer'))
    const page = await t.app.request(`/app/inbox?m=${mentionId}`, { headers: { cookie: viewer.cookie } })
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('workspace A secret')
    const triage = await t.app.request(`http://localhost/app/inbox/${mentionId}/update`, {
      method: 'POST', headers: { cookie: viewer.cookie, host: 'localhost', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: viewer.csrf, status: 'resolved' }),
    })
    expect(triage.status).toBe(403)
    const noJs = await (await t.app.request(`/app/inbox?status=all&counts=1`, { headers: { cookie: viewer.cookie } })).text()
    expect(noJs).toMatch(/1 matching/)
    const counts = await t.app.request('/app/inbox/counts?status=all', { headers: { cookie: viewer.cookie, accept: 'application/json' } })
    const body = await counts.json()
    expect(body.total).toBe(1)
    expect(body.links[0]).toMatchObject({ label: 'new', count: 1, href: '/app/inbox?status=new' })

    const other = await t.call('POST', '/v1/workspaces', { body: { name: 'web-other' } })
    const outsider = await session(other.data.key)
    for (const path of [`/app/inbox?m=${mentionId}`, `/app/sources/${src.data.id}`, '/app/tickets/not-a-uuid']) {
      const res = await t.app.request(path, { headers: { cookie: outsider.cookie } })
      expect(res.status).toBe(404)
      expect(await res.text()).not.toContain('workspace A secret')
    }
    const write = await t.app.request(`http://localhost/app/inbox/${mentionId}/update`, {
      method: 'POST', headers: { cookie: outsider.cookie, host: 'localhost', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: outsider.csrf, status: 'resolved' }),
    })
    expect(write.status).toBe(404)
    expect((await t.call('GET', `/v1/mentions/${mentionId}`)).data.status).toBe('new')
  })
})
