import { Hono, type Context } from 'hono'
import { BANDS, DEFAULT_APPEARANCE, LOCALES, NewSurvey, SCALES, SURVEY_KINDS, SurveyPatch, type Locale, type SurveyKind } from '../../surveys/schemas.ts'
import { surveyLocales } from '../../surveys/survey-language.ts'
import { languageName } from '../../translate/translator.ts'
import { listSends, queueSends, SendRequest } from '../../surveys/email-sends.ts'
import { replyToResponse, ResponseReplyInput } from '../../surveys/response-replies.ts'
import { runTranslator } from '../../translate/run.ts'
import { translateStored, TranslationInput } from '../../translate/stored.ts'
import { exportResponsesCsv } from '../../surveys/list-responses.ts'
import { recentScores } from '../../surveys/results.ts'
import { DAY_MS } from '../../time/wall-clock.ts'
import { surveyScore } from '../../webhooks/chat-message.ts'
import { appearanceOf, createSurvey, getSurvey, listSurveys, presentSurvey, updateSurvey, type SurveyRecord } from '../../surveys/surveys.ts'
import type { WebEnv } from '../env.ts'
import { describeIssues, field, fieldList, lines, orForm, readForm } from '../form-data.ts'
import { CsrfField, Layout } from '../layout.tsx'
import { noticeOf } from '../notices.ts'
import { requestOrigin } from '../request-origin.ts'
import { requireWebRole } from '../security.ts'
import { Txt, When } from '../text.tsx'
import type { WebSession } from '../sessions.ts'
import { AppError, badRequest } from '../../errors.ts'
import { addLinks } from '../../tickets/tickets.ts'
import { IdParam } from './params.ts'
import { filtersOf, SurveyResponsesPage } from './survey-responses.tsx'
import { SurveyResults, type ResponseDraft } from './survey-results.tsx'

type Form = Record<string, string | string[]>

const RECENT_INVITATIONS = 10
/** The survey list's answers and score are of this many days, so a list of old and new surveys compares alike. */
const RECENT_DAYS = 30

const numberOr = (value: string, fallback: number) => (value === '' ? fallback : Number(value))

/** The follow-up fields named `prefix.band` that are filled in. */
const followUpOf = (form: Form, kind: SurveyKind, prefix: string) =>
  Object.fromEntries(Object.keys(BANDS[kind]).map((b) => [b, field(form, `${prefix}.${b}`)]).filter(([, v]) => v))

/** A choice question's texts from the fields `prefix.question` and `prefix.options` (one a line); none when both are empty. */
function choiceTextsOf(form: Form, prefix: string) {
  const question = field(form, `${prefix}.question`)
  const options = lines(field(form, `${prefix}.options`))
  return question || options.length ? { question, options } : undefined
}

/** The choice question fields; its bands are those ticked, every band when all or none are. */
function choiceOf(form: Form, kind: SurveyKind) {
  const texts = choiceTextsOf(form, 'choice')
  if (!texts) return null
  const bands = fieldList(form, 'choice.bands')
  const all = Object.keys(BANDS[kind])
  return { ...texts, multiple: field(form, 'choice.multiple') === 'on', ...(bands.length && bands.length < all.length ? { bands } : {}) }
}

/** The other languages' fields (`tr.ru.question`, `tr.ru.followUp.detractor`, `tr.ru.choice.options`); a language left empty has no translation. */
function translationsOf(form: Form, kind: SurveyKind) {
  return Object.fromEntries(
    LOCALES.flatMap((l) => {
      const question = field(form, `tr.${l}.question`)
      const followUp = followUpOf(form, kind, `tr.${l}.followUp`)
      const choice = choiceTextsOf(form, `tr.${l}.choice`)
      const thanks = field(form, `tr.${l}.thanks`)
      return question || Object.keys(followUp).length || choice || thanks
        ? [[l, { question, followUp, ...(choice ? { choice } : {}), ...(thanks ? { thanks } : {}) }]]
        : []
    }),
  )
}

/** Form fields → the survey API's own input shape, so the same zod schema validates both. */
function surveyInput(form: Form, kind: SurveyKind) {
  return {
    name: field(form, 'name') || null,
    question: field(form, 'question'),
    followUp: followUpOf(form, kind, 'followUp'),
    allowedOrigins: lines(field(form, 'allowedOrigins')),
    reviewLink: field(form, 'reviewLink') || null,
    choice: choiceOf(form, kind),
    thanks: field(form, 'thanks') || null,
    // A datetime-local field has no zone: it is read as UTC, as its label says.
    closesAt: field(form, 'closesAt') ? `${field(form, 'closesAt')}:00Z` : null,
    maxResponses: field(form, 'maxResponses') ? Number(field(form, 'maxResponses')) : null,
    appearance: { accent: field(form, 'accent') || undefined, position: field(form, 'position') || undefined },
    locale: field(form, 'locale') || 'en',
    translations: translationsOf(form, kind),
    status: field(form, 'status') || 'active',
    display: {
      delaySeconds: numberOr(field(form, 'delaySeconds'), 0),
      onceEveryDays: numberOr(field(form, 'onceEveryDays'), 30),
      samplePercent: numberOr(field(form, 'samplePercent'), 100),
      pages: lines(field(form, 'pages')),
      excludePages: lines(field(form, 'excludePages')),
    },
  }
}

