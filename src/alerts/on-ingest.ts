import type { Tx } from '../db/sql.ts'
import type { Deps } from '../deps.ts'
import { enqueueEvents, hasSubscribers } from '../webhooks/events.ts'
import { loadMentionPayloads } from '../webhooks/mention-payload.ts'
import { evaluateMatchAlerts } from './match.ts'

/**
 * What follows the storing of new mentions, inside the same transaction:
 * `mention.created` events, then match alerts (so a receiver sees the mention
 * before the alert about it).
 */
export async function afterMentionsStored(deps: Deps, tx: Tx, workspaceId: string, mentionIds: string[]): Promise<void> {
  if (mentionIds.length === 0) return
  const now = deps.clock()
  if (await hasSubscribers(tx, workspaceId, 'mention.created')) {
    const payloads = await loadMentionPayloads(tx, workspaceId, mentionIds)
    await enqueueEvents(tx, workspaceId, payloads.map((data) => ({ type: 'mention.created' as const, data: { ...data } })), now)
  }
  await evaluateMatchAlerts(deps, tx, workspaceId, mentionIds)
}
