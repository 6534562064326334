import { readdir, readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import path from 'node:path'
import type { Sql } from './sql.ts'

const SQL_DIR = fileURLToPath(new URL('../../sql/', import.meta.url))
// Any constant works; it only has to be the same for every instance.
const MIGRATION_LOCK = 0x6561_7273

export interface MigrationResult {
  applied: string[]
}

/**
 * Applies pending `sql/NNN_name.sql` files in order, all in one transaction,
 * under an advisory lock so concurrent starters wait instead of racing.
 */
export async function migrate(sql: Sql, dir = SQL_DIR): Promise<MigrationResult> {
  const files = (await readdir(dir)).filter((f) => /^\d{3}_.+\.sql$/.test(f)).sort()
  return sql.begin(async (tx) => {
    await tx`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`
    await tx`CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`
    const done = new Set((await tx<{ name: string }[]>`SELECT name FROM schema_migrations`).map((r) => r.name))
    const applied: string[] = []
    for (const file of files) {
      if (done.has(file)) continue
      // The file is our own checked-in SQL, never user input.
      await tx.unsafe(await readFile(path.join(dir, file), 'utf8'))
      await tx`INSERT INTO schema_migrations (name) VALUES (${file})`
      applied.push(file)
    }
    return { applied }
  })
}
