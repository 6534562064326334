// npm run bench:api — the triage API on 1M mentions under 32 concurrent
// clients: default inbox page, a filtered page, full-text search, ticket
// detail and the issue report. Anchors measured in the same run: /healthz
// through the same server and load (the floor of HTTP + auth-free routing),
// each scenario's requests one at a time over HTTP, each request's domain
// function called in-process (the database work alone), on the same data, and
// an inbox page's bytes served from memory by a bare Hono handler under the
// same load (the floor of sending such a page at all).
import { fork, spawn, type ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { startEmbedded } from '../src/db/embedded.ts'
import { createSql } from '../src/db/sql.ts'
import { silentLogger } from '../src/logger.ts'
import { MentionFilter, pinTimeBounds } from '../src/mentions/filter.ts'
import { encodeCursor } from '../src/http/pagination.ts'
import { listMentionsJson } from '../src/mentions/list.ts'
import { mentionStats } from '../src/mentions/stats.ts'
import { issueReport } from '../src/reports/issues.ts'
import { mentionReport, MentionReportQuery } from '../src/reports/mentions.ts'
import { ticketsLike } from '../src/tickets/similar-tickets.ts'
import { getTicket } from '../src/tickets/tickets.ts'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { findPostmaster, ownCpuMs, postgresCpuMs, processCpuMs } from './process-cpu.ts'
import { DEFAULT_COUNTS, openSeededWorkspace } from './seed-api.ts'

const MENTIONS = Number(process.env.BENCH_MENTIONS ?? DEFAULT_COUNTS.mentions)
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10)
const CONNECTIONS = 32
const KEY = 'esk_bench_api_admin_key_0123456789abcdef'

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer()
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => resolve(port))
    })
  })

interface LoadResult {
  requests: { average: number }
  non2xx: number
  errors: number
  timeouts: number
}
interface LoadRun {
  on(event: 'response', listener: (client: unknown, status: number, bytes: number, ms: number) => void): void
  on(event: 'done', listener: (result: LoadResult) => void): void
}
// autocannon ships no types; this is the slice used here.
const autocannon = createRequire(import.meta.url)('autocannon') as (opts: {
  url: string
  connections: number
  duration: number
  headers: Record<string, string>
  requests: { method: string; path: string; setupRequest?: (req: { path: string }) => { path: string } }[]
}) => LoadRun

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]

/** Processes whose CPU is charged to the requests of a run. */
interface Meters {
  server: number
  postmaster?: number
}

/**
 * The first page under a cursor that sorts above every mention, different for
 * every request: the same rows, read by the same plan as any next page, but
 * each request's page must be built (none was kept).
 */
const freshPage = (req: { path: string }) => {
  const newest = req.path.includes('sort=newest')
  const cursor = encodeCursor({ s: newest ? 'newest' : 'priority', k: newest ? '2100-01-01T00:00:00Z' : 2, id: randomUUID() })
  return { ...req, path: `${req.path}&cursor=${cursor}` }
}

/** Load options: `fresh` asks for a new page every time; `writes` triages mentions (PATCH) this many times a second during the run. */
interface LoadOptions {
  fresh?: boolean
  writes?: { perSecond: number; mentionIds: string[] }
}

async function load(base: string, paths: string[], auth: boolean, meters: Meters, opts: LoadOptions = {}) {
  const times: number[] = []
  const cpu = () => ({ server: processCpuMs(meters.server) ?? NaN, pg: postgresCpuMs(meters.postmaster) ?? NaN, own: ownCpuMs() })
  const before = cpu()
  const instance = autocannon({
    url: base,
    connections: CONNECTIONS,
    duration: SECONDS,
    headers: auth ? { authorization: `Bearer ${KEY}` } : {},
    requests: paths.map((p) => ({ method: 'GET', path: p, ...(opts.fresh ? { setupRequest: freshPage } : {}) })),
  })
  instance.on('response', (_c, _s, _b, ms) => times.push(ms))
  let written = 0
  const { writes } = opts
  const writer = writes && setInterval(() => {
    const id = writes.mentionIds[written % writes.mentionIds.length]
    // Each pass over the ids flips their status, so every PATCH is a change (the same status again writes nothing).
    const status = Math.floor(written++ / writes.mentionIds.length) % 2 ? 'new' : 'open'
    void fetch(`${base}/v1/mentions/${id}`, { method: 'PATCH', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ status }) }).then((r) => r.arrayBuffer())
  }, 1000 / writes.perSecond)
  const result = await new Promise<LoadResult>((resolve) => instance.on('done', resolve))
  if (writer) clearInterval(writer)
  const after = cpu()
  times.sort((a, b) => a - b)
  const ms = (p: number) => Number((pct(times, p) ?? NaN).toFixed(1))
  // CPU per request in µs, whatever else the shared machine was doing: the server, PostgreSQL, the load generator.
  const us = (k: keyof typeof after) => ((after[k] - before[k]) * 1000) / times.length
  const cpuUs = `${us('server').toFixed(0)} / ${Number.isNaN(us('pg')) ? '—' : us('pg').toFixed(0)} / ${us('own').toFixed(0)}`
  return { rps: result.requests.average, p50: ms(50), p95: ms(95), p99: ms(99), non2xx: result.non2xx + result.errors + result.timeouts, n: times.length, cpuUs }
}

