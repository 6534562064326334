import { parse } from 'csv-parse/sync'
import { beforeAll, describe, expect, it } from 'vitest'
import { ADMIN_KEY, createTestApp } from '../helpers/app.ts'
import { seedMentions, seedSource } from '../triage/seed.ts'
import { webSession } from '../web/web-session.ts'

const t = await createTestApp()
const at = (iso: string) => new Date(iso)
const WINDOW = 'since=2026-11-01T00:00:00Z&until=2026-11-08T00:00:00Z'
let reddit = ''
let hn = ''

beforeAll(async () => {
  reddit = await seedSource(t.sql, t.workspaceId, 'reddit', 'Reddit r/acme')
  hn = await seedSource(t.sql, t.workspaceId, 'hackernews', 'Hacker News')
  const outage = 'The sync service has been down for three hours this morning'
  await seedMentions(t.sql, t.workspaceId, reddit, [
    { text: 'love the new dashboard', sentiment: 'positive', tags: ['brand:acme'], publishedAt: at('2026-11-01T08:00:00Z') },
    { text: 'support answered in minutes, great', sentiment: 'positive', publishedAt: at('2026-11-01T09:00:00Z') },
    { text: outage, sentiment: 'negative', handle: 'bigvoice', followers: 50_000, tags: ['brand:acme'], publishedAt: at('2026-11-01T10:00:00Z') },
    // Before the window: the previous period of the same length (Oct 25 – Nov 1).
    { text: 'is there a dark mode?', publishedAt: at('2026-10-26T10:00:00Z') },
    { text: 'pricing went up again', sentiment: 'negative', publishedAt: at('2026-10-31T23:59:00Z') },
    // At `until`: outside (the end is exclusive).
    { text: 'new week, new bugs', sentiment: 'negative', publishedAt: at('2026-11-08T00:00:00Z') },
  ])
  await seedMentions(t.sql, t.workspaceId, hn, [
    { text: 'export crashes on large files', sentiment: 'negative', handle: 'angry', intents: ['bug_report'], tags: ['brand:acme', 'export'], publishedAt: at('2026-11-03T10:00:00Z') },
    { text: 'export crashes again, every time', sentiment: 'negative', handle: 'angry', intents: ['bug_report'], tags: ['brand:acme', 'export'], publishedAt: at('2026-11-03T11:00:00Z') },
    { text: 'Der Export stürzt ab', sentiment: 'negative', handle: 'angry', lang: 'de', intents: ['bug_report'], publishedAt: at('2026-11-03T12:00:00Z') },
    { text: 'they announced something', handle: 'quiet', tags: ['brand:rival'], publishedAt: at('2026-11-07T23:59:00Z') },
    // A repost of the outage mention, grouped under it (sql/004): counted once.
    { text: `RT @someone: ${outage.toUpperCase()} https://t.co/abc`, sentiment: 'negative', tags: ['brand:acme'], publishedAt: at('2026-11-02T10:00:00Z') },
  ])
  const other = await t.call('POST', '/v1/workspaces', { key: ADMIN_KEY, body: { name: 'report-other' } })
  const otherSource = await seedSource(t.sql, other.data.id, 'reddit')
  await seedMentions(t.sql, other.data.id, otherSource, [{ text: 'not yours', sentiment: 'negative', publishedAt: at('2026-11-02T10:00:00Z') }])
  // Urgent: the outage and its repost (one mention), one outside the window, one of another workspace.
  await t.sql`UPDATE mentions SET urgent = true WHERE lower(body) LIKE '%down for three hours%' OR body IN ('new week, new bugs', 'not yours')`
})