/** The "on repeat" form as a schedule; unchecked stops it. */
function recurringInput(form: Form) {
  if (field(form, 'recurring') !== 'on') return null
  const plans = field(form, 'plans').split(',').map((p) => p.trim()).filter(Boolean)
  return {
    everyDays: numberOr(field(form, 'everyDays'), 90),
    firstAfterDays: numberOr(field(form, 'firstAfterDays'), 0),
    remindAfterDays: field(form, 'recurringRemind') ? Number(field(form, 'recurringRemind')) : null,
    ...(plans.length ? { plans } : {}),
  }
}


const DEFAULT_QUESTION: Record<SurveyKind, string> = {
  nps: 'How likely are you to recommend us to a friend or colleague?',
  csat: 'How satisfied are you with us?',
  ces: 'How easy was it to get what you needed?',
}

/**
 * The question and follow-ups in one more language; open when it has text, so a survey's languages show at a glance.
 * With a translator configured, a button fills them in from the survey's own texts, for a person to read before saving.
 */
const TranslationFields = ({ kind, locale, v, fillAction }: { kind: SurveyKind; locale: Locale; v: (name: string) => string; fillAction?: string }) => (
  <details open={v(`tr.${locale}.question`) !== '' || undefined} data-translation={locale}>
    <summary>{languageName(locale)}</summary>
    {fillAction ? (
      <p><button type="submit" name="fill" value={locale} formaction={fillAction} formnovalidate>Fill in by machine translation</button></p>
    ) : null}
    <label for={`tr-${locale}-q`}>Question in {languageName(locale)}</label>
    <input id={`tr-${locale}-q`} name={`tr.${locale}.question`} value={v(`tr.${locale}.question`)} maxlength={500} size={60} lang={locale} />
    {Object.keys(BANDS[kind]).map((band) => (
      <>
        <label for={`tr-${locale}-${band}`}>{band} <span class="hint">(optional)</span></label>
        <input id={`tr-${locale}-${band}`} name={`tr.${locale}.followUp.${band}`} value={v(`tr.${locale}.followUp.${band}`)} maxlength={500} size={60} lang={locale} />
      </>
    ))}
    <label for={`tr-${locale}-cq`}>Choice question <span class="hint">(when the survey has one)</span></label>
    <input id={`tr-${locale}-cq`} name={`tr.${locale}.choice.question`} value={v(`tr.${locale}.choice.question`)} maxlength={300} size={60} lang={locale} />
    <label for={`tr-${locale}-co`}>Its options <span class="hint">one a line, in the same order</span></label>
    <textarea id={`tr-${locale}-co`} name={`tr.${locale}.choice.options`} rows={4} lang={locale}>{v(`tr.${locale}.choice.options`)}</textarea>
    <label for={`tr-${locale}-th`}>Thank-you <span class="hint">(optional)</span></label>
    <input id={`tr-${locale}-th`} name={`tr.${locale}.thanks`} value={v(`tr.${locale}.thanks`)} maxlength={300} size={60} lang={locale} />
  </details>
)

