import { describe, expect, it } from 'vitest'
import { PRINCIPAL_TTL_MS } from '../../src/auth/api-keys.ts'
import { createTestApp } from '../helpers/app.ts'

const t = await createTestApp()

describe('API keys and roles', () => {
  it('rejects requests without a key or with a wrong key', async () => {
    for (const key of [null, 'esk_not_a_real_key']) {
      const res = await t.call('GET', '/v1/api-keys', { key })
      expect(res.status).toBe(401)
      expect(res.data.error.code).toBe('unauthorized')
    }
  })

  it('creates a key shown once, lists keys without secrets, and deletes', async () => {
    const created = await t.call('POST', '/v1/api-keys', { body: { name: 'ci', role: 'agent' } })
    expect(created.status).toBe(201)
    expect(created.data.key).toMatch(/^esk_[A-Za-z0-9_-]{43}$/)
    expect((await t.call('GET', '/v1/mentions', { key: created.data.key })).status).not.toBe(401)
    const listed = await t.call('GET', '/v1/api-keys')
    expect(listed.status).toBe(200)
    const agent = listed.data.items.find((k: { id: string }) => k.id === created.data.id)
    expect(agent.lastUsedAt).not.toBeNull()
    expect(JSON.stringify(listed.data)).not.toContain(created.data.key)
    expect(listed.data.items.map((k: { id: string }) => k.id)).toContain(created.data.id)
    const [stored] = await t.sql`SELECT key_hash FROM api_keys WHERE id = ${created.data.id}`
    expect(stored.key_hash).not.toContain(created.data.key)
    expect((await t.call('GET', '/v1/api-keys', { key: created.data.key })).status).toBe(403)
    expect((await t.call('DELETE', `/v1/api-keys/${created.data.id}`)).status).toBe(204)
    expect((await t.call('GET', '/v1/api-keys', { key: created.data.key })).status).toBe(401)
    expect((await t.call('DELETE', `/v1/api-keys/${created.data.id}`)).status).toBe(404)
  })

  it('remembers a verified key for a short while: revoked elsewhere, it is refused once that has passed', async () => {
    const key = await t.keyFor('viewer')
    expect((await t.call('GET', '/v1/mentions', { key })).status).toBe(200)
    // Deleted behind this process's back, as another server process would.
    await t.sql`DELETE FROM api_keys WHERE prefix = ${key.slice(0, 10)}`
    const realClock = t.deps.clock
    try {
      t.deps.clock = () => new Date(realClock().getTime() + PRINCIPAL_TTL_MS - 1_000)
      expect((await t.call('GET', '/v1/mentions', { key })).status).toBe(200)
      t.deps.clock = () => new Date(realClock().getTime() + PRINCIPAL_TTL_MS + 1_000)
      expect((await t.call('GET', '/v1/mentions', { key })).status).toBe(401)
    } finally {
      t.deps.clock = realClock
    }
  })

  it('lets only admins manage keys', async () => {
    for (const role of ['viewer', 'agent'] as const) {
      const key = await t.keyFor(role)
      expect((await t.call('POST', '/v1/api-keys', { key, body: { name: 'x', role: 'admin' } })).status).toBe(403)
    }
  })

  it('rejects unknown fields and bad roles with 400', async () => {
    expect((await t.call('POST', '/v1/api-keys', { body: { name: 'x', role: 'root' } })).status).toBe(400)
    expect((await t.call('POST', '/v1/api-keys', { body: { name: 'x', role: 'admin', extra: 1 } })).status).toBe(400)
    expect((await t.call('DELETE', '/v1/api-keys/not-a-uuid')).status).toBe(400)
  })
})

describe('workspaces', () => {
  it('an admin of default creates a workspace whose admin cannot create more', async () => {
    const ws = await t.call('POST', '/v1/workspaces', { body: { name: 'acme' } })
    expect(ws.status).toBe(201)
    expect(ws.data).toMatchObject({ name: 'acme', key: expect.stringMatching(/^esk_/) })
    const nested = await t.call('POST', '/v1/workspaces', { key: ws.data.key, body: { name: 'acme-2' } })
    expect(nested.status).toBe(403)
    expect((await t.call('POST', '/v1/workspaces', { body: { name: 'acme' } })).status).toBe(409)
  })

  it('keys of one workspace never see keys of another', async () => {
    const ws = await t.call('POST', '/v1/workspaces', { body: { name: 'other' } })
    const theirs = await t.call('GET', '/v1/api-keys', { key: ws.data.key })
    expect(theirs.data.items).toHaveLength(1)
    const ours = await t.call('GET', '/v1/api-keys')
    expect(ours.data.items.map((k: { id: string }) => k.id)).not.toContain(theirs.data.items[0].id)
  })
})
