import { Hono, type Context } from 'hono'
import { createSource } from '../../sources/create-source.ts'
import { deleteSource } from '../../sources/delete-source.ts'
import { describeConnectors, type ConnectorInfo } from '../../sources/describe-connectors.ts'
import { findSourceRow, getSource, listSources } from '../../sources/find-sources.ts'
import { listRuns, runSourceNow } from '../../sources/run-now.ts'
import type { SourceView } from '../../sources/source.ts'
import { updateSource } from '../../sources/update-source.ts'
import { dryRunSource, type DryRunResult } from '../dry-run.ts'
import type { WebEnv } from '../env.ts'
import { field, orForm, readForm } from '../form-data.ts'
import { CsrfField, Layout, SwitchAndDelete } from '../layout.tsx'
import { noticeOf } from '../notices.ts'
import { safeHttpUrl } from '../safe-url.ts'
import { configFromForm, configValuesFromForm, SchemaFields, type JsonSchema } from '../schema-form.tsx'
import { requireWebRole } from '../security.ts'
import type { WebSession } from '../sessions.ts'
import { Txt, When } from '../text.tsx'
import { IdParam } from './params.ts'

const connectorOf = (kind: string): ConnectorInfo | undefined => describeConnectors().find((c) => c.kind === kind)

function Health({ s }: { s: SourceView }) {
  const label = { active: 'healthy', paused: 'paused', failing: `failing (${s.consecutiveFailures} in a row)`, disabled: 'stopped', push: 'push' }[s.status]
  return <span class={`badge ${s.status === 'failing' || s.status === 'disabled' ? 's-negative' : s.status === 'active' ? 's-positive' : 'st'}`}>{label}</span>
}

function Preview({ result }: { result: DryRunResult }) {
  if (!result.ok) return <p class="error" role="alert">Test failed: {result.error}</p>
  return (
    <section class="card" aria-label="Test results" id="dry-run">
      <h2>Test: first {result.items.length} items (nothing was stored)</h2>
      {result.items.length === 0 ? <p class="hint">The upstream answered but had nothing for this config.</p> : (
        <ul class="timeline">
          {result.items.map((i) => {
            const href = safeHttpUrl(i.url)
            return (
              <li>
                <strong><Txt s={i.title ?? i.text.slice(0, 100)} /></strong>
                <div class="text"><Txt s={i.text.slice(0, 300)} /></div>
                <div class="meta"><Txt s={i.author.name ?? i.author.handle} /> · <When d={i.publishedAt} /> {href ? <a href={href} rel="noopener noreferrer nofollow" target="_blank">open ↗</a> : null}</div>
              </li>
            )
          })}
        </ul>
      )}
    </section>
  )
}

function SourceForm({ session, connector, action, values, name, schedule, enabled, submitLabel }: {
  session: WebSession
  connector: ConnectorInfo
  action: string
  values: Record<string, unknown>
  name: string
  schedule: string
  enabled: boolean
  submitLabel: string
}) {
  return (
    <form method="post" action={action} class="stack card">
      <CsrfField session={session} />
      <input type="hidden" name="kind" value={connector.kind} />
      <p class="hint">{connector.description}</p>
      <label for="src-name">Name</label>
      <input id="src-name" name="name" value={name} required maxlength={200} size={40} />
      <SchemaFields schema={connector.configSchema as JsonSchema} secrets={connector.secrets} values={values} />
      {connector.pushOnly ? null : (
        <>
          <label for="src-schedule">Schedule <span class="hint">(cron expression; empty = every 15 minutes)</span></label>
          <input id="src-schedule" name="schedule" value={schedule} placeholder="*/15 * * * *" size={20} />
        </>
      )}
      <div><label class="inline"><input type="checkbox" name="enabled" value="true" checked={enabled} /> Enabled</label></div>
      <div class="actions">
        <button type="submit" class="primary">{submitLabel}</button>
        {connector.pushOnly ? null : <button type="submit" formaction={`${action}/test`}>Test (dry run)</button>}
      </div>
    </form>
  )
}

