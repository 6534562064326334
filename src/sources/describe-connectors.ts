import { z } from 'zod'
import { listConnectors } from '../../connectors/registry.ts'

export interface ConnectorInfo {
  kind: string
  description: string
  pushOnly: boolean
  secrets: string[]
  configSchema: Record<string, unknown>
}

/** Every connector kind with the JSON Schema of its config, for clients building a source form. */
export function describeConnectors(): ConnectorInfo[] {
  return listConnectors().map((c) => ({
    kind: c.kind,
    description: c.description,
    pushOnly: !c.poll,
    secrets: [...c.secrets],
    configSchema: z.toJSONSchema(c.config, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>,
  }))
}
