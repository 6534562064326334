import type { Deps } from '../deps.ts'
import type { Sql, Tx } from '../db/sql.ts'
import { notFound } from '../errors.ts'
import { generateApiKey, hashApiKey, keyPrefix, type Role } from './keys.ts'

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

export async function createApiKey(deps: Deps, workspaceId: string, input: { name: string; role: Role }) {
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
