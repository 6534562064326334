// npm run bench:ingest — mentions/second from connector output to committed
// rows through ingestMentions (normalize, hash, enrich, batched insert), next
// to a raw batched INSERT of the same rows into the same table, same run,
// the two interleaved run by run: once one poll at a time, once as many polls
// at a time as the scheduler runs by default (each its own source and
// transaction, raw runs likewise).
import { openBenchDatabase } from './database.ts'
import { findPostmaster, ownCpuMs, postgresCpuMs } from './process-cpu.ts'
import { appendFile } from 'node:fs/promises'
import os from 'node:os'
import { toMention } from '../connectors/hackernews/index.ts'
import { migrate } from '../src/db/migrate.ts'
import { createSql } from '../src/db/sql.ts'
import type { Deps } from '../src/deps.ts'
import { silentLogger } from '../src/logger.ts'
import { enrich } from '../src/enrich/index.ts'
import { ingestMentions } from '../src/pipeline/ingest.ts'
import { DEFAULT_POLL_CONCURRENCY } from '../src/scheduler/tick.ts'
import type { MentionItem } from '../src/pipeline/mention-item.ts'
import { createWorkspace } from '../src/workspaces/workspaces.ts'

const TOTAL = Number(process.env.BENCH_MENTIONS ?? 100_000)
const LOAD_AT_START = os.loadavg()[0]
// A poll commits its items in one transaction; 5,000 is a run's item cap.
const RUN = 5000
const STATEMENT = 500

const PHRASES = [
  'The export keeps crashing when I open large projects, please fix this bug',
  'Love the new dashboard, it is so much faster than before!',
  'How do I change the billing email on my account?',
  'Pricing went up again and I am thinking about cancelling my subscription',
  'Would be great to have a dark mode and keyboard shortcuts',
  'Sync is stuck at 99% since yesterday &amp; support is not answering',
  "Honestly the best tool we've used for <b>customer feedback</b>",
  'Le support a répondu très vite, merci beaucoup',
  'Die App stürzt beim Start ab, seit dem letzten Update',
]

/** Hacker News hits run through the real connector mapper: what a poll hands the pipeline. */
function connectorOutput(n: number, prefix: string): MentionItem[] {
  const base = Date.parse('2026-03-01T00:00:00Z') / 1000
  return Array.from({ length: n }, (_, i) =>
    toMention({
      objectID: `${prefix}${i}`,
      created_at_i: base + i,
      author: `user_${i % 5000}`,
      title: i % 3 === 0 ? `Ask HN: ${PHRASES[i % PHRASES.length].slice(0, 40)}?` : null,
      url: null,
      story_text: i % 3 === 0 ? `<p>${PHRASES[i % PHRASES.length]}</p><p>Item ${i}, version ${i % 17}.</p>` : null,
      comment_text: i % 3 === 0 ? null : `${PHRASES[(i * 7) % PHRASES.length]}. <i>Context ${i}</i> &quot;reply&quot;`,
      story_title: null,
      story_id: null,
      points: i % 50,
      num_comments: i % 9,
      _tags: [i % 3 === 0 ? 'story' : 'comment'],
    }),
  )
}