async function listPage(c: Context<WebEnv>, extra?: { kind?: string; error?: string; preview?: DryRunResult; form?: Record<string, string | string[]>; status?: 200 | 400 }) {
  const { deps, session } = c.var
  const sources = await listSources(deps, session.workspaceId, { limit: 200 })
  const connectors = describeConnectors()
  const kind = extra?.kind ?? c.req.query('kind') ?? ''
  const chosen = connectors.find((k) => k.kind === kind)
  const form = extra?.form ?? {}
  return c.html(
    <Layout title="Sources" session={session} section="sources" notice={noticeOf(c)} error={extra?.error}>
      <h1>Sources</h1>
      <div class="table-wrap">
        <table>
          <thead><tr><th>Name</th><th>Kind</th><th>Health</th><th>Last run</th><th>Next run</th><th>Last error</th></tr></thead>
          <tbody>
            {sources.items.map((s) => (
              <tr>
                <td><a href={`/app/sources/${s.id}`}><Txt s={s.name} /></a></td>
                <td>{s.kind}</td>
                <td><Health s={s} /></td>
                <td><When d={s.lastRunAt} /></td>
                <td>{s.enabled ? <When d={s.nextRunAt} /> : '—'}</td>
                <td class="hint"><Txt s={s.disabledReason ?? s.lastError ?? ''} /></td>
              </tr>
            ))}
            {sources.items.length === 0 ? <tr><td colspan={6} class="hint">No sources yet.</td></tr> : null}
          </tbody>
        </table>
      </div>
      {session.role === 'admin' ? (
        <section aria-labelledby="add-h">
          <h2 id="add-h">Add a source</h2>
          <form method="get" action="/app/sources" class="filters">
            <div>
              <label for="kind">Kind</label>
              <select id="kind" name="kind" data-autosubmit>
                <option value="">choose…</option>
                {connectors.map((k) => <option value={k.kind} selected={k.kind === kind}>{k.kind}</option>)}
              </select>
            </div>
            <div><button type="submit">Choose</button></div>
          </form>
          {chosen ? (
            <SourceForm
              session={session}
              connector={chosen}
              action="/app/sources"
              values={configValuesFromForm(form)}
              name={field(form, 'name')}
              schedule={field(form, 'schedule')}
              enabled={extra?.form ? field(form, 'enabled') === 'true' : true}
              submitLabel="Create source"
            />
          ) : null}
          {extra?.preview ? <Preview result={extra.preview} /> : null}
        </section>
      ) : <p class="hint">Only admins add and change sources.</p>}
    </Layout>,
    extra?.status ?? 200,
  )
}

/** The posted form as the sources module's input. */
function sourceInput(connector: ConnectorInfo, form: Record<string, string | string[]>) {
  return {
    kind: connector.kind,
    name: field(form, 'name'),
    config: configFromForm(connector.configSchema as JsonSchema, form),
    schedule: connector.pushOnly ? undefined : field(form, 'schedule') || null,
    enabled: field(form, 'enabled') === 'true',
  }
}