/** Child: serves the file's bytes as the inbox route, behind the bench key, and reports its port. */
async function servePage(file: string) {
  const body = await readFile(file, 'utf8')
  const app = new Hono().get('/v1/mentions', (c) =>
    c.req.header('authorization') === `Bearer ${KEY}` ? c.body(body, 200, { 'content-type': 'application/json' }) : c.json({ error: 'unauthorized' }, 401))
  serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) => process.send!(info.port))
}

function startPageServer(file: string): Promise<{ child: ChildProcess; base: string }> {
  const child = fork(fileURLToPath(import.meta.url), ['serve-page', file], { execArgv: ['--import', 'tsx'], stdio: 'inherit' })
  return new Promise((resolve, reject) => {
    child.once('message', (port) => resolve({ child, base: `http://127.0.0.1:${port as number}` }))
    child.once('exit', (code) => reject(new Error(`page server exited with ${code}`)))
  })
}

async function main() {
  let dir: string | undefined
  let url = process.env.DATABASE_URL
  let stopPg: (() => Promise<void>) | undefined
  if (!url) {
    dir = await mkdtemp(path.join(os.tmpdir(), 'earshot-bench-api-'))
    const pg = await startEmbedded(dir, silentLogger)
    url = pg.url
    stopPg = pg.stop
  }
  // One connection: the seed relies on session settings (maintenance_work_mem) holding for its index builds.
  const sql = createSql(url, { max: 1 })
  const log = (m: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${m}`)
  let server: ReturnType<typeof spawn> | undefined
  try {
    const { deps, ws, seeded } = await openSeededWorkspace(sql, KEY, { ...DEFAULT_COUNTS, mentions: MENTIONS }, log)
    const [{ total, size }] = await sql<{ total: number; size: string }[]>`
      SELECT count(*)::int AS total, pg_size_pretty(pg_total_relation_size('mentions')) AS size FROM mentions`
    log(`${total} mentions (${size} with indexes), ${seeded.ticketIds.length} tickets`)

    const port = await freePort()
    server = spawn(process.execPath, ['--import', 'tsx', 'src/node.ts'], {
      env: { ...process.env, DATABASE_URL: url, PORT: String(port), HOST: '127.0.0.1', EARSHOT_ADMIN_KEY: KEY, EARSHOT_CRON: 'off', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'inherit', 'inherit'],
    })
    const base = `http://127.0.0.1:${port}`
    for (let i = 0; i < 120; i++) {
      if (await fetch(`${base}/healthz`).then((r) => r.ok, () => false)) break
      await new Promise((r) => setTimeout(r, 500))
    }

    const src = seeded.sourceIds
    // Anchor 3: each request's domain function called in-process, no HTTP: the database work alone.
    const direct = createSql(url, { max: 2 })
    const dd = { ...deps, sql: direct }
    const call = (p: string): Promise<unknown> => {
      const u = new URL(p, 'http://x')
      const q = Object.fromEntries(u.searchParams)
      if (u.pathname === '/v1/mentions') {
        const { limit, sort, cursor, ...filter } = q
        return listMentionsJson(dd, ws.id, { filter: MentionFilter.parse(filter), sort: sort === 'newest' ? 'newest' : 'priority', cursor, limit: Number(limit ?? 50) })
      }
      if (u.pathname === '/v1/mentions/stats') return mentionStats(dd, ws.id, MentionFilter.parse(q))
      if (u.pathname.startsWith('/v1/tickets/')) return getTicket(dd, ws.id, u.pathname.slice('/v1/tickets/'.length))
      if (u.pathname.endsWith('/similar-tickets')) return ticketsLike(dd, ws.id, u.pathname.split('/')[3])
      if (u.pathname === '/v1/reports/mentions') {
        const { interval, format, ...filter } = MentionReportQuery.parse(q)
        if (format !== 'json') throw new Error('the bench calls the report as JSON')
        return mentionReport(dd, ws.id, pinTimeBounds(filter, new Date(), 1000), interval)
      }
      return issueReport(dd, ws.id, { sort: (q.sort as 'trend') ?? 'mentions', format: 'json' })
    }
    const inboxPaths = {
      default: ['/v1/mentions?limit=50'],
      filtered: [
        '/v1/mentions?status=new&sentiment=negative&limit=50',
        `/v1/mentions?source=${src[3]}&sort=newest&limit=50`,
        '/v1/mentions?assignee=unassigned&intent=bug_report&since=7d&limit=50',
        `/v1/mentions?status=new,open&sentiment=negative&source=${src[1]},${src[2]}&limit=50`,
      ],
      answered: ['/v1/mentions?answered=false&sentiment=negative&limit=50', '/v1/mentions?answered=false&status=new,open&sort=newest&limit=50', '/v1/mentions?answered=true&limit=50'],
      search: ['export crash', 'login', '"billing page" slow', 'dark mode', 'sync stuck', 'cancelling subscription', 'webhooks error'].map(
        (q) => `/v1/mentions?q=${encodeURIComponent(q)}&limit=50`,
      ),
    }
    // The inbox header's counts: kept by every write for the inbox's own views (sql/015), counted otherwise; kept in
    // memory like pages until a mention changes, so the rows while agents triage show what a change costs.
    const counts = {
      kept: ['/v1/mentions/stats?status=new,open', '/v1/mentions/stats', '/v1/mentions/stats?status=new&sentiment=negative', `/v1/mentions/stats?source=${src[3]}`],
      scanned: ['/v1/mentions/stats?since=30d', '/v1/mentions/stats?intent=bug_report', `/v1/mentions/stats?status=new,open&assignee=unassigned`],
      unanswered: ['/v1/mentions/stats?answered=false&sentiment=negative', '/v1/mentions/stats?answered=false&status=new,open&since=7d'],
    }
    const triaged = (await fetch(`${base}/v1/mentions?limit=50`, { headers: { authorization: `Bearer ${KEY}` } }).then((r) => r.json())) as { items: { id: string }[] }
    const writes = { perSecond: 10, mentionIds: triaged.items.map((m) => m.id) }
    // Inbox pages are kept until the workspace's mentions change (src/mentions/page-cache.ts): each inbox
    // scenario runs as kept pages, as pages built for every request, and the default page also while an agent
    // triages ten mentions a second (each change makes the next reads build afresh).
    const scenarios: { name: string; target: string; paths: string[]; opts?: LoadOptions }[] = [
      { name: 'inbox, default page (priority)', target: 'p95 ≤ 20 ms', paths: inboxPaths.default },
      { name: 'inbox, default page, while 10 mentions/s are triaged', target: 'p95 ≤ 20 ms', paths: inboxPaths.default, opts: { writes } },
      { name: 'inbox, default page, built for every request', target: 'p95 ≤ 20 ms', paths: inboxPaths.default, opts: { fresh: true } },
      { name: 'inbox, filtered page', target: 'p95 ≤ 20 ms', paths: inboxPaths.filtered },
      { name: 'inbox, filtered page, built for every request', target: 'p95 ≤ 20 ms', paths: inboxPaths.filtered, opts: { fresh: true } },
      { name: 'inbox, answered or not yet (answered=false / true), built for every request', target: 'p95 ≤ 20 ms', paths: inboxPaths.answered, opts: { fresh: true } },
      { name: 'full-text search', target: 'p95 ≤ 50 ms', paths: inboxPaths.search },
      { name: 'full-text search, built for every request', target: 'p95 ≤ 50 ms', paths: inboxPaths.search, opts: { fresh: true } },
      { name: 'inbox counts, by status / sentiment / source', target: '—', paths: counts.kept },
      { name: 'inbox counts, by status / sentiment / source, while 10 mentions/s are triaged', target: '—', paths: counts.kept, opts: { writes } },
      { name: 'inbox counts, other filters, while 10 mentions/s are triaged', target: '—', paths: counts.scanned, opts: { writes } },
      { name: 'inbox counts, not answered yet, while 10 mentions/s are triaged', target: '—', paths: counts.unanswered, opts: { writes } },
      { name: 'ticket detail', target: '—', paths: seeded.ticketIds.slice(0, 50).map((id) => `/v1/tickets/${id}`) },
      { name: 'open tickets like a mention (the inbox detail; 100 of 500 tickets read)', target: '—', paths: writes.mentionIds.map((id) => `/v1/mentions/${id}/similar-tickets`) },
      { name: 'issue report (500 tickets, last 30 days)', target: '≤ 200 ms', paths: ['/v1/reports/issues', '/v1/reports/issues?sort=trend', '/v1/reports/issues?format=csv'] },
      {
        name: 'mentions report (30 days by day; negative by week; 90 days by week)',
        target: '—',
        paths: ['/v1/reports/mentions', '/v1/reports/mentions?sentiment=negative&interval=week', '/v1/reports/mentions?since=90d&interval=week'],
      },
    ]

    const meters: Meters = { server: server.pid!, postmaster: await findPostmaster(sql) }
    // Anchor 1: the same server and load on a route with no database work.
    const floor = await load(base, ['/healthz'], false, meters)
    // Warm caches once so every scenario meets the same buffer state.
    for (const s of scenarios) for (const p of s.paths) await fetch(base + p, { headers: { authorization: `Bearer ${KEY}` } })
    const rows: string[] = []
    for (const s of scenarios) {
      // Anchor 2: the scenario's requests one at a time (no concurrency): the work itself.
      const single: number[] = []
      for (let i = 0; i < 20; i++) {
        const p = s.opts?.fresh ? freshPage({ path: s.paths[i % s.paths.length] }).path : s.paths[i % s.paths.length]
        const t0 = performance.now()
        const res = await fetch(base + p, { headers: { authorization: `Bearer ${KEY}` } })
        await res.arrayBuffer()
        single.push(performance.now() - t0)
      }
      single.sort((a, b) => a - b)
      const db: number[] = []
      for (let i = 0; i < 20; i++) {
        const t0 = performance.now()
        await call(s.paths[i % s.paths.length])
        db.push(performance.now() - t0)
      }
      db.sort((a, b) => a - b)
      const r = await load(base, s.paths, true, meters, s.opts)
      rows.push(`| ${s.name} | ${r.rps.toFixed(0)} | ${r.p50} | **${r.p95}** | ${r.p99} | ${pct(single, 50).toFixed(1)} | ${pct(db, 50).toFixed(1)} | ${r.cpuUs} | ${s.target} | ${r.non2xx} |`)
      log(`${s.name}: ${r.rps.toFixed(0)} req/s, p95 ${r.p95} ms (${r.n} requests, ${r.non2xx} not 2xx)`)
    }
    // Anchor 4: the default inbox page's bytes from memory, behind the same key check, under the same load.
    const page = await fetch(`${base}/v1/mentions?limit=50`, { headers: { authorization: `Bearer ${KEY}` } }).then((r) => r.text())
    const pageFile = path.join(await mkdtemp(path.join(os.tmpdir(), 'earshot-bench-page-')), 'page.json')
    await writeFile(pageFile, page)
    const bare = await startPageServer(pageFile)
    const bytes = await load(bare.base, ['/v1/mentions?limit=50'], true, { server: bare.child.pid! })
    bare.child.kill('SIGTERM')
    await rm(path.dirname(pageFile), { recursive: true, force: true })
    console.log(`\nmachine: ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, load average ${os.loadavg()[0].toFixed(1)}; ${total} mentions; ${CONNECTIONS} connections × ${SECONDS} s per row`)
    console.log(`anchor /healthz (same server, same load): ${floor.rps.toFixed(0)} req/s, p50 ${floor.p50} ms, p95 ${floor.p95} ms`)
    console.log(`anchor: the inbox page's ${(page.length / 1024).toFixed(0)} KB from memory (bare Hono, same key check, same load): ${bytes.rps.toFixed(0)} req/s, p50 ${bytes.p50} ms, p95 ${bytes.p95} ms, CPU µs/request ${bytes.cpuUs}\n`)
    console.log('| scenario | req/s | p50 ms | p95 ms | p99 ms | HTTP alone, p50 ms | domain call alone, p50 ms | CPU µs/request: server / PostgreSQL / load generator | target | errors |')
    console.log('|---|---|---|---|---|---|---|---|---|---|')
    for (const r of rows) console.log(r)
    await direct.end({ timeout: 5 })
  } finally {
    server?.kill('SIGTERM')
    await sql.end({ timeout: 5 })
    if (process.env.BENCH_KEEP_DB === undefined) {
      await stopPg?.()
      if (dir) await rm(dir, { recursive: true, force: true })
    } else if (dir) {
      await stopPg?.()
      console.log(`data kept in ${dir}`)
    }
  }
}

if (process.argv[2] === 'serve-page') await servePage(process.argv[3])
else await main()
