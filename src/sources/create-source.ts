import type { Deps } from '../deps.ts'
import { badRequest } from '../errors.ts'
import type { SourceRow, SourceView } from './source.ts'
import { toSourceView } from './source.ts'
import { sealConfig } from './source-secrets.ts'
import { maskSecret } from './source.ts'
import { connectorFor, pushOnlySchedule, validateConfig, validateSchedule } from './validate-source.ts'

export interface NewSource {
  kind: string
  name: string
  config?: Record<string, unknown>
  schedule?: string | null
  enabled?: boolean
}

export async function createSource(deps: Deps, workspaceId: string, input: NewSource): Promise<SourceView> {
  const connector = connectorFor(input.kind)
  const config = validateConfig(deps, connector, input.config)
  const polled = connector.polled(config)
  if (!polled && input.schedule) throw badRequest(pushOnlySchedule(connector))
  validateSchedule(input.schedule)
  const enabled = input.enabled ?? true
  const nextRunAt = polled && enabled ? deps.clock() : null
  const id = crypto.randomUUID()
  const stored = await sealConfig(deps, connector, workspaceId, id, config, maskSecret)
  const [row]: [SourceRow?] = await deps.sql`
    INSERT INTO sources (id, workspace_id, kind, name, config, schedule, enabled, next_run_at)
    VALUES (${id}, ${workspaceId}, ${input.kind}, ${input.name}, ${deps.sql.json(stored as never)}, ${input.schedule ?? null}, ${enabled}, ${nextRunAt})
    RETURNING *`
  return toSourceView(row!)
}
