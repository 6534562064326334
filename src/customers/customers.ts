// Customer records and their identities. Any change to identities re-runs
// resolution, so mentions that arrived before the identity was known link up.
import { z } from '@hono/zod-openapi'
import type postgres from 'postgres'
import type { Deps } from '../deps.ts'
import { isUniqueViolation, type Sql, type Tx } from '../db/sql.ts'
import { writeAudit, type Actor } from '../audit/audit.ts'
import { AppError, conflict, notFound } from '../errors.ts'
import { decodeCursor, encodeCursor } from '../http/pagination.ts'
import { relinkCustomers, resolveCustomersForMentions } from './resolve.ts'
import type { Customer, CustomerInput, IdentityInput } from './schema.ts'

export interface CustomerRow {
  id: string
  name: string | null
  email: string | null
  external_ref: string | null
  company: string | null
  plan: string | null
  value: number | null
  attributes: Record<string, unknown>
  identities: { kind: string; value: string }[]
  mention_count: number
  created_at: Date
  updated_at: Date
}

/** Columns of `customers c` that `toCustomer` reads. */
export const customerColumns = (sql: Sql | Tx) => sql`
  c.id, c.name, c.email, c.external_ref, c.company, c.plan, c.value, c.attributes, c.created_at, c.updated_at,
  coalesce((SELECT jsonb_agg(jsonb_build_object('kind', i.kind, 'value', i.value) ORDER BY i.kind, i.value)
            FROM customer_identities i WHERE i.customer_id = c.id), '[]') AS identities,
  (SELECT count(*) FROM mentions m WHERE m.customer_id = c.id)::int AS mention_count`

export const toCustomer = (r: CustomerRow): Customer => ({
  id: r.id,
  name: r.name,
  email: r.email,
  externalRef: r.external_ref,
  company: r.company,
  plan: r.plan,
  value: r.value,
  attributes: r.attributes,
  identities: r.identities,
  mentionCount: r.mention_count,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
})

export async function loadCustomer(sql: Sql | Tx, workspaceId: string, id: string): Promise<Customer> {
  const [row]: [CustomerRow?] = await sql`SELECT ${customerColumns(sql)} FROM customers c WHERE c.workspace_id = ${workspaceId} AND c.id = ${id}`
  if (!row) throw notFound('customer')
  return toCustomer(row)
}

export const getCustomer = (deps: Deps, workspaceId: string, id: string) => loadCustomer(deps.sql, workspaceId, id)


/** Unique violations on externalRef/email become a 409 that says which. */
async function mapConflicts<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run()
  } catch (e) {
    if (isUniqueViolation(e)) {
      const what = e.constraint_name === 'customers_email' ? 'email' : e.constraint_name === 'customers_external_ref' ? 'externalRef' : 'identity'
      throw conflict(`another customer already has this ${what}`)
    }
    throw e
  }
}

/**
 * Adds identities to a customer (plus its email as an `email` identity).
 * An identity another customer already holds is a 409: one person, one record.
 */
async function addIdentities(tx: Tx, workspaceId: string, customerId: string, identities: IdentityInput[], email: string | null | undefined) {
  const all = [...identities, ...(email ? [{ kind: 'email', value: email }] : [])]
  if (all.length === 0) return
  const taken = await tx<{ kind: string; value: string }[]>`
    WITH wanted AS (
      SELECT DISTINCT k AS kind, earshot_identity_value(k, v) AS value
      FROM unnest(${all.map((i) => i.kind)}::text[], ${all.map((i) => i.value)}::text[]) AS u(k, v)
    ), ins AS (
      INSERT INTO customer_identities (workspace_id, customer_id, kind, value)
      SELECT ${workspaceId}, ${customerId}, kind, value FROM wanted WHERE value IS NOT NULL
      ON CONFLICT (workspace_id, kind, value) DO NOTHING
      RETURNING kind, value
    )
    SELECT w.kind, w.value FROM wanted w
    JOIN customer_identities ci ON ci.workspace_id = ${workspaceId} AND ci.kind = w.kind AND ci.value = w.value
    WHERE ci.customer_id <> ${customerId}`
  if (taken.length > 0) {
    throw new AppError(409, 'conflict', `identity ${taken[0].kind}:${taken[0].value} belongs to another customer`, { identities: taken })
  }
}

const fieldColumns = (input: CustomerInput) => {
  const set: Record<string, unknown> = {}
  if (input.name !== undefined) set.name = input.name
  if (input.email !== undefined) set.email = input.email
  if (input.externalRef !== undefined) set.external_ref = input.externalRef
  if (input.company !== undefined) set.company = input.company
  if (input.plan !== undefined) set.plan = input.plan
  if (input.value !== undefined) set.value = input.value
  return set
}

