import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { startEmbedded } from '../src/db/embedded.ts'
import { silentLogger } from '../src/logger.ts'

/** The bench's PostgreSQL: DATABASE_URL's, or a throw-away embedded server that `close` stops and removes. */
export async function openBenchDatabase(): Promise<{ url: string; close: () => Promise<void> }> {
  const given = process.env.DATABASE_URL
  if (given) return { url: given, close: async () => {} }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'earshot-bench-'))
  const pg = await startEmbedded(dir, silentLogger)
  return {
    url: pg.url,
    close: async () => {
      await pg.stop()
      await rm(dir, { recursive: true, force: true })
    },
  }
}
