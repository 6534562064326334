import { Hono, type Context } from 'hono'
import { customersAtRisk } from '../../customers/at-risk.ts'
import { createCustomer, getCustomer, listCustomers } from '../../customers/customers.ts'
import { importCustomers, IMPORT_MAX_ROWS, parseCsv, type ImportResult } from '../../customers/import.ts'
import { customerTimeline } from '../../customers/privacy.ts'
import { NewCustomer } from '../../customers/schema.ts'
import { AppError } from '../../errors.ts'
import type { WebEnv } from '../env.ts'
import { describeIssues } from '../form-data.ts'
import { CsrfField, Layout } from '../layout.tsx'
import { noticeOf } from '../notices.ts'
import { requireWebRole } from '../security.ts'
import type { WebSession } from '../sessions.ts'
import { Txt, When } from '../text.tsx'
import { IdParam } from './params.ts'

const PAGE_SIZE = 50
const AT_RISK_DAYS = 30
const AT_RISK_SHOWN = 10
const TIMELINE_SIZE = 50
const MAX_UPLOAD_BYTES = 5 * 1024 * 1024

function ImportForm({ session }: { session: WebSession }) {
  return (
    <form method="post" action="/app/customers/import" enctype="multipart/form-data" class="card stack">
      <CsrfField session={session} />
      <h2>Import from CSV</h2>
      <p class="hint">
        Header row; columns such as name, email, external_ref (CRM id), company, plan, value, and one column per place people talk
        (github, reddit, twitter, domain…). Rows are matched on external_ref, then email. Up to {IMPORT_MAX_ROWS} rows.
      </p>
      <label for="csv-file">CSV file</label>
      <input id="csv-file" name="file" type="file" accept=".csv,text/csv" />
      <label for="csv-text">…or paste it</label>
      <textarea id="csv-text" name="csv" placeholder="name,email,plan,value,github"></textarea>
      <div><button type="submit" class="primary">Import</button></div>
    </form>
  )
}

function NewCustomerForm({ session }: { session: WebSession }) {
  return (
    <form method="post" action="/app/customers" class="card stack">
      <CsrfField session={session} />
      <h2>Add a customer</h2>
      <div class="grid">
        <div><label for="c-name">Name</label><input id="c-name" name="name" maxlength={300} /></div>
        <div><label for="c-email">Email</label><input id="c-email" name="email" type="email" maxlength={320} /></div>
        <div><label for="c-company">Company</label><input id="c-company" name="company" maxlength={300} /></div>
        <div><label for="c-plan">Plan</label><input id="c-plan" name="plan" maxlength={100} /></div>
        <div><label for="c-value">Value (e.g. ARR)</label><input id="c-value" name="value" type="number" min={0} step="any" /></div>
      </div>
      <div><button type="submit">Add customer</button></div>
    </form>
  )
}

function ImportReport({ result }: { result: ImportResult }) {
  return (
    <section class="card" aria-labelledby="import-h" id="import-result">
      <h2 id="import-h">Import result</h2>
      <p><strong>{result.created}</strong> created · <strong>{result.updated}</strong> updated · <strong>{result.rejected.length}</strong> rejected</p>
      {result.rejected.length ? (
        <table>
          <thead><tr><th class="num">Data row</th><th>Why it was rejected</th></tr></thead>
          <tbody>{result.rejected.map((r) => <tr><td class="num">{r.row}</td><td><Txt s={r.reason} /></td></tr>)}</tbody>
        </table>
      ) : null}
    </section>
  )
}

