import { apiConnector } from './api/index.ts'
import { rssConnector } from './rss/index.ts'
import type { Connector } from './types.ts'

const connectors: Connector[] = [rssConnector, apiConnector]

const byKind = new Map(connectors.map((c) => [c.kind, c]))

/** Every kind a source can have. */
export const listConnectors = (): readonly Connector[] => connectors

export const findConnector = (kind: string): Connector | undefined => byKind.get(kind)
