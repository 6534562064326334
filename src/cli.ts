import { parseArgs } from 'node:util'
import { insertApiKey } from './auth/api-keys.ts'
import { ROLES, type Role } from './auth/keys.ts'
import { parseEnv } from './config.ts'
import { migrate } from './db/migrate.ts'
import { openDatabase } from './db/open.ts'
import { createSql, type Sql } from './db/sql.ts'
import type { Deps } from './deps.ts'
import { createLogger } from './logger.ts'
import { reclassifyAll } from './reclassify.ts'
import { VERSION } from './version.ts'
import { createWorkspace, findWorkspaceByName } from './workspaces/workspaces.ts'

const USAGE = `usage: earshot <command>

  migrate                                     apply pending migrations
  workspaces create NAME                      create a workspace and print its first admin key
  keys create --workspace NAME --role ROLE    create an API key (admin|agent|viewer) and print it
  reclassify [--since ISO]                    re-score mentions and survey comments enriched by an older pipeline

Reads the same environment as the service (DATABASE_URL, EARSHOT_DATA_DIR, …).`

/** A CLI command: gets deps on a migrated database, returns text to print. */
type Command = (deps: Deps, args: string[]) => Promise<string>

const commands: Record<string, Command> = {
  migrate: async () => 'migrations up to date',
  'workspaces create': async (deps, [name]) => {
    if (!name) throw new Error('workspaces create needs a NAME')
    const ws = await createWorkspace(deps, name)
    return `workspace ${ws.name} (${ws.id})\nadmin key (shown once): ${ws.key}`
  },
  reclassify: async (deps, args) => {
    const { values } = parseArgs({ args, options: { since: { type: 'string' } } })
    const since = values.since === undefined ? undefined : new Date(values.since)
    if (since && Number.isNaN(since.getTime())) throw new Error('--since must be an ISO date or timestamp')
    const c = await reclassifyAll(deps, { since })
    return `re-scored ${c.mentions} mentions and ${c.responses} survey comments`
  },
  'keys create': async (deps, args) => {
    const { values } = parseArgs({ args, options: { workspace: { type: 'string', default: 'default' }, role: { type: 'string' }, name: { type: 'string', default: 'cli' } } })
    if (!ROLES.includes(values.role as Role)) throw new Error(`--role must be one of ${ROLES.join(', ')}`)
    const ws = await findWorkspaceByName(deps, values.workspace!)
    if (!ws) throw new Error(`no workspace named ${values.workspace}`)
    const key = await insertApiKey(deps.sql, ws.id, values.name!, values.role as Role)
    return `${key.role} key for ${ws.name} (shown once): ${key.key}`
  },
}

async function main(argv: string[]) {
  const name = [argv.slice(0, 2).join(' '), argv[0]].find((n) => n in commands)
  if (!name) {
    console.error(USAGE)
    return 2
  }
  const env = parseEnv(process.env)
  const logger = createLogger(env.LOG_LEVEL === 'info' ? 'warn' : env.LOG_LEVEL)
  const db = await openDatabase(env, logger)
  let sql: Sql | undefined
  try {
    sql = createSql(db.url, { max: 2 })
    const { applied } = await migrate(sql)
    if (applied.length) console.error(`applied ${applied.join(', ')}`)
    const deps: Deps = { sql, config: { version: VERSION, allowPrivateUrls: env.EARSHOT_ALLOW_PRIVATE_URLS, secretKey: db.secretKey }, logger, clock: () => new Date() }
    console.log(await commands[name](deps, argv.slice(name.split(' ').length)))
    return 0
  } finally {
    await sql?.end({ timeout: 5 })
    await db.embedded?.stop()
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    console.error(`earshot: ${e instanceof Error ? e.message : e}`)
    process.exit(1)
  },
)
