import { Hono } from 'hono'
import { SENTIMENT_LABELS } from '../../enrich/index.ts'
import type { Deps } from '../../deps.ts'
import { issueReport, ReportQuery } from '../../reports/issues.ts'
import { surveyResults } from '../../surveys/results.ts'
import { listSurveys } from '../../surveys/surveys.ts'
import { BarList, colourAt, Legend, LineChart, SENTIMENT_COLOURS, StackedBars } from '../charts.tsx'
import { inboxHref } from '../inbox-filter.ts'
import { Txt } from '../text.tsx'
import { mentionReport, type MentionReport } from '../../reports/mentions.ts'
import type { WebEnv } from '../env.ts'
import { Layout, PrintButton } from '../layout.tsx'

/** Periods the dashboard offers, in days; the first is the default. */
/** Minutes as a person would say them: 45 min, 3.5 h, 2.1 days. */
const duration = (min: number) => (min < 90 ? `${Math.round(min)} min` : min < 36 * 60 ? `${Math.round(min / 6) / 10} h` : `${Math.round(min / 144) / 10} days`)

const replyLine = (r: MentionReport['replies']) =>
  r.mentions === 0
    ? 'No mention of this period was answered at its source from earshot.'
    : `Answered at the source: ${r.mentions} (${r.ratePct}%); first reply after ${duration(r.medianMinutes!)} (median), ${duration(r.p90Minutes!)} (9 in 10). ` +
      `First replies by ${r.byAuthor.map((a) => `${a.author} (${a.mentions}, median ${duration(a.medianMinutes)})`).join(', ')}.`

const ratingLine = (r: MentionReport['ratings'], days: number) =>
  `Average ${r.averageRating}★ from ${r.rated} review${r.rated === 1 ? '' : 's'}` +
  (r.previousAverage !== null ? `; ${r.previousAverage}★ the ${days} days before.` : '; none the period before.')

const PERIODS = [30, 7, 90] as const

const NPS_WEEKS = 12
const NPS_SURVEYS = 5
const RISING = 5
const DAY = 86_400_000

/** Weekly NPS of each NPS survey over the last weeks, on one shared week axis. */
async function npsTrend(deps: Deps, workspaceId: string) {
  const now = deps.clock()
  const since = new Date(now.getTime() - NPS_WEEKS * 7 * DAY)
  const surveys = (await listSurveys(deps, workspaceId)).filter((s) => s.kind === 'nps').slice(0, NPS_SURVEYS)
  const results = await Promise.all(surveys.map((s) => surveyResults(deps, workspaceId, s.id, { since, interval: 'week' })))
  const scored = results.map((r) => (r.series ?? []).flatMap((p) => ('nps' in p && p.nps.score !== null ? [{ week: p.start.toISOString().slice(0, 10), score: p.nps.score }] : [])))
  const weeks = [...new Set(scored.flat().map((p) => p.week))].sort()
  const series = scored.map((points, i) => {
    const byWeek = new Map(points.map((p) => [p.week, p.score]))
    return { name: surveys[i].name ?? surveys[i].question, colour: colourAt(i), values: weeks.map((w) => byWeek.get(w) ?? null) }
  })
  return { weeks, series }
}

