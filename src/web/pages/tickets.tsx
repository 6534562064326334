import { Hono, type Context } from 'hono'
import { loadMention } from '../../mentions/detail.ts'
import { listMentions } from '../../mentions/list.ts'
import { issueReport, issueReportCsv, REPORT_SORTS, ReportQuery } from '../../reports/issues.ts'
import { TICKET_STATUSES, NewTicket, PROVIDERS, TicketPatch } from '../../tickets/schema.ts'
import { ticketStats } from '../../tickets/stats.ts'
import { bucketStarts } from '../../time/buckets.ts'
import { workspaceSettings } from '../../workspaces/settings.ts'
import { suggestTickets, type Suggestion } from '../../tickets/suggestions.ts'
import { createTicket, getTicket, updateTicket } from '../../tickets/tickets.ts'
import { BarList, LineChart, SENTIMENT_COLOURS, Sparkline } from '../charts.tsx'
import { badRequest } from '../../errors.ts'
import type { WebEnv } from '../env.ts'
import { describeIssues, field, fieldList, readForm } from '../form-data.ts'
import { CsrfField, Layout, PrintButton } from '../layout.tsx'
import { noticeOf } from '../notices.ts'
import { safeHttpUrl } from '../safe-url.ts'
import { requireWebRole } from '../security.ts'
import type { WebSession } from '../sessions.ts'
import { Txt } from '../text.tsx'
import { IdParam } from './params.ts'

const PERIODS = { '7d': 7, '30d': 30, '90d': 90 } as const
type Period = keyof typeof PERIODS
// Sparklines need one stats query per ticket; the top of the ranking is what people read.
const SPARKLINE_ROWS = 25
const SUGGESTIONS = 8
const QUOTES = 3
const EVIDENCE = 30
const DAY = 86_400_000
const day = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : '—')
const SPARK_WEEKS = 8
const DETAIL_WEEKS = 12

/** The last `weeks` ISO weeks (from Monday, in the workspace's time zone) up to `now`, with zeros where nothing was linked, so a trend reads left to right. */
function lastWeeks(weekly: { week: string; count: number }[], weeks: number, now: Date, timeZone: string): { week: string; count: number }[] {
  const counts = new Map(weekly.map((w) => [w.week, w.count]))
  return bucketStarts('week', new Date(now.getTime() - (weeks - 1) * 7 * DAY), now, timeZone, weeks)!.map(({ date }) => ({ week: date, count: counts.get(date) ?? 0 }))
}

/** The report's period and sort from the query string, falling back to 30 days by mentions. */
function reportParams(c: Context<WebEnv>) {
  const period: Period = (c.req.query('period') ?? '') in PERIODS ? (c.req.query('period') as Period) : '30d'
  const sort = (REPORT_SORTS as readonly string[]).includes(c.req.query('sort') ?? '') ? (c.req.query('sort') as (typeof REPORT_SORTS)[number]) : 'mentions'
  const status = c.req.query('status') || undefined
  const until = c.var.deps.clock()
  const query = ReportQuery.parse({
    since: new Date(until.getTime() - PERIODS[period] * DAY).toISOString(),
    until: until.toISOString(),
    sort,
    ...(status && (TICKET_STATUSES as readonly string[]).includes(status) ? { status } : {}),
  })
  return { period, sort, status, query }
}

function SuggestionCard({ s, quotes, session }: { s: Suggestion; quotes: string[]; session: WebSession }) {
  return (
    <li class="card">
      <form method="post" action="/app/tickets" class="stack">
        <CsrfField session={session} />
        {s.mentionIds.map((id) => <input type="hidden" name="mentionIds" value={id} />)}
        <p class="meta">
          <strong>{s.size} mentions</strong> · {s.negative} negative · {Object.entries(s.intents).map(([k, n]) => `${k.replace('_', ' ')} ${n}`).join(' · ')}
        </p>
        <p class="hint">Keywords: <Txt s={s.keywords.join(', ')} /></p>
        <ul>{quotes.map((q) => <li class="text">“<Txt s={q} />”</li>)}</ul>
        {session.role === 'viewer' ? null : (
          <div class="actions">
            <label class="sr-only" for={`sg-${s.mentionIds[0]}`}>Ticket title</label>
            <input id={`sg-${s.mentionIds[0]}`} name="title" value={s.title} size={50} maxlength={300} required />
            <button type="submit" class="primary">Create ticket</button>
          </div>
        )}
      </form>
    </li>
  )
}

