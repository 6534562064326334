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
