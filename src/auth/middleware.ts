import { createMiddleware } from 'hono/factory'
import type { AppEnv } from '../http/types.ts'
import { AppError, forbidden } from '../errors.ts'
import { authenticateRemembered } from './api-keys.ts'
import { roleAtLeast, type Role } from './keys.ts'

/** Resolves `Authorization: Bearer <key>` to a principal (remembered briefly, see PRINCIPAL_TTL_MS), or 401. */
export const requireKey = createMiddleware<AppEnv>(async (c, next) => {
  const header = c.req.header('authorization') ?? ''
  const match = /^Bearer\s+(\S+)$/i.exec(header)
  const principal = match ? await authenticateRemembered(c.var.deps, match[1]) : undefined
  if (!principal) throw new AppError(401, 'unauthorized', 'a valid API key is required (Authorization: Bearer <key>)')
  c.set('principal', principal)
  await next()
})

/** Route middleware: 403 unless the caller's role is at least `role`. */
export const requireRole = (role: Role) =>
  createMiddleware<AppEnv>(async (c, next) => {
    if (!roleAtLeast(c.var.principal.role, role)) throw forbidden(`this needs the ${role} role`)
    await next()
  })
