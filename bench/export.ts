// npm run bench:export — GET /v1/mentions/export over HTTP for the last 30 days of the API bench's workspace
// (1M mentions over 180 days, seeded here when the database is empty), next to PostgreSQL's own
// COPY (same rows, same columns) TO STDOUT WITH CSV in the same run: how much the streamed export costs
// over the database writing the file itself. Uses DATABASE_URL when set, else an embedded PostgreSQL.
import { serve } from '@hono/node-server'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import { createApp } from '../src/app.ts'
import { createSql } from '../src/db/sql.ts'
import { openBenchDatabase } from './database.ts'
import { DEFAULT_COUNTS, openSeededWorkspace } from './seed-api.ts'

const KEY = 'esk_bench_api_admin_key_0123456789'
const RUNS = 3

const db = await openBenchDatabase()
const sql = createSql(db.url, { max: 4 })
try {
  const { deps, ws } = await openSeededWorkspace(sql, KEY, DEFAULT_COUNTS, (m) => console.log(m))
  const [{ n }] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM mentions WHERE workspace_id = ${ws.id}`
  const server = serve({ fetch: createApp(deps).fetch, hostname: '127.0.0.1', port: 0 })
  await new Promise((r) => server.once('listening', r))
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const since = new Date(Date.now() - 30 * 86_400_000)

  const exportOnce = async () => {
    const t0 = performance.now()
    const res = await fetch(`${base}/v1/mentions/export?since=${since.toISOString()}`, { headers: { authorization: `Bearer ${KEY}` } })
    if (res.status !== 200) throw new Error(`export answered ${res.status}: ${await res.text()}`)
    let bytes = 0
    let lines = 0
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.length
      for (const b of chunk) if (b === 10) lines++
    }
    return { ms: performance.now() - t0, bytes, lines }
  }
  // The anchor: the database writes the CSV itself, same rows and columns, no quoting rules of ours.
  const copyOnce = () =>
    sql.begin(async (tx) => {
      // COPY takes no parameters: the bounds travel as transaction settings.
      await tx`SELECT set_config('bench.workspace', ${ws.id}, true), set_config('bench.since', ${since.toISOString()}, true)`
      const t0 = performance.now()
      const stream = await tx`
        COPY (SELECT m.id, m.published_at, s.name, m.kind, m.platform, m.url, m.author_handle, m.author_name, m.author_followers, m.title,
                     m.body, m.lang, m.rating, m.app_version, m.effective_sentiment, array_to_string(m.effective_intents, ';'), m.priority, m.status,
                     m.assignee, array_to_string(m.tags, ';'), m.customer_id, m.duplicate_of
              FROM mentions m LEFT JOIN sources s ON s.id = m.source_id
              WHERE m.workspace_id = current_setting('bench.workspace')::uuid AND m.published_at >= current_setting('bench.since')::timestamptz
              ORDER BY m.published_at DESC, m.id DESC)
        TO STDOUT WITH (FORMAT csv, HEADER)`.readable()
      let bytes = 0
      for await (const chunk of stream as AsyncIterable<Buffer>) bytes += chunk.length
      return { ms: performance.now() - t0, bytes }
    })
  const ours: { ms: number; bytes: number; lines: number }[] = []
  const theirs: { ms: number; bytes: number }[] = []
  for (let i = 0; i < RUNS; i++) {
    theirs.push(await copyOnce())
    ours.push(await exportOnce())
  }
  const median = <T extends { ms: number }>(xs: T[]) => [...xs].sort((a, b) => a.ms - b.ms)[Math.floor(xs.length / 2)]
  const a = median(ours)
  const b = median(theirs)
  console.log(`\n${os.cpus().length} cores, load average ${os.loadavg()[0].toFixed(1)}; ${n} mentions, the last 30 days exported; median of ${RUNS}`)
  console.log('| what | ms | MB | MB/s | rows/s |')
  console.log('|---|---:|---:|---:|---:|')
  console.log(`| COPY … TO STDOUT CSV (anchor) | ${b.ms.toFixed(0)} | ${(b.bytes / 1e6).toFixed(1)} | ${(b.bytes / 1e3 / b.ms).toFixed(1)} | — |`)
  console.log(`| GET /v1/mentions/export over HTTP | ${a.ms.toFixed(0)} | ${(a.bytes / 1e6).toFixed(1)} | ${(a.bytes / 1e3 / a.ms).toFixed(1)} | ${Math.round((a.lines / a.ms) * 1000)} (lines) |`)
  console.log(`\nexport takes ${(a.ms / b.ms).toFixed(2)}× the anchor's time`)
  server.close()
} finally {
  await sql.end({ timeout: 5 })
  await db.close()
}
