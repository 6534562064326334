import type { Tx } from '../db/sql.ts'
import type { Deps } from '../deps.ts'
import { MentionFilter, mentionFilterSql } from '../mentions/filter.ts'
import { loadMentionPayloads } from '../webhooks/mention-payload.ts'
import { fireAlert } from './fire.ts'
import { durationMs } from './schema.ts'

interface MatchAlert {
  id: string
  workspaceId: string
  name: string
  kind: string
  channels: string[]
  emails: string[]
  filter: unknown
  cooldown: string
  onlyNew: boolean
  minCustomerValue: number | null
  createdAt: Date
  lastFiredAt: Date | null
}

/**
 * Checks freshly stored mentions against the workspace's `match` alerts, in
 * the ingesting transaction, so an alert goes out exactly when its mention
 * commits. Per alert: the best-priority matching mention fires unless the
 * cooldown is running; each mention fires an alert at most once.
 */
export async function evaluateMatchAlerts(deps: Deps, tx: Tx, workspaceId: string, mentionIds: string[]): Promise<number> {
  if (mentionIds.length === 0) return 0
  const alerts = await tx<MatchAlert[]>`
    SELECT id, workspace_id AS "workspaceId", name, kind, channels, emails, filter, cooldown, only_new AS "onlyNew",
           min_customer_value AS "minCustomerValue", created_at AS "createdAt", last_fired_at AS "lastFiredAt"
    FROM alerts WHERE workspace_id = ${workspaceId} AND kind = 'match' AND enabled`
  let fired = 0
  const now = deps.clock()
  for (const alert of alerts) {
    const filter = MentionFilter.safeParse(alert.filter)
    if (!filter.success) {
      deps.logger.warn('alert filter no longer valid', { alertId: alert.id })
      continue
    }
    const [hit]: [{ id: string; matched: number }?] = await tx`
      SELECT m.id, count(*) OVER ()::int AS matched
      FROM mentions m
      WHERE m.id = ANY(${mentionIds}::uuid[]) AND ${mentionFilterSql(tx, workspaceId, filter.data)}
        ${alert.onlyNew ? tx`AND m.published_at >= ${alert.createdAt}` : tx``}
        ${alert.minCustomerValue !== null
          ? tx`AND EXISTS (SELECT 1 FROM customers c WHERE c.id = m.customer_id AND c.workspace_id = ${workspaceId} AND c.value >= ${alert.minCustomerValue})`
          : tx``}
      ORDER BY m.priority DESC, m.published_at DESC
      LIMIT 1`
    if (!hit) continue
    // Serializes concurrent ingestions on this alert so the cooldown holds across them.
    const [locked]: [{ lastFiredAt: Date | null }?] = await tx`
      SELECT last_fired_at AS "lastFiredAt" FROM alerts WHERE id = ${alert.id} AND enabled FOR UPDATE`
    if (!locked) continue
    if (locked.lastFiredAt && now.getTime() - locked.lastFiredAt.getTime() < durationMs(alert.cooldown)) continue
    const [mention] = await loadMentionPayloads(tx, workspaceId, [hit.id])
    const ok = await fireAlert(tx, alert, {
      dedupKey: `mention:${hit.id}`,
      explanation: { matched: hit.matched, mentionId: hit.id },
      mention,
      at: now,
    })
    if (ok) fired++
  }
  return fired
}
