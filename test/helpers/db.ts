import { randomBytes } from 'node:crypto'
import { afterAll, inject } from 'vitest'
import { migrate } from '../../src/db/migrate.ts'
import { createSql, type Sql } from '../../src/db/sql.ts'

export interface TestDb {
  sql: Sql
  url: string
}

const withDatabase = (url: string, db: string) => {
  const u = new URL(url)
  u.pathname = `/${db}`
  return u.toString()
}

/**
 * A fresh, migrated database for one test file on the run's server, dropped
 * in afterAll so nothing is left behind. Call at the top level of a file.
 */
export async function createTestDb(): Promise<TestDb> {
  const serverUrl = inject('databaseUrl')
  const name = `earshot_t_${randomBytes(6).toString('hex')}`
  const admin = createSql(serverUrl, { max: 1 })
  await admin`CREATE DATABASE ${admin(name)}`
  const url = withDatabase(serverUrl, name)
  const sql = createSql(url, { max: 8 })
  afterAll(async () => {
    await sql.end({ timeout: 5 })
    await admin`DROP DATABASE IF EXISTS ${admin(name)} WITH (FORCE)`
    await admin.end({ timeout: 5 })
  })
  await migrate(sql)
  return { sql, url }
}
