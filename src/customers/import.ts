// Bulk import from a CRM export: CSV with a header row, or a JSON batch.
// Upserts on externalRef, then email; every row is accepted or rejected with
// a reason, and the accepted ones commit together.
import { parse } from 'csv-parse/sync'
import type postgres from 'postgres'
import type { Deps } from '../deps.ts'
import type { Tx } from '../db/sql.ts'
import { writeAudit, type Actor } from '../audit/audit.ts'
import { badRequest } from '../errors.ts'
import { relinkCustomers } from './resolve.ts'
import { CustomerInput, type IdentityInput } from './schema.ts'

export const IMPORT_MAX_ROWS = 10_000

export interface ImportResult {
  created: number
  updated: number
  rejected: { row: number; reason: string }[]
}

/** CSV header → field; spelled loosely because CRM exports are. */
const FIELD_ALIASES: Record<string, keyof CustomerInput> = {
  name: 'name', fullname: 'name', customer: 'name', customername: 'name',
  email: 'email', emailaddress: 'email', mail: 'email',
  externalref: 'externalRef', externalid: 'externalRef', crmid: 'externalRef', ref: 'externalRef', id: 'externalRef',
  company: 'company', organization: 'company', organisation: 'company', account: 'company',
  plan: 'plan', tier: 'plan',
  value: 'value', arr: 'value', mrr: 'value', revenue: 'value',
}

/** Columns that hold handles: where customers talk, plus `domain`. Other columns become attributes. */
const IDENTITY_COLUMNS = new Set([
  'domain', 'reddit', 'hackernews', 'mastodon', 'bluesky', 'appstore', 'github', 'stackexchange', 'rss',
  'twitter', 'x', 'zendesk', 'intercom', 'discord', 'slack', 'linkedin', 'youtube', 'facebook', 'instagram', 'tiktok', 'threads', 'googleplay',
])

const headerKey = (h: string) => h.toLowerCase().replace(/[\s_\-.]/g, '')

function parseValue(cell: string): number | string {
  const cleaned = cell.replace(/[\s,$€£]/g, '')
  const n = Number(cleaned)
  return cleaned !== '' && Number.isFinite(n) ? n : cell
}

/** One CSV record → the JSON shape, leaving validation to the schema. */
function csvRecordToInput(rec: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  const identities: IdentityInput[] = []
  const attributes: Record<string, string> = {}
  for (const [header, raw] of Object.entries(rec)) {
    const cell = (raw ?? '').trim()
    if (cell === '') continue
    const key = headerKey(header)
    const field = FIELD_ALIASES[key]
    if (field === 'value') out.value = parseValue(cell)
    else if (field) out[field] = cell
    else if (IDENTITY_COLUMNS.has(key)) {
      // X and Twitter are one namespace of handles; mentions from X carry the platform `twitter`.
      const kind = key === 'x' ? 'twitter' : key
      for (const v of cell.split(';')) if (v.trim()) identities.push({ kind, value: v.trim() })
    } else attributes[header.trim()] = cell
  }
  if (identities.length) out.identities = identities
  if (Object.keys(attributes).length) out.attributes = attributes
  return out
}

export function parseCsv(text: string): Record<string, unknown>[] {
  let records: Record<string, string>[]
  try {
    records = parse(text, { columns: true, bom: true, skip_empty_lines: true, trim: true, relax_column_count: true })
  } catch (e) {
    throw badRequest(`unreadable CSV: ${(e as Error).message}`)
  }
  return records.map(csvRecordToInput)
}

interface Accepted {
  row: number
  id: string
  isNew: boolean
  input: CustomerInput
  identities: { kind: string; value: string }[]
}

const reasonOf = (issues: { path: PropertyKey[]; message: string }[]) =>
  issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ')

