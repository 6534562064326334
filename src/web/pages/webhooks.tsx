import { Hono, type Context } from 'hono'
import { EVENT_TYPES } from '../../webhooks/events.ts'
import { NewWebhook, WEBHOOK_FORMATS } from '../../webhooks/schema.ts'
import { createWebhook, deleteWebhook, listWebhooks, sendTestEvent, updateWebhook } from '../../webhooks/webhooks.ts'
import type { WebEnv } from '../env.ts'
import { describeIssues, field, fieldList, orForm, readForm } from '../form-data.ts'
import { CsrfField, Layout, SwitchAndDelete } from '../layout.tsx'
import { noticeOf } from '../notices.ts'
import { requireWebRole } from '../security.ts'
import { Txt, When } from '../text.tsx'
import { IdParam } from './params.ts'

type Form = Record<string, string | string[]>


/** The one page: every webhook with its health, the form for a new one, and a new one's signing secret once. */
async function webhooksPage(c: Context<WebEnv>, extra?: { form?: Form; error?: string; status?: 200 | 400; created?: { url: string; secret: string } }) {
  const { deps, session } = c.var
  const webhooks = await listWebhooks(deps, session.workspaceId)
  const form = extra?.form ?? {}
  const chosen = fieldList(form, 'events')
  return c.html(
    <Layout title="Webhooks" session={session} section="webhooks" notice={noticeOf(c)} error={extra?.error}>
      <h1>Webhooks</h1>
      {extra?.created ? (
        <section class="card" aria-label="New webhook secret">
          <p class="notice" role="status">Webhook created for <Txt s={extra.created.url} />. Copy its signing secret now: it is not shown again.</p>
          <p><code>{extra.created.secret}</code></p>
          <p class="hint">Each delivery is signed (Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature headers) with this secret.</p>
        </section>
      ) : null}
      <div class="table-wrap">
        <table>
          <thead><tr><th>URL</th><th>Events</th><th>Format</th><th>Status</th><th>Created</th><th></th></tr></thead>
          <tbody>
            {webhooks.map((w) => (
              <tr>
                <td><Txt s={w.url} />{w.description ? <div class="hint"><Txt s={w.description} /></div> : null}</td>
                <td>{w.events.join(', ')}</td>
                <td>{w.format}</td>
                <td>
                  {w.disabledReason ? <span class="badge s-negative">stopped: <Txt s={w.disabledReason} /></span> : w.enabled ? (w.consecutiveFailures ? `failing (${w.consecutiveFailures} in a row)` : 'on') : 'paused'}
                </td>
                <td><When d={w.createdAt} /></td>
                <td class="actions">
                  {w.enabled ? (
                    <form method="post" action={`/app/webhooks/${w.id}/test`}>
                      <CsrfField session={session} />
                      <button type="submit">Send test</button>
                    </form>
                  ) : null}
                  <SwitchAndDelete session={session} base={`/app/webhooks/${w.id}`} enabled={w.enabled} turnOn="Turn on" turnOff="Pause" confirm="Delete this webhook? Alerts sending to it stop sending there." />
                </td>
              </tr>
            ))}
            {webhooks.length === 0 ? <tr><td colspan={6} class="hint">No webhooks yet.</td></tr> : null}
          </tbody>
        </table>
      </div>
      <h2>New webhook</h2>
      <form method="post" action="/app/webhooks" class="stack card">
        <CsrfField session={session} />
        <label for="hook-url">URL <span class="hint">(https; private and loopback addresses are refused)</span></label>
        <input id="hook-url" name="url" type="url" value={field(form, 'url')} required maxlength={2000} size={60} />
        <fieldset>
          <legend>Events</legend>
          {EVENT_TYPES.map((e) => <label class="inline"><input type="checkbox" name="events" value={e} checked={chosen.length ? chosen.includes(e) : e === 'alert.fired'} /> {e}</label>)}
        </fieldset>
        <label for="hook-format">Format <span class="hint">(slack: a message a Slack incoming webhook can post; teams: a card for a Teams workflow webhook)</span></label>
        <select id="hook-format" name="format">{WEBHOOK_FORMATS.map((f) => <option selected={f === (field(form, 'format') || 'json')}>{f}</option>)}</select>
        <label for="hook-description">Description</label>
        <input id="hook-description" name="description" value={field(form, 'description')} maxlength={500} size={60} />
        <div><button class="primary" type="submit">Create webhook</button></div>
      </form>
    </Layout>,
    extra?.status ?? 200,
  )
}

export const webhooksRouter = new Hono<WebEnv>()
  .use(requireWebRole('admin'))
  .get('/', (c) => webhooksPage(c))
  .post('/', async (c) => {
    const form = await readForm(c)
    const input = NewWebhook.safeParse({
      url: field(form, 'url'),
      events: fieldList(form, 'events'),
      format: field(form, 'format') || undefined,
      description: field(form, 'description') || undefined,
    })
    if (!input.success) return webhooksPage(c, { form, error: describeIssues(input.error), status: 400 })
    const created = await orForm(() => createWebhook(c.var.deps, c.var.session.workspaceId, input.data), (error) => webhooksPage(c, { form, error, status: 400 }))
    if (created instanceof Response) return created
    // Shown in this response only: a redirect would have to carry the secret in a URL.
    return webhooksPage(c, { created: { url: created.url, secret: created.secret } })
  })
  .post('/:id/enabled', async (c) => {
    const id = IdParam.parse(c.req.param('id'))
    const form = await readForm(c)
    await updateWebhook(c.var.deps, c.var.session.workspaceId, id, { enabled: field(form, 'enabled') === 'true' })
    return c.redirect('/app/webhooks?notice=webhook-saved', 303)
  })
  .post('/:id/test', async (c) => {
    await sendTestEvent(c.var.deps, c.var.session.workspaceId, IdParam.parse(c.req.param('id')))
    return c.redirect('/app/webhooks?notice=webhook-tested', 303)
  })
  .post('/:id/delete', async (c) => {
    const id = IdParam.parse(c.req.param('id'))
    await deleteWebhook(c.var.deps, c.var.session.workspaceId, id)
    return c.redirect('/app/webhooks?notice=webhook-deleted', 303)
  })