describe('GET /v1/reports/mentions', () => {
  it('counts the period by day and sentiment, with shares, top authors and the change against the period before', async () => {
    const res = await t.call('GET', `/v1/reports/mentions?${WINDOW}`, { key: await t.keyFor('viewer') })
    expect(res.status).toBe(200)
    const r = res.data
    expect(r.totals).toEqual({ total: 7, positive: 2, neutral: 1, negative: 4, netSentiment: -33.3, previous: 2, changePct: 250, urgent: 1 })
    expect(r.series.map((s: { start: string; total: number }) => [s.start.slice(0, 10), s.total])).toEqual([
      ['2026-11-01', 3], ['2026-11-02', 0], ['2026-11-03', 3], ['2026-11-04', 0], ['2026-11-05', 0], ['2026-11-06', 0], ['2026-11-07', 1],
    ])
    expect(r.series[0]).toMatchObject({ positive: 2, neutral: 0, negative: 1, urgent: 1 })
    // The urgent count per interval adds up to the period's.
    expect(r.series.map((s: { urgent: number }) => s.urgent)).toEqual([1, 0, 0, 0, 0, 0, 0])
    expect(r.sources).toEqual([
      { id: hn, name: 'Hacker News', kind: 'hackernews', n: 4, negative: 3 },
      { id: reddit, name: 'Reddit r/acme', kind: 'reddit', n: 3, negative: 1 },
    ])
    expect(r.kinds).toEqual([{ kind: 'hackernews', n: 4, negative: 3 }, { kind: 'reddit', n: 3, negative: 1 }])
    expect(r.languages).toEqual([{ lang: 'en', n: 6, negative: 3 }, { lang: 'de', n: 1, negative: 1 }])
    expect(r.intents).toEqual([{ intent: 'bug_report', n: 3 }])
    // What the negative ones share, across English and German; the pair's "crashes" adds nothing on its own.
    expect(r.themes).toEqual([{ term: 'export', n: 3 }, { term: 'export crashes', n: 2 }])
    // Share of voice by tag; the repost of the outage counts once.
    expect(r.tags).toEqual([
      { tag: 'brand:acme', n: 4, negative: 3, positive: 1, netSentiment: -50 },
      { tag: 'export', n: 2, negative: 2, positive: 0, netSentiment: -100 },
      { tag: 'brand:rival', n: 1, negative: 0, positive: 0, netSentiment: null },
    ])
    expect(r.authors.slice(0, 2)).toEqual([
      expect.objectContaining({ platform: 'hackernews', handle: 'angry', n: 3, negative: 3, lastAt: '2026-11-03T12:00:00.000Z' }),
      expect.objectContaining({ platform: 'reddit', handle: 'bigvoice', n: 1, negative: 1, followers: 50_000 }),
    ])
  })

  it('narrows to any inbox filter and groups by week or month', async () => {
    const negative = (await t.call('GET', `/v1/reports/mentions?${WINDOW}&sentiment=negative`)).data
    expect(negative.totals).toMatchObject({ total: 4, negative: 4, previous: 1 })
    expect((await t.call('GET', `/v1/reports/mentions?${WINDOW}&source=${reddit}`)).data.totals.total).toBe(3)
    // Search reads every language: the German post says Export too.
    expect((await t.call('GET', `/v1/reports/mentions?${WINDOW}&q=export`)).data.totals.total).toBe(3)
    // 1 November 2026 is a Sunday: its week starts on Monday 26 October.
    const weekly = (await t.call('GET', `/v1/reports/mentions?${WINDOW}&interval=week`)).data
    expect(weekly.series.map((s: { start: string; total: number }) => [s.start.slice(0, 10), s.total])).toEqual([['2026-10-26', 3], ['2026-11-02', 4]])
    const monthly = (await t.call('GET', '/v1/reports/mentions?since=2026-10-01T00:00:00Z&until=2026-12-01T00:00:00Z&interval=month')).data
    expect(monthly.series.map((s: { start: string; total: number }) => [s.start.slice(0, 10), s.total])).toEqual([['2026-10-01', 2], ['2026-11-01', 8]])
  })

  it("counts days, weeks and months as the workspace's time zone has them", async () => {
    const ws = await t.call('POST', '/v1/workspaces', { key: ADMIN_KEY, body: { name: 'report-shanghai' } })
    const key = ws.data.key
    await t.call('PATCH', '/v1/workspaces/current/settings', { key, body: { timeZone: 'Asia/Shanghai' } })
    const source = await seedSource(t.sql, ws.data.id, 'reddit', 'Reddit CN')
    await seedMentions(t.sql, ws.data.id, source, [
      { text: '23:00 on 1 December in Shanghai', publishedAt: at('2026-12-01T15:00:00Z') },
      { text: '01:00 on 2 December in Shanghai', publishedAt: at('2026-12-01T17:00:00Z') },
    ])
    const report = async (interval: string) =>
      (await t.call('GET', `/v1/reports/mentions?since=2026-11-30T16:00:00Z&until=2026-12-02T16:00:00Z&interval=${interval}`, { key })).data
    const daily = await report('day')
    expect(daily.series.map((s: { start: string; total: number }) => [s.start, s.total])).toEqual([
      ['2026-11-30T16:00:00.000Z', 1],
      ['2026-12-01T16:00:00.000Z', 1],
    ])
    // Both fall in the week of Monday 30 November and in December, Shanghai time.
    expect((await report('week')).series.map((s: { start: string; total: number }) => [s.start, s.total])).toEqual([['2026-11-29T16:00:00.000Z', 2]])
    expect((await report('month')).series.map((s: { start: string; total: number }) => [s.start, s.total])).toEqual([['2026-11-30T16:00:00.000Z', 2]])
  })

  it('exports the series as CSV', async () => {
    const res = await t.call('GET', `/v1/reports/mentions?${WINDOW}&format=csv`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('text/csv')
    const rows = parse(res.data as string, { bom: true, columns: true }) as Record<string, string>[]
    expect(rows).toHaveLength(7)
    expect(rows[0]).toEqual({ start: '2026-11-01T00:00:00.000Z', total: '3', positive: '2', neutral: '0', negative: '1', urgent: '1', rated: '0', average_rating: '' })
  })

  it('says what is wrong with a bad period or interval, and shows another workspace nothing', async () => {
    expect((await t.call('GET', '/v1/reports/mentions?since=2026-11-08T00:00:00Z&until=2026-11-01T00:00:00Z')).status).toBe(400)
    const long = await t.call('GET', '/v1/reports/mentions?since=2020-01-01T00:00:00Z&until=2026-01-01T00:00:00Z')
    expect(long.status).toBe(400)
    expect(long.data.error.message).toContain('use a longer interval')
    expect((await t.call('GET', `/v1/reports/mentions?${WINDOW}&interval=hour`)).status).toBe(400)
    expect((await t.call('GET', `/v1/reports/mentions?${WINDOW}`, { key: null })).status).toBe(401)
    const otherKey = (await t.call('POST', '/v1/workspaces', { body: { name: 'report-third' } })).data
    const theirs = await t.call('GET', `/v1/reports/mentions?${WINDOW}`, { key: otherKey.key })
    expect(theirs.status).toBe(200)
    expect(theirs.data.totals.total).toBe(0)
    expect(theirs.data.sources).toEqual([])
  })

  it('is what the web dashboard shows, for 7, 30 or 90 days', async () => {
    const s = await webSession(t.app, await t.keyFor('viewer'))
    const page = async (q: string) => (await t.app.request(`http://localhost/app/dashboard${q}`, { headers: { cookie: s.cookie } })).text()
    const week = await page('?days=7')
    expect(week).toContain('last 7 days')
    expect(week).toContain('href="/app/dashboard?days=90"')
    expect(await page('?days=90')).toContain('per week')
    expect(await page('?days=5')).toContain('last 30 days')
  })

  it('shows on the dashboard what unhappy mentions talk about, each linked to them in the inbox', async () => {
    const s = await webSession(t.app, await t.keyFor('viewer'))
    const page = async () => (await t.app.request('http://localhost/app/dashboard?days=7', { headers: { cookie: s.cookie } })).text()
    expect(await page()).toContain('Nothing negative mentions share yet.')
    const recently = new Date(Date.now() - 2 * 86_400_000)
    await seedMentions(t.sql, t.workspaceId, reddit, [
      { text: 'Login fails after the <b>update</b>', sentiment: 'negative', publishedAt: recently },
      { text: 'login fails every morning', sentiment: 'negative', publishedAt: recently },
      { text: 'login fails? no, login works great', sentiment: 'positive', publishedAt: recently },
    ])
    const html = await page()
    expect(html).toContain('<bdi>login fails</bdi></a></td><td class="num">2</td>')
    expect(html).toMatch(/href="\/app\/inbox\?[^"]*q=%22login(\+|%20)fails%22/)
    expect(html).not.toContain('<b>update</b>')
  })

  it('averages the stars of reviews per interval, with their spread and the period before, and the dashboard shows them', async () => {
    const play = await seedSource(t.sql, t.workspaceId, 'googleplay', 'Play reviews')
    const today = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate()))
    const daysAgo = (d: number, h = 0) => new Date(today.getTime() - d * 86_400_000 + h * 3_600_000)
    const reviews: [string, Date, number | null][] = [
      ['crashes on every launch', daysAgo(5, 10), 1],
      ['great app, lovely design', daysAgo(5, 11), 5],
      ['does the job', daysAgo(3, 9), 4],
      ['a mention without stars', daysAgo(3, 12), null],
      ['two stars from before', daysAgo(12), 2],
    ]
    const ids = await seedMentions(t.sql, t.workspaceId, play, reviews.map(([text, publishedAt]) => ({ text, publishedAt })))
    const versions = ['4.12.0', '4.11.2', '4.12.0', null, '4.11.2']
    for (const [i, id] of ids.entries()) await t.sql`UPDATE mentions SET rating = ${reviews[i][2]}, app_version = ${versions[i]} WHERE id = ${id}`

    const r = (await t.call('GET', `/v1/reports/mentions?since=${daysAgo(7).toISOString()}&until=${today.toISOString()}`)).data
    expect(r.ratings).toEqual({
      rated: 3, averageRating: 3.33, previousAverage: 2,
      distribution: [{ stars: 1, n: 1 }, { stars: 2, n: 0 }, { stars: 3, n: 0 }, { stars: 4, n: 1 }, { stars: 5, n: 1 }],
    })
    expect(r.series.map((d: { rated: number; averageRating: number | null }) => [d.rated, d.averageRating])).toEqual([
      [0, null], [0, null], [2, 3], [0, null], [1, 4], [0, null], [0, null],
    ])
    // Newest version first, by its first review in the period.
    expect(r.versions).toEqual([
      { version: '4.12.0', n: 2, negative: 0, rated: 2, averageRating: 2.5, firstAt: daysAgo(5, 10).toISOString() },
      { version: '4.11.2', n: 1, negative: 0, rated: 1, averageRating: 5, firstAt: daysAgo(5, 11).toISOString() },
    ].sort((a, b) => b.firstAt.localeCompare(a.firstAt)))
    expect((await t.call('GET', `/v1/reports/mentions?since=${daysAgo(7).toISOString()}&until=${today.toISOString()}&source=${reddit}`)).data.ratings)
      .toMatchObject({ rated: 0, averageRating: null })

    // The inbox filters by stars and by version; a mention without stars never matches.
    const listed = async (q: string) => (await t.call('GET', `/v1/mentions?source=${play}&${q}`)).data.items.map((m: { text: string }) => m.text).sort()
    expect(await listed('rating=1,2')).toEqual(['crashes on every launch', 'two stars from before'])
    expect(await listed('rating=4&version=4.12.0')).toEqual(['does the job'])
    expect(await listed('version=4.11.2')).toEqual(['great app, lovely design', 'two stars from before'])
    expect((await t.call('GET', '/v1/mentions?rating=6')).status).toBe(400)

    const s = await webSession(t.app, await t.keyFor('viewer'))
    const html = await (await t.app.request('http://localhost/app/dashboard?days=7', { headers: { cookie: s.cookie } })).text()
    expect(html).toContain('Average 3.33★ from 3 reviews; 2★ the 7 days before.')
    expect(html).toContain('href="/app/inbox?status=all&amp;version=4.12.0&amp;since=7d"')
    // That link: the inbox keeps the version (and stars) in its form, so applying another filter keeps them.
    const inbox = await (await t.app.request('http://localhost/app/inbox?status=all&version=4.12.0&rating=1,2', { headers: { cookie: s.cookie } })).text()
    expect(inbox).toContain('name="version" value="4.12.0"')
    expect(inbox).toContain('<option value="1,2" selected="">1–2★</option>')
    expect(inbox).toContain('crashes on every launch')
    expect(inbox).toContain('<span aria-label="1 of 5 stars">1★</span>')
    expect(inbox).not.toContain('does the job')
  })

  it('counts the mentions answered at the source and how long their first reply took', async () => {
    const idOf = async (body: string, workspace = t.workspaceId) => (await t.sql`SELECT id FROM mentions WHERE workspace_id = ${workspace} AND body = ${body}`)[0].id as string
    const replied = async (body: string, status: string, sentAt: string | null, workspace = t.workspaceId, author = 'agent') =>
      t.sql`INSERT INTO mention_replies (workspace_id, mention_id, author, body, status, sent_at)
            VALUES (${workspace}, ${await idOf(body, workspace)}, ${author}, 'thanks', ${status}, ${sentAt})`
    const outage = 'The sync service has been down for three hours this morning'
    await replied(outage, 'sent', '2026-11-01T10:30:00Z')
    await replied(outage, 'sent', '2026-11-01T12:00:00Z') // a second reply: only the first counts
    await replied('love the new dashboard', 'sent', '2026-11-01T08:10:00Z')
    await replied('export crashes on large files', 'sent', '2026-11-03T11:40:00Z')
    await replied('export crashes again, every time', 'failed', null) // never got out
    await replied('Der Export stürzt ab', 'sent', '2026-11-03T12:20:00Z', t.workspaceId, 'lou@acme.example')
    await replied('pricing went up again', 'sent', '2026-11-01T00:59:00Z') // before the window
    const other = (await t.sql`SELECT id FROM workspaces WHERE name = 'report-other'`)[0].id as string
    await replied('not yours', 'sent', '2026-11-02T10:05:00Z', other)

    // Waits 30, 10, 100 and 20 minutes: median 25, 90th percentile 30 + 0.7 × 70.
    const r = (await t.call('GET', `/v1/reports/mentions?${WINDOW}`)).data
    expect(r.replies).toEqual({
      mentions: 4, ratePct: 57.1, medianMinutes: 25, p90Minutes: 79,
      // The agent answered first three times (10, 30, 100 minutes), Lou once (20).
      byAuthor: [{ author: 'agent', mentions: 3, medianMinutes: 30 }, { author: 'lou@acme.example', mentions: 1, medianMinutes: 20 }],
    })
    const negative = (await t.call('GET', `/v1/reports/mentions?${WINDOW}&sentiment=negative`)).data
    expect(negative.replies).toMatchObject({ mentions: 3, ratePct: 75, medianMinutes: 30, p90Minutes: 86 })
    const none = (await t.call('GET', `/v1/reports/mentions?${WINDOW}&q=announced`)).data
    expect(none.replies).toEqual({ mentions: 0, ratePct: 0, medianMinutes: null, p90Minutes: null, byAuthor: [] })

    const s = await webSession(t.app, ADMIN_KEY, '/app/dashboard?days=90')
    const page = await (await t.app.request('http://localhost/app/dashboard?days=90', { headers: { cookie: s.cookie } })).text()
    // The 90 days also hold the pricing reply (60 minutes): waits 10, 20, 30, 60, 100.
    expect(page).toMatch(/Answered at the source: 5 \([\d.]+%\); first reply after 30 min \(median\), 84 min \(9 in 10\)\. First replies by agent \(4, median 45 min\), lou@acme\.example \(1, median 20 min\)\./)
  })

  it('shows share of voice by tag on the dashboard, each tag linking to its mentions', async () => {
    await seedMentions(t.sql, t.workspaceId, reddit, [
      { text: 'acme beats the rest', sentiment: 'positive', tags: ['brand:acme'] },
      { text: 'rival <b>crashed</b> again', sentiment: 'negative', tags: ['brand:<rival>'] },
    ])
    const s = await webSession(t.app, ADMIN_KEY, '/app/dashboard')
    const page = await (await t.app.request('http://localhost/app/dashboard', { headers: { cookie: s.cookie } })).text()
    expect(page).toContain('Share of voice by tag')
    expect(page).toContain('href="/app/inbox?status=all&amp;tag=brand%3Aacme&amp;since=30d"')
    expect(page).toContain('brand:&lt;rival&gt;')
  })
})
