import { Hono } from 'hono'
import type { AppEnv } from '../http/types.ts'

/** Health probe: 200 when the database answers, 503 when it doesn't. */
export const systemRouter = new Hono<AppEnv>().get('/healthz', async (c) => {
  const { sql, config } = c.var.deps
  let timer: ReturnType<typeof setTimeout> | undefined
  const db = await Promise.race([
    sql`SELECT 1`.then(() => 'ok' as const, () => 'down' as const),
    new Promise<'down'>((r) => (timer = setTimeout(() => r('down'), 2000))),
  ])
  clearTimeout(timer)
  return c.json({ status: db === 'ok' ? 'ok' : 'degraded', db, version: config.version }, db === 'ok' ? 200 : 503)
})