export const dashboardRouter = new Hono<WebEnv>().get('/', async (c) => {
  const { deps, session } = c.var
  const ws = session.workspaceId
  const asked = Number(c.req.query('days'))
  const days = PERIODS.find((p) => p === asked) ?? PERIODS[0]
  const until = deps.clock()
  // Whole days: the window starts at midnight UTC, so every bar is a full day but today's.
  const since = new Date(Date.UTC(until.getUTCFullYear(), until.getUTCMonth(), until.getUTCDate()) - (days - 1) * DAY)
  const [mentions, nps, rising] = await Promise.all([
    mentionReport(deps, ws, { since: since.toISOString(), until: until.toISOString() }, days > 31 ? 'week' : 'day'),
    npsTrend(deps, ws),
    issueReport(deps, ws, ReportQuery.parse({ since: new Date(until.getTime() - 7 * DAY).toISOString(), until: until.toISOString(), sort: 'trend' })),
  ])
  const risingRows = rising.items.filter((r) => r.change > 0).slice(0, RISING)
  const series = SENTIMENT_LABELS.map((s) => ({ name: s, colour: SENTIMENT_COLOURS[s], values: mentions.series.map((d) => d[s]) }))
  const { totals } = mentions
  const labels = mentions.series.map((d) => d.start.toISOString().slice(5, 10))
  return c.html(
    <Layout title="Dashboard" session={session} section="dashboard">
      <h1>Dashboard <span class="hint">last {days} days</span> <PrintButton /></h1>
      <nav class="counts" aria-label="Period">
        {[...PERIODS].sort((a, b) => a - b).map((p) => (p === days ? <strong aria-current="page">{p} days</strong> : <a href={`/app/dashboard?days=${p}`}>{p} days</a>))}
      </nav>
      <div class="grid wide">
        <section class="card">
          <h2>Mentions over time by sentiment <span class="hint">per {days > 31 ? 'week' : 'day'}</span></h2>
          <p class="hint">
            {totals.total} mentions
            {totals.changePct !== null ? `, ${totals.changePct > 0 ? '+' : ''}${totals.changePct}% against the ${days} days before` : ''}
            {totals.netSentiment !== null ? `; net sentiment ${totals.netSentiment > 0 ? '+' : ''}${totals.netSentiment}` : ''}
            {totals.urgent ? <>; <a href={`/app/inbox?urgent=true&status=all&since=${days}d`}>{totals.urgent} urgent</a></> : ''}
          </p>
          <p class="hint" id="reply-rate">{replyLine(mentions.replies)}</p>
          <StackedBars labels={labels} series={series} title={`Mentions per ${days > 31 ? 'week' : 'day'}, stacked by sentiment`} />
          <Legend series={series} />
        </section>
        {mentions.ratings.rated ? (
          <section class="card" id="ratings">
            <h2>Ratings <span class="hint">reviews with stars</span></h2>
            <p class="hint">{ratingLine(mentions.ratings, days)}</p>
            <LineChart title={`Average stars per ${days > 31 ? 'week' : 'day'}`} labels={labels} series={[{ name: 'average stars', colour: colourAt(0), values: mentions.series.map((d) => d.averageRating) }]} min={1} max={5} />
            <BarList title="Reviews by stars" rows={[...mentions.ratings.distribution].reverse().map((d) => ({ label: `${d.stars}★`, value: d.n, colour: colourAt(d.stars) }))} />
            {mentions.versions.length ? (
              <table>
                <caption class="hint">By app version, newest first</caption>
                <thead><tr><th>Version</th><th class="num">Reviews</th><th class="num">Average</th><th class="num">Negative</th></tr></thead>
                <tbody>
                  {mentions.versions.map((v) => (
                    <tr>
                      <td><a href={inboxHref({ status: 'all', version: v.version, since: `${days}d` })}><Txt s={v.version} /></a></td>
                      <td class="num">{v.n}</td>
                      <td class="num">{v.averageRating === null ? '–' : `${v.averageRating}★`}</td>
                      <td class="num">{v.negative}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : null}
          </section>
        ) : null}
        <section class="card">
          <h2>Share of voice by source</h2>
          {mentions.sources.length ? (
            <BarList title="Mentions by source" rows={mentions.sources.slice(0, 12).map((s, i) => ({ label: `${s.name} (${s.kind})`, value: s.n, colour: colourAt(i) }))} />
          ) : <p class="hint">No mentions yet.</p>}
        </section>
        {mentions.tags.length ? (
          <section class="card">
            <h2>Share of voice by tag</h2>
            <p class="hint">Rules that tag mentions by brand (yours, your competitors') make this a comparison.</p>
            <table>
              <thead><tr><th>Tag</th><th class="num">Mentions</th><th class="num">Share</th><th class="num">Net sentiment</th></tr></thead>
              <tbody>
                {mentions.tags.map((t) => (
                  <tr>
                    <td><a href={inboxHref({ status: 'all', tag: t.tag, since: `${days}d` })}><Txt s={t.tag} /></a></td>
                    <td class="num">{t.n}</td>
                    <td class="num">{mentions.totals.total ? `${Math.round((1000 * t.n) / mentions.totals.total) / 10}%` : '–'}</td>
                    <td class="num">{t.netSentiment === null ? '–' : t.netSentiment}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        ) : null}
        <section class="card" id="themes">
          <h2>What unhappy mentions talk about</h2>
          {mentions.themes.length ? (
            <table>
              <thead><tr><th>Words</th><th class="num">Negative mentions</th></tr></thead>
              <tbody>
                {mentions.themes.map((t) => (
                  <tr>
                    <td><a href={inboxHref({ status: 'all', sentiment: 'negative', q: `"${t.term}"`, since: `${days}d` })}><Txt s={t.term} /></a></td>
                    <td class="num">{t.n}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : <p class="hint">Nothing negative mentions share yet.</p>}
        </section>
        <section class="card">
          <h2>Top intents</h2>
          {mentions.intents.length ? (
            <BarList title="Mentions by intent" rows={mentions.intents.slice(0, 8).map((r) => ({ label: r.intent.replace(/_/g, ' '), value: r.n }))} />
          ) : <p class="hint">No classified intents yet.</p>}
        </section>
        <section class="card">
          <h2>Most active authors</h2>
          {mentions.authors.length ? (
            <table>
              <thead><tr><th>Author</th><th class="num">Mentions</th><th class="num">Negative</th><th class="num">Followers</th></tr></thead>
              <tbody>
                {mentions.authors.map((a) => (
                  <tr>
                    <td><Txt s={a.name ?? a.handle} /> <span class="hint">{a.name && a.name !== a.handle ? <><Txt s={a.handle} />, </> : null}<Txt s={a.platform} /></span></td>
                    <td class="num">{a.n}</td>
                    <td class="num">{a.negative}</td>
                    <td class="num">{a.followers ?? '–'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : <p class="hint">No authors yet.</p>}
        </section>
        <section class="card">
          <h2>NPS trend <span class="hint">weekly, last {NPS_WEEKS} weeks</span></h2>
          {nps.weeks.length ? (
            <>
              <LineChart title="NPS per week" labels={nps.weeks.map((w) => w.slice(5))} series={nps.series} min={-100} max={100} />
              <Legend series={nps.series} />
            </>
          ) : <p class="hint">No NPS responses yet.</p>}
        </section>
        <section class="card">
          <h2>Top rising issues <span class="hint">this week vs. last</span></h2>
          {risingRows.length ? (
            <table>
              <tbody>
                {risingRows.map((r) => (
                  <tr>
                    <td><a href={`/app/tickets/${r.ticketId}`}><Txt s={r.title} /></a></td>
                    <td class="num s-negative">▲ +{r.change}</td>
                    <td class="num">{r.mentions + r.responses}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : <p class="hint">No ticket is growing this week.</p>}
        </section>
      </div>
    </Layout>,
  )
})