async function detailPage(c: Context<WebEnv>, id: string, extra?: { error?: string; preview?: DryRunResult; status?: 200 | 400 }) {
  const { deps, session } = c.var
  const [source, runs] = await Promise.all([getSource(deps, session.workspaceId, id), listRuns(deps, session.workspaceId, id, 20)])
  const connector = connectorOf(source.kind)
  const base = `/app/sources/${id}`
  return c.html(
    <Layout title={source.name} session={session} section="sources" notice={noticeOf(c)} error={extra?.error}>
      <h1><Txt s={source.name} /> <span class="hint">{source.kind}</span> <Health s={source} /></h1>
      <dl class="kv card">
        <dt>Status</dt><dd>{source.status}{source.disabledReason ? <> — <Txt s={source.disabledReason} /></> : null}</dd>
        <dt>Last run</dt><dd><When d={source.lastRunAt} /></dd>
        <dt>Next run</dt><dd>{source.enabled ? <When d={source.nextRunAt} /> : 'not scheduled (disabled)'}</dd>
        <dt>Failures in a row</dt><dd>{source.consecutiveFailures}{source.consecutiveFailures > 0 ? ' (backing off)' : ''}</dd>
        <dt>Last error</dt><dd><Txt s={source.lastError ?? 'none'} /></dd>
        <dt>Schedule</dt><dd>{source.schedule ?? (source.status === 'push' ? 'push only' : 'every 15 minutes')}</dd>
        {source.kind === 'trustpilot' && source.config.webhookSecret ? (
          <><dt>Webhook URL</dt><dd><code>{new URL(`/hooks/trustpilot/${id}`, c.req.url).toString()}?token=YOUR_WEBHOOK_SECRET</code> <span class="hint">(add it in Trustpilot Business for new service reviews)</span></dd></>
        ) : null}
        {source.kind === 'telegram' && source.config.webhookSecret ? (
          <><dt>Webhook URL</dt><dd><code>{new URL(`/hooks/telegram/${id}`, c.req.url).toString()}</code> <span class="hint">(give it to Telegram with setWebhook, the source's webhook secret as secret_token)</span></dd></>
        ) : null}
      </dl>
      {session.role === 'admin' ? (
        <div class="actions">
          {source.status === 'push' ? null : (
            <form method="post" action={`${base}/run`}><CsrfField session={session} /><button type="submit" class="primary">Run now</button></form>
          )}
          <SwitchAndDelete session={session} base={base} enabled={source.enabled} turnOn="Enable" turnOff="Disable" confirm="Delete this source and all its mentions?" />
        </div>
      ) : null}
      {extra?.preview ? <Preview result={extra.preview} /> : null}
      <h2>Recent runs</h2>
      <div class="table-wrap">
        <table>
          <thead><tr><th>Started</th><th>Status</th><th class="num">Fetched</th><th class="num">New</th><th class="num">Duplicates</th><th class="num">Edited</th><th>Error</th></tr></thead>
          <tbody>
            {runs.map((r) => (
              <tr>
                <td><When d={r.startedAt} /></td>
                <td class={r.status === 'ok' ? 's-positive' : 's-negative'}>{r.status}</td>
                <td class="num">{r.fetched}</td><td class="num">{r.inserted}</td><td class="num">{r.duplicates}</td><td class="num">{r.edited}</td>
                <td class="hint"><Txt s={r.error ?? ''} /></td>
              </tr>
            ))}
            {runs.length === 0 ? <tr><td colspan={7} class="hint">Not run yet.</td></tr> : null}
          </tbody>
        </table>
      </div>
      {session.role === 'admin' && connector ? (
        <>
          <h2>Settings</h2>
          <SourceForm
            session={session}
            connector={connector}
            action={base}
            values={source.config}
            name={source.name}
            schedule={source.schedule ?? ''}
            enabled={source.enabled}
            submitLabel="Save"
          />
        </>
      ) : null}
    </Layout>,
    extra?.status ?? 200,
  )
}

export const sourcesRouter = new Hono<WebEnv>()
  .get('/', (c) => listPage(c))
  .post('/', requireWebRole('admin'), async (c) => {
    const form = await readForm(c)
    const connector = connectorOf(field(form, 'kind'))
    if (!connector) return listPage(c, { error: 'Choose a kind of source.', status: 400 })
    const created = await orForm(
      () => createSource(c.var.deps, c.var.session.workspaceId, sourceInput(connector, form)),
      (error) => listPage(c, { kind: connector.kind, form, error, status: 400 }),
    )
    if (created instanceof Response) return created
    return c.redirect(`/app/sources/${created.id}?notice=source-created`, 303)
  })
  .post('/test', requireWebRole('admin'), async (c) => {
    const form = await readForm(c)
    const connector = connectorOf(field(form, 'kind'))
    if (!connector) return listPage(c, { error: 'Choose a kind of source.', status: 400 })
    const input = sourceInput(connector, form)
    const preview = await orForm(
      () => dryRunSource(c.var.deps, input),
      (error) => listPage(c, { kind: connector.kind, form, error, status: 400 }),
    )
    if (preview instanceof Response) return preview
    return listPage(c, { kind: connector.kind, form, preview })
  })
  .get('/:id', (c) => detailPage(c, IdParam.parse(c.req.param('id'))))
  .post('/:id', requireWebRole('admin'), async (c) => {
    const id = IdParam.parse(c.req.param('id'))
    const { deps, session } = c.var
    const current = await getSource(deps, session.workspaceId, id)
    const connector = connectorOf(current.kind)!
    const form = await readForm(c)
    const { name, config, schedule, enabled } = sourceInput(connector, form)
    const saved = await orForm(
      () => updateSource(deps, session.workspaceId, id, { name, config, schedule, enabled }),
      (error) => detailPage(c, id, { error, status: 400 }),
    )
    if (saved instanceof Response) return saved
    return c.redirect(`/app/sources/${id}?notice=source-saved`, 303)
  })
  .post('/:id/test', requireWebRole('admin'), async (c) => {
    const id = IdParam.parse(c.req.param('id'))
    const { deps, session } = c.var
    const row = await findSourceRow(deps, session.workspaceId, id)
    const connector = connectorOf(row.kind)!
    // Masked secrets in the form stand for the stored ones, as on save.
    const form = await readForm(c)
    const posted = configFromForm(connector.configSchema as JsonSchema, form)
    for (const secret of connector.secrets) if (typeof posted[secret] === 'string' && String(posted[secret]).startsWith('****')) posted[secret] = row.config[secret]
    const preview = await orForm(() => dryRunSource(deps, { kind: row.kind, config: posted }), (error) => detailPage(c, id, { error, status: 400 }))
    if (preview instanceof Response) return preview
    return detailPage(c, id, { preview })
  })
  .post('/:id/run', requireWebRole('admin'), async (c) => {
    const id = IdParam.parse(c.req.param('id'))
    await runSourceNow(c.var.deps, c.var.session.workspaceId, id)
    return c.redirect(`/app/sources/${id}?notice=source-ran`, 303)
  })
  .post('/:id/enabled', requireWebRole('admin'), async (c) => {
    const id = IdParam.parse(c.req.param('id'))
    const form = await readForm(c)
    await updateSource(c.var.deps, c.var.session.workspaceId, id, { enabled: field(form, 'enabled') === 'true' })
    return c.redirect(`/app/sources/${id}?notice=source-saved`, 303)
  })
  .post('/:id/delete', requireWebRole('admin'), async (c) => {
    const id = IdParam.parse(c.req.param('id'))
    await deleteSource(c.var.deps, c.var.session.workspaceId, id)
    return c.redirect('/app/sources', 303)
  })
