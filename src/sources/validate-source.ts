import { z } from 'zod'
import type { Connector } from '../../connectors/types.ts'
import { findConnector, listConnectors } from '../../connectors/registry.ts'
import type { Deps } from '../deps.ts'
import { badRequest } from '../errors.ts'
import { UpstreamError } from '../net/errors.ts'
import { assertPublicUrlSyntax } from '../net/ssrf.ts'
import { assertCron } from '../scheduler/schedule.ts'

export function connectorFor(kind: string): Connector {
  const connector = findConnector(kind)
  if (!connector) throw badRequest(`unknown connector kind "${kind}"; one of: ${listConnectors().map((c) => c.kind).join(', ')}`)
  return connector
}

/** Parses a config with the connector's schema and refuses private URLs (by name or literal address) unless allowed. */
export function validateConfig(deps: Deps, connector: Connector, config: unknown): Record<string, unknown> {
  const parsed = connector.config.safeParse(config ?? {})
  if (!parsed.success) throw badRequest(`invalid ${connector.kind} config`, z.treeifyError(parsed.error))
  const value = parsed.data as Record<string, unknown>
  for (const field of connector.urls) {
    const url = value[field]
    if (typeof url !== 'string') continue
    try {
      assertPublicUrlSyntax(url, { allowPrivate: deps.config.allowPrivateUrls })
    } catch (e) {
      throw badRequest(`config.${field}: ${e instanceof UpstreamError ? e.message : 'not allowed'}`)
    }
  }
  return value
}

/** Why a source that only takes pushes refuses a schedule, and for a kind that can also poll, how it would. */
export const pushOnlySchedule = (connector: Connector) =>
  connector.poll
    ? `this ${connector.kind} config only takes pushes and no schedule; give it what polling needs to run on a schedule (or send schedule: null)`
    : `${connector.kind} sources are push-only and take no schedule`

export function validateSchedule(schedule: string | null | undefined): void {
  if (!schedule) return
  try {
    assertCron(schedule)
  } catch (e) {
    throw badRequest((e as Error).message)
  }
}