async function main() {
  const db = await openBenchDatabase()
  const url = db.url
  const sql = createSql(url, { max: DEFAULT_POLL_CONCURRENCY + 1 })
  try {
    await migrate(sql)
    const deps: Deps = { sql, config: { version: 'bench', allowPrivateUrls: false }, logger: silentLogger, clock: () => new Date() }
    // Each phase gets its own workspace: the same texts in one workspace would be grouped as
    // near-duplicates of the previous phase's rows, an extra UPDATE per row the other phase never paid.
    const source = async (name: string) => {
      const ws = await createWorkspace(deps, `bench ${name} ${crypto.randomUUID()}`)
      const [row] = await sql`INSERT INTO sources (workspace_id, kind, name) VALUES (${ws.id}, 'hackernews', ${name}) RETURNING id`
      return { sourceId: row.id as string, workspaceId: ws.id }
    }
    type Target = Awaited<ReturnType<typeof source>>

    const postmaster = await findPostmaster(sql)
    const tally = () => ({ ms: 0, nodeMs: 0, pgMs: 0 as number | undefined })
    type Tally = ReturnType<typeof tally>
    /** Adds the wall time of `work` and the CPU this process and PostgreSQL spent on it to `t`. */
    async function timed(t: Tally, work: () => Promise<unknown>) {
      const pg0 = postgresCpuMs(postmaster)
      const node0 = ownCpuMs()
      const started = performance.now()
      await work()
      t.ms += performance.now() - started
      t.nodeMs += ownCpuMs() - node0
      const pg1 = postgresCpuMs(postmaster)
      t.pgMs = t.pgMs === undefined || pg0 === undefined || pg1 === undefined ? undefined : t.pgMs + pg1 - pg0
    }
    const cpuPerRow = (t: Tally) =>
      `Node ${Math.round((t.nodeMs * 1000) / TOTAL)} µs${t.pgMs === undefined ? '' : `, PostgreSQL ${Math.round((t.pgMs * 1000) / TOTAL)} µs`}`

    const items = connectorOutput(TOTAL, 'hn')
    const warm = connectorOutput(2000, 'warm')

    // Raw anchor: the same rows, precomputed column values, the same batched INSERT … ON CONFLICT.
    const rawRows = ({ sourceId, workspaceId }: Target, list: MentionItem[]) =>
      list.map((m) => ({
        workspace_id: workspaceId, source_id: sourceId, external_id: m.externalId, kind: 'hackernews', platform: 'hackernews', url: m.url,
        author_handle: m.author.handle, author_name: null, author_profile_url: m.author.profileUrl ?? null, author_followers: null,
        title: m.title ?? null, body: m.text, lang: 'und', lang_confidence: 0, published_at: m.publishedAt, rating: null,
        engagement: sql.json(m.engagement), raw: sql.json(m.raw as never), content_hash: '0000000000000000', sentiment_label: 'neutral',
        sentiment_score: 0, sentiment_confidence: 0, intents: sql.json([]), spam_score: 0, pii: sql.json([]), priority: 0,
        priority_components: sql.json({}), explanation: sql.json({}), enrich_version: 0,
      }))
    /** One run of the anchor: its rows in one transaction, INSERTs of STATEMENT rows. */
    const rawRun = (rows: ReturnType<typeof rawRows>) =>
      sql.begin(async (tx) => {
        for (let j = 0; j < rows.length; j += STATEMENT) {
          await tx`INSERT INTO mentions ${tx(rows.slice(j, j + STATEMENT))} ON CONFLICT (source_id, external_id) DO NOTHING RETURNING id`
        }
      })
    /** One run of the real path: a poll's items through ingestMentions in one transaction. */
    async function pipelineRun({ sourceId, workspaceId }: Target, list: MentionItem[]) {
      const { inserted } = await sql.begin((tx) => ingestMentions(deps, tx, workspaceId, { id: sourceId, kind: 'hackernews' }, list))
      if (inserted !== list.length) throw new Error(`expected ${list.length} inserted, got ${inserted}`)
    }
    // Both paths store the same items run by run (`parallel` runs at once, on as many sources),
    // alternating which goes first, so each meets the same table size and the same background
    // work (autovacuum, checkpoints); run one after the other, the second path paid for the first one's rows.
    async function compare(list: MentionItem[], name: string, parallel: number) {
      const targets = async (path: string) => {
        const out: Target[] = []
        for (let k = 0; k < parallel; k++) out.push(await source(`${name} ${path} ${k}`))
        return out
      }
      const rawTargets = await targets('raw')
      const pipeTargets = await targets('pipeline')
      const raw = tally()
      const pipe = tally()
      const group = RUN * parallel
      for (let i = 0; i < list.length; i += group) {
        const runs = Array.from({ length: parallel }, (_, k) => list.slice(i + k * RUN, i + (k + 1) * RUN)).filter((r) => r.length > 0)
        const rows = runs.map((r, k) => rawRows(rawTargets[k], r))
        const rawPhase = () => timed(raw, () => Promise.all(rows.map(rawRun)))
        const pipePhase = () => timed(pipe, () => Promise.all(runs.map((r, k) => pipelineRun(pipeTargets[k], r))))
        if ((i / group) % 2 === 0) {
          await rawPhase()
          await pipePhase()
        } else {
          await pipePhase()
          await rawPhase()
        }
      }
      return { raw, pipe }
    }
    const rates = ({ raw, pipe }: Awaited<ReturnType<typeof compare>>) => {
      const rawRate = TOTAL / (raw.ms / 1000)
      const pipeRate = TOTAL / (pipe.ms / 1000)
      return [
        `  raw batched INSERT (anchor):        ${Math.round(rawRate).toLocaleString('en-US')} rows/s (${(raw.ms / 1000).toFixed(2)} s; CPU per row: ${cpuPerRow(raw)})`,
        `  ingestMentions (normalize+enrich):  ${Math.round(pipeRate).toLocaleString('en-US')} mentions/s (${(pipe.ms / 1000).toFixed(2)} s; CPU per row: ${cpuPerRow(pipe)})`,
        `  ratio: ${((pipeRate / rawRate) * 100).toFixed(1)}% of raw (target ≥ 45%, ≥ 10,000/s)`,
      ]
    }

    await compare(warm, 'warm', 1)
    // Where the time goes: the enrichment stage alone, in process, over the same items.
    const enrichStarted = performance.now()
    for (const m of items) enrich({ text: m.text, title: m.title, kind: 'hackernews', engagement: m.engagement, publishedAt: m.publishedAt }, { redactPii: true })
    const enrichMs = performance.now() - enrichStarted
    const serial = await compare(items, 'serial', 1)
    const concurrent = await compare(items, 'concurrent', DEFAULT_POLL_CONCURRENCY)
    const [{ version }] = await sql`SELECT current_setting('server_version') AS version`
    const lines = [
      `mentions: ${TOTAL}, one transaction per ${RUN} (a run), INSERTs of ${STATEMENT} rows, PostgreSQL ${version}, load average at start ${LOAD_AT_START.toFixed(1)}`,
      'one poll at a time:',
      ...rates(serial),
      `${DEFAULT_POLL_CONCURRENCY} polls at a time (the scheduler's default concurrency, each its own source and transaction):`,
      ...rates(concurrent),
      `enrich() alone, in process:          ${Math.round(TOTAL / (enrichMs / 1000)).toLocaleString('en-US')} mentions/s (${(enrichMs / 1000).toFixed(2)} s)`,
    ]
    console.log(lines.join('\n'))
    if (process.argv.includes('--record')) {
      const command = `${TOTAL === 100_000 ? '' : `BENCH_MENTIONS=${TOTAL} `}npm run bench:ingest -- --record`
      await appendFile(
        new URL('../BENCHMARKS.md', import.meta.url),
        `\n## Ingestion (${new Date().toISOString().slice(0, 10)})\n\nCommand: \`${command}\` (${os.cpus().length} cores, ${process.env.DATABASE_URL ? 'DATABASE_URL' : 'embedded'} PostgreSQL).\n\n\`\`\`\n${lines.join('\n')}\n\`\`\`\n`,
      )
    }
  } finally {
    await sql.end({ timeout: 5 })
    await db.close()
  }
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
