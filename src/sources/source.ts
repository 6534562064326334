import type { Connector } from '../../connectors/types.ts'
import { findConnector } from '../../connectors/registry.ts'

/** A sources row as stored. */
export interface SourceRow {
  id: string
  workspace_id: string
  kind: string
  name: string
  config: Record<string, unknown>
  schedule: string | null
  enabled: boolean
  cursor: unknown
  next_run_at: Date | null
  lease_owner: string | null
  lease_expires_at: Date | null
  consecutive_failures: number
  last_error: string | null
  last_run_at: Date | null
  disabled_reason: string | null
  created_at: Date
  updated_at: Date
}

/** A source as the API shows it: secrets masked, scheduling state visible. */
export interface SourceView {
  id: string
  kind: string
  name: string
  config: Record<string, unknown>
  schedule: string | null
  enabled: boolean
  status: 'active' | 'paused' | 'failing' | 'disabled' | 'push'
  nextRunAt: Date | null
  lastRunAt: Date | null
  lastError: string | null
  consecutiveFailures: number
  disabledReason: string | null
  createdAt: Date
  updatedAt: Date
}

/** Enough of a secret to tell two apart, never enough to use. */
import { isSealed } from './source-secrets.ts'

export function maskSecret(value: string): string {
  return value.length >= 12 ? `****${value.slice(-4)}` : '****'
}

export function maskConfig(connector: Connector | undefined, config: Record<string, unknown>): Record<string, unknown> {
  if (!connector) return config
  const out = { ...config }
  for (const field of connector.secrets) {
    const v = out[field]
    if (typeof v === 'string') out[field] = maskSecret(v)
    else if (isSealed(v)) out[field] = v.mask
  }
  return out
}

function statusOf(row: SourceRow): SourceView['status'] {
  if (!findConnector(row.kind)?.polled(row.config)) return 'push'
  if (row.disabled_reason) return 'disabled'
  if (!row.enabled) return 'paused'
  return row.consecutive_failures > 0 ? 'failing' : 'active'
}

export function toSourceView(row: SourceRow): SourceView {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    config: maskConfig(findConnector(row.kind), row.config),
    schedule: row.schedule,
    enabled: row.enabled,
    status: statusOf(row),
    nextRunAt: row.next_run_at,
    lastRunAt: row.last_run_at,
    lastError: row.last_error,
    consecutiveFailures: row.consecutive_failures,
    disabledReason: row.disabled_reason,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }
}
