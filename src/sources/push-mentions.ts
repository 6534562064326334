import type { Deps } from '../deps.ts'
import { badRequest } from '../errors.ts'
import { ingestMentions, type IngestResult } from '../pipeline/ingest.ts'
import { z } from 'zod'
import { MentionItem } from '../pipeline/mention-item.ts'
import { findSourceRow } from './find-sources.ts'

/** A mention as an integrator pushes it: the connector shape, with an ISO date and engagement and raw optional. */
export const PushedMention = MentionItem.extend({
  author: MentionItem.shape.author.strict(),
  publishedAt: z.iso.datetime({ offset: true }),
  engagement: MentionItem.shape.engagement.strict().optional(),
  raw: z.unknown().optional(),
}).strict()
export type PushedMention = z.infer<typeof PushedMention>

/** Stores mentions an integrator pushes into an `api` source; idempotent on externalId. */
export async function pushMentions(deps: Deps, workspaceId: string, input: { sourceId: string; items: PushedMention[] }): Promise<IngestResult> {
  const source = await findSourceRow(deps, workspaceId, input.sourceId)
  if (source.kind !== 'api') throw badRequest(`source ${source.id} is a ${source.kind} source; mentions can be pushed only into api sources`)
  const items: MentionItem[] = input.items.map((item) => ({
    ...item,
    publishedAt: new Date(item.publishedAt),
    engagement: item.engagement ?? {},
    raw: item.raw ?? item,
  }))
  return deps.sql.begin((tx) => ingestMentions(deps, tx, workspaceId, { id: source.id, kind: source.kind }, items))
}
