import { createApp } from './app.ts'
import { parseEnv } from './config.ts'
import { createSql } from './db/sql.ts'
import type { Deps } from './deps.ts'
import { createLogger } from './logger.ts'
import { tick } from './scheduler/tick.ts'
import { configuredTranslator } from './translate/configured.ts'
import { VERSION } from './version.ts'
import { dispatchDueDeliveries } from './webhooks/dispatch.ts'

interface WorkerBindings {
  DATABASE_URL?: string
  HYPERDRIVE?: { connectionString: string }
  [key: string]: unknown
}

function depsFor(bindings: WorkerBindings): Deps {
  const strings = Object.fromEntries(Object.entries(bindings).filter(([, v]) => typeof v === 'string')) as Record<string, string>
  const env = parseEnv(strings)
  const url = bindings.HYPERDRIVE?.connectionString ?? env.DATABASE_URL
  if (!url) throw new Error('set DATABASE_URL or bind a Hyperdrive as HYPERDRIVE')
  return {
    // Workers can't share sockets across requests: one small pool per invocation.
    sql: createSql(url, { max: 1, prepare: false }),
    config: {
      version: VERSION,
      allowPrivateUrls: env.EARSHOT_ALLOW_PRIVATE_URLS,
      secretKey: env.EARSHOT_SECRET_KEY,
      publicUrl: env.EARSHOT_PUBLIC_URL?.replace(/\/+$/, ''),
    },
    logger: createLogger(env.LOG_LEVEL, (l) => console.log(l)),
    clock: () => new Date(),
    // Cloudflare sets this from the connection; a client can't forge it.
    clientIp: (c) => c.req.header('cf-connecting-ip'),
    translator: configuredTranslator(env, VERSION),
  }
}

interface ExecutionContext {
  waitUntil(p: Promise<unknown>): void
}

export default {
  async fetch(request: Request, bindings: WorkerBindings, ctx: ExecutionContext) {
    const deps = depsFor(bindings)
    const res = await createApp(deps).fetch(request)
    ctx.waitUntil(deps.sql.end({ timeout: 5 }))
    return res
  },
  async scheduled(_event: unknown, bindings: WorkerBindings, ctx: ExecutionContext) {
    const deps = depsFor(bindings)
    const work = [dispatchDueDeliveries(deps), tick(deps, { owner: `worker:${crypto.randomUUID()}`, concurrency: 2 })]
    ctx.waitUntil(Promise.allSettled(work).finally(() => deps.sql.end({ timeout: 30 })))
  },
}
