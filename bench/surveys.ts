// npm run bench:surveys — durable responses/s and latency of POST /s/:key/responses
// under 64 concurrent clients, next to a bare Hono JSON POST handler in the same run,
// the two taking turns for BENCH_ROUNDS rounds of BENCH_SECONDS each.
// Each server runs in its own process so the load generator doesn't share its event
// loop. Uses DATABASE_URL when set, else an embedded PostgreSQL in a temp dir.
import { openBenchDatabase } from './database.ts'
import { findPostmaster, postgresCpuMs } from './process-cpu.ts'
import { fork, type ChildProcess } from 'node:child_process'
import { createRequire } from 'node:module'
import os from 'node:os'
import { fileURLToPath } from 'node:url'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { createApp } from '../src/app.ts'
import { migrate } from '../src/db/migrate.ts'
import { createSql } from '../src/db/sql.ts'
import type { Deps } from '../src/deps.ts'
import { silentLogger } from '../src/logger.ts'
import { createSurvey } from '../src/surveys/surveys.ts'
import { NewSurvey } from '../src/surveys/schemas.ts'
import { bootstrapWorkspaces, findWorkspaceByName } from '../src/workspaces/workspaces.ts'

const CONNECTIONS = 64
const DURATION_S = Number(process.env.BENCH_SECONDS ?? 10)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const ORIGIN = 'https://shop.bench.test'
const COMMENTS = ['Great support, quick answers', 'The export keeps crashing on large files', 'Too expensive for what it does', 'Love the new dashboard']

type Mode = 'bare' | 'surveys'
interface Ready {
  port: number
  publicKey?: string
}

/** Child: serve one of the two apps on a free port and report it. */
async function serveMode(mode: Mode, dbUrl: string) {
  let fetch: (req: Request, env?: unknown) => Response | Promise<Response>
  let publicKey: string | undefined
  if (mode === 'bare') {
    // The anchor: parse JSON, answer 201 with an id. No validation, no database.
    fetch = new Hono().post('/s/:key/responses', async (c) => c.json({ id: crypto.randomUUID(), score: (await c.req.json()).score }, 201)).fetch
  } else {
    const sql = createSql(dbUrl, { max: 10 })
    const deps: Deps = {
      sql,
      config: { version: 'bench', allowPrivateUrls: false },
      logger: silentLogger,
      clock: () => new Date(),
      // The bench plays many visitors behind one trusted proxy: each request carries its own client IP.
      clientIp: (c) => c.req.header('x-forwarded-for'),
    }
    await bootstrapWorkspaces(deps, 'esk_bench_admin_key_0123456789')
    const ws = (await findWorkspaceByName(deps, 'default'))!
    const survey = await createSurvey(deps, ws.id, NewSurvey.parse({ kind: 'nps', question: 'How likely are you to recommend us?', allowedOrigins: [ORIGIN] }))
    publicKey = survey.publicKey
    fetch = createApp(deps).fetch
  }
  const server = serve({ fetch, hostname: '127.0.0.1', port: 0 }, (info) => process.send!({ port: info.port, publicKey } satisfies Ready))
  // CPU time spent serving the load, so the cost per request can be read even on a busy machine.
  let base = process.cpuUsage()
  process.on('message', (m) => {
    if (m === 'start') base = process.cpuUsage()
    if (m === 'cpu') {
      const used = process.cpuUsage(base)
      process.send!({ cpuMs: (used.user + used.system) / 1000 })
    }
  })
  process.on('SIGTERM', () => server.close(() => process.exit(0)))
}

function startChild(mode: Mode, dbUrl: string): Promise<{ child: ChildProcess; ready: Ready }> {
  // Both servers get the young generation `npm start` gives the service.
  const execArgv = ['--import', 'tsx', '--max-semi-space-size=64', ...(process.env.BENCH_PROF ? ['--cpu-prof', '--cpu-prof-dir=/tmp/d/prof'] : [])]
  const child = fork(fileURLToPath(import.meta.url), ['serve', mode, dbUrl], { execArgv, stdio: 'inherit' })
  return new Promise((resolve, reject) => {
    child.once('message', (ready) => resolve({ child, ready: ready as Ready }))
    child.once('exit', (code) => reject(new Error(`${mode} server exited with ${code}`)))
  })
}

