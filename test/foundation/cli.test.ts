import { describe, expect, it } from 'vitest'
import { createTestDb } from '../helpers/db.ts'
import { run } from '../helpers/process.ts'

const { url, sql } = await createTestDb()
const cli = async (...args: string[]) => {
  const proc = run('node', ['bin/earshot.js', ...args], { DATABASE_URL: url, LOG_LEVEL: 'warn' })
  return { code: await proc.exited, out: proc.output() }
}

describe('earshot CLI', () => {
  it('migrates, creates a workspace and keys whose hashes are stored', async () => {
    expect((await cli('migrate')).code).toBe(0)
    const ws = await cli('workspaces', 'create', 'cli-ws')
    expect(ws.code).toBe(0)
    expect(ws.out).toMatch(/admin key \(shown once\): esk_/)
    const key = await cli('keys', 'create', '--workspace', 'cli-ws', '--role', 'agent')
    expect(key.code).toBe(0)
    const rows = await sql`SELECT k.role FROM api_keys k JOIN workspaces w ON w.id = k.workspace_id WHERE w.name = 'cli-ws' ORDER BY k.role`
    expect(rows.map((r) => r.role)).toEqual(['admin', 'agent'])
  })

  it('explains itself on bad input', async () => {
    expect((await cli('keys', 'create', '--workspace', 'cli-ws', '--role', 'root')).out).toMatch(/--role must be one of/)
    const none = await cli('frobnicate')
    expect(none.code).toBe(2)
    expect(none.out).toMatch(/usage: earshot/)
  })
})
