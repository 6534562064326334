import { z } from 'zod'
import { defineConnector } from '../types.ts'

/** Push-only source: an integrator sends mentions with POST /v1/mentions. */
export const apiConnector = defineConnector({
  kind: 'api',
  description: 'Mentions pushed by an integrator through POST /v1/mentions (no polling).',
  config: z.strictObject({}),
  cursor: z.null(),
  secrets: [],
  urls: [],
})