async function listPage(c: Context<WebEnv>, extra: { result?: ImportResult; error?: string; status?: 200 | 400 } = {}) {
  const { deps, session } = c.var
  const q = c.req.query('q')?.trim() || undefined
  const cursor = c.req.query('cursor') || undefined
  // Who is unhappy lately heads the first page; a search or a later page is about finding someone.
  const [page, atRisk] = await Promise.all([
    listCustomers(deps, session.workspaceId, { q, cursor, limit: PAGE_SIZE }),
    q || cursor ? Promise.resolve([]) : customersAtRisk(deps, session.workspaceId, { days: AT_RISK_DAYS, limit: AT_RISK_SHOWN }),
  ])
  const next = page.nextCursor ? `/app/customers?${new URLSearchParams({ ...(q ? { q } : {}), cursor: page.nextCursor })}` : undefined
  return c.html(
    <Layout title="Customers" session={session} section="customers" notice={noticeOf(c)} error={extra.error}>
      <h1>Customers</h1>
      {extra.result ? <ImportReport result={extra.result} /> : null}
      {atRisk.length ? (
        <section class="card" aria-labelledby="at-risk-h">
          <h2 id="at-risk-h">At risk <span class="hint">(negative mentions or unhappy survey answers in the last {AT_RISK_DAYS} days, the most valuable first)</span></h2>
          <div class="table-wrap">
            <table>
              <thead><tr><th>Customer</th><th class="num">Value</th><th class="num">Negative mentions</th><th class="num">Still open</th><th class="num">Unhappy answers</th><th>Latest</th></tr></thead>
              <tbody>
                {atRisk.map((r) => (
                  <tr>
                    <td><a href={`/app/customers/${r.customer.id}`}><Txt s={r.customer.name ?? r.customer.email ?? r.customer.externalRef ?? 'unnamed'} /></a></td>
                    <td class="num">{r.customer.value ?? ''}</td>
                    <td class="num">{r.negativeMentions}</td>
                    <td class="num">{r.openNegativeMentions}</td>
                    <td class="num">{r.unhappyResponses}</td>
                    <td><When d={r.lastSignalAt} /></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}
      <form method="get" action="/app/customers" class="filters" role="search">
        <div><label for="q">Search</label><input id="q" name="q" type="search" value={q ?? ''} placeholder="name, email, company, handle" /></div>
        <div><button type="submit" class="primary">Search</button></div>
      </form>
      <div class="table-wrap">
        <table>
          <thead><tr><th>Name</th><th>Email</th><th>Company</th><th>Plan</th><th class="num">Value</th><th class="num">Mentions</th><th>Identities</th></tr></thead>
          <tbody>
            {page.items.map((cu) => (
              <tr>
                <td><a href={`/app/customers/${cu.id}`}><Txt s={cu.name ?? cu.email ?? cu.externalRef ?? 'unnamed'} /></a></td>
                <td><Txt s={cu.email} /></td>
                <td><Txt s={cu.company} /></td>
                <td><Txt s={cu.plan} /></td>
                <td class="num">{cu.value ?? ''}</td>
                <td class="num">{cu.mentionCount}</td>
                <td class="hint"><Txt s={cu.identities.map((i) => `${i.kind}:${i.value}`).join(', ')} /></td>
              </tr>
            ))}
            {page.items.length === 0 ? <tr><td colspan={7} class="hint">{q ? 'No customer matches.' : 'No customers yet.'}</td></tr> : null}
          </tbody>
        </table>
      </div>
      {next ? <p><a href={next}>Next page →</a></p> : null}
      <div class="grid">
        {session.role === 'admin' ? <ImportForm session={session} /> : null}
        {session.role !== 'viewer' ? <NewCustomerForm session={session} /> : null}
      </div>
    </Layout>,
    extra.status ?? 200,
  )
}

export const customersRouter = new Hono<WebEnv>()
  .get('/', (c) => listPage(c))
  .post('/import', requireWebRole('admin'), async (c) => {
    const body = await c.req.parseBody()
    const file = body.file
    let text = typeof body.csv === 'string' ? body.csv : ''
    if (file instanceof File && file.size > 0) {
      if (file.size > MAX_UPLOAD_BYTES) return listPage(c, { error: `The file is over ${MAX_UPLOAD_BYTES / 1024 / 1024} MB.`, status: 400 })
      text = await file.text()
    }
    if (!text.trim()) return listPage(c, { error: 'Choose a CSV file or paste CSV text.', status: 400 })
    try {
      const rows = parseCsv(text)
      const result = await importCustomers(c.var.deps, c.var.session.workspaceId, rows, c.var.session.actor)
      return listPage(c, { result })
    } catch (e) {
      if (e instanceof AppError && e.status === 400) return listPage(c, { error: e.message, status: 400 })
      throw e
    }
  })
  .post('/', requireWebRole('agent'), async (c) => {
    const form = await c.req.parseBody()
    const text = (k: string) => (typeof form[k] === 'string' ? (form[k] as string).trim() : '') || undefined
    const value = text('value')
    const parsed = NewCustomer.safeParse({
      name: text('name'), email: text('email'), company: text('company'), plan: text('plan'), value: value === undefined ? undefined : Number(value),
    })
    if (!parsed.success) return listPage(c, { error: `Could not add the customer: ${describeIssues(parsed.error)}`, status: 400 })
    try {
      const created = await createCustomer(c.var.deps, c.var.session.workspaceId, parsed.data, c.var.session.actor)
      return c.redirect(`/app/customers/${created.id}?notice=customer-saved`, 303)
    } catch (e) {
      if (e instanceof AppError && (e.status === 400 || e.status === 409)) return listPage(c, { error: e.message, status: 400 })
      throw e
    }
  })
  .get('/:id', async (c) => {
    const { deps, session } = c.var
    const id = IdParam.parse(c.req.param('id'))
    const [cu, timeline] = await Promise.all([
      getCustomer(deps, session.workspaceId, id),
      customerTimeline(deps, session.workspaceId, id, { cursor: c.req.query('cursor') || undefined, limit: TIMELINE_SIZE }),
    ])
    const title = cu.name ?? cu.email ?? cu.externalRef ?? 'Customer'
    return c.html(
      <Layout title={title} session={session} section="customers" notice={noticeOf(c)}>
        <h1><Txt s={title} /> {cu.company ? <span class="hint"><Txt s={cu.company} /></span> : null}</h1>
        <div class="grid">
          <dl class="kv card">
            <dt>Email</dt><dd><Txt s={cu.email ?? '—'} /></dd>
            <dt>CRM id</dt><dd><Txt s={cu.externalRef ?? '—'} /></dd>
            <dt>Plan</dt><dd><Txt s={cu.plan ?? '—'} /></dd>
            <dt>Value</dt><dd>{cu.value ?? '—'}</dd>
            <dt>Identities</dt><dd>{cu.identities.length ? <Txt s={cu.identities.map((i) => `${i.kind}: ${i.value}`).join(' · ')} /> : 'none'}</dd>
            {Object.entries(cu.attributes).map(([k, v]) => <><dt><Txt s={k} /></dt><dd><Txt s={typeof v === 'string' ? v : JSON.stringify(v)} /></dd></>)}
          </dl>
          <div class="card">
            <h2>Tickets</h2>
            {timeline.tickets.length ? (
              <ul>{timeline.tickets.map((t) => <li><a href={`/app/tickets/${t.id}`}><Txt s={t.title} /></a> <span class="hint">{t.status}</span></li>)}</ul>
            ) : <p class="hint">None of what they said is linked to a ticket.</p>}
            <p><a href={`/app/inbox?customer=${cu.id}&status=all`}>All their mentions in the inbox →</a></p>
          </div>
        </div>
        <h2>Timeline</h2>
        {timeline.items.length ? (
          <ul class="timeline">
            {timeline.items.map((item) =>
              item.type === 'mention' ? (
                <li>
                  <span class={`badge s-${item.mention.sentiment}`}>{item.mention.sentiment}</span>{' '}
                  <a href={`/app/inbox?m=${item.mention.id}&status=all`}><Txt s={item.mention.title || item.mention.text.slice(0, 120) || '(no text)'} /></a>
                  <div class="meta">{item.mention.kind} · <When d={item.at} /></div>
                </li>
              ) : (
                <li>
                  <span class="badge st">{item.response.surveyKind.toUpperCase()} {item.response.score}</span>{' '}
                  <a href={`/app/surveys/${item.response.surveyId}`}>survey response</a> <span class="text"><Txt s={item.response.comment ?? ''} /></span>
                  <div class="meta">
                    <When d={item.at} />
                    {[...item.response.choices, ...Object.entries(item.response.properties).map(([k, v]) => `${k}: ${v}`)].map((x) => <> · <Txt s={x} /></>)}
                  </div>
                </li>
              ),
            )}
          </ul>
        ) : <p class="hint">Nothing from this customer yet.</p>}
        {timeline.nextCursor ? <p><a href={`/app/customers/${cu.id}?cursor=${encodeURIComponent(timeline.nextCursor)}`}>Older →</a></p> : null}
      </Layout>,
    )
  })
