import { resolveCustomersForMentions } from '../../src/customers/resolve.ts'
import type { Sql } from '../../src/db/sql.ts'

export interface SeedMention {
  externalId?: string
  handle?: string
  followers?: number
  platform?: string
  text: string
  title?: string
  lang?: string
  sentiment?: 'positive' | 'neutral' | 'negative'
  intents?: string[]
  priority?: number
  status?: string
  publishedAt?: Date
  tags?: string[]
}

// Runs on across the test files of a worker (vitest.config.ts: isolate false), so default times step by a
// second: a few hundred seeded mentions still fall inside a test's "last hour".
let counter = 0

/** A source of `kind` in the workspace. */
export async function seedSource(sql: Sql, workspaceId: string, kind = 'reddit', name = `${kind} source`): Promise<string> {
  const [s] = await sql<{ id: string }[]>`INSERT INTO sources (workspace_id, kind, name) VALUES (${workspaceId}, ${kind}, ${name}) RETURNING id`
  return s.id
}

/**
 * Stores mentions the way ingestion does (rows, then identity resolution in
 * the same transaction) without depending on a connector. Returns ids in order.
 */
export async function seedMentions(sql: Sql, workspaceId: string, sourceId: string, items: SeedMention[]): Promise<string[]> {
  const [src] = await sql<{ kind: string }[]>`SELECT kind FROM sources WHERE id = ${sourceId}`
  return sql.begin(async (tx) => {
    const ids: string[] = []
    for (const m of items) {
      counter++
      const [row] = await tx<{ id: string }[]>`
        INSERT INTO mentions (workspace_id, source_id, external_id, kind, platform, url, author_handle, author_name, author_followers, title, body, lang,
          published_at, content_hash, sentiment_label, intents, priority, status, tags)
        VALUES (${workspaceId}, ${sourceId}, ${m.externalId ?? `ext-${counter}`}, ${src.kind}, ${m.platform ?? null},
          ${`https://example.com/${counter}`}, ${m.handle ?? `user${counter}`}, ${m.handle ?? null}, ${m.followers ?? null}, ${m.title ?? null}, ${m.text}, ${m.lang ?? 'en'},
          ${m.publishedAt ?? new Date(Date.now() - counter * 1_000)}, ${`hash-${counter}`}, ${m.sentiment ?? 'neutral'},
          ${tx.json((m.intents ?? []).map((label) => ({ label, score: 0.9 })))}, ${m.priority ?? 0.5}, ${m.status ?? 'new'}, ${m.tags ?? []}::text[])
        RETURNING id`
      ids.push(row.id)
    }
    await resolveCustomersForMentions(tx, workspaceId, ids)
    return ids
  })
}
