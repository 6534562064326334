// Seeds the triage benchmark data set inside PostgreSQL (INSERT … SELECT over
// generate_series, so 1M rows take minutes, not hours): 20 sources, 50k
// customers with identities, N mentions of product-feedback text (mostly
// English, some German/Spanish/French, ~2% syndicated near-duplicates), 500
// tickets with links, replies to one mention in twenty. Deterministic: setseed() fixes every random() call.
import { migrate } from '../src/db/migrate.ts'
import type { Sql } from '../src/db/sql.ts'
import { silentLogger } from '../src/logger.ts'
import { bootstrapWorkspaces, findWorkspaceByName } from '../src/workspaces/workspaces.ts'

export interface SeedCounts {
  mentions: number
  customers: number
  sources: number
  tickets: number
}

export const DEFAULT_COUNTS: SeedCounts = { mentions: 1_000_000, customers: 50_000, sources: 20, tickets: 500 }

const KINDS = ['reddit', 'hackernews', 'mastodon', 'bluesky', 'appstore', 'rss', 'github', 'stackexchange']

const OPENERS = ['Honestly,', 'Ugh,', 'Quick question:', 'PSA:', 'Hey team,', 'Not sure if it is just me but', 'Since the last update', 'Day three and', 'FYI', 'Wow,', 'Heads up:', 'So', 'Again?', 'Update:', 'Small thing, but', 'As a paying customer,', 'Love this app but', 'Been using it for years and', 'Our whole team noticed', 'Fresh install and']
const FEATURES = ['the export', 'CSV export', 'the import wizard', 'sync', 'login', 'the dashboard', 'search', 'notifications', 'the billing page', 'the mobile app', 'the API', 'calendar integration', 'reports', 'dark mode', 'the Slack integration', 'onboarding', 'permissions', 'two-factor auth', 'the desktop client', 'file upload', 'the editor', 'offline mode', 'password reset', 'the invoice PDF', 'team invites', 'the Android widget', 'the iOS share sheet', 'keyboard shortcuts', 'the timeline view', 'custom fields', 'webhooks', 'the Zapier integration', 'SSO', 'the audit log', 'email digests', 'the pricing page', 'tags', 'attachments', 'comments', 'the browser extension']
const PROBLEMS = ['keeps crashing', 'crashes on startup', 'crashed twice today', 'is really slow', 'takes forever to load', 'is broken since the update', 'shows an empty page', 'logs me out randomly', 'fails with error 500', 'times out', 'lost my data', 'is confusing', 'is missing', 'should support more formats', 'works great', 'is amazing', 'is so much faster now', 'finally works', 'is overpriced', 'got more expensive again', 'does not work on Android', 'does not work on Safari', 'duplicates every entry', 'sends way too many emails', 'is stuck at 99%', 'freezes the whole app', 'needs a dark theme', 'would be perfect with an undo button', 'is exactly what we needed', 'is unusable for big teams']
const TAILS = ['Please fix this.', 'Thinking about cancelling our subscription.', 'Thanks team!', 'Any workaround?', 'Is this a known issue?', 'Five stars.', 'One star until this is fixed.', 'Support has not answered in a week.', 'Great job on the release.', 'Would pay more for this.', 'We are evaluating alternatives.', 'Happens on version 4.2.', 'Tried reinstalling, no luck.', 'Screenshots attached.', 'Anyone else?', 'Keep it up!', 'This is blocking our launch.', 'Our CFO is not happy.', 'Cheers.', 'Please add it to the roadmap.']
const FOREIGN = [
  ['de', 'Die App stürzt beim Export ständig ab, sehr ärgerlich'], ['de', 'Synchronisierung ist seit dem Update extrem langsam'], ['de', 'Tolles Dashboard, vielen Dank an das Team'],
  ['es', 'La aplicación se cierra cada vez que exporto un informe'], ['es', 'El inicio de sesión falla desde ayer'], ['es', 'Me encanta la nueva versión, muy rápida'],
  ['fr', "L'export ne fonctionne plus depuis la mise à jour"], ['fr', 'Le support a répondu très vite, merci beaucoup'], ['fr', 'Trop cher pour ce que ça fait'],
]
const INTENTS = ['bug_report', 'feature_request', 'question', 'praise', 'complaint', 'pricing', 'churn_risk']

