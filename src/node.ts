import { lookup } from 'node:dns/promises'
import { hostname } from 'node:os'
import { serve } from '@hono/node-server'
import { getConnInfo } from '@hono/node-server/conninfo'
import { createApp } from './app.ts'
import { parseEnv, type Env } from './config.ts'
import { migrate } from './db/migrate.ts'
import { openDatabase } from './db/open.ts'
import { createSql } from './db/sql.ts'
import type { Deps } from './deps.ts'
import { createLogger } from './logger.ts'
import { startCronTicker } from './scheduler/cron.ts'
import { VERSION } from './version.ts'
import { smtpMailer } from './mail/mailer.ts'
import { startInvitationLoop } from './surveys/send-loop.ts'
import { configuredTranslator } from './translate/configured.ts'
import { startDeliveryLoop } from './webhooks/loop.ts'
import { bootstrapWorkspaces } from './workspaces/workspaces.ts'

// Shutdown steps, run last-registered first: stop accepting, stop the
// scheduler, close the pool, stop the embedded server.
const stopping: (() => Promise<unknown>)[] = []
let shuttingDown = false

async function shutdown(code: number) {
  if (shuttingDown) return
  shuttingDown = true
  for (const stop of stopping.reverse()) await stop().catch((e) => console.error('earshot: shutdown step failed:', e))
  process.exit(code)
}

async function main() {
  let env: Env
  try {
    env = parseEnv(process.env)
  } catch (e) {
    console.error(`earshot: ${(e as Error).message}`)
    process.exit(2)
  }
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => void shutdown(0))
  const logger = createLogger(env.LOG_LEVEL)
  const startedAt = performance.now()
  const db = await openDatabase(env, logger)
  if (db.embedded) stopping.push(db.embedded.stop)
  const sql = createSql(db.url)
  stopping.push(() => sql.end({ timeout: 5 }))

  const { applied } = await migrate(sql)
  if (applied.length) logger.info('migrations applied', { applied })
  const deps: Deps = {
    sql,
    config: {
      version: VERSION,
      allowPrivateUrls: env.EARSHOT_ALLOW_PRIVATE_URLS,
      secretKey: db.secretKey,
      publicUrl: env.EARSHOT_PUBLIC_URL?.replace(/\/+$/, ''),
    },
    logger,
    clock: () => new Date(),
    lookupHost: async (host) => (await lookup(host, { all: true })).map((a) => a.address),
    clientIp: (c) => (env.EARSHOT_TRUST_PROXY && c.req.header('x-forwarded-for')?.split(',').pop()?.trim()) || getConnInfo(c).remote.address,
    mail: env.EARSHOT_SMTP_URL && env.EARSHOT_MAIL_FROM ? smtpMailer(env.EARSHOT_SMTP_URL, env.EARSHOT_MAIL_FROM) : undefined,
    translator: configuredTranslator(env, VERSION),
  }
  const { mintedKey } = await bootstrapWorkspaces(deps, env.EARSHOT_ADMIN_KEY)
  if (mintedKey) {
    console.log(`\nFirst start: an admin API key for the "default" workspace was created. It is shown only now:\n\n  ${mintedKey}\n`)
  }
  const app = createApp(deps)
  const deliveries = startDeliveryLoop(deps)
  stopping.push(deliveries.stop)
  if (deps.mail) stopping.push(startInvitationLoop(deps, deps.mail).stop)
  if (env.EARSHOT_CRON) stopping.push(startCronTicker(deps, `node:${hostname()}:${process.pid}:${crypto.randomUUID().slice(0, 8)}`).stop)
  const server = serve({ fetch: app.fetch, hostname: env.HOST, port: env.PORT }, (info) => {
    const host = info.family === 'IPv6' ? `[${info.address}]` : info.address
    const ms = Math.round(performance.now() - startedAt)
    console.log(`earshot ${VERSION} listening on http://${host}:${info.port} (ready in ${ms} ms, ${db.embedded ? 'embedded PostgreSQL' : 'DATABASE_URL'})`)
  })
  stopping.push(() => new Promise<void>((resolve) => server.close(() => resolve())))
}

main().catch((e) => {
  console.error('earshot: failed to start:', e instanceof Error ? e.message : e)
  void shutdown(1)
})