function SurveyForm({ session, survey, values, action, canTranslate }: { session: WebSession; survey?: SurveyRecord; values: Form; action: string; canTranslate: boolean }) {
  const kind = (survey?.kind ?? (field(values, 'kind') || 'nps')) as SurveyKind
  const v = (name: string) => field(values, name)
  const own = (v('locale') || 'en') as Locale
  // The bands the choice question is asked of; none ticked means every band.
  const askedOf = fieldList(values, 'choice.bands')
  return (
    <form method="post" action={action} data-survey-form class="stack">
      <CsrfField session={session} />
      {survey ? null : <input type="hidden" name="kind" value={kind} />}
      <label for="name">Name <span class="hint">(only you see it)</span></label>
      <input id="name" name="name" value={v('name')} maxlength={200} />
      <label for="question">Question</label>
      <input id="question" name="question" value={v('question')} required maxlength={500} size={60} />
      <fieldset>
        <legend>Follow-up prompt per answer <span class="hint">(optional)</span></legend>
        {Object.keys(BANDS[kind]).map((band) => (
          <>
            <label for={`fu-${band}`}>{band}</label>
            <input id={`fu-${band}`} name={`followUp.${band}`} value={v(`followUp.${band}`)} maxlength={500} size={60} />
          </>
        ))}
      </fieldset>
      <fieldset>
        <legend>A choice question after the score <span class="hint">(optional: "Which part of our service is it about?")</span></legend>
        <label for="choice-q">Question</label>
        <input id="choice-q" name="choice.question" value={v('choice.question')} maxlength={300} size={60} />
        <label for="choice-o">Options <span class="hint">2–10, one a line</span></label>
        <textarea id="choice-o" name="choice.options" rows={4}>{v('choice.options')}</textarea>
        <label class="inline"><input type="checkbox" name="choice.multiple" value="on" checked={v('choice.multiple') === 'on'} /> Several may be picked</label>
        <p class="hint">Asked of{' '}
          {Object.keys(BANDS[kind]).map((band) => (
            <label class="inline"><input type="checkbox" name="choice.bands" value={band} checked={askedOf.length === 0 || askedOf.includes(band)} /> {band}s </label>
          ))}
        </p>
      </fieldset>
      <fieldset>
        <legend>Other languages <span class="hint">(each visitor gets the first of these their browser, the embed's data-locale or their invitation asks for; everyone else the language below)</span></legend>
        {LOCALES.filter((l) => l !== own).map((l) => <TranslationFields kind={kind} locale={l} v={v} fillAction={canTranslate ? `${action === '/app/surveys' ? '/app/surveys/new' : action}/fill` : undefined} />)}
      </fieldset>
      <label for="allowedOrigins">Sites allowed to embed it <span class="hint">one origin per line, e.g. https://www.example.com</span></label>
      <textarea id="allowedOrigins" name="allowedOrigins">{v('allowedOrigins')}</textarea>
      <label for="reviewLink">Review link <span class="hint">happy respondents are asked to say it in public there, e.g. your Google or Trustpilot review page (https)</span></label>
      <input id="reviewLink" name="reviewLink" type="url" value={v('reviewLink')} maxlength={2000} size={60} placeholder="https://" />
      <label for="thanks">Thank-you <span class="hint">said after an answer, instead of the built-in one (optional)</span></label>
      <input id="thanks" name="thanks" value={v('thanks')} maxlength={300} size={60} />
      <div class="grid">
        <div>
          <label for="locale">Language of the question above</label>
          <select id="locale" name="locale">{LOCALES.map((l) => <option value={l} selected={l === own}>{languageName(l)}</option>)}</select>
        </div>
        <div>
          <label for="status">Status</label>
          <select id="status" name="status">{['active', 'paused'].map((s) => <option selected={s === (v('status') || 'active')}>{s}</option>)}</select>
        </div>
        <div>
          <label for="accent">Colour <span class="hint">(white text must be readable on it)</span></label>
          <input id="accent" name="accent" type="color" value={v('accent') || DEFAULT_APPEARANCE.accent} />
        </div>
        <div>
          <label for="position">Corner</label>
          <select id="position" name="position">
            {[['bottom-right', 'bottom right'], ['bottom-left', 'bottom left']].map(([value, label]) => <option value={value} selected={value === (v('position') || 'bottom-right')}>{label}</option>)}
          </select>
        </div>
        <div>
          <label for="closesAt">Close at <span class="hint">(UTC; optional)</span></label>
          <input id="closesAt" name="closesAt" type="datetime-local" value={v('closesAt')} />
        </div>
        <div>
          <label for="maxResponses">Close after <span class="hint">(answers; optional)</span></label>
          <input id="maxResponses" name="maxResponses" type="number" min={1} max={10000000} value={v('maxResponses')} />
        </div>
        <div>
          <label for="delaySeconds">Delay (seconds)</label>
          <input id="delaySeconds" name="delaySeconds" type="number" min={0} max={3600} value={v('delaySeconds') || '0'} />
        </div>
        <div>
          <label for="onceEveryDays">Show at most once every (days)</label>
          <input id="onceEveryDays" name="onceEveryDays" type="number" min={0} max={3650} value={v('onceEveryDays') || '30'} />
        </div>
        <div>
          <label for="samplePercent">Sample (% of page views)</label>
          <input id="samplePercent" name="samplePercent" type="number" min={0} max={100} value={v('samplePercent') || '100'} />
        </div>
      </div>
      <details open={Boolean(v('pages') || v('excludePages'))}>
        <summary>Pages it shows on <span class="hint">(every page unless you say)</span></summary>
        <div class="grid">
          <div>
            <label for="pages">Only on <span class="hint">one path a line, * for any characters</span></label>
            <textarea id="pages" name="pages" rows={3} placeholder={'/pricing\n/account/*'}>{v('pages')}</textarea>
          </div>
          <div>
            <label for="excludePages">Never on</label>
            <textarea id="excludePages" name="excludePages" rows={3} placeholder="/checkout/*">{v('excludePages')}</textarea>
          </div>
        </div>
      </details>
      <div><button class="primary" type="submit">{survey ? 'Save survey' : 'Create survey'}</button></div>
    </form>
  )
}

/** Surveys by e-mail on repeat: what is set, and for admins the form that sets or stops it. */
function OnRepeat({ session, survey }: { session: WebSession; survey: SurveyRecord }) {
  const r = survey.settings.recurring
  return (
    <section class="card" id="on-repeat">
      <h2>On repeat</h2>
      <p class="hint">
        {r
          ? `Every customer with an e-mail address${r.plans ? ` on ${r.plans.join(', ')}` : ''} gets this survey every ${r.everyDays} days, the first time ${r.firstAfterDays} days after they are added${r.remindAfterDays ? `, with a reminder after ${r.remindAfterDays} days` : ''}.`
          : 'Off: invitations go only when someone sends them.'}
      </p>
      {session.role !== 'admin' ? null : (
        <form method="post" action={`/app/surveys/${survey.id}/recurring`}>
          <CsrfField session={session} />
          <label class="inline"><input type="checkbox" name="recurring" value="on" checked={r !== null && r !== undefined} /> Send to every customer with an address, on repeat</label>
          <div class="grid">
            <div>
              <label for="everyDays">Every (days)</label>
              <input id="everyDays" name="everyDays" type="number" min={7} max={730} value={String(r?.everyDays ?? 90)} />
            </div>
            <div>
              <label for="firstAfterDays">First, days after they are added</label>
              <input id="firstAfterDays" name="firstAfterDays" type="number" min={0} max={365} value={String(r?.firstAfterDays ?? 14)} />
            </div>
            <div>
              <label for="recurringRemind">Remind those who have not answered</label>
              <select id="recurringRemind" name="recurringRemind">
                {(['', '2', '3', '5', '7'] as const).map((d) => <option value={d} selected={String(r?.remindAfterDays ?? '') === d}>{d ? `once, after ${d} days` : 'no reminder'}</option>)}
              </select>
            </div>
            <div>
              <label for="plans">Only customers on plans <span class="hint">(comma-separated; all when empty)</span></label>
              <input id="plans" name="plans" value={r?.plans?.join(', ') ?? ''} placeholder="pro, enterprise" />
            </div>
          </div>
          <button type="submit">Save schedule</button>
        </form>
      )}
    </section>
  )
}

/** Kind decides the scale and the answer bands, so it is chosen first (a GET, so it works without JS). */
const KindChooser = ({ kind }: { kind: SurveyKind }) => (
  <form method="get" action="/app/surveys/new" class="filters">
    <div>
      <label for="kind">Kind</label>
      <select id="kind" name="kind" data-autosubmit>
        {SURVEY_KINDS.map((k) => <option value={k} selected={k === kind}>{k.toUpperCase()} ({SCALES[k].min}–{SCALES[k].max})</option>)}
      </select>
    </div>
    <div><button type="submit">Choose</button></div>
  </form>
)

const Preview = ({ kind, question }: { kind: SurveyKind; question: string }) => (
  <section class="preview" id="survey-preview" data-kind={kind} aria-label="Preview">
    <p class="hint">Preview of the embed</p>
    <p data-q><strong>{question}</strong></p>
    <div class="scale" aria-hidden="true">
      {Array.from({ length: SCALES[kind].max - SCALES[kind].min + 1 }, (_, i) => <span>{SCALES[kind].min + i}</span>)}
    </div>
    <div data-choice hidden><p data-cq></p><ul></ul></div>
  </section>
)

/** The stored survey as form values, so edit shows what is saved. */
function formValues(s: SurveyRecord): Form {
  const st = s.settings
  return {
    name: s.name ?? '',
    question: s.question,
    allowedOrigins: st.allowedOrigins.join('\n'),
    reviewLink: st.reviewLink ?? '',
    locale: st.locale,
    status: s.status,
    delaySeconds: String(st.display.delaySeconds),
    onceEveryDays: String(st.display.onceEveryDays),
    samplePercent: String(st.display.samplePercent),
    thanks: st.thanks ?? '',
    closesAt: st.closesAt ? st.closesAt.slice(0, 16) : '',
    maxResponses: st.maxResponses ? String(st.maxResponses) : '',
    accent: appearanceOf(st).accent,
    position: appearanceOf(st).position,
    ...(st.choice
      ? {
          'choice.question': st.choice.question,
          'choice.options': st.choice.options.join('\n'),
          'choice.multiple': st.choice.multiple ? 'on' : '',
          'choice.bands': st.choice.bands ?? [],
        }
      : {}),
    pages: st.display.pages.join('\n'),
    excludePages: st.display.excludePages.join('\n'),
    ...Object.fromEntries(Object.entries(st.followUp).map(([b, t]) => [`followUp.${b}`, t ?? ''])),
    ...Object.fromEntries(
      Object.entries(st.translations).flatMap(([l, t]) => [
        [`tr.${l}.question`, t.question],
        ...(t.choice ? [[`tr.${l}.choice.question`, t.choice.question], [`tr.${l}.choice.options`, t.choice.options.join('\n')]] : []),
        ...(t.thanks ? [[`tr.${l}.thanks`, t.thanks]] : []),
        ...Object.entries(t.followUp).map(([b, text]) => [`tr.${l}.followUp.${b}`, text ?? '']),
      ]),
    ),
  }
}

export const surveysRouter = new Hono<WebEnv>()
  .get('/', async (c) => {
    const { deps, session } = c.var
    const surveys = await listSurveys(deps, session.workspaceId)
    const recent = await recentScores(deps, session.workspaceId, surveys, new Date(deps.clock().getTime() - RECENT_DAYS * DAY_MS))
    return c.html(
      <Layout title="Surveys" session={session} section="surveys" notice={noticeOf(c)}>
        <h1>Surveys</h1>
        {session.role === 'admin' ? <p><a class="button primary" href="/app/surveys/new">New survey</a></p> : null}
        {surveys.length === 0 ? <p class="hint">No surveys yet. Create one to collect NPS, CSAT or CES on your site or by email.</p> : (
          <div class="table-wrap">
            <table>
              <thead><tr><th>Name</th><th>Kind</th><th>Question</th><th class="num">Answers, {RECENT_DAYS} days</th><th class="num">Score, {RECENT_DAYS} days</th><th>Status</th></tr></thead>
              <tbody>
                {surveys.map((s) => {
                  const r = recent.get(s.id)!
                  return (
                    <tr>
                      <td><a href={`/app/surveys/${s.id}`}>{s.name ?? 'Untitled survey'}</a></td>
                      <td>{s.kind.toUpperCase()}</td>
                      <td>{s.question}</td>
                      <td class="num" data-answers>{r.n}</td>
                      <td class="num" data-score>{surveyScore({ kind: s.kind, score: r.score })}</td>
                      <td>{s.status}</td>
                    </tr>
                  )
                })}
              </tbody>
            </table>
          </div>
        )}
      </Layout>,
    )
  })
  .get('/new', requireWebRole('admin'), (c) => {
    const kind = (SURVEY_KINDS as readonly string[]).includes(c.req.query('kind') ?? '') ? (c.req.query('kind') as SurveyKind) : 'nps'
    return c.html(<NewSurveyPage c={c} kind={kind} values={{ kind, question: DEFAULT_QUESTION[kind] }} chooser />)
  })
  .post('/new/fill', requireWebRole('admin'), async (c) => {
    const form = await readForm(c)
    const kind = kindOf(form)
    const filled = await fillTranslation(c, form, kind)
    return c.html(<NewSurveyPage c={c} kind={kind} values={filled.values} notice={filled.notice} error={filled.error} />)
  })
  .post('/', requireWebRole('admin'), async (c) => {
    const { deps, session } = c.var
    const form = await readForm(c)
    const kind = kindOf(form)
    const parsed = NewSurvey.safeParse({ kind, ...surveyInput(form, kind) })
    if (!parsed.success) return c.html(<NewSurveyPage c={c} kind={kind} values={form} error={describeIssues(parsed.error)} />, 400)
    const survey = await orForm(
      () => createSurvey(deps, session.workspaceId, parsed.data),
      (error) => c.html(<NewSurveyPage c={c} kind={kind} values={form} error={error} />, 400),
    )
    if (survey instanceof Response) return survey
    return c.redirect(`/app/surveys/${survey.id}?notice=survey-created`, 303)
  })
  .get('/:id/responses.csv', async (c) => {
    const id = IdParam.parse(c.req.param('id'))
    // The answers page's filters: its download link exports what it shows.
    const { query } = filtersOf(c, await getSurvey(c.var.deps, c.var.session.workspaceId, id))
    const csv = await exportResponsesCsv(c.var.deps, c.var.session.workspaceId, id, query)
    c.header('content-type', 'text/csv; charset=utf-8')
    c.header('content-disposition', `attachment; filename="survey-${id}-responses.csv"`)
    return c.body(csv)
  })
  .get('/:id/responses', async (c) => {
    const survey = await getSurvey(c.var.deps, c.var.session.workspaceId, IdParam.parse(c.req.param('id')))
    return c.html(<SurveyResponsesPage c={c} survey={survey} />)
  })
  .get('/:id', async (c) => {
    const { deps, session } = c.var
    const id = IdParam.parse(c.req.param('id'))
    const survey = await getSurvey(deps, session.workspaceId, id)
    return c.html(<SurveyPage c={c} survey={survey} values={formValues(survey)} notice={noticeOf(c)} />)
  })
  .post('/:id/responses/:responseId/translation', async (c) => {
    const { deps, session } = c.var
    const id = IdParam.parse(c.req.param('id'))
    const responseId = IdParam.parse(c.req.param('responseId'))
    const input = TranslationInput.safeParse({ to: field(await readForm(c), 'to') || undefined })
    if (!input.success) throw badRequest('Choose a language to translate into.')
    await translateStored(deps, session.workspaceId, { kind: 'response', surveyId: id, id: responseId }, input.data.to)
    return c.redirect(`/app/surveys/${id}?notice=translated`, 303)
  })
  .post('/:id/responses/:responseId/link', requireWebRole('agent'), async (c) => {
    const { deps, session } = c.var
    const id = IdParam.parse(c.req.param('id'))
    const responseId = IdParam.parse(c.req.param('responseId'))
    const ticketId = IdParam.parse(field(await readForm(c), 'ticketId'))
    await addLinks(deps, session.workspaceId, ticketId, { responseIds: [responseId] }, session.actor)
    return c.redirect(`/app/surveys/${id}?notice=response-linked`, 303)
  })
  .post('/:id/responses/:responseId/replies', requireWebRole('agent'), async (c) => {
    const { deps, session } = c.var
    const id = IdParam.parse(c.req.param('id'))
    const responseId = IdParam.parse(c.req.param('responseId'))
    const form = await readForm(c)
    const input = ResponseReplyInput.safeParse({ text: field(form, 'text'), replyTo: field(form, 'replyTo') || undefined, unlessRepliedSince: field(form, 'seen') || undefined })
    if (!input.success) throw badRequest(`Could not send: ${describeIssues(input.error)}`)
    try {
      await replyToResponse(deps, session.workspaceId, id, responseId, input.data, session.actor)
    } catch (err) {
      if (!(err instanceof AppError && err.code === 'already_replied')) throw err
      // The page comes back with their e-mail listed and this one still in its form: sending it now is a decision.
      const survey = await getSurvey(deps, session.workspaceId, id)
      return c.html(<SurveyPage c={c} survey={survey} values={formValues(survey)} draft={{ responseId, text: input.data.text, note: `${err.message}.` }} />)
    }
    return c.redirect(`/app/surveys/${id}?notice=response-replied`, 303)
  })
  .post('/:id/sends', requireWebRole('agent'), async (c) => {
    const { deps, session } = c.var
    const id = IdParam.parse(c.req.param('id'))
    const survey = await getSurvey(deps, session.workspaceId, id)
    const form = await readForm(c)
    const locale = field(form, 'locale') || undefined
    const parsed = SendRequest.safeParse({
      recipients: lines(field(form, 'recipients')).map((line) => ({ ...recipientOf(line), locale })),
      subject: field(form, 'subject') || undefined,
      intro: field(form, 'intro') || undefined,
      remindAfterDays: field(form, 'remindAfterDays') ? Number(field(form, 'remindAfterDays')) : undefined,
    })
    if (!parsed.success) return c.html(<SurveyPage c={c} survey={survey} values={formValues(survey)} sendForm={form} error={describeIssues(parsed.error)} />, 400)
    const result = await queueSends(deps, session.workspaceId, id, parsed.data, requestOrigin(c))
    const skipped = result.skipped.map((s) => `${s.email} (${s.reason})`).join('; ')
    const notice = `Queued ${result.queued} invitation${result.queued === 1 ? '' : 's'}.${skipped ? ` Skipped: ${skipped}.` : ''}`
    return c.html(<SurveyPage c={c} survey={survey} values={formValues(survey)} notice={notice} />)
  })
  .post('/:id/fill', requireWebRole('admin'), async (c) => {
    const { deps, session } = c.var
    const survey = await getSurvey(deps, session.workspaceId, IdParam.parse(c.req.param('id')))
    const filled = await fillTranslation(c, await readForm(c), survey.kind)
    return c.html(<SurveyPage c={c} survey={survey} values={filled.values} notice={filled.notice} error={filled.error} />)
  })
  .post('/:id/recurring', requireWebRole('admin'), async (c) => {
    const { deps, session } = c.var
    const id = IdParam.parse(c.req.param('id'))
    const current = await getSurvey(deps, session.workspaceId, id)
    const form = await readForm(c)
    const parsed = SurveyPatch.safeParse({ recurring: recurringInput(form) })
    if (!parsed.success) return c.html(<SurveyPage c={c} survey={current} values={formValues(current)} error={describeIssues(parsed.error)} />, 400)
    const saved = await orForm(
      () => updateSurvey(deps, session.workspaceId, id, parsed.data),
      (error) => c.html(<SurveyPage c={c} survey={current} values={formValues(current)} error={error} />, 400),
    )
    if (saved instanceof Response) return saved
    return c.redirect(`/app/surveys/${id}?notice=survey-saved#on-repeat`, 303)
  })
  .post('/:id', requireWebRole('admin'), async (c) => {
    const { deps, session } = c.var
    const id = IdParam.parse(c.req.param('id'))
    const current = await getSurvey(deps, session.workspaceId, id)
    const form = await readForm(c)
    const parsed = SurveyPatch.safeParse(surveyInput(form, current.kind))
    if (!parsed.success) return c.html(<SurveyPage c={c} survey={current} values={form} error={describeIssues(parsed.error)} />, 400)
    const saved = await orForm(
      () => updateSurvey(deps, session.workspaceId, id, parsed.data),
      (error) => c.html(<SurveyPage c={c} survey={current} values={form} error={error} />, 400),
    )
    if (saved instanceof Response) return saved
    return c.redirect(`/app/surveys/${id}?notice=survey-saved`, 303)
  })

const kindOf = (form: Form): SurveyKind => ((SURVEY_KINDS as readonly string[]).includes(field(form, 'kind')) ? (field(form, 'kind') as SurveyKind) : 'nps')

function NewSurveyPage({ c, kind, values, notice, error, chooser }: { c: Context<WebEnv>; kind: SurveyKind; values: Form; notice?: string; error?: string; chooser?: boolean }) {
  const { session, deps } = c.var
  return (
    <Layout title="New survey" session={session} section="surveys" notice={notice} error={error}>
      <h1>New survey</h1>
      {chooser ? <KindChooser kind={kind} /> : null}
      <div class="grid">
        <SurveyForm session={session} action="/app/surveys" values={values} canTranslate={deps.translator !== undefined} />
        <Preview kind={kind} question={field(values, 'question')} />
      </div>
    </Layout>
  )
}

/**
 * The form as it was, with the language its `fill` button names filled in by the translator from the survey's own
 * question and prompts. Nothing is saved: a person reads it first.
 */
async function fillTranslation(c: Context<WebEnv>, form: Form, kind: SurveyKind): Promise<{ values: Form; notice?: string; error?: string }> {
  const to = field(form, 'fill') as Locale
  if (!(LOCALES as readonly string[]).includes(to)) throw badRequest('Choose a language to fill in.')
  const bands = Object.keys(BANDS[kind]).filter((b) => field(form, `followUp.${b}`))
  const choice = choiceTextsOf(form, 'choice')
  const choiceTexts = choice ? [choice.question, ...choice.options] : []
  const thanks = field(form, 'thanks')
  const sources = [field(form, 'question'), ...bands.map((b) => field(form, `followUp.${b}`)), ...choiceTexts, ...(thanks ? [thanks] : [])]
  if (!sources[0]) return { values: form, error: 'Write the question first: it is what gets translated.' }
  try {
    const { texts } = await runTranslator(c.var.deps.translator, sources, to)
    const values: Form = { ...form, [`tr.${to}.question`]: texts[0] }
    bands.forEach((b, i) => (values[`tr.${to}.followUp.${b}`] = texts[i + 1]))
    if (choice) {
      const [question, ...options] = texts.slice(1 + bands.length, 1 + bands.length + choiceTexts.length)
      values[`tr.${to}.choice.question`] = question
      values[`tr.${to}.choice.options`] = options.join('\n')
    }
    if (thanks) values[`tr.${to}.thanks`] = texts[sources.length - 1]
    return { values, notice: `Machine-translated into ${languageName(to)}: read it, then save the survey.` }
  } catch (err) {
    if (err instanceof AppError) return { values: form, error: err.message }
    throw err
  }
}

/** A line of the recipients box: `Name <address>` or a bare address. */
function recipientOf(line: string): { email: string; name?: string } {
  const named = /^(.*?)\s*<([^<>]+)>$/.exec(line)
  return named && named[1] ? { email: named[2], name: named[1].replace(/^"|"$/g, '') } : { email: named ? named[2] : line }
}

async function SurveyPage({ c, survey, values, notice, error, sendForm = {}, draft }: {
  c: Context<WebEnv>
  survey: SurveyRecord
  values: Form
  notice?: string
  error?: string
  sendForm?: Form
  draft?: ResponseDraft
}) {
  const { session, deps } = c.var
  const sends = await listSends(deps, session.workspaceId, survey.id, { limit: RECENT_INVITATIONS })
  const view = presentSurvey(survey, requestOrigin(c))
  const title = survey.name ?? 'Untitled survey'
  const multilingual = surveyLocales(survey).length > 1
  return (
    <Layout title={title} session={session} section="surveys" notice={notice} error={error}>
      <h1>
        {title} <span class="hint">{survey.kind.toUpperCase()} · {survey.status}
          {survey.settings.closesAt ? <> · closes <When d={new Date(survey.settings.closesAt)} /></> : null}
          {survey.settings.maxResponses ? ` · closes after ${survey.settings.maxResponses} answers` : null}</span>
      </h1>
      <section class="card">
        <h2>Embed it</h2>
        <p>Paste this where the survey should appear (the site's origin must be allowed below):</p>
        <pre class="snippet" id="embed-snippet">{view.embedSnippet}</pre>
        <button type="button" data-copy="embed-snippet" hidden>Copy snippet</button>
        <p>Or link to the hosted page: <a href={view.hostedUrl}>{view.hostedUrl}</a></p>
        <p><a href={`/app/surveys/${survey.id}/responses`}>Browse all answers</a> (by band, sentiment, option picked or property) · <a href={`/app/surveys/${survey.id}/responses.csv`} download>Download all responses (CSV)</a></p>
      </section>
      <section class="card" id="email">
        <h2>Send by e-mail</h2>
        <p class="hint">
          {sends.totals.sent + sends.totals.failed + sends.totals.queued + sends.totals.sending === 0
            ? 'No invitations yet.'
            : `${sends.totals.sent} sent, ${sends.totals.queued + sends.totals.sending} waiting, ${sends.totals.failed} failed, ${sends.totals.reminded} reminded; ${sends.totals.responded} answered` +
              (sends.totals.responseRatePct === null ? '.' : ` (${sends.totals.responseRatePct}% of those sent).`)}
        </p>
        {sends.items.length ? (
          <table>
            <caption class="hint">Latest invitations</caption>
            <thead><tr><th>To</th>{multilingual ? <th>Language</th> : null}<th>Status</th><th>Sent</th><th>Reminder</th><th>Answered</th></tr></thead>
            <tbody>
              {sends.items.map((s) => (
                <tr>
                  <td><Txt s={s.name ? `${s.name} <${s.email}>` : s.email} /></td>
                  {multilingual ? <td>{languageName(s.locale)}</td> : null}
                  <td class={s.status === 'failed' ? 's-negative' : undefined}>{s.status}{s.error ? <span class="hint"> · <Txt s={s.error} /></span> : null}</td>
                  <td>{s.sentAt ? <When d={s.sentAt} /> : '–'}</td>
                  <td>{s.remindedAt ? <When d={s.remindedAt} /> : s.remindAt ? <>due <When d={s.remindAt} /></> : s.reminderError ? <span class="hint"><Txt s={s.reminderError} /></span> : '–'}</td>
                  <td>{s.respondedAt ? <When d={s.respondedAt} /> : '–'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
        {!deps.mail ? (
          <p class="hint">Set EARSHOT_SMTP_URL and EARSHOT_MAIL_FROM on the server to send surveys by e-mail.</p>
        ) : session.role === 'viewer' ? null : survey.status !== 'active' ? (
          <p class="hint">Resume the survey to send it.</p>
        ) : (
          <form method="post" action={`/app/surveys/${survey.id}/sends`}>
            <CsrfField session={session} />
            <label for="send-recipients">Recipients <span class="hint">(one per line: address, or Name &lt;address&gt;; up to 5,000)</span></label>
            <textarea id="send-recipients" name="recipients" rows={5} required>{field(sendForm, 'recipients')}</textarea>
            {multilingual ? (
              <>
                <label for="send-locale">Language <span class="hint">(of the message and the page its links open; one batch per language)</span></label>
                <select id="send-locale" name="locale">
                  {surveyLocales(survey).map((l) => <option value={l} selected={(field(sendForm, 'locale') || survey.settings.locale) === l}>{languageName(l)}</option>)}
                </select>
              </>
            ) : null}
            <label for="send-subject">Subject <span class="hint">(default: the question)</span></label>
            <input id="send-subject" name="subject" maxlength={200} value={field(sendForm, 'subject')} />
            <label for="send-intro">Intro <span class="hint">(optional, above the question)</span></label>
            <textarea id="send-intro" name="intro" rows={2} maxlength={2000}>{field(sendForm, 'intro')}</textarea>
            <label for="send-remind">Remind those who have not answered</label>
            <select id="send-remind" name="remindAfterDays">
              {(['', '2', '3', '5', '7'] as const).map((d) => <option value={d} selected={field(sendForm, 'remindAfterDays') === d}>{d ? `once, after ${d} days` : 'no reminder'}</option>)}
            </select>
            <p class="hint">People who answered a survey or got this one in the last {survey.settings.fatigueDays} days, and anyone who unsubscribed, are skipped.</p>

            <button type="submit" class="primary">Send invitations</button>
          </form>
        )}
      </section>
      {deps.mail ? <OnRepeat session={session} survey={survey} /> : null}
      <SurveyResults c={c} survey={survey} draft={draft} />
      <h2>Edit</h2>
      <div class="grid">
        {session.role !== 'admin' ? <p class="hint">Only admins edit surveys.</p> : (
          <SurveyForm session={session} survey={survey} action={`/app/surveys/${survey.id}`} values={values} canTranslate={deps.translator !== undefined} />
        )}
        <Preview kind={survey.kind} question={field(values, 'question') || survey.question} />
      </div>
    </Layout>
  )
}
