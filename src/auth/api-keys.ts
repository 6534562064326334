import type { Deps } from '../deps.ts'
import type { Sql, Tx } from '../db/sql.ts'
import { notFound } from '../errors.ts'
import { z } from '@hono/zod-openapi'
import { generateApiKey, hashApiKey, keyPrefix, ROLES, type Role } from './keys.ts'

export const NewApiKey = z.strictObject({ name: z.string().trim().min(1).max(200), role: z.enum(ROLES) })
export type NewApiKey = z.infer<typeof NewApiKey>

export interface ApiKeyRow {
  id: string
  name: string
  role: Role
  prefix: string
  createdAt: Date
  lastUsedAt: Date | null
}

export interface Principal {
  keyId: string
  workspaceId: string
  workspaceName: string
  role: Role
}

/** Stores the hash of a key; returns the only copy of the key itself. */
export async function insertApiKey(sql: Sql | Tx, workspaceId: string, name: string, role: Role, key = generateApiKey()) {
  const [row] = await sql<ApiKeyRow[]>`
    INSERT INTO api_keys (workspace_id, name, role, key_hash, prefix)
    VALUES (${workspaceId}, ${name}, ${role}, ${await hashApiKey(key)}, ${keyPrefix(key)})
    RETURNING id, name, role, prefix, created_at AS "createdAt", last_used_at AS "lastUsedAt"`
  return { ...row, key }
}

export async function createApiKey(deps: Deps, workspaceId: string, input: NewApiKey) {
  return insertApiKey(deps.sql, workspaceId, input.name, input.role)
}

export async function listApiKeys(deps: Deps, workspaceId: string): Promise<ApiKeyRow[]> {
  return deps.sql<ApiKeyRow[]>`
    SELECT id, name, role, prefix, created_at AS "createdAt", last_used_at AS "lastUsedAt"
    FROM api_keys WHERE workspace_id = ${workspaceId} ORDER BY created_at`
}

export async function deleteApiKey(deps: Deps, workspaceId: string, id: string): Promise<void> {
  const rows = await deps.sql`DELETE FROM api_keys WHERE workspace_id = ${workspaceId} AND id = ${id} RETURNING id`
  if (rows.length === 0) throw notFound('api key')
  forgetKey(deps, id)
}

export async function authenticate(deps: Deps, key: string): Promise<Principal | undefined> {
  // One round trip: the lookup, plus last_used_at refreshed at most once a minute.
  const [row]: [Principal?] = await deps.sql`
    WITH k AS (
      SELECT k.id AS "keyId", k.workspace_id AS "workspaceId", w.name AS "workspaceName", k.role, k.last_used_at
      FROM api_keys k JOIN workspaces w ON w.id = k.workspace_id
      WHERE k.key_hash = ${await hashApiKey(key)}
    ), touched AS (
      UPDATE api_keys SET last_used_at = now()
      WHERE id = (SELECT "keyId" FROM k) AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')
    )
    SELECT "keyId", "workspaceId", "workspaceName", role FROM k`
  return row
}

/**
 * How long a verified key is trusted without asking the database again. The
 * API's hot paths then cost no round trip (and no hash) to authenticate. A key
 * revoked through this process is forgotten at once (deleteApiKey); one
 * revoked by another process, or deleted in SQL, keeps working here for at
 * most this long. last_used_at is refreshed on each re-check, so it stays
 * accurate to about a minute plus this.
 */
export const PRINCIPAL_TTL_MS = 30_000
/** Valid keys only (a wrong key is never remembered), so this bounds memory against many real keys. */
const MAX_REMEMBERED = 1_000

interface Remembered {
  principal: Principal
  until: number
}
// One memory per database pool: two apps in one process never share keys.
const rememberedByPool = new WeakMap<Sql, Map<string, Remembered>>()

function rememberedFor(deps: Deps): Map<string, Remembered> {
  let m = rememberedByPool.get(deps.sql)
  if (!m) rememberedByPool.set(deps.sql, (m = new Map()))
  return m
}

function forgetKey(deps: Deps, keyId: string) {
  const m = rememberedFor(deps)
  for (const [key, r] of m) if (r.principal.keyId === keyId) m.delete(key)
}

/** `authenticate`, remembered for PRINCIPAL_TTL_MS per key: for the API's per-request check. */
export async function authenticateRemembered(deps: Deps, key: string): Promise<Principal | undefined> {
  const m = rememberedFor(deps)
  const now = deps.clock().getTime()
  const hit = m.get(key)
  if (hit && hit.until > now) return hit.principal
  m.delete(key)
  const principal = await authenticate(deps, key)
  if (principal) {
    // Insertion order is age order: drop the oldest when full.
    if (m.size >= MAX_REMEMBERED) m.delete(m.keys().next().value!)
    m.set(key, { principal, until: now + PRINCIPAL_TTL_MS })
  }
  return principal
}
