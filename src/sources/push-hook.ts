// Upstreams that push (Trustpilot's review webhook, a Telegram bot's webhook)
// deliver to one URL per source, /hooks/<kind>/{sourceId}, with the source's
// own secret. The source's id finds its workspace; the secret proves the
// delivery is the upstream's; the items go through ingestion as a poll's do.
import type { z } from 'zod'
import type { Connector } from '../../connectors/types.ts'
import { sameSecret } from '../crypto/compare.ts'
import type { Deps } from '../deps.ts'
import { AppError, badRequest } from '../errors.ts'
import { ingestMentions } from '../pipeline/ingest.ts'
import type { MentionItem } from '../pipeline/mention-item.ts'
import { openConfig } from './source-secrets.ts'
import type { SourceRow } from './source.ts'

export interface PushDelivery {
  inserted: number
  duplicates: number
  /** Mentions already stored whose words the delivery changed (an edited message). */
  edited: number
  /** What the delivery held that was not for the inbox (other events, unreadable ones, other chats). */
  ignored: number
}

export interface PushReader<Body extends z.ZodType> {
  connector: Connector
  /** The delivery's body, as the upstream sends it. */
  body: Body
  /** What is not this upstream's body shape, in words for the 400. */
  shape: string
  /** The mentions in a delivery, and how many things in it were not for the inbox; the source's config decides. */
  read: (body: z.infer<Body>, config: Record<string, unknown>) => { items: MentionItem[]; ignored: number }
}

/** Stores what one delivery holds; `token` is the secret it came with, compared with the source's `webhookSecret`. */
export async function receivePush<Body extends z.ZodType>(deps: Deps, reader: PushReader<Body>, sourceId: string, token: string | undefined, text: string): Promise<PushDelivery> {
  const { connector } = reader
  // One answer for an unknown source and a wrong secret: the URL alone tells nothing.
  const denied = new AppError(401, 'unauthorized', `no ${connector.kind} source with this id takes this secret`)
  if (!token) throw denied
  const [row]: [SourceRow?] = await deps.sql`SELECT * FROM sources WHERE id = ${sourceId} AND kind = ${connector.kind}`
  if (!row) throw denied
  const config = await openConfig(deps, connector, row.workspace_id, row.id, row.config)
  if (typeof config.webhookSecret !== 'string' || !(await sameSecret(config.webhookSecret, token))) throw denied
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    throw badRequest('the body is not JSON')
  }
  const parsed = reader.body.safeParse(json)
  if (!parsed.success) throw badRequest(`not ${reader.shape}`)
  const { items, ignored } = reader.read(parsed.data, config)
  // A paused source takes nothing in; the delivery is still answered 2xx, or the upstream would send it again and again.
  if (!row.enabled) return { inserted: 0, duplicates: 0, edited: 0, ignored: ignored + items.length }
  const { inserted, duplicates, edited } = await deps.sql.begin((tx) =>
    ingestMentions(deps, tx, row.workspace_id, { id: row.id, kind: row.kind, edits: connector.edits }, items),
  )
  return { inserted, duplicates, edited, ignored }
}
