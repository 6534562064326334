import type { Deps } from '../deps.ts'
import { badRequest, notFound } from '../errors.ts'
import { maskSecret, toSourceView, type SourceRow, type SourceView } from './source.ts'
import { isSealed, sealConfig, type SealedField } from './source-secrets.ts'
import { connectorFor, pushOnlySchedule, validateConfig, validateSchedule } from './validate-source.ts'

export interface SourcePatch {
  name?: string
  config?: Record<string, unknown>
  schedule?: string | null
  enabled?: boolean
}

/** A client that sends back the masked form of a secret means "keep it". */
function keptSecrets(secrets: readonly string[], stored: Record<string, unknown>, next: Record<string, unknown>) {
  const keep: Record<string, SealedField> = {}
  for (const field of secrets) {
    const old = stored[field]
    if (isSealed(old) && next[field] === old.mask) keep[field] = old
  }
  return keep
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b)

/**
 * A config change starts the source afresh: the cursor belonged to the old
 * query, and a source disabled by a permanent error gets another chance.
 */
export async function updateSource(deps: Deps, workspaceId: string, id: string, patch: SourcePatch): Promise<SourceView> {
  return deps.sql.begin(async (tx) => {
    const [current]: [SourceRow?] = await tx`SELECT * FROM sources WHERE id = ${id} AND workspace_id = ${workspaceId} FOR UPDATE`
    if (!current) throw notFound('source')
    const connector = connectorFor(current.kind)
    validateSchedule(patch.schedule)
    const config =
      patch.config === undefined
        ? current.config
        : await sealConfig(deps, connector, workspaceId, id, validateConfig(deps, connector, patch.config), maskSecret, keptSecrets(connector.secrets, current.config, patch.config))
    const configChanged = !sameJson(config, current.config)
    const schedule = patch.schedule === undefined ? current.schedule : patch.schedule
    // Judged on the config as it will be: a trustpilot source that drops its API key is push-only from now on.
    const polled = connector.polled(config)
    if (!polled && schedule) throw badRequest(pushOnlySchedule(connector))
    const enabled = patch.enabled ?? current.enabled
    const now = deps.clock()
    const reschedule = configChanged || schedule !== current.schedule || (enabled && !current.enabled)
    const nextRunAt = !polled || !enabled ? null : reschedule ? now : current.next_run_at
    const [row]: [SourceRow?] = await tx`
      UPDATE sources SET
        name = ${patch.name ?? current.name},
        config = ${tx.json(config as never)},
        schedule = ${schedule},
        enabled = ${enabled},
        next_run_at = ${nextRunAt},
        cursor = CASE WHEN ${configChanged} THEN NULL ELSE cursor END,
        disabled_reason = CASE WHEN ${configChanged} THEN NULL ELSE disabled_reason END,
        consecutive_failures = CASE WHEN ${configChanged} THEN 0 ELSE consecutive_failures END,
        last_error = CASE WHEN ${configChanged} THEN NULL ELSE last_error END,
        updated_at = ${now}
      WHERE id = ${id} AND workspace_id = ${workspaceId}
      RETURNING *`
    return toSourceView(row!)
  })
}
