import type { Sql } from '../db/sql.ts'

/**
 * The workspace's customers named by CRM reference (externalRef) or by
 * e-mail (the customer's own, or an e-mail identity); e-mails compared
 * lower-cased. Both maps miss what matches no customer.
 */
export async function findCustomers(sql: Sql, workspaceId: string, refs: string[], emails: string[]) {
  const byRef = new Map<string, string>()
  const byEmail = new Map<string, string>()
  if (refs.length) {
    for (const c of await sql<{ id: string; ref: string }[]>`
      SELECT id, external_ref AS ref FROM customers WHERE workspace_id = ${workspaceId} AND external_ref = ANY(${refs})`) byRef.set(c.ref, c.id)
  }
  const lower = emails.map((e) => e.toLowerCase())
  if (lower.length) {
    for (const c of await sql<{ id: string; email: string }[]>`
      SELECT customer_id AS id, value AS email FROM customer_identities
      WHERE workspace_id = ${workspaceId} AND kind = 'email' AND value = ANY(${lower})
      UNION ALL
      SELECT id, lower(email) FROM customers WHERE workspace_id = ${workspaceId} AND lower(email) = ANY(${lower})`) byEmail.set(c.email, c.id)
  }
  return { byRef, byEmail }
}

/**
 * The language each customer is best written to in: what their record says
 * (`attributes.locale` or `attributes.language`), else the language of the
 * latest survey comment or mention of theirs the pipeline could read.
 */
export async function customerLanguages(sql: Sql, workspaceId: string, customerIds: string[]): Promise<Map<string, string>> {
  if (customerIds.length === 0) return new Map()
  const rows = await sql<{ id: string; lang: string | null }[]>`
    SELECT c.id, coalesce(c.attributes ->> 'locale', c.attributes ->> 'language',
      (SELECT r.lang FROM survey_responses r
       WHERE r.workspace_id = c.workspace_id AND r.customer_id = c.id AND r.comment IS NOT NULL AND r.lang <> 'und'
       ORDER BY r.responded_at DESC LIMIT 1),
      (SELECT m.lang FROM mentions m
       WHERE m.workspace_id = c.workspace_id AND m.customer_id = c.id AND m.lang IS NOT NULL AND m.lang <> 'und'
       ORDER BY m.published_at DESC LIMIT 1)) AS lang
    FROM customers c WHERE c.workspace_id = ${workspaceId} AND c.id = ANY(${customerIds}::uuid[])`
  return new Map(rows.flatMap((r) => (r.lang ? [[r.id, r.lang] as const] : [])))
}