export async function importCustomers(deps: Deps, workspaceId: string, rows: unknown[], actor: Actor): Promise<ImportResult> {
  if (rows.length > IMPORT_MAX_ROWS) throw badRequest(`at most ${IMPORT_MAX_ROWS} rows per import`)
  const rejected: ImportResult['rejected'] = []
  const valid: { row: number; input: CustomerInput }[] = []
  rows.forEach((raw, i) => {
    const parsed = CustomerInput.safeParse(raw)
    if (!parsed.success) return rejected.push({ row: i + 1, reason: reasonOf(parsed.error.issues) })
    if (!parsed.data.externalRef && !parsed.data.email) return rejected.push({ row: i + 1, reason: 'needs an externalRef or an email to match on' })
    valid.push({ row: i + 1, input: parsed.data })
  })

  const result = await deps.sql.begin(async (tx) => {
    const accepted = await matchRows(tx, workspaceId, valid, rejected)
    await writeRows(tx, workspaceId, accepted)
    const ids = accepted.map((a) => a.id)
    await relinkCustomers(tx, workspaceId, ids)
    await writeAudit(tx, workspaceId, actor, accepted.map((a) => ({
      entity: 'customer' as const, entityId: a.id, action: a.isNew ? 'created' : 'updated', changes: { fields: Object.keys(a.input), via: 'import' },
    })))
    return { created: accepted.filter((a) => a.isNew).length, updated: accepted.filter((a) => !a.isNew).length }
  })
  return { ...result, rejected: rejected.sort((a, b) => a.row - b.row) }
}

/** Decides for each row which customer it is (existing or new) and rejects rows that contradict the data or each other. */
async function matchRows(tx: Tx, workspaceId: string, valid: { row: number; input: CustomerInput }[], rejected: ImportResult['rejected']): Promise<Accepted[]> {
  const refs = valid.flatMap((v) => (v.input.externalRef ? [v.input.externalRef] : []))
  const emails = valid.flatMap((v) => (v.input.email ? [v.input.email.toLowerCase()] : []))
  const existing = await tx<{ id: string; external_ref: string | null; email: string | null }[]>`
    SELECT id, external_ref, lower(email) AS email FROM customers
    WHERE workspace_id = ${workspaceId} AND (external_ref = ANY(${refs}::text[]) OR lower(email) = ANY(${emails}::text[]))`
  const byRef = new Map(existing.flatMap((c) => (c.external_ref ? [[c.external_ref, c.id] as const] : [])))
  const byEmail = new Map(existing.flatMap((c) => (c.email ? [[c.email, c.id] as const] : [])))

  // Identity values are normalized by the database function every other path uses.
  const pairs = valid.flatMap((v, i) => [...(v.input.identities ?? []), ...(v.input.email ? [{ kind: 'email', value: v.input.email }] : [])].map((id) => ({ i, ...id })))
  const normalized = pairs.length
    ? await tx<{ i: number; kind: string; value: string | null; owner: string | null }[]>`
        SELECT u.i, u.k AS kind, earshot_identity_value(u.k, u.v) AS value, ci.customer_id AS owner
        FROM unnest(${pairs.map((p) => p.i)}::int[], ${pairs.map((p) => p.kind)}::text[], ${pairs.map((p) => p.value)}::text[]) AS u(i, k, v)
        LEFT JOIN customer_identities ci ON ci.workspace_id = ${workspaceId} AND ci.kind = u.k AND ci.value = earshot_identity_value(u.k, u.v)`
    : []
  const identsOf = new Map<number, { kind: string; value: string; owner: string | null }[]>()
  for (const n of normalized) if (n.value) identsOf.set(n.i, [...(identsOf.get(n.i) ?? []), { kind: n.kind, value: n.value, owner: n.owner }])

  const claimedRef = new Map<string, number>()
  const claimedEmail = new Map<string, number>()
  const claimedIdentity = new Map<string, { row: number; id: string }>()
  const accepted: Accepted[] = []
  valid.forEach(({ row, input }, i) => {
    const ref = input.externalRef ?? undefined
    const email = input.email?.toLowerCase()
    const reject = (reason: string) => rejected.push({ row, reason })
    if (ref && claimedRef.has(ref)) return reject(`externalRef repeats row ${claimedRef.get(ref)}`)
    if (email && claimedEmail.has(email)) return reject(`email repeats row ${claimedEmail.get(email)}`)
    const refMatch = ref ? byRef.get(ref) : undefined
    const emailMatch = email ? byEmail.get(email) : undefined
    if (refMatch && emailMatch && refMatch !== emailMatch) return reject('externalRef and email match two different customers')
    if (!refMatch && emailMatch && ref) {
      const [other] = existing.filter((c) => c.id === emailMatch)
      if (other.external_ref && other.external_ref !== ref) return reject('email belongs to a customer with another externalRef')
    }
    const id = refMatch ?? emailMatch ?? crypto.randomUUID()
    const idents = identsOf.get(i) ?? []
    const foreign = idents.find((x) => x.owner && x.owner !== id)
    if (foreign) return reject(`identity ${foreign.kind}:${foreign.value} belongs to another customer`)
    const clash = idents.find((x) => claimedIdentity.has(`${x.kind}:${x.value}`) && claimedIdentity.get(`${x.kind}:${x.value}`)!.id !== id)
    if (clash) return reject(`identity ${clash.kind}:${clash.value} repeats row ${claimedIdentity.get(`${clash.kind}:${clash.value}`)!.row}`)
    if (ref) claimedRef.set(ref, row)
    if (email) claimedEmail.set(email, row)
    for (const x of idents) claimedIdentity.set(`${x.kind}:${x.value}`, { row, id })
    accepted.push({ row, id, isNew: !refMatch && !emailMatch, input, identities: idents.map(({ kind, value }) => ({ kind, value })) })
  })
  return accepted
}

