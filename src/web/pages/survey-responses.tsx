import type { Context } from 'hono'
import { SENTIMENT_LABELS } from '../../enrich/sentiment.ts'
import { badRequest } from '../../errors.ts'
import { listResponses, type ResponsesQuery } from '../../surveys/list-responses.ts'
import { propertyNames } from '../../surveys/results.ts'
import { BANDS, PROPERTY_NAME, type BandName } from '../../surveys/schemas.ts'
import type { SurveyRecord } from '../../surveys/surveys.ts'
import type { WebEnv } from '../env.ts'
import { Layout } from '../layout.tsx'
import { Txt, When } from '../text.tsx'
import { BAND_CLASS } from './survey-results.tsx'

const PAGE = 50

/** The page's filters as its address keeps them (`band`, `sentiment`, `choice`, `property` and `value`), read strictly. */
export function filtersOf(c: Context, survey: SurveyRecord): { params: Record<string, string>; query: Omit<ResponsesQuery, 'limit' | 'cursor'> } {
  const params: Record<string, string> = {}
  const query: Omit<ResponsesQuery, 'limit' | 'cursor'> = {}
  const band = c.req.query('band')
  if (band) {
    if (!(band in BANDS[survey.kind])) throw badRequest(`${band} is not a ${survey.kind} band`)
    query.band = band as BandName
    params.band = band
  }
  const sentiment = c.req.query('sentiment')
  if (sentiment) {
    if (!(SENTIMENT_LABELS as readonly string[]).includes(sentiment)) throw badRequest('sentiment is positive, neutral or negative')
    query.sentiment = sentiment as (typeof SENTIMENT_LABELS)[number]
    params.sentiment = sentiment
  }
  const choice = c.req.query('choice')
  if (choice) query.choice = params.choice = choice.slice(0, 100)
  const name = c.req.query('property')
  const value = c.req.query('value')
  if (name && value) {
    if (!PROPERTY_NAME.test(name)) throw badRequest('not a property name')
    query.property = { name, value: value.slice(0, 200) }
    Object.assign(params, { property: name, value: query.property.value })
  }
  return { params, query }
}

/** Every answer of a survey, newest first, 50 a page, narrowed by band, sentiment, an option picked or a property's value. */
export async function SurveyResponsesPage({ c, survey }: { c: Context<WebEnv>; survey: SurveyRecord }) {
  const { deps, session } = c.var
  const { params, query } = filtersOf(c, survey)
  const [page, properties] = await Promise.all([
    listResponses(deps, session.workspaceId, survey.id, { ...query, cursor: c.req.query('cursor'), limit: PAGE }),
    propertyNames(deps, session.workspaceId, survey.id),
  ])
  const title = `Answers · ${survey.name ?? survey.question}`
  const href = (extra: Record<string, string>) => `/app/surveys/${survey.id}/responses?${new URLSearchParams({ ...params, ...extra })}`
  const csv = `/app/surveys/${survey.id}/responses.csv${Object.keys(params).length ? `?${new URLSearchParams(params)}` : ''}`
  return (
    <Layout title={title} session={session} section="surveys">
      <h1><a href={`/app/surveys/${survey.id}`}><Txt s={survey.name ?? survey.question} /></a> · answers</h1>
      <form method="get" action={`/app/surveys/${survey.id}/responses`} class="actions" role="search" aria-label="Filter answers">
        <label>Band{' '}
          <select name="band">
            <option value="">any</option>
            {Object.keys(BANDS[survey.kind]).map((b) => <option value={b} selected={params.band === b}>{b}</option>)}
          </select>
        </label>{' '}
        <label>Sentiment{' '}
          <select name="sentiment">
            <option value="">any</option>
            {SENTIMENT_LABELS.map((s) => <option value={s} selected={params.sentiment === s}>{s}</option>)}
          </select>
        </label>{' '}
        {survey.settings.choice ? (
          <label>Picked{' '}
            <select name="choice">
              <option value="">any</option>
              {survey.settings.choice.options.map((o) => <option value={o} selected={params.choice === o}>{o}</option>)}
            </select>
          </label>
        ) : null}{' '}
        {properties.length ? (
          <>
            <label>Property{' '}
              <select name="property">
                <option value="">—</option>
                {properties.map((p) => <option value={p} selected={params.property === p}>{p}</option>)}
              </select>
            </label>{' '}
            <label>is <input name="value" value={params.value ?? ''} maxlength={200} size={12} /></label>
          </>
        ) : null}{' '}
        <button type="submit">Show</button>
      </form>
      <p><a href={csv} download>Download these as CSV</a></p>
      {page.items.length ? (
        <table>
          <thead><tr><th>When</th><th class="num">Score</th><th>Comment</th><th>Picked</th><th>Properties</th><th>From</th></tr></thead>
          <tbody>
            {page.items.map((r) => (
              <tr>
                <td><When d={r.respondedAt} /></td>
                <td class="num"><span class={`badge ${BAND_CLASS[r.band]}`}>{r.score}</span></td>
                <td class="text">{r.urgent ? <><span class="badge s-negative">urgent</span>{' '}</> : null}{r.comment ? <Txt s={r.comment} /> : <span class="hint">no comment</span>}</td>
                <td><Txt s={r.choices.join(', ')} /></td>
                <td><Txt s={Object.entries(r.properties).map(([k, v]) => `${k}: ${v}`).join(' · ')} /></td>
                <td>{r.customerId ? <a href={`/app/customers/${r.customerId}`}><Txt s={r.email ?? 'customer'} /></a> : <Txt s={r.email ?? ''} />}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : <p class="hint">No answers match.</p>}
      {page.nextCursor ? <p><a href={href({ cursor: page.nextCursor })}>Older answers →</a></p> : null}
    </Layout>
  )
}