// autocannon ships no types; these are the parts used here.
interface LoadResult {
  '2xx': number
  non2xx: number
  errors: number
  timeouts: number
  latency: { p50: number; p99: number }
}
interface LoadRequest {
  method: string
  path: string
  setupRequest: (req: Record<string, unknown>) => Record<string, unknown>
}
const runLoad = createRequire(import.meta.url)('autocannon') as (opts: { url: string; connections: number; duration: number; requests: LoadRequest[] }) => Promise<LoadResult>

interface Run {
  label: string
  ok: number
  rps: number
  p50: number
  p99: number
  other: number
  errors: number
  /** Server process CPU per successful response. */
  cpuUsPerOk?: number
  /** PostgreSQL's CPU (all its processes) per successful response, when it runs on this machine. */
  pgUsPerOk?: number
  /** The load generator's own CPU (this process) per successful response: it shares the cores. */
  loadUsPerOk?: number
}

/** `commentEvery`: one request in this many carries a comment (0 = none). */
async function load(label: string, port: number, publicKey: string, commentEvery: number): Promise<Run> {
  let n = 0
  const result = await runLoad({
    url: `http://127.0.0.1:${port}`,
    connections: CONNECTIONS,
    duration: DURATION_S,
    requests: [
      {
        method: 'POST',
        path: `/s/${publicKey}/responses`,
        setupRequest: (req) => {
          n++
          const body: Record<string, unknown> = { score: n % 11 }
          if (commentEvery && n % commentEvery === 0) body.comment = COMMENTS[(n / commentEvery) % COMMENTS.length]
          return {
            ...req,
            headers: { 'content-type': 'application/json', origin: ORIGIN, 'x-forwarded-for': `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}` },
            body: JSON.stringify(body),
          }
        },
      },
    ],
  })
  const ok = result['2xx']
  return { label, ok, rps: ok / DURATION_S, p50: result.latency.p50, p99: result.latency.p99, other: result.non2xx, errors: result.errors + result.timeouts }
}

/** What one load runs against: the anchor, or the survey endpoint without or with comments. */
const LOADS: { label: string; mode: Mode; commentEvery: number }[] = [
  { label: 'bare Hono JSON POST', mode: 'bare', commentEvery: 0 },
  // Most respondents give a score only; one comment in four is enriched.
  { label: 'POST /s/:key/responses, score only', mode: 'surveys', commentEvery: 0 },
  { label: 'POST /s/:key/responses, 1 in 4 with a comment', mode: 'surveys', commentEvery: 4 },
]

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

