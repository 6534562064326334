import type { Tx } from '../db/sql.ts'
import type { Deps } from '../deps.ts'
import { announceMentions } from '../webhooks/announce.ts'
import { evaluateMatchAlerts } from './match.ts'
import { applyRules } from '../rules/rules.ts'

/**
 * What follows the storing of new mentions, inside the same transaction:
 * automation rules, then `mention.created` events (with what the rules did),
 * then match alerts (so a receiver sees the mention before the alert about it).
 */
export async function afterMentionsStored(deps: Deps, tx: Tx, workspaceId: string, mentionIds: string[]): Promise<void> {
  if (mentionIds.length === 0) return
  await applyRules(deps, tx, workspaceId, mentionIds)
  await announceMentions(tx, workspaceId, 'mention.created', mentionIds, deps.clock())
  await evaluateMatchAlerts(deps, tx, workspaceId, mentionIds)
}