/** Seeds one workspace; returns its source ids and ticket ids for the benchmark's requests. */
export async function seedApiData(sql: Sql, workspaceId: string, counts: SeedCounts, log: (msg: string) => void) {
  await sql`SELECT setseed(0.42)`
  const sources = await sql<{ id: string }[]>`
    INSERT INTO sources (workspace_id, kind, name)
    SELECT ${workspaceId}, (${KINDS}::text[])[1 + (i % ${KINDS.length})], 'source ' || i FROM generate_series(1, ${counts.sources}) i
    ORDER BY i
    RETURNING id`
  const sourceIds = sources.map((s) => s.id)

  await sql`
    INSERT INTO customers (workspace_id, name, email, external_ref, company, plan, value)
    SELECT ${workspaceId}, 'Customer ' || i, 'user' || i || '@customer' || (i % 5000) || '.example', 'crm-' || i, 'Company ' || (i % 5000),
           (ARRAY['free', 'pro', 'business', 'enterprise'])[1 + (i % 4)], round((random() * 100000)::numeric, 0)
    FROM generate_series(1, ${counts.customers}) i`
  // Author n always posts on source n % 20, so customer n is known by that source's kind and handle.
  await sql`
    INSERT INTO customer_identities (workspace_id, customer_id, kind, value)
    SELECT ${workspaceId}, c.id, (${KINDS}::text[])[1 + ((n % ${counts.sources} + 1) % ${KINDS.length})], 'user' || n
    FROM (SELECT id, substr(external_ref, 5)::int AS n FROM customers WHERE workspace_id = ${workspaceId}) c`
  log(`customers: ${counts.customers}`)

  // A bulk load builds indexes once at the end instead of row by row, and
  // groups near-duplicates in one pass with the trigger's rule (first copy by
  // created_at, id): the table ends up as ingestion would have left it.
  const indexes = await sql<{ name: string; def: string }[]>`
    SELECT i.indexname AS name, i.indexdef AS def FROM pg_indexes i
    WHERE i.tablename = 'mentions' AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`
  for (const ix of indexes) await sql`DROP INDEX ${sql(ix.name)}`
  // Row and statement triggers that keep derived state (duplicates, inbox generation, counts) are off for the
  // load and their state is built once at the end: kept counts would copy every updated row of a bulk UPDATE.
  const derived = ['mentions_group_duplicates', 'mentions_inbox', 'mentions_count_inserts', 'mentions_count_updates']
  for (const trigger of derived) await sql`ALTER TABLE mentions DISABLE TRIGGER ${sql(trigger)}`
  const BATCH = 100_000
  for (let start = 0; start < counts.mentions; start += BATCH) {
    const end = Math.min(counts.mentions, start + BATCH) - 1
    await sql`
      INSERT INTO mentions (workspace_id, source_id, external_id, kind, platform, url, author_handle, author_name, author_followers, title, body, lang,
        published_at, engagement, content_hash, sentiment_label, sentiment_score, sentiment_confidence, intents, spam_score, priority, status, assignee, tags)
      SELECT ${workspaceId}, s.id, 'ext-' || i, s.kind, s.kind, 'https://example.com/p/' || i, 'user' || (i % 200000), 'User ' || (i % 200000),
        (random() * 5000)::int, CASE WHEN i % 7 = 0 THEN 'Question about ' || f ELSE NULL END, body, lang,
        now() - (random() * interval '180 days'), jsonb_build_object('likes', (random() * 100)::int), md5(body),
        sentiment, CASE sentiment WHEN 'negative' THEN -0.6 WHEN 'positive' THEN 0.7 ELSE 0 END, 0.8,
        jsonb_build_array(jsonb_build_object('label', (${INTENTS}::text[])[1 + (i % ${INTENTS.length})], 'score', 0.8)),
        CASE WHEN i % 50 = 0 THEN 0.9 ELSE 0.05 END, round(power(random(), 3)::numeric, 4)::real,
        (ARRAY['new', 'new', 'new', 'new', 'open', 'in_progress', 'resolved', 'resolved', 'ignored', 'spam'])[1 + (i % 10)],
        CASE WHEN i % 4 = 0 THEN (ARRAY['sam', 'kim', 'alex', 'jo'])[1 + (i % 16) / 4] END,
        CASE WHEN i % 9 = 0 THEN ARRAY['vip'] ELSE '{}' END
      FROM generate_series(${start}::int, ${end}::int) i
      CROSS JOIN LATERAL (SELECT (${sourceIds}::uuid[])[1 + (i % 200000) % ${sourceIds.length}] AS sid) pick
      JOIN sources s ON s.id = pick.sid
      CROSS JOIN LATERAL (
        SELECT (${FEATURES}::text[])[1 + floor(random() * ${FEATURES.length})::int] AS f,
               floor(random() * ${PROBLEMS.length})::int AS p, random() AS r, i AS ii
      ) x
      CROSS JOIN LATERAL (
        SELECT CASE WHEN i % 10 = 0 THEN (${FOREIGN.map((f) => f[1])}::text[])[1 + (i / 10) % ${FOREIGN.length}] || ' (#' || i || ')'
                    ELSE (${OPENERS}::text[])[1 + floor(x.r * ${OPENERS.length})::int] || ' ' || x.f || ' ' || (${PROBLEMS}::text[])[1 + x.p] || '. '
                         || (${TAILS}::text[])[1 + (i * 7) % ${TAILS.length}] || ' Ticket ' || i || '.' END AS body,
               CASE WHEN i % 10 = 0 THEN (${FOREIGN.map((f) => f[0])}::text[])[1 + (i / 10) % ${FOREIGN.length}] ELSE 'en' END AS lang,
               CASE WHEN x.p < 14 OR x.p BETWEEN 18 AND 27 THEN 'negative' WHEN x.p BETWEEN 14 AND 17 OR x.p >= 28 THEN 'positive' ELSE 'neutral' END AS sentiment
      ) t`
    log(`mentions: ${end + 1}`)
  }
  // Syndicated copies: ~2% reposted on another source with a link and a prefix.
  await sql`
    INSERT INTO mentions (workspace_id, source_id, external_id, kind, platform, url, author_handle, body, lang, published_at, content_hash,
      sentiment_label, intents, priority, status)
    SELECT m.workspace_id, s.id, 'copy-' || m.external_id, s.kind, s.kind, m.url || '?via=repost', 'reposter' || (row_number() OVER ()),
      'RT ' || m.body || ' https://t.co/x' || substr(md5(m.id::text), 1, 6), m.lang, m.published_at + interval '1 hour', md5(m.body || 'copy'),
      m.sentiment_label, m.intents, m.priority, 'new'
    FROM mentions m JOIN sources s ON s.id = (${sourceIds}::uuid[])[1 + (abs(hashtext(m.id::text)) % ${sourceIds.length})]
    WHERE m.workspace_id = ${workspaceId} AND m.external_id LIKE 'ext-%' AND right(m.external_id, 2) = '17'`
  await sql`
    UPDATE mentions m SET duplicate_of = g.leader
    FROM (SELECT id, first_value(id) OVER (PARTITION BY workspace_id, fingerprint ORDER BY created_at, id) AS leader
          FROM mentions WHERE fingerprint IS NOT NULL) g
    WHERE m.id = g.id AND g.leader <> m.id`
  await sql`SET maintenance_work_mem = '512MB'`
  // Definitions read back from pg_indexes above, not from any input.
  for (const ix of indexes) await sql.unsafe(ix.def)
  log(`indexes rebuilt: ${indexes.length}`)
  await sql`
    UPDATE mentions m SET customer_id = ci.customer_id, customer_match = ci.kind || ':' || ci.value
    FROM customer_identities ci
    WHERE m.workspace_id = ${workspaceId} AND ci.workspace_id = ${workspaceId} AND ci.kind = m.author_kind AND ci.value = m.author_key`
  await sql`
    INSERT INTO mention_counts (workspace_id, status, effective_sentiment, source_id, n)
    SELECT workspace_id, status, effective_sentiment, source_id, count(*) FROM mentions
    WHERE workspace_id = ${workspaceId} AND duplicate_of IS NULL GROUP BY 1, 2, 3, 4`
  for (const trigger of derived) await sql`ALTER TABLE mentions ENABLE TRIGGER ${sql(trigger)}`
  log('duplicates, customer links and counts')

  const tickets = await sql<{ id: string }[]>`
    INSERT INTO tickets (workspace_id, title, status, external_provider, external_key)
    SELECT ${workspaceId}, initcap(f) || ' ' || p || ' (#' || i || ')', (ARRAY['open', 'open', 'planned', 'in_progress', 'done', 'wont_fix'])[1 + (i % 6)],
      'github', 'acme/app#' || i
    FROM generate_series(1, ${counts.tickets}) i,
      LATERAL (SELECT (${FEATURES}::text[])[1 + (i % ${FEATURES.length})] AS f, (${PROBLEMS}::text[])[1 + (i % ${PROBLEMS.length})] AS p) x
    RETURNING id`
  // Evidence: ~100 mentions per ticket on average, skewed so a few tickets are big.
  await sql`
    INSERT INTO ticket_links (workspace_id, ticket_id, mention_id)
    SELECT DISTINCT ON (t, mid) ${workspaceId}, t, mid FROM (
      SELECT (${tickets.map((t) => t.id)}::uuid[])[1 + floor(power(random(), 2) * ${tickets.length})::int] AS t, m.id AS mid
      FROM mentions m WHERE m.workspace_id = ${workspaceId} AND random() < ${(counts.tickets * 100) / counts.mentions}
    ) x`
  log(`tickets: ${counts.tickets}`)
  // One mention in twenty answered at its source, within six hours.
  await sql`
    INSERT INTO mention_replies (workspace_id, mention_id, author, body, status, created_at, sent_at)
    SELECT ${workspaceId}, m.id, 'support', 'Thanks, we are on it.', 'sent', at, at
    FROM mentions m, LATERAL (SELECT m.published_at + random() * interval '6 hours' AS at) x
    WHERE m.workspace_id = ${workspaceId} AND m.duplicate_of IS NULL AND random() < 0.05`
  log('replies')
  await sql`VACUUM ANALYZE`
  return { sourceIds, ticketIds: tickets.map((t) => t.id) }
}

