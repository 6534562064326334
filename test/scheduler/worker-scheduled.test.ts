import { readFileSync } from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../helpers/app.ts'
import { startWorkerd } from '../helpers/workerd.ts'

const t = await createTestApp()
const feed = readFileSync(new URL('../fixtures/rss/google-alerts.xml', import.meta.url))
const upstream = http.createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/atom+xml' })
  res.end(feed)
})
await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve))
afterAll(() => new Promise((resolve) => upstream.close(resolve)))

describe('Worker scheduled()', () => {
  it('runs the tick in workerd: a due source is polled and its mentions stored', async () => {
    const feedUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/feed`
    const src = await t.call('POST', '/v1/sources', { body: { kind: 'rss', name: 'worker feed', config: { url: feedUrl } } })
    expect(src.status).toBe(201)
    const dev = await startWorkerd({ DATABASE_URL: t.url, EARSHOT_ALLOW_PRIVATE_URLS: '1' }, ['--test-scheduled'])
    try {
      expect((await fetch(`${dev.base}/__scheduled?cron=*+*+*+*+*`)).status).toBe(200)
      let rows: { n: number }[] = []
      for (let i = 0; i < 100; i++) {
        rows = await t.sql`SELECT count(*)::int AS n FROM mentions WHERE source_id = ${src.data.id}`
        if (rows[0].n > 0) break
        await new Promise((r) => setTimeout(r, 200))
      }
      expect(rows[0].n, dev.output()).toBe(2)
      const [run1] = await t.sql`SELECT status, inserted FROM source_runs WHERE source_id = ${src.data.id}`
      expect(run1).toMatchObject({ status: 'ok', inserted: 2 })
    } finally {
      expect(await dev.stop()).toEqual([])
    }
  }, 150_000)
})
