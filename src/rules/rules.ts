// Automation rules: as new mentions are stored, each enabled rule whose filter
// matches them applies its action (status, assignee, tags), in creation order,
// inside the ingesting transaction, with an audit entry under the rule's name.
// Webhooks and match alerts then see the mentions as the rules left them.
import type postgres from 'postgres'
import { isUniqueViolation, type Tx } from '../db/sql.ts'
import type { Deps } from '../deps.ts'
import { badRequest, conflict, notFound } from '../errors.ts'
import { MentionFilter, mentionFilterSql } from '../mentions/filter.ts'
import { applyAction, bulkUpdateMentions, RuleAction } from '../mentions/update.ts'
import type { NewRule, Rule, RulePatch } from './schema.ts'

const columns = (deps: Deps) => deps.sql`
  id, name, filter, action, enabled, applied_count::int AS "appliedCount", created_at AS "createdAt", updated_at AS "updatedAt"`

const json = (deps: Deps, v: unknown) => deps.sql.json(v as postgres.JSONValue)

export async function createRule(deps: Deps, workspaceId: string, input: NewRule): Promise<Rule> {
  const [rule]: [Rule?] = await deps.sql`
    INSERT INTO rules (workspace_id, name, filter, action, enabled)
    VALUES (${workspaceId}, ${input.name}, ${json(deps, input.filter)}, ${json(deps, input.action)}, ${input.enabled})
    ON CONFLICT (workspace_id, name) DO NOTHING
    RETURNING ${columns(deps)}`
  if (!rule) throw conflict(`a rule named "${input.name}" exists`)
  return rule
}

export const listRules = (deps: Deps, workspaceId: string) =>
  deps.sql<Rule[]>`SELECT ${columns(deps)} FROM rules WHERE workspace_id = ${workspaceId} ORDER BY created_at, id`

export async function getRule(deps: Deps, workspaceId: string, id: string): Promise<Rule> {
  const [rule]: [Rule?] = await deps.sql`SELECT ${columns(deps)} FROM rules WHERE workspace_id = ${workspaceId} AND id = ${id}`
  if (!rule) throw notFound('rule')
  return rule
}

export async function updateRule(deps: Deps, workspaceId: string, id: string, patch: RulePatch): Promise<Rule> {
  let rule: Rule | undefined
  try {
    ;[rule] = await deps.sql<Rule[]>`
      UPDATE rules SET
        name = coalesce(${patch.name ?? null}, name),
        filter = coalesce(${patch.filter ? json(deps, patch.filter) : null}::jsonb, filter),
        action = coalesce(${patch.action ? json(deps, patch.action) : null}::jsonb, action),
        enabled = coalesce(${patch.enabled ?? null}, enabled),
        updated_at = now()
      WHERE workspace_id = ${workspaceId} AND id = ${id}
      RETURNING ${columns(deps)}`
  } catch (err) {
    throw isUniqueViolation(err) ? conflict(`a rule named "${patch.name}" exists`) : err
  }
  if (!rule) throw notFound('rule')
  return rule
}

export async function deleteRule(deps: Deps, workspaceId: string, id: string): Promise<void> {
  const deleted = await deps.sql`DELETE FROM rules WHERE workspace_id = ${workspaceId} AND id = ${id}`
  if (deleted.count === 0) throw notFound('rule')
}

/**
 * Applies a rule once to the mentions already stored that its filter matches
 * (at most BULK_MAX, as bulk actions), as the rule, with `mention.updated`
 * webhooks for what changed.
 */
export async function applyRuleToExisting(deps: Deps, workspaceId: string, id: string): Promise<{ matched: number; updated: number }> {
  const rule = await getRule(deps, workspaceId, id)
  const filter = MentionFilter.safeParse(rule.filter)
  const action = RuleAction.safeParse(rule.action)
  if (!filter.success || !action.success) throw badRequest('this rule is no longer valid; save it again with a valid filter and action')
  const result = await bulkUpdateMentions(deps, workspaceId, { filter: filter.data, action: action.data }, { keyId: null, ruleId: id })
  await deps.sql`UPDATE rules SET applied_count = applied_count + ${result.updated} WHERE workspace_id = ${workspaceId} AND id = ${id}`
  return result
}

/** Applies the workspace's enabled rules to freshly stored mentions; returns how many mentions any rule changed. */
export async function applyRules(deps: Deps, tx: Tx, workspaceId: string, mentionIds: string[]): Promise<number> {
  if (mentionIds.length === 0) return 0
  const rules = await tx<{ id: string; name: string; filter: unknown; action: unknown }[]>`
    SELECT id, name, filter, action FROM rules WHERE workspace_id = ${workspaceId} AND enabled ORDER BY created_at, id`
  const changed = new Set<string>()
  for (const rule of rules) {
    const filter = MentionFilter.safeParse(rule.filter)
    const action = RuleAction.safeParse(rule.action)
    if (!filter.success || !action.success) {
      deps.logger.warn('rule no longer valid', { ruleId: rule.id })
      continue
    }
    const matched = await tx<{ id: string }[]>`
      SELECT m.id FROM mentions m WHERE m.id = ANY(${mentionIds}::uuid[]) AND ${mentionFilterSql(tx, workspaceId, filter.data)}
      ORDER BY m.published_at, m.id`
    if (matched.length === 0) continue
    const ids = matched.map((m) => m.id)
    for (const id of await applyAction(tx, workspaceId, { keyId: null, ruleId: rule.id }, ids, action.data)) changed.add(id)
    await tx`UPDATE rules SET applied_count = applied_count + ${ids.length} WHERE id = ${rule.id}`
  }
  return changed.size
}
