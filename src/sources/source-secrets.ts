// Connector secrets at rest: each secret field of a stored config holds
// { sealed, mask } — the AES-GCM text bound to workspace, source and field,
// plus the masked form the API shows. Opened only to hand to connector.poll.

import type { Connector } from '../../connectors/types.ts'
import type { Deps } from '../deps.ts'
import { openSecretBox } from '../crypto/secret-box.ts'

export interface SealedField {
  sealed: string
  mask: string
}

export const isSealed = (v: unknown): v is SealedField =>
  typeof v === 'object' && v !== null && typeof (v as SealedField).sealed === 'string' && typeof (v as SealedField).mask === 'string'

const contextOf = (workspaceId: string, sourceId: string, field: string) => `source:${workspaceId}:${sourceId}:${field}`

/** Seals plaintext secret fields; `keep` holds already-sealed values to store unchanged. */
export async function sealConfig(
  deps: Deps,
  connector: Connector,
  workspaceId: string,
  sourceId: string,
  config: Record<string, unknown>,
  mask: (v: string) => string,
  keep: Record<string, SealedField> = {},
): Promise<Record<string, unknown>> {
  const out = { ...config }
  const fields = connector.secrets.filter((f) => typeof out[f] === 'string' && !keep[f])
  for (const f of connector.secrets) if (keep[f]) out[f] = keep[f]
  if (fields.length === 0) return out
  const box = await openSecretBox(deps.config.secretKey)
  for (const f of fields) {
    const plain = out[f] as string
    out[f] = { sealed: await box.seal(plain, contextOf(workspaceId, sourceId, f)), mask: mask(plain) }
  }
  return out
}

/** The config with secret fields opened, for connector.poll. */
export async function openConfig(deps: Deps, connector: Connector, workspaceId: string, sourceId: string, config: Record<string, unknown>): Promise<Record<string, unknown>> {
  const fields = connector.secrets.filter((f) => isSealed(config[f]))
  if (fields.length === 0) return config
  const out = { ...config }
  const box = await openSecretBox(deps.config.secretKey)
  for (const f of fields) out[f] = await box.open((config[f] as SealedField).sealed, contextOf(workspaceId, sourceId, f))
  return out
}
