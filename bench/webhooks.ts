// npm run bench:webhooks — what E's parts cost and deliver, each next to its
// anchor measured in the same run:
//  1. ingestMentions into a workspace with a webhook on mention.created and
//     three match alerts, vs. the same ingestion into a workspace with none;
//  2. outbox dispatch to a local HTTP receiver (signed, logged deliveries/s),
//     vs. bare unsigned POSTs of the same bodies to the same receiver.
import { openBenchDatabase } from './database.ts'
import http from 'node:http'
import type { AddressInfo } from 'node:net'

import os from 'node:os'
import { toMention } from '../connectors/hackernews/index.ts'
import { migrate } from '../src/db/migrate.ts'
import { createSql } from '../src/db/sql.ts'
import type { Deps } from '../src/deps.ts'
import { silentLogger } from '../src/logger.ts'
import { ingestMentions } from '../src/pipeline/ingest.ts'
import type { MentionItem } from '../src/pipeline/mention-item.ts'
import { dispatchDueDeliveries } from '../src/webhooks/dispatch.ts'
import { createWorkspace } from '../src/workspaces/workspaces.ts'

const TOTAL = Number(process.env.BENCH_MENTIONS ?? 20_000)
const RUN = 5000
const HOOKS = 10
// The dispatcher's concurrency per host: every webhook here points at one local receiver.
const PER_HOST = 4

const PHRASES = [
  'The export keeps crashing when I open large projects, please fix this bug',
  'Love the new dashboard, it is so much faster than before!',
  'Pricing went up again and I am thinking about cancelling my subscription',
  'Would be great to have a dark mode and keyboard shortcuts',
]

function items(n: number, prefix: string): MentionItem[] {
  const base = Math.floor(Date.now() / 1000) - n
  return Array.from({ length: n }, (_, i) =>
    toMention({
      objectID: `${prefix}${i}`, created_at_i: base + i, author: `user_${i % 5000}`, title: null, url: null, story_text: null,
      comment_text: `${PHRASES[i % PHRASES.length]} (${prefix} ${i})`, story_title: null, story_id: null, points: i % 50, num_comments: i % 9,
      _tags: ['comment'],
    }),
  )
}

async function main() {
  const db = await openBenchDatabase()
  const url = db.url
  const sql = createSql(url, { max: 8 })
  let received = 0
  const receiver = http.createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      received++
      res.end('ok')
    })
  })
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r))
  const target = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`
  try {
    await migrate(sql)
    const deps: Deps = { sql, config: { version: 'bench', allowPrivateUrls: true }, logger: silentLogger, clock: () => new Date() }
    const workspace = async (name: string) => {
      const ws = await createWorkspace(deps, `bench ${name} ${crypto.randomUUID()}`)
      const [row] = await sql`INSERT INTO sources (workspace_id, kind, name) VALUES (${ws.id}, 'hackernews', ${name}) RETURNING id`
      return { workspaceId: ws.id, source: { id: row.id as string, kind: 'hackernews' } }
    }
    const ingest = async (w: Awaited<ReturnType<typeof workspace>>, list: MentionItem[]) => {
      const started = performance.now()
      for (let i = 0; i < list.length; i += RUN) await sql.begin((tx) => ingestMentions(deps, tx, w.workspaceId, w.source, list.slice(i, i + RUN)))
      return list.length / ((performance.now() - started) / 1000)
    }

    const plain = await workspace('plain')
    const hooked = await workspace('hooked')
    const hookIds: string[] = []
    for (let h = 0; h < HOOKS; h++) {
      const [row] = await sql`
        INSERT INTO webhooks (workspace_id, url, events, format, secret)
        VALUES (${hooked.workspaceId}, ${target}, ${h === 0 ? ['mention.created'] : ['alert.fired']}, 'json', ${`whsec_${btoa('k'.repeat(32))}`}) RETURNING id`
      hookIds.push(row.id)
    }
    for (const filter of [{ q: 'crash' }, { intent: ['churn_risk'] }, { minPriority: 0.95 }]) {
      await sql`INSERT INTO alerts (workspace_id, name, kind, filter, cooldown, "window", min_count, sensitivity)
                VALUES (${hooked.workspaceId}, 'bench', 'match', ${sql.json(filter)}, '1h', '1h', 5, 3)`
    }
    const anchorRate = await ingest(plain, items(TOTAL, 'p'))
    const hookedRate = await ingest(hooked, items(TOTAL, 'h'))

    // Spread the queued mention.created deliveries over HOOKS webhooks: one webhook is sequential by design.
    await sql`
      UPDATE webhook_deliveries d SET webhook_id = (${hookIds}::uuid[])[1 + (s.n % ${HOOKS})]
      FROM (SELECT id, row_number() OVER (ORDER BY seq) AS n FROM webhook_deliveries) s WHERE s.id = d.id`
    const [{ queued }] = await sql<{ queued: number }[]>`SELECT count(*)::int AS queued FROM webhook_deliveries WHERE status = 'pending'`
    const bodies = await sql<{ body: string }[]>`SELECT body FROM webhook_deliveries LIMIT 2000`
    let started = performance.now()
    for (;;) if ((await dispatchDueDeliveries(deps)).attempted === 0) break
    const dispatchRate = queued / ((performance.now() - started) / 1000)
    const [{ delivered }] = await sql<{ delivered: number }[]>`SELECT count(*)::int AS delivered FROM webhook_deliveries WHERE status = 'delivered'`

    // Anchor: the same bodies POSTed 4 at a time (the dispatcher's per-host limit; the receiver is one host), no signing, outbox or log.
    started = performance.now()
    let next = 0
    await Promise.all(Array.from({ length: PER_HOST }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++].body
        await (await fetch(target, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).text()
      }
    }))
    const bareRate = bodies.length / ((performance.now() - started) / 1000)

    console.log(`ingest, no webhooks or alerts (anchor):        ${anchorRate.toFixed(0)} mentions/s`)
    console.log(`ingest, mention.created webhook + 3 match alerts: ${hookedRate.toFixed(0)} mentions/s (${((hookedRate / anchorRate) * 100).toFixed(0)}% of anchor)`)
    console.log(`dispatch, ${HOOKS} webhooks, ${queued} signed deliveries: ${dispatchRate.toFixed(0)} deliveries/s (${delivered} delivered, receiver saw ${received})`)
    console.log(`bare POSTs of the same bodies, ${PER_HOST} at a time (anchor): ${bareRate.toFixed(0)} requests/s; dispatch is ${((dispatchRate / bareRate) * 100).toFixed(0)}% of it`)
    console.log(`machine: ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(2)}`)
  } finally {
    receiver.close()
    await sql.end({ timeout: 5 })
    await db.close()
  }
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
