import { describe, expect, it } from 'vitest'
import { migrate } from '../../src/db/migrate.ts'
import { createSql } from '../../src/db/sql.ts'
import { createTestDb } from '../helpers/db.ts'
import { readdir } from 'node:fs/promises'

const { url } = await createTestDb()

describe('migrations', () => {
  it('are recorded once each and re-running applies nothing', async () => {
    const sql = createSql(url, { max: 1 })
    const files = (await readdir('sql')).filter((f) => f.endsWith('.sql')).sort()
    const rows = await sql`SELECT name FROM schema_migrations ORDER BY name`
    expect(rows.map((r) => r.name)).toEqual(files)
    expect((await migrate(sql)).applied).toEqual([])
    await sql.end()
  })

  it('two instances migrating a fresh database at once do not race', async () => {
    const sql = createSql(url, { max: 1 })
    await sql`DROP SCHEMA public CASCADE`
    await sql`CREATE SCHEMA public`
    const a = createSql(url, { max: 1 })
    const b = createSql(url, { max: 1 })
    const results = await Promise.all([migrate(a), migrate(b)])
    const applied = results.map((r) => r.applied.length).sort()
    expect(applied[0]).toBe(0)
    expect(applied[1]).toBeGreaterThan(0)
    const [{ n }] = await sql`SELECT count(*)::int AS n FROM schema_migrations`
    expect(n).toBe(applied[1])
    await Promise.all([a.end(), b.end(), sql.end()])
  })
})
