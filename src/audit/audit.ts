// Who changed what, when: every triage, customer and ticket write records an
// entry in the same transaction as the change itself.
import type postgres from 'postgres'
import type { Sql, Tx } from '../db/sql.ts'

/** The API key, single-sign-on member or automation rule acting; none for changes the system makes on its own (resolution, grouping). */
export interface Actor {
  keyId: string | null
  memberId?: string | null
  ruleId?: string | null
}

export const SYSTEM: Actor = { keyId: null }

export interface AuditEntry {
  entity: 'mention' | 'customer' | 'ticket' | 'view'
  entityId: string
  action: string
  changes?: Record<string, unknown>
}

export interface AuditRecord {
  id: number
  action: string
  actor: string
  actorId: string | null
  changes: Record<string, unknown>
  at: Date
}

/** The actor's name as SQL: the key's name, the member's e-mail or `rule: <name>`; 'system' for none. */
export const actorName = (sql: Sql | Tx, workspaceId: string, actor: Actor) => sql`
  coalesce((SELECT name FROM api_keys WHERE id = ${actor.keyId}::uuid AND workspace_id = ${workspaceId}),
           (SELECT email FROM sso_members WHERE id = ${actor.memberId ?? null}::uuid AND workspace_id = ${workspaceId}),
           (SELECT 'rule: ' || name FROM rules WHERE id = ${actor.ruleId ?? null}::uuid AND workspace_id = ${workspaceId}), 'system')`

/** Appends entries; the actor's name is the one at the time, so it survives the key's or member's deletion. */
export async function writeAudit(sql: Sql | Tx, workspaceId: string, actor: Actor, entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return
  const rows = entries.map((e) => ({ entity: e.entity, entity_id: e.entityId, action: e.action, changes: e.changes ?? {} }))
  await sql`
    INSERT INTO audit_log (workspace_id, entity, entity_id, action, actor, actor_id, changes)
    SELECT ${workspaceId}, r.entity, r.entity_id, r.action,
           ${actorName(sql, workspaceId, actor)}, ${actor.keyId ?? actor.memberId ?? actor.ruleId ?? null}::uuid, r.changes
    FROM jsonb_to_recordset(${sql.json(rows as unknown as postgres.JSONValue)}::jsonb) AS r(entity text, entity_id uuid, action text, changes jsonb)`
}

/** The history of one entity, oldest first. */
export async function listAudit(sql: Sql | Tx, workspaceId: string, entity: AuditEntry['entity'], entityId: string): Promise<AuditRecord[]> {
  return sql<AuditRecord[]>`
    SELECT id::int AS id, action, actor, actor_id AS "actorId", changes, at
    FROM audit_log WHERE workspace_id = ${workspaceId} AND entity = ${entity} AND entity_id = ${entityId}
    ORDER BY at, id`
}
