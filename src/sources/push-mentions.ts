import type { Deps } from '../deps.ts'
import { badRequest } from '../errors.ts'
import { ingestMentions, type IngestResult } from '../pipeline/ingest.ts'
import type { MentionItem } from '../pipeline/mention-item.ts'
import { findSourceRow } from './find-sources.ts'

export type PushedMention = Omit<MentionItem, 'publishedAt' | 'engagement' | 'raw'> & {
  publishedAt: string
  engagement?: MentionItem['engagement']
  raw?: unknown
}

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
