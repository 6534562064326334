import { Hono, type Context } from 'hono'
import { createAlert, deleteAlert, getAlert, listAlertEvents, listAlerts, updateAlert } from '../../alerts/alerts.ts'
import { ALERT_KINDS, ALERT_WINDOWS, NewAlert, type Alert } from '../../alerts/schema.ts'
import { listSources } from '../../sources/find-sources.ts'
import { BAND_NAMES, LOW_BAND } from '../../surveys/schemas.ts'
import { listSurveys } from '../../surveys/surveys.ts'
import { listWebhooks } from '../../webhooks/webhooks.ts'
import type { WebEnv } from '../env.ts'
import { describeIssues, field, fieldList, lines, orForm, readForm } from '../form-data.ts'
import { CsrfField, Layout, SwitchAndDelete } from '../layout.tsx'
import { noticeOf } from '../notices.ts'
import { requireWebRole } from '../security.ts'
import { Txt, When } from '../text.tsx'
import { describeFilter, FilterFieldset, filterFromForm } from '../mention-filter-form.tsx'
import { IdParam } from './params.ts'

type Form = Record<string, string | string[]>

const KIND_LABELS: Record<Alert['kind'], string> = {
  spike: 'Spike in volume',
  negative_share: 'Jump in negative share',
  match: 'Each matching mention',
  unanswered: 'A mention waits too long for a reply',
  rating: 'Reviews average too few stars',
  response: 'Each survey answer in chosen bands',
  survey_score: "A survey's score falls too low",
}
// Webhook URLs can carry their own credentials (chat incoming hooks), and only admins may read them: agents see the description or the host.
const channelLabel = (w: { description: string | null; url: string }) => w.description || new URL(w.url).host
const num = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(1))

/** The last check in words: the count against its baseline, or what waits for a reply. */
function lastCheck(a: Alert): string {
  const x = a.lastEvaluation
  if (!x) return '—'
  if ('waiting' in x) return x.waiting ? `${x.waiting} waiting over ${x.replyWithin}, the oldest ${x.oldestMinutes} min` : `none waiting over ${x.replyWithin}`
  return `${num(x.observed)} against ${num(x.expected)} expected`
}

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']
const workingWeek = (h: NonNullable<Alert['businessHours']>) =>
  `${[...h.days].sort().map((d) => WEEKDAYS[d - 1]).join(', ')} ${h.start}–${h.end} ${h.timeZone}`

/** What the kind checks, beyond the filter. */
function kindDetail(a: Alert): string | null {
  if (a.kind === 'unanswered') return `a reply within ${a.replyWithin}${a.businessHours ? ` of working time (${workingWeek(a.businessHours)})` : ''}`
  if (a.kind === 'rating') return `${a.window}, below ${num(a.belowRating)}★, at least ${a.minCount} reviews`
  if (a.kind === 'response') return `${a.bands.join(', ')}${a.urgentAnswers ? ' and urgent' : ''} answers${a.surveyId ? ' of one survey' : ' of any survey'}`
  if (a.kind === 'survey_score') return `${a.window}, below ${num(a.belowScore ?? 0)}, at least ${a.minCount} answers`
  return a.kind === 'match' ? null : `${a.window}, sensitivity ${a.sensitivity}, at least ${a.minCount} mentions`
}

/** What the alert watches, in words: its filter's parts. */
function watching(a: Alert, sourceNames: Map<string, string>): string {
  const value = a.minCustomerValue !== null ? [`customers worth ≥ ${a.minCustomerValue}`] : []
  const property = a.answerProperty ? [`${a.answerProperty.name}: ${a.answerProperty.value}`] : []
  if (a.kind === 'response') return ['survey answers', ...property, ...value].join(', ')
  if (a.kind === 'survey_score') return ["one survey's answers", ...property].join(', ')
  const parts = [...describeFilter(a.filter, sourceNames), ...value]
  return parts.length ? parts.join(', ') : 'every mention'
}

