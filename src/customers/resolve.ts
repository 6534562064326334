// Identity resolution: a mention's author is the customer one of whose
// identities matches the author's normalized handle. Kinds are checked from
// the most to the least specific: the handle on its platform, a Mastodon
// handle without its instance, the handle as an email address, the email's
// domain. A manual link (customer_match = 'manual') is never touched here.
import type { Tx } from '../db/sql.ts'
import type { Fragment } from '../mentions/filter.ts'

/** Platforms whose handles are `user@instance`, where the bare user is also a fair match. */
const FEDIVERSE = ['mastodon']
const EMAIL_LIKE = '^[^@[:space:]]+@[^@[:space:]]+\\.[^@[:space:]]+$'

/**
 * For each target (a query returning `id`, `author_kind`, `author_key`), the
 * customer whose identity matches best and how (`kind:value`); targets with no
 * match are absent.
 */
function bestMatches(tx: Tx, workspaceId: string, targets: Fragment): Fragment {
  return tx`
    SELECT DISTINCT ON (t.id) t.id, ci.customer_id, ci.kind || ':' || ci.value AS how
    FROM (${targets}) t
    CROSS JOIN LATERAL (VALUES
      (t.author_kind, t.author_key, 1),
      (CASE WHEN t.author_kind IN ${tx(FEDIVERSE)} AND t.author_key LIKE '%_@_%' THEN t.author_kind END, split_part(t.author_key, '@', 1), 2),
      (CASE WHEN t.author_kind NOT IN ${tx(FEDIVERSE)} AND t.author_key ~ ${EMAIL_LIKE} THEN 'email' END, t.author_key, 3),
      (CASE WHEN t.author_kind NOT IN ${tx(FEDIVERSE)} AND t.author_key ~ ${EMAIL_LIKE} THEN 'domain' END, split_part(t.author_key, '@', 2), 4)
    ) AS k(kind, value, rank)
    JOIN customer_identities ci ON ci.workspace_id = ${workspaceId} AND ci.kind = k.kind AND ci.value = k.value
    ORDER BY t.id, k.rank`
}

/** Re-resolves the mentions `targets` selects (a query returning `id`), linking, relinking or unlinking them. */
async function resolveTargets(tx: Tx, workspaceId: string, targets: Fragment): Promise<number> {
  const rows = await tx`
    WITH target AS (
      SELECT m.id, m.author_kind, m.author_key, m.customer_id
      FROM mentions m
      WHERE m.workspace_id = ${workspaceId} AND m.id IN (${targets})
        AND m.customer_match IS DISTINCT FROM 'manual' AND m.erased_at IS NULL
    ), best AS (${bestMatches(tx, workspaceId, tx`SELECT id, author_kind, author_key FROM target`)})
    UPDATE mentions m SET customer_id = b.customer_id, customer_match = b.how
    FROM target t LEFT JOIN best b ON b.id = t.id
    WHERE m.id = t.id AND (m.customer_id IS DISTINCT FROM b.customer_id OR m.customer_match IS DISTINCT FROM b.how)
    RETURNING m.id`
  return rows.length
}

/** What an insert returns about each new mention for linking it. */
export interface NewMention {
  id: string
  author_kind: string
  author_key: string | null
}

/**
 * Links mentions this transaction just inserted. They are unlinked, not
 * manual and not erased, so only those with a match are written, and their
 * author keys come from the insert's RETURNING instead of being read back.
 */
export async function linkNewMentions(tx: Tx, workspaceId: string, mentions: readonly NewMention[]): Promise<number> {
  if (mentions.length === 0) return 0
  const targets = tx`
    SELECT * FROM unnest(${mentions.map((m) => m.id)}::uuid[], ${mentions.map((m) => m.author_kind)}::text[], ${mentions.map((m) => m.author_key)}::text[])
      AS t(id, author_kind, author_key)`
  const rows = await tx`
    UPDATE mentions m SET customer_id = b.customer_id, customer_match = b.how
    FROM (${bestMatches(tx, workspaceId, targets)}) b
    WHERE m.workspace_id = ${workspaceId} AND m.id = b.id
    RETURNING m.id`
  return rows.length
}

/**
 * Links freshly stored mentions to customers. Call inside the transaction
 * that inserted them, after the insert.
 */
export async function resolveCustomersForMentions(tx: Tx, workspaceId: string, mentionIds: readonly string[]): Promise<number> {
  if (mentionIds.length === 0) return 0
  // `id = ANY(array)` lets the planner use the primary key; `IN (SELECT unnest(…))` became a nested loop over the workspace.
  return resolveTargets(tx, workspaceId, tx`SELECT id FROM mentions WHERE id = ANY(${mentionIds as string[]}::uuid[])`)
}

/**
 * After the identities of these customers changed: links every mention,
 * old or new, their identities now match, and unlinks automatic links that no
 * longer hold.
 */
export async function relinkCustomers(tx: Tx, workspaceId: string, customerIds: readonly string[]): Promise<number> {
  if (customerIds.length === 0) return 0
  const ids = customerIds as string[]
  const idents = tx`SELECT kind, value FROM customer_identities WHERE workspace_id = ${workspaceId} AND customer_id = ANY(${ids}::uuid[])`
  return resolveTargets(tx, workspaceId, tx`
    SELECT m.id FROM mentions m JOIN (${idents}) i ON m.author_kind = i.kind AND m.author_key = i.value
      WHERE m.workspace_id = ${workspaceId}
    UNION
    SELECT m.id FROM mentions m JOIN (${idents}) i ON m.author_kind = i.kind AND split_part(m.author_key, '@', 1) = i.value
      WHERE m.workspace_id = ${workspaceId} AND m.author_kind IN ${tx(FEDIVERSE)} AND m.author_key LIKE '%_@_%'
    UNION
    SELECT m.id FROM mentions m JOIN (${idents}) i ON i.kind = 'email' AND m.author_key = i.value
      WHERE m.workspace_id = ${workspaceId} AND m.author_key LIKE '%_@_%'
    UNION
    SELECT m.id FROM mentions m JOIN (${idents}) i ON i.kind = 'domain' AND split_part(m.author_key, '@', 2) = i.value
      WHERE m.workspace_id = ${workspaceId} AND m.author_key LIKE '%_@_%'
    UNION
    SELECT m.id FROM mentions m WHERE m.workspace_id = ${workspaceId} AND m.customer_id = ANY(${ids}::uuid[])`)
}

/** Forgets a manual decision about one mention and resolves it automatically again. */
export async function relinkMention(tx: Tx, workspaceId: string, mentionId: string): Promise<void> {
  await tx`UPDATE mentions SET customer_id = NULL, customer_match = NULL WHERE workspace_id = ${workspaceId} AND id = ${mentionId}`
  await resolveCustomersForMentions(tx, workspaceId, [mentionId])
}
