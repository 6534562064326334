import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { TestProject } from 'vitest/node'
import { startEmbedded, type EmbeddedServer } from '../src/db/embedded.ts'
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
  dir = await mkdtemp(path.join(os.tmpdir(), 'earshot-test-'))
  embedded = await startEmbedded(dir, silentLogger)
  project.provide('databaseUrl', embedded.url)
}

export async function teardown() {
  await embedded?.stop()
  if (dir) await rm(dir, { recursive: true, force: true })
}
