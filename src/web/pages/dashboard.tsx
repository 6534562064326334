import { Hono } from 'hono'
import { SENTIMENT_LABELS } from '../../enrich/index.ts'
import { BarList, colourAt, Legend, SENTIMENT_COLOURS, StackedBars } from '../charts.tsx'
import { countMentionsByDay, countMentionsByIntent, countMentionsBySource } from '../dashboard-data.ts'
import type { WebEnv } from '../env.ts'
import { Layout } from '../layout.tsx'

const WINDOW_DAYS = 30

export const dashboardRouter = new Hono<WebEnv>().get('/', async (c) => {
  const { deps, session } = c.var
  const ws = session.workspaceId
  const [daily, bySource, byIntent] = await Promise.all([
    countMentionsByDay(deps, ws, WINDOW_DAYS),
    countMentionsBySource(deps, ws, WINDOW_DAYS),
    countMentionsByIntent(deps, ws, WINDOW_DAYS),
  ])
  const series = SENTIMENT_LABELS.map((s) => ({ name: s, colour: SENTIMENT_COLOURS[s], values: daily.counts[s] }))
  const total = series.reduce((sum, s) => sum + s.values.reduce((a, b) => a + b, 0), 0)
  return c.html(
    <Layout title="Dashboard" session={session} section="dashboard">
      <h1>Dashboard <span class="hint">last {WINDOW_DAYS} days</span></h1>
      <div class="grid">
        <section class="card">
          <h2>Mentions over time by sentiment</h2>
          <p class="hint">{total} mentions</p>
          <StackedBars labels={daily.days.map((d) => d.slice(5))} series={series} title="Mentions per day, stacked by sentiment" />
          <Legend series={series} />
        </section>
        <section class="card">
          <h2>Share of voice by source</h2>
          {bySource.length ? (
            <BarList title="Mentions by source" rows={bySource.map((s, i) => ({ label: `${s.name} (${s.kind})`, value: s.n, colour: colourAt(i) }))} />
          ) : <p class="hint">No mentions yet.</p>}
        </section>
        <section class="card">
          <h2>Top intents</h2>
          {byIntent.length ? (
            <BarList title="Mentions by intent" rows={byIntent.map((r) => ({ label: r.intent.replace(/_/g, ' '), value: r.n }))} />
          ) : <p class="hint">No classified intents yet.</p>}
        </section>
      </div>
    </Layout>,
  )
})
