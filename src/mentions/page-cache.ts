// Inbox pages kept in memory while nothing they are built from has changed.
// A team keeps many screens on the same few views (the default page, "negative,
// unassigned"), and a page at 1M mentions costs a few milliseconds of
// PostgreSQL CPU to build but a fraction of one to check: each read asks for
// the workspace's inbox generation (sql/014), which every write to mentions,
// ticket links or ticket statuses moves inside its own transaction. A page is
// served only under the generation it was built at, so the first read after
// any commit, on any server, builds afresh: read-your-writes holds.
import type { Sql } from '../db/sql.ts'
import { singleFlight } from '../reports/single-flight.ts'

/** How long a relative bound ("last 24h") names the same kept page (see pinTimeBounds). */
export const TIME_GRAIN_MS = 10_000

export interface PageCache {
  /** The page for `key` in the workspace: kept, or built by `build` and kept. */
  get(workspaceId: string, key: string, build: () => Promise<string>): Promise<string>
}

export function createPageCache(sql: Sql, opts: { maxChars: number }): PageCache {
  /** Kept pages by `workspace generation key`, least recently used first. */
  const pages = new Map<string, string>()
  /** Readers of a page that is being built share the one query. */
  const shared = singleFlight<string>()
  /** The newest generation seen per workspace; pages of older ones are dropped. */
  const current = new Map<string, number>()
  let chars = 0

  const drop = (k: string, page: string) => {
    pages.delete(k)
    chars -= page.length
  }

  function advance(workspaceId: string, generation: number) {
    const seen = current.get(workspaceId)
    if (seen !== undefined && seen >= generation) return
    current.set(workspaceId, generation)
    const prefix = `${workspaceId} `
    for (const [k, page] of pages) if (k.startsWith(prefix)) drop(k, page)
  }

  function keep(workspaceId: string, generation: number, k: string, page: string) {
    // Built under a generation that has since moved: nobody will ask for it again.
    if (current.get(workspaceId) !== generation || page.length > opts.maxChars) return
    pages.set(k, page)
    chars += page.length
    for (const [old, p] of pages) {
      if (chars <= opts.maxChars) break
      drop(old, p)
    }
  }

  return {
    async get(workspaceId, key, build) {
      const [row] = await sql<{ generation: number }[]>`
        SELECT coalesce(sum(generation), 0)::float8 AS generation FROM inbox_generations WHERE workspace_id = ${workspaceId}`
      const generation = row.generation
      advance(workspaceId, generation)
      const k = `${workspaceId} ${generation} ${key}`
      const kept = pages.get(k)
      if (kept !== undefined) {
        pages.delete(k)
        pages.set(k, kept)
        return kept
      }
      return shared(k, async () => {
        const page = await build()
        keep(workspaceId, generation, k, page)
        return page
      })
    },
  }
}
