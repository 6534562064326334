import { http, HttpResponse } from 'msw'
import { afterEach, describe, expect, it } from 'vitest'
import type { Deps } from '../../src/deps.ts'
import { leaseDueSources } from '../../src/scheduler/lease.ts'
import { runSource } from '../../src/scheduler/run-source.ts'
import { tick } from '../../src/scheduler/tick.ts'
import { createSourceHttpClient } from '../../src/scheduler/http.ts'
import { createTestApp } from '../helpers/app.ts'
import { fixture, useMockServer } from '../connectors/harness.ts'

const server = useMockServer()
const t = await createTestApp()
const quick = { sleep: async () => {}, maxAttempts: 2 }

// tick() serves every source in the database: park each test's sources so later clocks don't poll them.
afterEach(async () => {
  await t.sql`UPDATE sources SET enabled = false`
})

/** Deps whose clock the test moves. */
function clockAt(iso: string) {
  const state = { now: new Date(iso) }
  const deps: Deps = { ...t.deps, clock: () => new Date(state.now) }
  return { deps, advance: (ms: number) => (state.now = new Date(state.now.getTime() + ms)) }
}

const feed = (body: string) => () => new HttpResponse(body, { headers: { 'content-type': 'application/atom+xml' } })

async function rssSource(url: string, extra: Record<string, unknown> = {}) {
  const res = await t.call('POST', '/v1/sources', { body: { kind: 'rss', name: url, config: { url }, ...extra } })
  expect(res.status, JSON.stringify(res.data)).toBe(201)
  return res.data.id as string
}

const sourceRow = async (id: string) => (await t.sql`SELECT * FROM sources WHERE id = ${id}`)[0]
const mentionIds = async (id: string) => (await t.sql`SELECT external_id FROM mentions WHERE source_id = ${id} ORDER BY external_id`).map((r) => r.external_id as string)