export const ticketsRouter = new Hono<WebEnv>()
  .get('/', async (c) => {
    const { deps, session } = c.var
    const ws = session.workspaceId
    const { period, sort, status, query } = reportParams(c)
    const [report, suggestions, { timeZone }] = await Promise.all([issueReport(deps, ws, query), suggestTickets(deps, ws, { since: '14d', limit: SUGGESTIONS }), workspaceSettings(deps.sql, ws)])
    const [series, quotes] = await Promise.all([
      Promise.all(report.items.slice(0, SPARKLINE_ROWS).map((r) => ticketStats(deps.sql, ws, r.ticketId, timeZone).then((s) => lastWeeks(s.weekly, SPARK_WEEKS, report.until, timeZone).map((w) => w.count)))),
      Promise.all(suggestions.items.map((s) => Promise.all(s.mentionIds.slice(0, QUOTES).map((id) => loadMention(deps.sql, ws, id).then((m) => (m.title ? `${m.title} — ` : '') + m.text.slice(0, 200)))))),
    ])
    const csvHref = `/app/tickets/report.csv?${new URLSearchParams({ period, sort, ...(status ? { status } : {}) })}`
    return c.html(
      <Layout title="Tickets" session={session} section="tickets" notice={noticeOf(c)}>
        <h1>Tickets and issue report <PrintButton /></h1>
        <form method="get" action="/app/tickets" class="filters">
          <div>
            <label for="period">Period</label>
            <select id="period" name="period">{Object.keys(PERIODS).map((p) => <option selected={p === period}>{p}</option>)}</select>
          </div>
          <div>
            <label for="sort">Rank by</label>
            <select id="sort" name="sort">{REPORT_SORTS.map((s) => <option selected={s === sort}>{s}</option>)}</select>
          </div>
          <div>
            <label for="status">Status</label>
            <select id="status" name="status">
              <option value="">any</option>
              {TICKET_STATUSES.map((s) => <option value={s} selected={s === status}>{s.replace('_', ' ')}</option>)}
            </select>
          </div>
          <div><button type="submit" class="primary">Show</button> <a class="button" href={csvHref} download>Export CSV</a></div>
        </form>
        <div class="table-wrap">
          <table>
            <thead>
              <tr><th>Ticket</th><th>Status</th><th class="num">Mentions</th><th class="num">Responses</th><th class="num">Customers</th><th class="num">Value</th><th class="num">Change</th><th>Trend (weekly)</th></tr>
            </thead>
            <tbody>
              {report.items.map((r, i) => (
                <tr>
                  <td><a href={`/app/tickets/${r.ticketId}`}><Txt s={r.title} /></a></td>
                  <td>{r.status.replace('_', ' ')}</td>
                  <td class="num">{r.mentions}</td>
                  <td class="num">{r.responses}</td>
                  <td class="num">{r.customers}</td>
                  <td class="num">{Math.round(r.value)}</td>
                  <td class={`num ${r.change > 0 ? 's-negative' : r.change < 0 ? 's-positive' : ''}`}>
                    {r.change > 0 ? '▲ +' : r.change < 0 ? '▼ ' : ''}{r.change}{r.changePct !== null ? ` (${r.changePct}%)` : ''}
                  </td>
                  <td>{series[i] ? <Sparkline values={series[i]} label={`weekly mentions of ${r.title}`} /> : null}</td>
                </tr>
              ))}
              {report.items.length === 0 ? <tr><td colspan={8} class="hint">No tickets yet. Create one from a suggestion below.</td></tr> : null}
            </tbody>
          </table>
        </div>
        <h2>Suggested issues <span class="hint">similar complaints, bugs and requests of the last 14 days not linked to a ticket</span></h2>
        {suggestions.items.length ? (
          <ul class="grid plain" id="suggestions">
            {suggestions.items.map((s, i) => <SuggestionCard s={s} quotes={quotes[i]} session={session} />)}
          </ul>
        ) : <p class="hint">Nothing to suggest right now.</p>}
      </Layout>,
    )
  })
  .get('/report.csv', async (c) => {
    const { query, period } = reportParams(c)
    const report = await issueReport(c.var.deps, c.var.session.workspaceId, query)
    c.header('content-type', 'text/csv; charset=utf-8')
    c.header('content-disposition', `attachment; filename="issue-report-${period}-${day(report.until)}.csv"`)
    return c.body(issueReportCsv(report.items))
  })
  .post('/', requireWebRole('agent'), async (c) => {
    const { deps, session } = c.var
    const form = await readForm(c)
    const parsed = NewTicket.safeParse({ title: field(form, 'title'), mentionIds: fieldList(form, 'mentionIds'), ...(field(form, 'description') ? { description: field(form, 'description') } : {}) })
    if (!parsed.success) throw badRequest(`Could not create the ticket: ${describeIssues(parsed.error)}`)
    const ticket = await createTicket(deps, session.workspaceId, parsed.data, session.actor)
    return c.redirect(`/app/tickets/${ticket.id}?notice=ticket-created`, 303)
  })
  .get('/:id', async (c) => {
    const { deps, session } = c.var
    const id = IdParam.parse(c.req.param('id'))
    const [t, evidence, { timeZone }] = await Promise.all([
      getTicket(deps, session.workspaceId, id),
      listMentions(deps, session.workspaceId, { filter: { ticket: id }, sort: 'priority', limit: EVIDENCE }),
      workspaceSettings(deps.sql, session.workspaceId),
    ])
    const external = safeHttpUrl(t.external?.url)
    const weeks = lastWeeks(t.weekly, DETAIL_WEEKS, deps.clock(), timeZone)
    return c.html(
      <Layout title={t.title} session={session} section="tickets" notice={noticeOf(c)}>
        <h1><Txt s={t.title} /> <span class="hint">{t.status.replace('_', ' ')}</span></h1>
        {t.description ? <p class="text"><Txt s={t.description} /></p> : null}
        {t.external ? <p>Tracker: {t.external.provider} {external ? <a href={external} rel="noopener noreferrer" target="_blank"><Txt s={t.external.key ?? external} /></a> : <Txt s={t.external.key} />}</p> : null}
        <div class="grid">
          <dl class="kv card">
            <dt>Mentions</dt><dd>{t.mentionCount}</dd>
            <dt>Survey responses</dt><dd>{t.responseCount}</dd>
            <dt>Customers affected</dt><dd>{t.customerCount}</dd>
            <dt>Their value</dt><dd>{Math.round(t.value)}</dd>
            <dt>First seen</dt><dd>{day(t.firstSeen)}</dd>
            <dt>Last seen</dt><dd>{day(t.lastSeen)}</dd>
          </dl>
          <div class="card">
            <h2>Per week</h2>
            {t.weekly.length ? (
              <LineChart title="Linked mentions per week" labels={weeks.map((w) => w.week.slice(5))} series={[{ name: 'mentions', colour: '#0b5cad', values: weeks.map((w) => w.count) }]} />
            ) : <p class="hint">No evidence linked yet.</p>}
          </div>
          <div class="card">
            <h2>Sentiment</h2>
            <BarList title="Sentiment of the evidence" rows={(['negative', 'neutral', 'positive'] as const).map((s) => ({ label: s, value: t.sentiment[s], colour: SENTIMENT_COLOURS[s] }))} />
            <h3>Sources</h3>
            <BarList title="Sources of the evidence" rows={t.sources.map((s) => ({ label: `${s.name} (${s.kind})`, value: s.count }))} />
          </div>
        </div>
        <h2>Evidence</h2>
        {evidence.items.length ? (
          <ul class="timeline">
            {evidence.items.map((m) => (
              <li>
                <span class={`badge s-${m.sentiment}`}>{m.sentiment}</span>{' '}
                <span class="text">“<Txt s={(m.title ? `${m.title} — ` : '') + m.text.slice(0, 400)} />”</span>
                <div class="meta"><Txt s={m.author.name ?? m.author.handle ?? ''} /> · {m.kind} · {day(m.publishedAt)} · <a href={`/app/inbox?m=${m.id}&status=all`}>open in inbox</a></div>
              </li>
            ))}
          </ul>
        ) : <p class="hint">No mentions linked.</p>}
        {session.role === 'viewer' ? null : (
          <form method="post" action={`/app/tickets/${t.id}`} class="card stack">
            <CsrfField session={session} />
            <h2>Update</h2>
            <div class="grid">
              <div><label for="t-title">Title</label><input id="t-title" name="title" value={t.title} maxlength={300} size={40} required /></div>
              <div>
                <label for="t-status">Status</label>
                <select id="t-status" name="status">{TICKET_STATUSES.map((s) => <option value={s} selected={s === t.status}>{s.replace('_', ' ')}</option>)}</select>
              </div>
              <div>
                <label for="t-provider">Tracker</label>
                <select id="t-provider" name="provider">
                  <option value="">none</option>
                  {PROVIDERS.map((p) => <option selected={t.external?.provider === p}>{p}</option>)}
                </select>
              </div>
              <div><label for="t-key">Tracker key</label><input id="t-key" name="key" value={t.external?.key ?? ''} maxlength={200} /></div>
              <div><label for="t-url">Tracker URL</label><input id="t-url" name="url" type="url" value={t.external?.url ?? ''} maxlength={2000} /></div>
            </div>
            <div><button type="submit" class="primary">Save</button></div>
          </form>
        )}
      </Layout>,
    )
  })
  .post('/:id', requireWebRole('agent'), async (c) => {
    const { deps, session } = c.var
    const id = IdParam.parse(c.req.param('id'))
    const form = await readForm(c)
    const provider = field(form, 'provider')
    const parsed = TicketPatch.safeParse({
      title: field(form, 'title'),
      status: field(form, 'status'),
      external: provider ? { provider, ...(field(form, 'key') ? { key: field(form, 'key') } : {}), ...(field(form, 'url') ? { url: field(form, 'url') } : {}) } : null,
    })
    if (!parsed.success) throw badRequest(`Could not save: ${describeIssues(parsed.error)}`)
    await updateTicket(deps, session.workspaceId, id, parsed.data, session.actor)
    return c.redirect(`/app/tickets/${id}?notice=ticket-saved`, 303)
  })
