import { serve } from '@hono/node-server'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import { createApp } from '../../src/app.ts'
import { createSql } from '../../src/db/sql.ts'
import { silentLogger } from '../../src/logger.ts'
import { createTestApp } from '../helpers/app.ts'

const t = await createTestApp()

describe('errors are JSON with a code, never a stack or SQL', () => {
  it('malformed JSON → 400', async () => {
    const res = await t.call('POST', '/v1/api-keys', { raw: '{"name": "x", ' })
    expect(res.status).toBe(400)
    expect(res.data.error).toMatchObject({ code: 'bad_request', message: expect.any(String) })
  })

  it('unknown route → 404 with an error body', async () => {
    const res = await t.call('GET', '/v1/no-such-thing')
    expect(res.status).toBe(404)
    expect(res.data.error.code).toBe('not_found')
  })

  it('body over 1 MB → 413', async () => {
    const res = await t.call('POST', '/v1/api-keys', { body: { name: 'x'.repeat(1_100_000), role: 'viewer' } })
    expect(res.status).toBe(413)
    expect(res.data.error.code).toBe('payload_too_large')
  })

  it('a client still uploading an oversized body over real HTTP gets the 413, not a reset', async () => {
    const server = serve({ fetch: t.app.fetch, hostname: '127.0.0.1', port: 0 })
    await new Promise((r) => server.once('listening', r))
    const { port } = server.address() as AddressInfo
    const res = await fetch(`http://127.0.0.1:${port}/v1/api-keys`, {
      method: 'POST',
      headers: { authorization: 'Bearer esk_test_admin_key_0123456789abcdef', 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x'.repeat(3_000_000), role: 'viewer' }),
    })
    expect(res.status).toBe(413)
    await new Promise((r) => server.close(r))
  })

  it('validation errors say what is wrong without leaking internals', async () => {
    const res = await t.call('POST', '/v1/api-keys', { body: { name: '', role: 'viewer' } })
    expect(res.status).toBe(400)
    expect(JSON.stringify(res.data)).not.toMatch(/at .+\.ts:\d+|SELECT|INSERT/)
    expect(res.data.error.details).toBeDefined()
  })
})

describe('health', () => {
  it('is ok with a live database', async () => {
    const res = await t.call('GET', '/healthz', { key: null })
    expect(res.status).toBe(200)
    expect(res.data).toEqual({ status: 'ok', db: 'ok', version: 'test' })
  })

  it('answers 503 db:down when the database is unreachable', async () => {
    const dead = createSql('postgres://nobody@127.0.0.1:1/none', { max: 1 })
    const app = createApp({ ...t.deps, sql: dead, logger: silentLogger })
    const res = await app.request('/healthz')
    expect(res.status).toBe(503)
    expect(await res.json()).toMatchObject({ db: 'down' })
    await dead.end({ timeout: 0 })
  })
})

describe('API description', () => {
  it('serves OpenAPI 3.1 covering the /v1 routes with bearer auth', async () => {
    const res = await t.call('GET', '/openapi.json', { key: null })
    expect(res.status).toBe(200)
    expect(res.data.openapi).toBe('3.1.0')
    expect(Object.keys(res.data.paths)).toEqual(expect.arrayContaining(['/v1/api-keys', '/v1/api-keys/{id}', '/v1/workspaces']))
    expect(res.data.components.securitySchemes.bearer).toEqual({ type: 'http', scheme: 'bearer' })
    const body = res.data.paths['/v1/api-keys'].post.requestBody.content['application/json'].schema
    expect(body.properties.role.enum).toEqual(['viewer', 'agent', 'admin'])
  })

  it('serves a readable docs page listing the routes', async () => {
    const res = await t.call('GET', '/docs', { key: null })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/html/)
    expect(res.data).toContain('/v1/api-keys')
  })
})
