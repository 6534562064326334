import { describe, expect, it } from 'vitest'
import { decryptSecret } from '../../src/crypto/secret-box.ts'
import { createTestApp } from '../helpers/app.ts'

const t = await createTestApp()

describe('sources API', () => {
  it('creates an api source with only kind and name', async () => {
    const res = await t.call('POST', '/v1/sources', { body: { kind: 'api', name: 'pushed' } })
    expect(res.status).toBe(201)
    expect(res.data).toMatchObject({ kind: 'api', name: 'pushed', status: 'push', nextRunAt: null, config: {} })
    expect(res.data.id).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('refuses unknown kinds, bad configs, bad schedules and unknown fields with 400', async () => {
    const bad = [
      { kind: 'no-such-connector', name: 'x', config: {} },
      { kind: 'api', name: 'x', config: { url: 'https://example.com' } },
      { kind: 'api', name: 'x', schedule: '*/5 * * * *' },
      { kind: 'api', name: 'x', extra: true },
    ]
    for (const body of bad) {
      const res = await t.call('POST', '/v1/sources', { body })
      expect(res.status, JSON.stringify(body)).toBe(400)
      expect(res.data.error.code).toBe('bad_request')
    }
  })

  it('lets viewers read and only admins write', async () => {
    const viewer = await t.keyFor('viewer')
    const agent = await t.keyFor('agent')
    expect((await t.call('GET', '/v1/sources', { key: viewer })).status).toBe(200)
    expect((await t.call('GET', '/v1/connectors', { key: viewer })).status).toBe(200)
    for (const key of [viewer, agent]) {
      expect((await t.call('POST', '/v1/sources', { key, body: { kind: 'rss', name: 'v', config: { url: 'https://example.com/feed.xml' } } })).status).toBe(403)
    }
  })

  it('gets, renames, lists with paging and deletes; other workspaces see 404', async () => {
    const ids: string[] = []
    for (const name of ['one', 'two', 'three']) ids.push((await t.call('POST', '/v1/sources', { body: { kind: 'api', name } })).data.id)
    const page1 = await t.call('GET', '/v1/sources?limit=2')
    expect(page1.data.items).toHaveLength(2)
    const page2 = await t.call('GET', `/v1/sources?limit=2&cursor=${page1.data.nextCursor}`)
    const seen = [...page1.data.items, ...page2.data.items].map((s: { id: string }) => s.id)
    expect(seen).toEqual(expect.arrayContaining(ids))
    expect(new Set(seen).size).toBe(seen.length)

    const patched = await t.call('PATCH', `/v1/sources/${ids[0]}`, { body: { name: 'renamed' } })
    expect(patched.data.name).toBe('renamed')
    const other = await t.call('POST', '/v1/workspaces', { body: { name: 'other-ws' } })
    expect((await t.call('GET', `/v1/sources/${ids[0]}`, { key: other.data.key })).status).toBe(404)
    expect((await t.call('DELETE', `/v1/sources/${ids[0]}`, { key: other.data.key })).status).toBe(404)
    expect((await t.call('GET', '/v1/sources/not-a-uuid')).status).toBe(400)
    expect((await t.call('DELETE', `/v1/sources/${ids[0]}`)).status).toBe(204)
    expect((await t.call('GET', `/v1/sources/${ids[0]}`)).status).toBe(404)
  })

  it('refuses to run a push-only source and lists no runs for it', async () => {
    const id = (await t.call('POST', '/v1/sources', { body: { kind: 'api', name: 'p' } })).data.id
    expect((await t.call('POST', `/v1/sources/${id}/run`)).status).toBe(400)
    const runs = await t.call('GET', `/v1/sources/${id}/runs`)
    expect(runs.status).toBe(200)
    expect(runs.data.items).toEqual([])
  })

  it('describes every connector with a JSON Schema of its config', async () => {
    const res = await t.call('GET', '/v1/connectors')
    expect(res.status).toBe(200)
    const api = res.data.items.find((c: { kind: string }) => c.kind === 'api')
    expect(api).toMatchObject({ pushOnly: true, configSchema: { type: 'object' } })
  })
})

describe('source secrets', () => {
  it('never returns a secret in full and keeps it when the masked value is sent back', async () => {
    const token = 'ghp_0123456789abcdefSECRET'
    const created = await t.call('POST', '/v1/sources', { body: { kind: 'github', name: 'gh', config: { query: 'repo:acme/app', token } } })
    expect(created.status).toBe(201)
    expect(created.data.config.token).toBe('****CRET')
    for (const res of [created, await t.call('GET', `/v1/sources/${created.data.id}`), await t.call('GET', '/v1/sources')]) {
      expect(JSON.stringify(res.data)).not.toContain(token)
    }
    const renamed = await t.call('PATCH', `/v1/sources/${created.data.id}`, { body: { config: { ...created.data.config, query: 'repo:acme/web' } } })
    expect(renamed.status).toBe(200)
    const [row] = await t.sql`SELECT config FROM sources WHERE id = ${created.data.id}`
    expect(row.config.query).toBe('repo:acme/web')
    expect(JSON.stringify(row.config)).not.toContain(token)
    expect(row.config.token.mask).toBe('****CRET')
    expect(await decryptSecret(t.deps.config.secretKey, row.config.token.sealed, `source:${t.workspaceId}:${created.data.id}:token`)).toBe(token)
  })

  it('validates each kind\'s config with its schema', async () => {
    const bad = [
      { kind: 'reddit', config: {} },
      { kind: 'mastodon', config: { instance: 'https://mastodon.social' } },
      { kind: 'appstore', config: { appId: 'not-a-number' } },
      { kind: 'rss', config: { url: 'ftp://example.com/feed' } },
      { kind: 'github', config: { query: 'x', unknown: true } },
    ]
    for (const body of bad) expect((await t.call('POST', '/v1/sources', { body: { name: 'x', ...body } })).status, body.kind).toBe(400)
    const ok = await t.call('POST', '/v1/sources', { body: { kind: 'appstore', name: 'ios', config: { appId: '1234567890' }, schedule: '0 * * * *' } })
    expect(ok.data).toMatchObject({ config: { appId: '1234567890', country: 'us' }, schedule: '0 * * * *', status: 'active' })
    expect((await t.call('POST', '/v1/sources', { body: { kind: 'appstore', name: 'ios', config: { appId: '1' }, schedule: 'every minute' } })).status).toBe(400)
  })
})
