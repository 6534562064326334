import { createApp } from '../../src/app.ts'
import { insertApiKey } from '../../src/auth/api-keys.ts'
import type { Role } from '../../src/auth/keys.ts'
import type { Deps } from '../../src/deps.ts'
import { silentLogger } from '../../src/logger.ts'
import { bootstrapWorkspaces, findWorkspaceByName } from '../../src/workspaces/workspaces.ts'
import { createTestDb } from './db.ts'

export const ADMIN_KEY = 'esk_test_admin_key_0123456789abcdef'

export interface Call {
  key?: string | null
  body?: unknown
  raw?: string
  headers?: Record<string, string>
}

/**
 * The real app on a fresh database, with a `default` workspace and keys of
 * each role. `call` goes through app.request(), so no port is opened.
 */
export async function createTestApp(overrides: Partial<Deps['config']> = {}) {
  const { sql, url } = await createTestDb()
  const deps: Deps = {
    sql,
    config: { version: 'test', allowPrivateUrls: true, secretKey: 'test-secret-key-0123456789', ...overrides },
    logger: silentLogger,
    clock: () => new Date(),
  }
  await bootstrapWorkspaces(deps, ADMIN_KEY)
  const ws = (await findWorkspaceByName(deps, 'default'))!
  const keyFor = async (role: Role, workspaceId = ws.id) => (await insertApiKey(sql, workspaceId, `test ${role}`, role)).key
  const app = createApp(deps)
  async function call(method: string, path: string, opts: Call = {}) {
    const headers: Record<string, string> = { ...opts.headers }
    const key = opts.key === undefined ? ADMIN_KEY : opts.key
    if (key) headers.authorization = `Bearer ${key}`
    let body: string | undefined = opts.raw
    if (opts.body !== undefined) body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body)
    if (body !== undefined) headers['content-type'] ??= 'application/json'
    const res = await app.request(path, { method, headers, body })
    const text = await res.text()
    let data: any // eslint-disable-line @typescript-eslint/no-explicit-any -- tests poke at arbitrary JSON
    try {
      data = JSON.parse(text)
    } catch {
      data = text
    }
    return { status: res.status, data, headers: res.headers }
  }
  return { app, deps, sql, url, workspaceId: ws.id, keyFor, call }
}
