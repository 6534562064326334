import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { freePort, processesMentioning, run, waitFor } from '../helpers/process.ts'

const dataDir = await mkdtemp(path.join(os.tmpdir(), 'earshot-start-'))
afterAll(() => rm(dataDir, { recursive: true, force: true }))

const start = async () => {
  const port = await freePort()
  const proc = run('node', ['--import', 'tsx', 'src/node.ts'], {
    DATABASE_URL: undefined, EARSHOT_DATA_DIR: dataDir, PORT: String(port), EARSHOT_CRON: 'off', LOG_LEVEL: 'warn', EARSHOT_ADMIN_KEY: undefined,
  })
  const [, url] = await waitFor(proc, /listening on (http:\/\/\S+)/)
  return { proc, url }
}

describe('npm start with embedded PostgreSQL', () => {
  it('starts, prints a first admin key once, reuses its data, and leaves no postgres behind on SIGTERM', { timeout: 120_000 }, async () => {
    const first = await start()
    const key = first.proc.output().match(/\b(esk_[A-Za-z0-9_-]{43})\b/)?.[1]
    expect(key).toBeDefined()
    expect((await fetch(`${first.url}/healthz`)).status).toBe(200)
    first.proc.child.kill('SIGTERM')
    expect(await first.proc.exited).toBe(0)
    expect(processesMentioning(dataDir)).toEqual([])

    const sealingKey = await readFile(path.join(dataDir, 'secret-key'), 'utf8')
    expect(sealingKey.trim()).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect((await stat(path.join(dataDir, 'secret-key'))).mode & 0o777).toBe(0o600)

    const second = await start()
    expect(second.proc.output()).not.toMatch(/esk_/)
    expect(await readFile(path.join(dataDir, 'secret-key'), 'utf8')).toBe(sealingKey)
    const res = await fetch(`${second.url}/v1/api-keys`, { headers: { authorization: `Bearer ${key}` } })
    expect(res.status).toBe(200)
    second.proc.child.kill('SIGINT')
    expect(await second.proc.exited).toBe(0)
    expect(processesMentioning(dataDir)).toEqual([])
  })

  it('refuses bad configuration with a clear message and a non-zero exit', async () => {
    const proc = run('node', ['--import', 'tsx', 'src/node.ts'], { PORT: 'eighty', EARSHOT_DATA_DIR: dataDir })
    expect(await proc.exited).toBe(2)
    expect(proc.output()).toMatch(/invalid environment[\s\S]*PORT/)
  })
})