/** The form's fields as an alert: the API's schema validates it, so the page and the API accept the same alerts. */
function alertInput(form: Form) {
  const optionalNumber = (name: string) => (field(form, name) === '' ? undefined : Number(field(form, name)))
  const filter = filterFromForm(form)
  const kind = field(form, 'kind')
  return NewAlert.safeParse({
    kind,
    name: field(form, 'name'),
    filter,
    channels: fieldList(form, 'channels'),
    emails: lines(field(form, 'emails')),
    cooldown: field(form, 'cooldown') || undefined,
    window: field(form, 'window') || undefined,
    minCount: optionalNumber('minCount'),
    sensitivity: optionalNumber('sensitivity'),
    onlyNew: kind === 'match' ? field(form, 'onlyNew') === 'true' : undefined,
    minCustomerValue: optionalNumber('minCustomerValue') ?? null,
    replyWithin: field(form, 'replyWithin') || undefined,
    belowRating: optionalNumber('belowRating'),
    surveyId: field(form, 'surveyId') || null,
    bands: fieldList(form, 'bands').length ? fieldList(form, 'bands') : undefined,
    urgentAnswers: kind === 'response' ? field(form, 'urgentAnswers') === 'true' : undefined,
    belowScore: optionalNumber('belowScore'),
    answerProperty: field(form, 'answerPropertyName') || field(form, 'answerPropertyValue')
      ? { name: field(form, 'answerPropertyName'), value: field(form, 'answerPropertyValue') }
      : null,
    businessHours: field(form, 'workingHours') === 'true'
      ? { timeZone: field(form, 'timeZone') || 'UTC', days: fieldList(form, 'workDays').map(Number), start: field(form, 'workStart'), end: field(form, 'workEnd') }
      : undefined,
  })
}