async function main() {
  const loadAtStart = os.loadavg()
  const db = await openBenchDatabase()
  const dbUrl = db.url
  const sql = createSql(dbUrl, { max: 1 })
  await migrate(sql)
  const settings = await sql`SELECT name, setting FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'server_version')`
  const postmaster = await findPostmaster(sql)
  const runs: (Run & { round: number })[] = []
  // Both servers stay up (an idle one costs nothing) and the loads take turns, round after round: on a shared machine
  // the speed of the moment moves both sides of a round alike, and each round gives its own share of the anchor.
  const servers = { bare: await startChild('bare', dbUrl), surveys: await startChild('surveys', dbUrl) }
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      for (const { label, mode, commentEvery } of LOADS) {
        const { child, ready } = servers[mode]
        console.error(`round ${round}: ${label}, ${DURATION_S} s…`)
        const before = (await sql`SELECT count(*)::int AS n FROM survey_responses`)[0].n
        child.send('start')
        const pgBefore = postgresCpuMs(postmaster)
        const loadBefore = process.cpuUsage()
        const run = await load(label, ready.port, ready.publicKey ?? servers.surveys.ready.publicKey!, commentEvery)
        const loadUsed = process.cpuUsage(loadBefore)
        const pgAfter = postgresCpuMs(postmaster)
        run.loadUsPerOk = (loadUsed.user + loadUsed.system) / run.ok
        child.send('cpu')
        run.cpuUsPerOk = (1000 * ((await new Promise((r) => child.once('message', r))) as { cpuMs: number }).cpuMs) / run.ok
        if (mode === 'surveys' && pgBefore !== undefined && pgAfter !== undefined) run.pgUsPerOk = (1000 * (pgAfter - pgBefore)) / run.ok
        runs.push({ ...run, round })
        // Requests still in flight when the clock stops may commit without being counted, never the reverse.
        const stored = (await sql`SELECT count(*)::int AS n FROM survey_responses`)[0].n - before
        if (mode === 'surveys' && stored < run.ok) throw new Error(`${run.ok} responses answered 201 but only ${stored} rows are stored`)
      }
    }
  } finally {
    for (const { child } of Object.values(servers)) {
      child.kill('SIGTERM')
      await new Promise((r) => child.once('exit', r))
    }
    await sql.end()
    await db.close()
  }
  console.log(`\n${os.cpus().length} cores (${os.cpus()[0].model}), node ${process.version}, PostgreSQL ${settings.map((s) => `${s.name}=${s.setting}`).join(' ')}`)
  console.log(`${CONNECTIONS} connections, ${DURATION_S} s a load, ${ROUNDS} rounds of the three loads in turn\n`)
  const loads = (l: number[]) => l.map((x) => x.toFixed(1)).join(' ')
  console.log(`load average at the start: ${loads(loadAtStart)}, at the end: ${loads(os.loadavg())}\n`)
  console.log('| round | endpoint | 2xx/s | % of the round\'s bare | p50 ms | p99 ms | non-2xx | errors | server CPU µs/response | PostgreSQL CPU µs/response | load generator CPU µs/response |')
  console.log('|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|')
  const us = (v: number | undefined) => (v === undefined ? '–' : String(Math.round(v)))
  const bareOf = (round: number) => runs.find((r) => r.round === round && r.label === LOADS[0].label)!.rps
  for (const r of runs) {
    const share = r.label === LOADS[0].label ? '' : `${((100 * r.rps) / bareOf(r.round)).toFixed(0)}%`
    console.log(`| ${r.round} | ${r.label} | ${Math.round(r.rps)} | ${share} | ${r.p50} | ${r.p99} | ${r.other} | ${r.errors} | ${us(r.cpuUsPerOk)} | ${us(r.pgUsPerOk)} | ${us(r.loadUsPerOk)} |`)
  }
  console.log('\nMedians over the rounds:\n')
  console.log('| endpoint | 2xx/s | % of bare (range) | p99 ms | server CPU µs/response |')
  console.log('|---|---:|---:|---:|---:|')
  for (const { label } of LOADS) {
    const mine = runs.filter((r) => r.label === label)
    const shares = mine.map((r) => (100 * r.rps) / bareOf(r.round))
    const share = label === LOADS[0].label ? '' : `${median(shares).toFixed(0)}% (${Math.min(...shares).toFixed(0)}–${Math.max(...shares).toFixed(0)}%)`
    console.log(`| ${label} | ${Math.round(median(mine.map((r) => r.rps)))} | ${share} | ${median(mine.map((r) => r.p99))} | ${us(median(mine.map((r) => r.cpuUsPerOk ?? 0)))} |`)
  }
  const answered = runs.filter((r) => r.label !== LOADS[0].label).reduce((a, r) => a + r.ok, 0)
  console.log(`\n${answered} survey responses answered 201, each a stored row.`)
}

if (process.argv[2] === 'serve') await serveMode(process.argv[3] as Mode, process.argv[4])
else await main()
