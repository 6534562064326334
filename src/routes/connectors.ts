import { createRoute, z } from '@hono/zod-openapi'
import { createRouter, errorResponses, jsonResponse } from '../http/types.ts'
import { describeConnectors } from '../sources/describe-connectors.ts'

const ConnectorInfo = z
  .object({
    kind: z.string(),
    description: z.string(),
    pushOnly: z.boolean(),
    secrets: z.array(z.string()),
    configSchema: z.record(z.string(), z.unknown()).openapi({ description: 'JSON Schema of the config' }),
  })
  .openapi('Connector')

export const connectorsRouter = createRouter().openapi(
  createRoute({
    method: 'get', path: '/', tags: ['Sources'], summary: 'Connector kinds and their config schemas',
    responses: { 200: jsonResponse('Connectors', z.object({ items: z.array(ConnectorInfo) })), ...errorResponses },
  }),
  async (c) => c.json({ items: describeConnectors() }, 200),
)
