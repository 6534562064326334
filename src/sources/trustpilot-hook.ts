// Trustpilot pushes new reviews to a webhook; each trustpilot source has its
// own URL, /hooks/trustpilot/{sourceId}, and secret. The source's id finds its
// workspace; the secret proves the delivery is Trustpilot's.
import { TrustpilotWebhook, reviewsOf, trustpilotConnector } from '../../connectors/trustpilot/index.ts'
import { sameSecret } from '../crypto/compare.ts'
import type { Deps } from '../deps.ts'
import { AppError, badRequest } from '../errors.ts'
import { ingestMentions } from '../pipeline/ingest.ts'
import { openConfig } from './source-secrets.ts'
import type { SourceRow } from './source.ts'

export interface TrustpilotDelivery {
  inserted: number
  duplicates: number
  /** Events that were not new reviews, or not readable ones. */
  ignored: number
}

/** Stores the reviews of one webhook delivery; `token` is the secret the delivery came with. */
export async function receiveTrustpilotReviews(deps: Deps, sourceId: string, token: string | undefined, body: string): Promise<TrustpilotDelivery> {
  // One answer for an unknown source and a wrong secret: the URL alone tells nothing.
  const denied = new AppError(401, 'unauthorized', 'no trustpilot source with this id takes this secret')
  if (!token) throw denied
  const [row]: [SourceRow?] = await deps.sql`SELECT * FROM sources WHERE id = ${sourceId} AND kind = ${trustpilotConnector.kind}`
  if (!row) throw denied
  const config = await openConfig(deps, trustpilotConnector, row.workspace_id, row.id, row.config)
  if (typeof config.webhookSecret !== 'string' || !(await sameSecret(config.webhookSecret, token))) throw denied
  let json: unknown
  try {
    json = JSON.parse(body)
  } catch {
    throw badRequest('the body is not JSON')
  }
  const parsed = TrustpilotWebhook.safeParse(json)
  if (!parsed.success) throw badRequest('not a Trustpilot webhook body ({events: [...]})')
  const { items, ignored } = reviewsOf(parsed.data)
  const { inserted, duplicates } = await deps.sql.begin((tx) => ingestMentions(deps, tx, row.workspace_id, { id: row.id, kind: row.kind }, items))
  return { inserted, duplicates, ignored }
}