/**
 * The bench database, ready: migrated, the `default` workspace holding `adminKey`, and the data set seeded when the
 * workspace has no mentions yet (otherwise the seeded sources and tickets are read back).
 */
export async function openSeededWorkspace(sql: Sql, adminKey: string, counts: SeedCounts, log: (msg: string) => void) {
  await migrate(sql)
  const deps = { sql, config: { version: 'bench', allowPrivateUrls: false }, logger: silentLogger, clock: () => new Date() }
  await bootstrapWorkspaces(deps, adminKey)
  const ws = (await findWorkspaceByName(deps, 'default'))!
  const [{ n }] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM mentions WHERE workspace_id = ${ws.id}`
  if (n === 0) {
    const t0 = performance.now()
    const seeded = await seedApiData(sql, ws.id, counts, log)
    log(`seeded in ${((performance.now() - t0) / 1000).toFixed(0)} s`)
    return { deps, ws, seeded }
  }
  const sourceIds = (await sql<{ id: string }[]>`SELECT id FROM sources WHERE workspace_id = ${ws.id} ORDER BY name`).map((r) => r.id)
  const ticketIds = (await sql<{ id: string }[]>`SELECT id FROM tickets WHERE workspace_id = ${ws.id} ORDER BY title`).map((r) => r.id)
  return { deps, ws, seeded: { sourceIds, ticketIds } }
}
