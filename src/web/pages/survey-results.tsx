import type { Context } from 'hono'
import { listResponses, type ResponseView } from '../../surveys/list-responses.ts'
import { listResponseReplies } from '../../surveys/response-replies.ts'
import { listTranslations } from '../../translate/stored.ts'
import { languageName } from '../../translate/translator.ts'
import { propertyNames, segmentScores, surveyResults } from '../../surveys/results.ts'
import { surveyLocales } from '../../surveys/survey-language.ts'
import { headline } from '../../surveys/scores.ts'
import { BANDS, bandOf, HIGH_BAND, LOW_BAND, SCALES, type BandName, type SurveyKind } from '../../surveys/schemas.ts'
import { linkedTickets, ticketRanker } from '../../tickets/similar-tickets.ts'
import type { SurveyRecord } from '../../surveys/surveys.ts'
import { BarList, LineChart, SENTIMENT_COLOURS } from '../charts.tsx'
import type { WebEnv } from '../env.ts'
import { CsrfField, PrintButton } from '../layout.tsx'
import { seenMark, Txt, When } from '../text.tsx'

const RECENT_COMMENTS = 20
const THEMED_SAMPLE = 200
const THEMES_SHOWN = 6
const COMMENTS_PER_THEME = 5

/** Whether a comment contains every word of a theme (themes are a word or a word pair). */
const mentionsTerm = (comment: string, term: string) => {
  const text = comment.toLowerCase()
  return term.split(' ').every((w) => text.includes(w))
}
const BAND_COLOURS: Record<string, string> = {
  detractor: SENTIMENT_COLOURS.negative, unsatisfied: SENTIMENT_COLOURS.negative, difficult: SENTIMENT_COLOURS.negative,
  passive: SENTIMENT_COLOURS.neutral, neutral: SENTIMENT_COLOURS.neutral,
  promoter: SENTIMENT_COLOURS.positive, satisfied: SENTIMENT_COLOURS.positive, easy: SENTIMENT_COLOURS.positive,
}

export const BAND_CLASS: Record<string, string> = {
  detractor: 's-negative', unsatisfied: 's-negative', difficult: 's-negative',
  passive: 's-neutral', neutral: 's-neutral',
  promoter: 's-positive', satisfied: 's-positive', easy: 's-positive',
}

/** The kind's score bands, low to high. */
const bandsOf = (kind: SurveyKind) => Object.keys(BANDS[kind]) as BandName[]

/** Every score of the kind's scale, low to high, so the distribution shows the zeros too. */
const scaleOf = (kind: SurveyKind) => Array.from({ length: SCALES[kind].max - SCALES[kind].min + 1 }, (_, i) => SCALES[kind].min + i)

const LABEL = { nps: 'NPS', csat: 'CSAT %', ces: 'CES (mean, 1–7)' } as const
const RANGE = { nps: [-100, 100], csat: [0, 100], ces: [1, 7] } as const
// An interval is shown as precisely as the score it bounds is read ("−100 to 11", not "−100 to 11.11").
const DECIMALS = { nps: 0, csat: 1, ces: 2 } as const

/** An e-mail to a respondent handed back unsent, with a word on why. */
export interface ResponseDraft {
  responseId: string
  text: string
  note: string
}