/** Inserts new customers, updates the fields each row gives on existing ones (attributes merge), adds identities. */
async function writeRows(tx: Tx, workspaceId: string, accepted: Accepted[]) {
  const records = accepted.map((a) => ({
    id: a.id,
    is_new: a.isNew,
    name: a.input.name, email: a.input.email, external_ref: a.input.externalRef, company: a.input.company, plan: a.input.plan, value: a.input.value,
    attributes: a.input.attributes,
    given: Object.keys(a.input),
  }))
  const json = tx.json(records as unknown as postgres.JSONValue)
  await tx`
    INSERT INTO customers (id, workspace_id, name, email, external_ref, company, plan, value, attributes)
    SELECT r.id, ${workspaceId}, r.name, r.email, r.external_ref, r.company, r.plan, r.value, coalesce(r.attributes, '{}')
    FROM jsonb_to_recordset(${json}::jsonb) AS r(id uuid, is_new boolean, name text, email text, external_ref text, company text, plan text, value numeric, attributes jsonb)
    WHERE r.is_new`
  await tx`
    UPDATE customers c SET
      name = CASE WHEN r.given ? 'name' THEN r.name ELSE c.name END,
      email = CASE WHEN r.given ? 'email' THEN r.email ELSE c.email END,
      external_ref = CASE WHEN r.given ? 'externalRef' THEN r.external_ref ELSE c.external_ref END,
      company = CASE WHEN r.given ? 'company' THEN r.company ELSE c.company END,
      plan = CASE WHEN r.given ? 'plan' THEN r.plan ELSE c.plan END,
      value = CASE WHEN r.given ? 'value' THEN r.value ELSE c.value END,
      attributes = c.attributes || coalesce(r.attributes, '{}'),
      updated_at = now()
    FROM jsonb_to_recordset(${json}::jsonb) AS r(id uuid, is_new boolean, name text, email text, external_ref text, company text, plan text, value numeric, attributes jsonb, given jsonb)
    WHERE c.id = r.id AND c.workspace_id = ${workspaceId} AND NOT r.is_new`
  const idents = accepted.flatMap((a) => a.identities.map((x) => ({ customer_id: a.id, kind: x.kind, value: x.value })))
  if (idents.length) {
    await tx`
      INSERT INTO customer_identities (workspace_id, customer_id, kind, value)
      SELECT ${workspaceId}, r.customer_id, r.kind, r.value
      FROM jsonb_to_recordset(${tx.json(idents)}::jsonb) AS r(customer_id uuid, kind text, value text)
      ON CONFLICT (workspace_id, kind, value) DO NOTHING`
  }
}
