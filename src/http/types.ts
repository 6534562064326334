import { OpenAPIHono, z } from '@hono/zod-openapi'
import type { Principal } from '../auth/api-keys.ts'
import type { Deps } from '../deps.ts'
import type { PageCache } from '../mentions/page-cache.ts'
import { badRequest } from '../errors.ts'

export interface AppEnv {
  /** `inbox`: inbox pages and counts kept while the workspace's mentions are unchanged (page-cache.ts). */
  Variables: {
    deps: Deps
    inbox: PageCache
    principal: Principal
    /** The CORS headers a public survey endpoint decided on; its error answers carry them too, so the embed can read them. */
    cors?: Record<string, string>
  }
}

/** A router whose validation failures become our 400 error body. */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        throw badRequest('request failed validation', z.treeifyError(result.error))
      }
    },
  })
}

export type Router = ReturnType<typeof createRouter>

/** The error body every route documents. */
export const ErrorSchema = z
  .object({ error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }) })
  .openapi('Error')

const err = (description: string) => ({ description, content: { 'application/json': { schema: ErrorSchema } } })
/** Error responses shared by every authenticated route, for the OpenAPI document. */
export const errorResponses = {
  400: err('Invalid request'),
  401: err('Missing or invalid API key'),
  403: err('Role too low'),
  404: err('Not found'),
} as const

export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { 'application/json': { schema } },
})

export const jsonResponse = <T extends z.ZodType>(description: string, schema: T) => ({
  description,
  content: { 'application/json': { schema } },
})

export const IdParam = z.object({ id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }) })
