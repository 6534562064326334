// npm run bench:web — server time of the /app inbox page (the full HTML render:
// list, counts, sources, saved views) on the 1M-mention triage data set, one
// request at a time through app.request (no network, so the number is the
// server's own time). Anchor measured in the same run: each page's own
// listMentions query alone — the database work the page cannot avoid. Target:
// first page ≤ 100 ms. DATABASE_URL reuses a seeded database across runs.
import { openBenchDatabase } from './database.ts'

import { createApp } from '../src/app.ts'
import { migrate } from '../src/db/migrate.ts'
import { createSql } from '../src/db/sql.ts'
import type { Deps } from '../src/deps.ts'
import { silentLogger } from '../src/logger.ts'
import { listMentions } from '../src/mentions/list.ts'
import { parseInboxQuery } from '../src/web/inbox-filter.ts'
import { bootstrapWorkspaces, findWorkspaceByName } from '../src/workspaces/workspaces.ts'
import { DEFAULT_COUNTS, seedApiData } from './seed-api.ts'

const MENTIONS = Number(process.env.BENCH_MENTIONS ?? DEFAULT_COUNTS.mentions)
const RUNS = Number(process.env.BENCH_RUNS ?? 40)
const KEY = 'esk_bench_web_admin_key_0123456789abcdef'

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
const fmt = (ms: number) => ms.toFixed(1).padStart(7)

async function time(runs: number, fn: () => Promise<unknown>) {
  for (let i = 0; i < 3; i++) await fn()
  const times: number[] = []
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now()
    await fn()
    times.push(performance.now() - t0)
  }
  times.sort((a, b) => a - b)
  return { p50: pct(times, 50), p95: pct(times, 95) }
}

async function main() {
  const db = await openBenchDatabase()
  const url = db.url
  const sql = createSql(url, { max: 8 })
  const log = (m: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${m}`)
  try {
    await migrate(sql)
    const deps: Deps = { sql, config: { version: 'bench', allowPrivateUrls: false }, logger: silentLogger, clock: () => new Date() }
    await bootstrapWorkspaces(deps, KEY)
    const ws = (await findWorkspaceByName(deps, 'default'))!
    const [{ n }] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM mentions WHERE workspace_id = ${ws.id}`
    if (n === 0) {
      const t0 = performance.now()
      await seedApiData(sql, ws.id, { ...DEFAULT_COUNTS, mentions: MENTIONS }, log)
      log(`seeded in ${((performance.now() - t0) / 1000).toFixed(0)} s`)
    }
    await sql`ANALYZE`
    const [{ total }] = await sql<{ total: number }[]>`SELECT count(*)::int AS total FROM mentions WHERE workspace_id = ${ws.id}`
    const [anyMention] = await sql<{ id: string }[]>`SELECT id FROM mentions WHERE workspace_id = ${ws.id} ORDER BY priority DESC LIMIT 1`
    log(`${total} mentions`)

    const app = createApp(deps)
    const form = await app.request('/app/sign-in')
    const pre = /earshot_signin=([^;]+)/.exec(form.headers.get('set-cookie') ?? '')![1]
    const token = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1]
    const signedIn = await app.request('http://localhost/app/sign-in', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `earshot_signin=${pre}`, host: 'localhost' },
      body: new URLSearchParams({ _csrf: token, key: KEY }),
    })
    const cookie = `earshot_session=${/earshot_session=([^;]+)/.exec(signedIn.headers.get('set-cookie') ?? '')![1]}`
    const page = (p: string) => async () => {
      const res = await app.request(p, { headers: { cookie } })
      if (res.status !== 200) throw new Error(`${p} → ${res.status}`)
      await res.text()
    }

    const scenarios: [string, string][] = [
      ['inbox, first page (default filter)', '/app/inbox'],
      ['inbox, first page + detail pane', `/app/inbox?m=${anyMention.id}`],
      ['inbox, filtered (negative, newest)', '/app/inbox?sentiment=negative&sort=newest'],
      ['inbox, search "export crash"', '/app/inbox?q=export%20crash'],
    ]
    console.log(`\nweb inbox, ${total} mentions, ${RUNS} sequential requests each (server time, ms)`)
    console.log(`${'scenario'.padEnd(40)} page p50  page p95 | anchor: listMentions alone p50  p95`)
    for (const [name, p] of scenarios) {
      // The anchor is the same page's list query, parsed from the same URL the page gets.
      const q = parseInboxQuery(Object.fromEntries(new URL(p, 'http://x').searchParams))
      const anchor = await time(RUNS, () => listMentions(deps, ws.id, { filter: q.filter, sort: q.sort, limit: 50 }))
      const r = await time(RUNS, page(p))
      console.log(`${name.padEnd(40)}${fmt(r.p50)}   ${fmt(r.p95)} |                        ${fmt(anchor.p50)} ${fmt(anchor.p95)}`)
    }
  } finally {
    await sql.end({ timeout: 5 })
    await db.close()
  }
}

await main()
