// Who else has a mention open, and who is writing a reply to it: each open
// detail pane renews its presence every PRESENCE_BEAT_MS, so a colleague sees
// "Dana is writing a reply" before answering the same post twice.
import { z } from '@hono/zod-openapi'
import { actorName, type Actor } from '../audit/audit.ts'
import type { Sql } from '../db/sql.ts'
import { notFound } from '../errors.ts'

/** How often an open page renews its presence. */
export const PRESENCE_BEAT_MS = 15_000
/** Two missed beats and a person has left. */
const PRESENT_FOR = '40 seconds'
/** Rows older than this are nobody's; each beat clears its workspace's. */
const FORGET_AFTER = '5 minutes'

export const PresenceInput = z.strictObject({
  replying: z.boolean().default(false).openapi({ description: 'Whether you are writing a reply to it' }),
  gone: z.boolean().default(false).openapi({ description: 'You closed it: others stop seeing you at once' }),
})

export const PresentSchema = z
  .object({
    name: z.string().openapi({ description: 'Who: the member’s e-mail, or the API key’s name' }),
    replying: z.boolean(),
    seenAt: z.date(),
  })
  .openapi('MentionPresence')
export type Present = z.infer<typeof PresentSchema>

/** Tells people apart: a signed-in member, or whoever holds the API key. */
const personOf = (actor: Actor) => actor.memberId ?? actor.keyId ?? 'system'

/** Records that `actor` has the mention open (or has left it) and answers who else has, those replying first. */
export async function notePresence(sql: Sql, workspaceId: string, mentionId: string, actor: Actor, input: z.infer<typeof PresenceInput>): Promise<Present[]> {
  const person = personOf(actor)
  const [found] = await sql`SELECT 1 FROM mentions WHERE workspace_id = ${workspaceId} AND id = ${mentionId}`
  if (!found) throw notFound('mention')
  await sql`DELETE FROM mention_presence WHERE workspace_id = ${workspaceId} AND seen_at < now() - ${FORGET_AFTER}::interval`
  if (input.gone) {
    await sql`DELETE FROM mention_presence WHERE workspace_id = ${workspaceId} AND mention_id = ${mentionId} AND person = ${person}`
  } else {
    await sql`
      INSERT INTO mention_presence (workspace_id, mention_id, person, name, replying)
      VALUES (${workspaceId}, ${mentionId}, ${person}, ${actorName(sql, workspaceId, actor)}, ${input.replying})
      ON CONFLICT (workspace_id, mention_id, person) DO UPDATE SET name = excluded.name, replying = excluded.replying, seen_at = now()`
  }
  return (await othersPresent(sql, workspaceId, [mentionId], actor)).get(mentionId) ?? []
}

/** Who besides `actor` has each of these mentions open now, by mention. */
export async function othersPresent(sql: Sql, workspaceId: string, mentionIds: string[], actor: Actor): Promise<Map<string, Present[]>> {
  const rows = await sql<(Present & { mentionId: string })[]>`
    SELECT mention_id AS "mentionId", name, replying, seen_at AS "seenAt" FROM mention_presence
    WHERE workspace_id = ${workspaceId} AND mention_id = ANY(${mentionIds}::uuid[]) AND person <> ${personOf(actor)}
      AND seen_at > now() - ${PRESENT_FOR}::interval
    ORDER BY replying DESC, name`
  const by = new Map<string, Present[]>()
  for (const { mentionId, ...p } of rows) by.set(mentionId, [...(by.get(mentionId) ?? []), p])
  return by
}

/** The line the detail pane shows: "Dana is writing a reply. Sam also has this open." */
export function presenceLine(others: Present[]): string {
  const names = (ps: Present[]) => (ps.length < 3 ? ps.map((p) => p.name).join(' and ') : `${ps.slice(0, -1).map((p) => p.name).join(', ')} and ${ps.at(-1)!.name}`)
  const replying = others.filter((p) => p.replying)
  const viewing = others.filter((p) => !p.replying)
  const parts = []
  if (replying.length) parts.push(`${names(replying)} ${replying.length === 1 ? 'is' : 'are'} writing a reply to this.`)
  if (viewing.length) parts.push(`${names(viewing)} ${replying.length ? 'also ' : ''}${viewing.length === 1 ? 'has' : 'have'} this open.`)
  return parts.join(' ')
}

/** The word an inbox row carries: who is replying to it, else who has it open. */
export function presenceTag(others: Present[]): string {
  const replying = others.filter((p) => p.replying)
  return replying.length ? `${replying.map((p) => p.name).join(', ')} replying` : `${others.map((p) => p.name).join(', ')} here`
}