describe('tick', () => {
  it('polls due sources, stores mentions with the cursor, and schedules the next run from cron', async () => {
    const id = await rssSource('https://feeds.example.com/a', { schedule: '*/30 * * * *' })
    await t.sql`UPDATE sources SET next_run_at = '2026-03-03T11:50:00Z' WHERE id = ${id}`
    server.use(http.get('https://feeds.example.com/a', feed(fixture('rss', 'google-alerts.xml'))))
    const { deps, advance } = clockAt('2026-03-03T12:00:00Z')
    const first = await tick(deps, { owner: 'a', http: quick })
    const run = first.runs.find((r) => r.sourceId === id)
    expect(run).toMatchObject({ status: 'ok', fetched: 2, inserted: 2, duplicates: 0 })
    const row = await sourceRow(id)
    expect(row.next_run_at).toEqual(new Date('2026-03-03T12:30:00Z'))
    expect(row.cursor.seen).toHaveLength(2)
    expect(row.lease_owner).toBeNull()
    expect((await tick(deps, { owner: 'a', http: quick })).runs.find((r) => r.sourceId === id)).toBeUndefined()

    server.use(http.get('https://feeds.example.com/a', feed(fixture('rss', 'google-alerts-next.xml'))))
    advance(31 * 60_000)
    const second = await tick(deps, { owner: 'a', http: quick })
    expect(second.runs.find((r) => r.sourceId === id)).toMatchObject({ fetched: 1, inserted: 1 })
    expect(await mentionIds(id)).toHaveLength(3)
    const runs = await t.call('GET', `/v1/sources/${id}/runs`)
    expect(runs.data.items.map((r: { inserted: number }) => r.inserted)).toEqual([1, 2])
  })

  it('bounds the first run by the backfill setting, then takes everything new', async () => {
    server.use(http.get('https://backfill.example.com/feed', feed(fixture('rss', 'google-alerts.xml'))))
    const id = await rssSource('https://backfill.example.com/feed', { config: { url: 'https://backfill.example.com/feed', backfill: 1 } })
    const { deps, advance } = clockAt(new Date(Date.now() + 60_000).toISOString())
    const first = await tick(deps, { owner: 'bf', http: quick })
    expect(first.runs.find((r) => r.sourceId === id)).toMatchObject({ fetched: 1, inserted: 1 })
    server.use(http.get('https://backfill.example.com/feed', feed(fixture('rss', 'google-alerts-next.xml'))))
    advance(16 * 60_000)
    const second = await tick(deps, { owner: 'bf', http: quick })
    expect(second.runs.find((r) => r.sourceId === id)).toMatchObject({ fetched: 1, inserted: 1 })
  })

  it('never lets concurrent tickers poll the same source twice', async () => {
    const hits = new Map<string, number>()
    server.use(
      http.get('https://many.example.com/:n', ({ params }) => {
        hits.set(String(params.n), (hits.get(String(params.n)) ?? 0) + 1)
        return feed(fixture('rss', 'google-alerts.xml'))()
      }),
    )
    const ids = await Promise.all(Array.from({ length: 12 }, (_, i) => rssSource(`https://many.example.com/${i}`)))
    const { deps } = clockAt(new Date(Date.now() + 60_000).toISOString())
    const results = await Promise.all(['t1', 't2', 't3', 't4'].map((owner) => tick(deps, { owner, concurrency: 3, http: quick })))
    const polled = results.flatMap((r) => r.runs.map((run) => run.sourceId)).filter((s) => ids.includes(s))
    expect(polled.sort()).toEqual([...ids].sort())
    expect([...hits.values()].every((n) => n === 1)).toBe(true)
    expect(hits.size).toBe(12)
  })

  it('backs off a failing source, records the error, and keeps polling the others', async () => {
    server.use(
      http.get('https://down.example.com/feed', () => new HttpResponse('oops', { status: 503 })),
      http.get('https://up.example.com/feed', feed(fixture('rss', 'google-alerts.xml'))),
    )
    const down = await rssSource('https://down.example.com/feed')
    const up = await rssSource('https://up.example.com/feed')
    const { deps } = clockAt(new Date(Date.now() + 60_000).toISOString())
    const { runs } = await tick(deps, { owner: 'b', http: quick })
    expect(runs.find((r) => r.sourceId === down)).toMatchObject({ status: 'error', error: 'down.example.com: HTTP 503: oops' })
    expect(runs.find((r) => r.sourceId === up)).toMatchObject({ status: 'ok', inserted: 2 })
    const row = await sourceRow(down)
    expect(row).toMatchObject({ consecutive_failures: 1, last_error: 'down.example.com: HTTP 503: oops', disabled_reason: null })
    expect(row.next_run_at.getTime()).toBeGreaterThan(deps.clock().getTime() + 29_000)
    const view = await t.call('GET', `/v1/sources/${down}`)
    expect(view.data).toMatchObject({ status: 'failing', consecutiveFailures: 1 })
  })

  it('disables a source on a permanent error until its config changes', async () => {
    server.use(http.get('https://private.example.com/feed', () => HttpResponse.json({ error: 'unauthorized' }, { status: 401 })))
    const id = await rssSource('https://private.example.com/feed')
    const { deps, advance } = clockAt(new Date(Date.now() + 60_000).toISOString())
    await tick(deps, { owner: 'c', http: quick })
    expect(await sourceRow(id)).toMatchObject({ next_run_at: null, disabled_reason: expect.stringContaining('HTTP 401') })
    expect((await t.call('GET', `/v1/sources/${id}`)).data.status).toBe('disabled')
    advance(24 * 3600_000)
    expect((await leaseDueSources(deps, 'c', 100)).map((s) => s.id)).not.toContain(id)

    const patched = await t.call('PATCH', `/v1/sources/${id}`, { body: { config: { url: 'https://private.example.com/feed?token=new' } } })
    expect(patched.data).toMatchObject({ status: 'active', disabledReason: null, consecutiveFailures: 0 })
  })

  it('defers a rate-limited source to the reset time without counting a failure', async () => {
    server.use(http.get('https://limited.example.com/feed', () => new HttpResponse(null, { status: 429, headers: { 'retry-after': '7200' } })))
    const id = await rssSource('https://limited.example.com/feed')
    const { deps } = clockAt(new Date(Date.now() + 60_000).toISOString())
    await tick(deps, { owner: 'd', http: quick })
    const row = await sourceRow(id)
    expect(row.consecutive_failures).toBe(0)
    expect(row.last_error).toMatch(/rate limited/)
    expect(row.next_run_at.getTime()).toBeGreaterThanOrEqual(deps.clock().getTime() + 7_100_000)
  })

  it('loses and doubles nothing when a run dies between fetch and commit', async () => {
    server.use(http.get('https://crash.example.com/feed', feed(fixture('rss', 'google-alerts.xml'))))
    const id = await rssSource('https://crash.example.com/feed')
    const { deps, advance } = clockAt(new Date(Date.now() + 60_000).toISOString())
    // The commit fails after the mentions were written in the transaction.
    await t.sql.unsafe(`
      CREATE FUNCTION fail_ok_run() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'simulated crash'; END $$ LANGUAGE plpgsql;
      CREATE TRIGGER crash_commit BEFORE INSERT ON source_runs FOR EACH ROW WHEN (NEW.status = 'ok') EXECUTE FUNCTION fail_ok_run();`)
    try {
      const { runs } = await tick(deps, { owner: 'e', http: quick })
      expect(runs.find((r) => r.sourceId === id)).toMatchObject({ status: 'error', error: 'simulated crash' })
    } finally {
      await t.sql.unsafe('DROP TRIGGER crash_commit ON source_runs; DROP FUNCTION fail_ok_run();')
    }
    expect(await mentionIds(id)).toEqual([])
    expect((await sourceRow(id)).cursor).toBeNull()

    // A process killed mid-run leaves its lease behind; it lapses and another instance takes over.
    const [leased] = (await leaseDueSources({ ...deps, clock: () => new Date(deps.clock().getTime() + 24 * 3600_000) }, 'dead-instance', 100)).filter((s) => s.id === id)
    expect(leased.lease_owner).toBe('dead-instance')
    advance(24 * 3600_000 + 11 * 60_000)
    const { runs } = await tick(deps, { owner: 'e2', http: quick })
    expect(runs.find((r) => r.sourceId === id)).toMatchObject({ status: 'ok', inserted: 2 })

    // The dead instance, if it wakes up, cannot run or commit: it no longer holds the lease.
    const late = await runSource(deps, leased, { owner: 'dead-instance', http: createSourceHttpClient(deps, undefined, quick) })
    expect(late).toBeUndefined()
    expect(await mentionIds(id)).toEqual(['tag:google.com,2013:googlealerts/feed:1000000000000000001', 'tag:google.com,2013:googlealerts/feed:1000000000000000002'])
  })

  it('commits nothing when the lease passed to another instance while fetching', async () => {
    const id = await rssSource('https://handover.example.com/feed')
    server.use(
      http.get('https://handover.example.com/feed', async () => {
        await t.sql`UPDATE sources SET lease_owner = 'successor' WHERE id = ${id}`
        return feed(fixture('rss', 'google-alerts.xml'))()
      }),
    )
    const { deps } = clockAt(new Date(Date.now() + 60_000).toISOString())
    const [leased] = (await leaseDueSources(deps, 'slow-instance', 100)).filter((s) => s.id === id)
    const run = await runSource(deps, leased, { owner: 'slow-instance', http: createSourceHttpClient(deps, undefined, quick) })
    expect(run).toBeUndefined()
    expect(await mentionIds(id)).toEqual([])
    expect(await sourceRow(id)).toMatchObject({ lease_owner: 'successor', cursor: null })
  })

  it('abandons in-flight runs on shutdown without writing anything', async () => {
    const controller = new AbortController()
    server.use(
      http.get('https://slow.example.com/feed', () => {
        controller.abort()
        return feed(fixture('rss', 'google-alerts.xml'))()
      }),
    )
    const id = await rssSource('https://slow.example.com/feed')
    const { deps } = clockAt(new Date(Date.now() + 60_000).toISOString())
    await tick(deps, { owner: 'f', http: quick, signal: controller.signal })
    expect(await mentionIds(id)).toEqual([])
    expect(await sourceRow(id)).toMatchObject({ lease_owner: null, consecutive_failures: 0, cursor: null })
  })

  it('runs a source on demand and returns the run', async () => {
    server.use(http.get('https://now.example.com/feed', feed(fixture('rss', 'google-alerts.xml'))))
    const id = await rssSource('https://now.example.com/feed')
    const res = await t.call('POST', `/v1/sources/${id}/run`)
    expect(res.status).toBe(200)
    expect(res.data).toMatchObject({ status: 'ok', fetched: 2, inserted: 2, duplicates: 0, error: null, startedAt: expect.any(String), finishedAt: expect.any(String) })
    const viewer = await t.keyFor('viewer')
    expect((await t.call('POST', `/v1/sources/${id}/run`, { key: viewer })).status).toBe(403)
  })
})

describe('source URLs and SSRF', () => {
  it('refuses private feed URLs and base URLs unless private URLs are allowed', async () => {
    const strict = await createTestApp({ allowPrivateUrls: false })
    for (const config of [{ url: 'http://127.0.0.1:8080/feed' }, { url: 'http://169.254.169.254/latest' }, { url: 'http://localhost/feed' }, { url: 'https://example.com/feed', baseUrl: 'http://[fd00::1]' }]) {
      const res = await strict.call('POST', '/v1/sources', { body: { kind: 'rss', name: 'x', config } })
      expect(res.status, JSON.stringify(config)).toBe(400)
    }
    expect((await strict.call('POST', '/v1/sources', { body: { kind: 'rss', name: 'ok', config: { url: 'https://example.com/feed' } } })).status).toBe(201)
    expect((await t.call('POST', '/v1/sources', { body: { kind: 'rss', name: 'dev', config: { url: 'http://127.0.0.1:8080/feed' } } })).status).toBe(201)
  })
})