export async function createCustomer(deps: Deps, workspaceId: string, input: CustomerInput, actor: Actor): Promise<Customer> {
  return mapConflicts(() =>
    deps.sql.begin(async (tx) => {
      const [row] = await tx<{ id: string }[]>`
        INSERT INTO customers (workspace_id, name, email, external_ref, company, plan, value, attributes)
        VALUES (${workspaceId}, ${input.name ?? null}, ${input.email ?? null}, ${input.externalRef ?? null}, ${input.company ?? null},
                ${input.plan ?? null}, ${input.value ?? null}, ${tx.json((input.attributes ?? {}) as postgres.JSONValue)})
        RETURNING id`
      await addIdentities(tx, workspaceId, row.id, input.identities ?? [], input.email)
      const linked = await relinkCustomers(tx, workspaceId, [row.id])
      await writeAudit(tx, workspaceId, actor, [{ entity: 'customer', entityId: row.id, action: 'created', changes: { fields: Object.keys(input), linkedMentions: linked } }])
      return loadCustomer(tx, workspaceId, row.id)
    }),
  )
}

export async function updateCustomer(deps: Deps, workspaceId: string, id: string, input: CustomerInput, actor: Actor): Promise<Customer> {
  return mapConflicts(() =>
    deps.sql.begin(async (tx) => {
      const [cur]: [{ id: string }?] = await tx`SELECT id FROM customers WHERE workspace_id = ${workspaceId} AND id = ${id} FOR UPDATE`
      if (!cur) throw notFound('customer')
      const set = fieldColumns(input)
      if (input.attributes !== undefined) set.attributes = tx.json(input.attributes as postgres.JSONValue)
      if (Object.keys(set).length > 0) {
        await tx`UPDATE customers SET ${tx(set as Record<string, string>)}, updated_at = now() WHERE workspace_id = ${workspaceId} AND id = ${id}`
      }
      if (input.identities !== undefined) await tx`DELETE FROM customer_identities WHERE workspace_id = ${workspaceId} AND customer_id = ${id}`
      await addIdentities(tx, workspaceId, id, input.identities ?? [], input.email)
      const linked = await relinkCustomers(tx, workspaceId, [id])
      // Field names only: the audit log outlives an erasure and must not keep personal data.
      await writeAudit(tx, workspaceId, actor, [{ entity: 'customer', entityId: id, action: 'updated', changes: { fields: Object.keys(input), relinkedMentions: linked } }])
      return loadCustomer(tx, workspaceId, id)
    }),
  )
}

const ListCursor = z.object({ t: z.string(), id: z.uuid() })

export async function listCustomers(deps: Deps, workspaceId: string, input: { q?: string; cursor?: string; limit: number }) {
  const { sql } = deps
  const c = input.cursor ? decodeCursor(input.cursor, ListCursor) : undefined
  const pattern = input.q ? `%${input.q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%` : undefined
  const rows = await sql<(CustomerRow & { t: string })[]>`
    SELECT ${customerColumns(sql)}, c.created_at::text AS t FROM customers c
    WHERE c.workspace_id = ${workspaceId}
      ${pattern ? sql`AND (c.name ILIKE ${pattern} OR c.email ILIKE ${pattern} OR c.company ILIKE ${pattern} OR c.external_ref ILIKE ${pattern}
        OR EXISTS (SELECT 1 FROM customer_identities i WHERE i.customer_id = c.id AND i.value ILIKE ${pattern}))` : sql``}
      ${c ? sql`AND (c.created_at, c.id) < (${c.t}::timestamptz, ${c.id}::uuid)` : sql``}
    ORDER BY c.created_at DESC, c.id DESC LIMIT ${input.limit + 1}`
  const more = rows.length > input.limit
  const shown = more ? rows.slice(0, input.limit) : rows
  const last = shown[shown.length - 1]
  return { items: shown.map(toCustomer), nextCursor: more && last ? encodeCursor({ t: last.t, id: last.id }) : null }
}

/** Deletes the record; its mentions stay, unlinked, and may resolve to another customer. */
export async function deleteCustomer(deps: Deps, workspaceId: string, id: string, actor: Actor): Promise<void> {
  await deps.sql.begin(async (tx) => {
    const mentionIds = await tx<{ id: string }[]>`
      UPDATE mentions SET customer_id = NULL, customer_match = NULL WHERE workspace_id = ${workspaceId} AND customer_id = ${id} RETURNING id`
    const deleted = await tx`DELETE FROM customers WHERE workspace_id = ${workspaceId} AND id = ${id} RETURNING id`
    if (deleted.length === 0) throw notFound('customer')
    await resolveCustomersForMentions(tx, workspaceId, mentionIds.map((m) => m.id))
    await writeAudit(tx, workspaceId, actor, [{ entity: 'customer', entityId: id, action: 'deleted', changes: { unlinkedMentions: mentionIds.length } }])
  })
}