/** Score, trend, distribution and comments for one survey. */
export async function SurveyResults({ c, survey, draft }: { c: Context<WebEnv>; survey: SurveyRecord; draft?: ResponseDraft }) {
  const { deps, session } = c.var
  const [results, recent, unhappy, properties] = await Promise.all([
    // Per language shown, once the survey speaks more than one.
    surveyResults(deps, session.workspaceId, survey.id, { interval: 'week', segment: surveyLocales(survey).length > 1 ? 'locale' : undefined }),
    listResponses(deps, session.workspaceId, survey.id, { limit: RECENT_COMMENTS }),
    listResponses(deps, session.workspaceId, survey.id, { band: LOW_BAND[survey.kind], limit: THEMED_SAMPLE }),
    propertyNames(deps, session.workspaceId, survey.id),
  ])
  // The property chosen to break the score down by (`?by=plan`), else the most used one.
  const asked = c.req.query('by')
  const by = asked !== undefined && properties.includes(asked) ? asked : properties[0]
  const [byProperty, byChoice] = await Promise.all([
    by === undefined ? [] : segmentScores(deps, session.workspaceId, survey, `property:${by}`),
    results.choices?.answered ? segmentScores(deps, session.workspaceId, survey, 'choice') : [],
  ])
  // Each row of a breakdown opens the answers behind it.
  const answersHref = (filter: Record<string, string>) => `/app/surveys/${survey.id}/responses?${new URLSearchParams(filter)}`
  const choiceScore = (option: string) => {
    const group = byChoice.find((g) => g.value === option)
    return group ? headline(group).score : null
  }
  const byTheme = results.detractorThemes.slice(0, THEMES_SHOWN).map((t) => ({
    ...t,
    comments: unhappy.items.filter((r) => r.comment && mentionsTerm(r.comment, t.term)).slice(0, COMMENTS_PER_THEME),
  }))
  const main = headline(results)
  const series = (results.series ?? []).map((p) => ({ start: p.start, ...headline(p) })).filter((p) => p.n > 0)
  const commented = recent.items.filter((r) => r.comment)
  const ids = commented.map((r) => r.id)
  const canTriage = session.role !== 'viewer'
  const [replies, translations, tickets, rank] = await Promise.all([
    listResponseReplies(deps.sql, session.workspaceId, ids),
    listTranslations(deps.sql, session.workspaceId, { kind: 'response', surveyId: survey.id }, ids),
    linkedTickets(deps, session.workspaceId, ids),
    canTriage ? ticketRanker(deps, session.workspaceId) : undefined,
  ])
  // Praise shares words with the tickets it does not report ("love the export"): only the other answers are offered one.
  const alike = (r: ResponseView) =>
    rank && r.comment && r.band !== HIGH_BAND[survey.kind] ? rank(r.comment, r.lang, new Set((tickets.get(r.id) ?? []).map((t) => t.id))) : []
  // An address of the respondent's own, or a linked customer who may have one (the server checks).
  const canReply = deps.mail !== undefined && canTriage
  return (
    <section aria-labelledby="results-h">
      <h2 id="results-h">Results <PrintButton /></h2>
      <div class="grid">
        <div class="card">
          <h3>{LABEL[survey.kind]}</h3>
          <p class="big" data-score>{main.score === null ? '—' : main.score}</p>
          <p class="hint">
            n = {main.n}
            {main.ci95 ? ` · 95% interval ${main.ci95.map((v) => v.toFixed(DECIMALS[survey.kind])).join(' to ')}` : ''}
          </p>
          {survey.settings.reviewLink ? (
            <p class="hint" data-reviews>{results.reviews.followed} of {results.reviews.asked} happy respondents followed the review link</p>
          ) : null}
        </div>
        <div class="card">
          <h3>Over time (weekly)</h3>
          {series.length ? (
            <LineChart
              title={`${LABEL[survey.kind]} per week`}
              labels={series.map((p) => p.start.toISOString().slice(5, 10))}
              series={[{ name: LABEL[survey.kind], colour: '#0b5cad', values: series.map((p) => p.score) }]}
              min={RANGE[survey.kind][0]}
              max={RANGE[survey.kind][1]}
            />
          ) : <p class="hint">No responses yet.</p>}
        </div>
        <div class="card">
          <h3>Distribution</h3>
          {results.distribution.length ? (
            <BarList
              title="Responses per score"
              rows={scaleOf(survey.kind).map((score) => ({
                label: String(score),
                value: results.distribution.find((d) => d.score === score)?.n ?? 0,
                colour: BAND_COLOURS[bandOf(survey.kind, score)],
              }))}
            />
          ) : <p class="hint">No responses yet.</p>}
        </div>
        {results.choices ? (
          <div class="card" id="choices">
            <h3><Txt s={results.choices.question ?? 'Choice question (no longer asked)'} /></h3>
            <p class="hint">{results.choices.answered} answered it</p>
            {results.choices.answered ? (
              <table>
                <thead><tr><th>Option</th><th class="num">Picked</th>{bandsOf(survey.kind).map((b) => <th class="num">{b}s</th>)}<th class="num">{LABEL[survey.kind]}</th></tr></thead>
                <tbody>
                  {results.choices.options.map((o) => (
                    <tr>
                      <td>{o.n ? <a href={answersHref({ choice: o.option })}><Txt s={o.option} /></a> : <Txt s={o.option} />}</td><td class="num">{o.n}</td>{bandsOf(survey.kind).map((b) => <td class="num">{o.bands[b] ?? 0}</td>)}
                      <td class="num">{choiceScore(o.option) ?? '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : null}
          </div>
        ) : null}
        {results.segments ? (
          <div class="card" id="by-language">
            <h3>By language shown</h3>
            {results.segments.length ? (
              <table>
                <thead><tr><th>Language</th><th class="num">n</th><th class="num">{LABEL[survey.kind]}</th></tr></thead>
                <tbody>
                  {results.segments.map((g) => {
                    const h = headline(g)
                    return <tr><td>{g.value === null ? 'not recorded' : languageName(g.value)}</td><td class="num">{h.n}</td><td class="num">{h.score ?? '—'}</td></tr>
                  })}
                </tbody>
              </table>
            ) : <p class="hint">No responses yet.</p>}
          </div>
        ) : null}
        {by !== undefined ? (
          <div class="card" id="by-property">
            <h3>By property</h3>
            <form method="get" action={`/app/surveys/${survey.id}#by-property`} class="actions">
              <label>Property{' '}
                <select name="by">{properties.map((name) => <option value={name} selected={name === by}>{name}</option>)}</select>
              </label>{' '}
              <button type="submit">Show</button>
            </form>
            <table>
              <thead><tr><th><Txt s={by} /></th><th class="num">n</th><th class="num">{LABEL[survey.kind]}</th></tr></thead>
              <tbody>
                {byProperty.map((g) => {
                  const h = headline(g)
                  return (
                    <tr>
                      <td>{g.value === null ? <span class="hint">none</span> : <a href={answersHref({ property: by, value: g.value })}><Txt s={g.value} /></a>}</td>
                      <td class="num">{h.n}</td><td class="num">{h.score ?? '—'}</td>
                    </tr>
                  )
                })}
              </tbody>
            </table>
          </div>
        ) : null}
      </div>
      <div class="grid">
        <div class="card">
          <h3>Themes in unhappy comments</h3>
          {byTheme.length ? (
            <>
              <BarList title="Themes" rows={byTheme.map((t) => ({ label: t.term, value: t.count, colour: SENTIMENT_COLOURS.negative }))} />
              {byTheme.map((t) => (
                <details>
                  <summary><Txt s={t.term} /> — {t.count} {t.count === 1 ? 'comment' : 'comments'}</summary>
                  <ul>{t.comments.map((r) => <li class="text"><span class="badge s-negative">{r.score}</span> <Txt s={r.comment} /></li>)}</ul>
                </details>
              ))}
            </>
          ) : <p class="hint">Not enough unhappy comments to find themes.</p>}
          <p class="hint">
            {results.comments.n} comments ·{' '}
            {Object.entries(results.comments.sentiment).map(([k, n]) => `${k} ${n}`).join(' · ')}
          </p>
          <h3>What happy respondents mention</h3>
          {results.promoterThemes.length ? (
            <BarList title="Themes in happy comments" rows={results.promoterThemes.slice(0, THEMES_SHOWN).map((t) => ({ label: t.term, value: t.count, colour: SENTIMENT_COLOURS.positive }))} />
          ) : <p class="hint">Not enough happy comments to find themes.</p>}
        </div>
        <div class="card">
          <h3>Latest comments</h3>
          {commented.length ? (
            <ul class="timeline">
              {commented.map((r) => (
                <li>
                  <span class={`badge ${BAND_CLASS[r.band]}`}>{r.score} · {r.band}</span>{' '}
                  {r.urgent ? <><span class="badge s-negative">urgent</span>{' '}</> : null}
                  <span class="text"><Txt s={r.comment} /></span>
                  <div class="meta"><time datetime={r.respondedAt.toISOString()}>{r.respondedAt.toISOString().slice(0, 16).replace('T', ' ')}</time>{r.email ? <> · <Txt s={r.email} /></> : null}
                    {r.choices.length ? <> · <Txt s={r.choices.join(', ')} /></> : null}
                    {Object.entries(r.properties).map(([name, value]) => <> · <Txt s={`${name}: ${value}`} /></>)}</div>
                  {(translations.get(r.id) ?? []).map((x) => (
                    <div class="translation">
                      <p class="hint">Machine translation into {languageName(x.lang)}{x.from ? ` from ${languageName(x.from)}` : ''} ({x.provider})</p>
                      <p class="text" lang={x.lang}><Txt s={x.text} /></p>
                    </div>
                  ))}
                  {deps.translator && r.lang !== 'en' && !(translations.get(r.id) ?? []).some((x) => x.lang === 'en') ? (
                    <form method="post" action={`/app/surveys/${survey.id}/responses/${r.id}/translation`} class="actions">
                      <CsrfField session={session} />
                      <input type="hidden" name="to" value="en" />
                      <button type="submit">Translate into English</button>
                    </form>
                  ) : null}
                  {(tickets.get(r.id) ?? []).length ? (
                    <p class="hint">Linked to {(tickets.get(r.id) ?? []).map((t, i) => <>{i ? ', ' : ''}<a href={`/app/tickets/${t.id}`}><Txt s={t.title} /></a> ({t.status.replace('_', ' ')})</>)}</p>
                  ) : null}
                  {alike(r).map((t) => (
                    <form method="post" action={`/app/surveys/${survey.id}/responses/${r.id}/link`} class="actions">
                      <CsrfField session={session} />
                      <input type="hidden" name="ticketId" value={t.id} />
                      <span class="hint">Looks like</span> <a href={`/app/tickets/${t.id}`}><Txt s={t.title} /></a>
                      <span class="hint">({t.status.replace('_', ' ')}, {t.links} linked)</span>
                      <button type="submit">Link to it</button>
                    </form>
                  ))}
                  {replies.filter((x) => x.responseId === r.id).map((x) => (
                    <div class="hint">
                      {x.status === 'sent' ? 'Answered' : x.status === 'sending' ? 'Being sent' : 'Not sent'} by <Txt s={x.author} /> · <When d={x.createdAt} />: <Txt s={x.text} />
                      {x.error ? <> (<Txt s={x.error} />)</> : null}
                    </div>
                  ))}
                  {canReply && (r.email || r.customerId) ? (
                    <details open={draft?.responseId === r.id}>
                      <summary>Reply by e-mail</summary>
                      <form method="post" action={`/app/surveys/${survey.id}/responses/${r.id}/replies`} class="stack">
                        <CsrfField session={session} />
                        {/* An e-mail someone else sends after this page was read stops this one: the writer never saw it. */}
                        <input type="hidden" name="seen" value={seenMark(replies.filter((x) => x.responseId === r.id))} />
                        {draft?.responseId === r.id ? <p class="error" role="alert"><Txt s={draft.note} /></p> : null}
                        <label for={`reply-${r.id}`}>Your answer <span class="hint">(their comment is quoted below it)</span></label>
                        <textarea id={`reply-${r.id}`} name="text" required maxlength={10000} rows={4}>{draft?.responseId === r.id ? draft.text : ''}</textarea>
                        <label for={`reply-to-${r.id}`}>Replies go to <span class="hint">(optional: your team's address)</span></label>
                        <input id={`reply-to-${r.id}`} name="replyTo" type="email" maxlength={320} />
                        <button type="submit">Send</button>
                      </form>
                    </details>
                  ) : null}
                </li>
              ))}
            </ul>
          ) : <p class="hint">No comments yet.</p>}
        </div>
      </div>
    </section>
  )
}