async function listPage(c: Context<WebEnv>, extra?: { form?: Form; error?: string; status?: 200 | 400 }) {
  const { deps, session } = c.var
  const canEdit = session.role !== 'viewer'
  const [alerts, sources, webhooks, surveys] = await Promise.all([
    listAlerts(deps, session.workspaceId),
    listSources(deps, session.workspaceId, { limit: 200 }),
    canEdit ? listWebhooks(deps, session.workspaceId) : [],
    canEdit ? listSurveys(deps, session.workspaceId) : [],
  ])
  const sourceNames = new Map(sources.items.map((s) => [s.id, s.name]))
  const form = extra?.form ?? {}
  const v = (name: string) => field(form, name)
  const checked = (name: string, value: string) => fieldList(form, name).includes(value)
  return c.html(
    <Layout title="Alerts" session={session} section="alerts" notice={noticeOf(c)} error={extra?.error}>
      <h1>Alerts</h1>
      <div class="table-wrap">
        <table>
          <thead><tr><th>Name</th><th>When</th><th>Watching</th><th>Status</th><th>Last fired</th><th>Last check</th></tr></thead>
          <tbody>
            {alerts.map((a) => (
              <tr>
                <td><a href={`/app/alerts/${a.id}`}><Txt s={a.name} /></a></td>
                <td>{KIND_LABELS[a.kind]}{kindDetail(a) ? <span class="hint"> · {kindDetail(a)}</span> : null}</td>
                <td><Txt s={watching(a, sourceNames)} /></td>
                <td>{!a.enabled ? 'paused' : a.inEpisode ? <span class="badge s-negative">firing</span> : 'on'}</td>
                <td><When d={a.lastFiredAt} /></td>
                <td class="hint">{lastCheck(a)}</td>
              </tr>
            ))}
            {alerts.length === 0 ? <tr><td colspan={6} class="hint">No alerts yet.</td></tr> : null}
          </tbody>
        </table>
      </div>
      {canEdit ? (
        <>
          <h2>New alert</h2>
          <form method="post" action="/app/alerts" class="stack card">
            <CsrfField session={session} />
            <label for="alert-name">Name</label>
            <input id="alert-name" name="name" value={v('name')} required maxlength={200} size={40} />
            <label for="alert-kind">When</label>
            <select id="alert-kind" name="kind">
              {ALERT_KINDS.map((k) => <option value={k} selected={k === (v('kind') || 'spike')}>{KIND_LABELS[k]}</option>)}
            </select>
            <FilterFieldset form={form} sources={sources.items} idPrefix="alert">
              <div>
                <label for="alert-value">Customer value at least</label>
                <input id="alert-value" name="minCustomerValue" type="number" min={0} value={v('minCustomerValue')} />
              </div>
            </FilterFieldset>
            <div class="grid">
              <div>
                <label for="alert-window">Window <span class="hint">(spike, negative share, stars, survey score; 7d: stars and survey score)</span></label>
                <select id="alert-window" name="window">{ALERT_WINDOWS.map((w) => <option selected={w === (v('window') || '1h')}>{w}</option>)}</select>
              </div>
              <div>
                <label for="alert-sensitivity">Sensitivity <span class="hint">(std. deviations; lower fires more)</span></label>
                <input id="alert-sensitivity" name="sensitivity" type="number" min={1} max={10} step="0.5" value={v('sensitivity') || '3'} />
              </div>
              <div>
                <label for="alert-min">At least this many mentions</label>
                <input id="alert-min" name="minCount" type="number" min={1} value={v('minCount') || '5'} />
              </div>
              <div>
                <label for="alert-within">Reply within <span class="hint">(waits too long)</span></label>
                <input id="alert-within" name="replyWithin" value={v('replyWithin') || '2h'} size={6} placeholder="2h" />
              </div>
              <div>
                <label for="alert-below">Average stars below <span class="hint">(reviews average too few)</span></label>
                <input id="alert-below" name="belowRating" type="number" min={1} max={5} step="0.1" value={v('belowRating') || '3'} />
              </div>
              <div>
                <label for="alert-cooldown">Quiet for at least</label>
                <input id="alert-cooldown" name="cooldown" value={v('cooldown') || '1h'} size={6} placeholder="1h" />
              </div>
            </div>
            <label class="inline"><input type="checkbox" name="onlyNew" value="true" checked={v('onlyNew') === 'true'} /> Only mentions published from now on <span class="hint">(each matching mention)</span></label>
            <fieldset>
              <legend><label class="inline"><input type="checkbox" name="workingHours" value="true" checked={v('workingHours') === 'true'} /> Count the reply time in working hours only</label> <span class="hint">(waits too long)</span></legend>
              <div>{WEEKDAYS.map((d, i) => (
                <label class="inline"><input type="checkbox" name="workDays" value={String(i + 1)} checked={form.workDays ? checked('workDays', String(i + 1)) : i < 5} /> {d}</label>
              ))}</div>
              <div class="grid">
                <div><label for="alert-work-start">From</label><input id="alert-work-start" name="workStart" type="time" value={v('workStart') || '09:00'} /></div>
                <div><label for="alert-work-end">To</label><input id="alert-work-end" name="workEnd" type="time" value={v('workEnd') || '17:00'} /></div>
                <div><label for="alert-tz">Time zone</label><input id="alert-tz" name="timeZone" value={v('timeZone') || 'UTC'} placeholder="Europe/Oslo" size={18} /></div>
              </div>
            </fieldset>
            <fieldset>
              <legend>Surveys <span class="hint">(each survey answer in chosen bands; a survey's score)</span></legend>
              <label for="alert-survey">Survey</label>
              <select id="alert-survey" name="surveyId">
                <option value="">any survey (answers in bands only)</option>
                {surveys.map((s) => <option value={s.id} selected={v('surveyId') === s.id}>{s.name ?? s.question}</option>)}
              </select>
              <div>{BAND_NAMES.map((b) => (
                <label class="inline"><input type="checkbox" name="bands" value={b} checked={form.bands ? checked('bands', b) : (Object.values(LOW_BAND) as string[]).includes(b)} /> {b}</label>
              ))}</div>
              <label class="inline"><input type="checkbox" name="urgentAnswers" value="true" checked={v('urgentAnswers') === 'true'} /> and every urgent answer, whatever its score <span class="hint">(its comment says it cannot wait)</span></label>
              <label for="alert-below-score">Score below <span class="hint">(survey score: NPS −100…100, CSAT %, CES mean 1–7; over the window, with at least that many answers)</span></label>
              <input id="alert-below-score" name="belowScore" type="number" min={-100} max={100} step="0.1" value={v('belowScore')} />
              <div class="grid">
                <div><label for="alert-prop-name">Only answers whose property <span class="hint">(e.g. plan)</span></label><input id="alert-prop-name" name="answerPropertyName" value={v('answerPropertyName')} maxlength={40} size={18} /></div>
                <div><label for="alert-prop-value">is <span class="hint">(e.g. enterprise)</span></label><input id="alert-prop-value" name="answerPropertyValue" value={v('answerPropertyValue')} maxlength={200} size={18} /></div>
              </div>
            </fieldset>
            <fieldset>
              <legend>Send to <span class="hint">(webhooks; every firing is also listed here)</span></legend>
              {webhooks.length ? (
                webhooks.map((w) => <label class="inline"><input type="checkbox" name="channels" value={w.id} checked={checked('channels', w.id)} /> <Txt s={channelLabel(w)} /></label>)
              ) : <p class="hint">No webhooks yet: an admin adds them on the Webhooks page.</p>}
              <label for="alert-emails">And by e-mail to <span class="hint">(one address per line, up to 20{deps.mail ? '' : '; needs EARSHOT_SMTP_URL on the server'})</span></label>
              <textarea id="alert-emails" name="emails" rows={2}>{v('emails')}</textarea>
            </fieldset>
            <div><button class="primary" type="submit">Create alert</button></div>
          </form>
        </>
      ) : null}
    </Layout>,
    extra?.status ?? 200,
  )
}

async function detailPage(c: Context<WebEnv>, id: string) {
  const { deps, session } = c.var
  const [alert, events, sources] = await Promise.all([
    getAlert(deps, session.workspaceId, id),
    listAlertEvents(deps, session.workspaceId, id, { limit: 50 }),
    listSources(deps, session.workspaceId, { limit: 200 }),
  ])
  const base = `/app/alerts/${id}`
  return c.html(
    <Layout title={alert.name} session={session} section="alerts" notice={noticeOf(c)}>
      <h1><Txt s={alert.name} /> <span class="hint">{KIND_LABELS[alert.kind]}</span></h1>
      <dl class="kv card">
        <dt>Watching</dt><dd><Txt s={watching(alert, new Map(sources.items.map((s) => [s.id, s.name])))} /></dd>
        {kindDetail(alert) ? <><dt>{alert.kind === 'unanswered' ? 'Promise' : 'Window'}</dt><dd>{kindDetail(alert)}</dd></> : null}
        <dt>Quiet for</dt><dd>{alert.cooldown}</dd>
        {alert.emails.length ? <><dt>By e-mail to</dt><dd><Txt s={alert.emails.join(', ')} /></dd></> : null}
        <dt>Status</dt><dd>{alert.enabled ? (alert.inEpisode ? 'firing' : 'on') : 'paused'}</dd>
        <dt>Last check</dt><dd><When d={alert.lastEvaluatedAt} />{alert.lastEvaluation ? ` — ${lastCheck(alert)}` : ''}</dd>
      </dl>
      {session.role === 'viewer' ? null : (
        <div class="actions">
          <SwitchAndDelete session={session} base={base} enabled={alert.enabled} turnOn="Turn on" turnOff="Pause" confirm="Delete this alert and its history?" />
        </div>
      )}
      <h2>Fired</h2>
      <div class="table-wrap">
        <table>
          <thead><tr><th>When</th><th>What</th></tr></thead>
          <tbody>
            {events.items.map((e) => {
              const x = e.explanation as { observed?: number; expected?: number; threshold?: number | null; score?: number; surveyId?: string }
              return (
                <tr>
                  <td><When d={e.firedAt} /></td>
                  <td>
                    {e.mentionId ? <a href={`/app/inbox?m=${e.mentionId}`}>the mention</a> : null}
                    {e.responseId && x.surveyId ? <a href={`/app/surveys/${x.surveyId}`}>an answer of {x.score}</a> : null}
                    {typeof x.observed === 'number' && typeof x.expected === 'number'
                      ? `${num(x.observed)} against ${num(x.expected)} expected${typeof x.threshold === 'number' ? ` (threshold ${num(x.threshold)})` : ''}`
                      : null}
                  </td>
                </tr>
              )
            })}
            {events.items.length === 0 ? <tr><td colspan={2} class="hint">Not fired yet.</td></tr> : null}
          </tbody>
        </table>
      </div>
    </Layout>,
  )
}

export const alertsRouter = new Hono<WebEnv>()
  .get('/', (c) => listPage(c))
  .post('/', requireWebRole('agent'), async (c) => {
    const form = await readForm(c)
    const input = alertInput(form)
    if (!input.success) return listPage(c, { form, error: describeIssues(input.error), status: 400 })
    const created = await orForm(
      () => createAlert(c.var.deps, c.var.session.workspaceId, input.data),
      (error) => listPage(c, { form, error, status: 400 }),
    )
    if (created instanceof Response) return created
    return c.redirect(`/app/alerts/${created.id}?notice=alert-created`, 303)
  })
  .get('/:id', (c) => detailPage(c, IdParam.parse(c.req.param('id'))))
  .post('/:id/enabled', requireWebRole('agent'), async (c) => {
    const id = IdParam.parse(c.req.param('id'))
    const form = await readForm(c)
    await updateAlert(c.var.deps, c.var.session.workspaceId, id, { enabled: field(form, 'enabled') === 'true' })
    return c.redirect(`/app/alerts/${id}?notice=alert-saved`, 303)
  })
  .post('/:id/delete', requireWebRole('agent'), async (c) => {
    const id = IdParam.parse(c.req.param('id'))
    await deleteAlert(c.var.deps, c.var.session.workspaceId, id)
    return c.redirect('/app/alerts?notice=alert-deleted', 303)
  })
