import { http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { parseEnv } from '../../src/config.ts'
import type { MailMessage, Mailer } from '../../src/mail/mailer.ts'
import { configuredTranslator } from '../../src/translate/configured.ts'
import { jsonFixture, useMockServer } from '../connectors/harness.ts'
import { sendDueInvitations } from '../../src/surveys/send-loop.ts'
import { createTestApp } from '../helpers/app.ts'
import { postForm, webSession } from '../web/web-session.ts'

const server = useMockServer()
const t = await createTestApp()
const ORIGIN = 'https://shop.example'

const NORWEGIAN = { question: 'Hvor sannsynlig er det at du vil anbefale oss?', followUp: { detractor: 'Hva kan vi gjøre bedre?' } }
const RUSSIAN = { question: 'Насколько вероятно, что вы порекомендуете нас?' }

async function newSurvey(body: Record<string, unknown> = {}) {
  const res = await t.call('POST', '/v1/surveys', {
    body: { kind: 'nps', question: 'How likely are you to recommend us?', allowedOrigins: [ORIGIN], translations: { no: NORWEGIAN, ru: RUSSIAN }, ...body },
  })
  expect(res.status, JSON.stringify(res.data)).toBe(201)
  return res.data as { id: string; publicKey: string; translations: Record<string, unknown> }
}

const config = (key: string, headers: Record<string, string>, query = '') =>
  t.call('GET', `/s/${key}/config${query}`, { key: null, headers: { origin: ORIGIN, ...headers } })

describe('a survey in several languages', () => {
  it('keeps texts per language and refuses ones that cannot be shown', async () => {
    const s = await newSurvey()
    expect(s.translations).toEqual({ no: NORWEGIAN, ru: { ...RUSSIAN, followUp: {} } })
    expect((await t.call('GET', `/v1/surveys/${s.id}`)).data.translations).toEqual(s.translations)

    const refused = async (body: Record<string, unknown>) => {
      const res = await t.call('POST', '/v1/surveys', { body: { kind: 'nps', question: 'Q?', ...body } })
      expect(res.status, JSON.stringify(body)).toBe(400)
      return JSON.stringify(res.data)
    }
    expect(await refused({ locale: 'ru', translations: { ru: RUSSIAN } })).toContain("the survey's own locale")
    expect(await refused({ translations: { de: { question: 'Wie?', followUp: { unsatisfied: 'Warum?' } } } })).toContain('unsatisfied is not a nps band')
    await refused({ translations: { xx: { question: 'Q?' } } })
    await refused({ translations: { de: { question: '' } } })
    await refused({ translations: { de: { question: 'Wie?', extra: 1 } } })

    // Switching the survey's own language to one it has a translation for would leave two texts for it.
    const clash = await t.call('PATCH', `/v1/surveys/${s.id}`, { body: { locale: 'no' } })
    expect(clash.status).toBe(400)
    expect(clash.data.error.message).toContain('translations.no')
    const patched = await t.call('PATCH', `/v1/surveys/${s.id}`, { body: { translations: { el: { question: 'Πόσο πιθανό είναι να μας προτείνετε;' } } } })
    expect(patched.status).toBe(200)
    expect(Object.keys(patched.data.translations)).toEqual(['el'])
    expect((await t.call('PATCH', `/v1/surveys/${s.id}`, { body: { locale: 'no' } })).data.locale).toBe('no')
  })

  it("gives the embed the first of the survey's languages the visitor reads, else its own", async () => {
    const s = await newSurvey()
    const nb = await config(s.publicKey, { 'accept-language': 'nb-NO,nb;q=0.9,en;q=0.5' })
    expect(nb.status).toBe(200)
    expect(nb.data).toMatchObject({ lang: 'no', question: NORWEGIAN.question, strings: { send: 'Send', thanks: 'Takk for tilbakemeldingen!' } })
    // A band the translation has no prompt for gets the language's built-in one, never the English follow-up.
    expect(nb.data.bands.map((b: { prompt: string }) => b.prompt)).toEqual([
      'Hva kan vi gjøre bedre?', 'Hva er hovedgrunnen til vurderingen din? (valgfritt)', 'Hva er hovedgrunnen til vurderingen din? (valgfritt)',
    ])
    expect(nb.headers.get('vary')).toBe('Origin, Accept-Language')
    expect(nb.headers.get('access-control-allow-origin')).toBe(ORIGIN)

    // q-values order the wishes; a language the survey lacks is passed over.
    expect((await config(s.publicKey, { 'accept-language': 'de;q=1, en;q=0.3, ru;q=0.8' })).data.lang).toBe('ru')
    expect((await config(s.publicKey, { 'accept-language': 'de-DE, ja' })).data).toMatchObject({ lang: 'en', question: 'How likely are you to recommend us?' })
    expect((await config(s.publicKey, {})).data.lang).toBe('en')
    // The host page's data-locale (?lang=) comes before the browser's.
    expect((await config(s.publicKey, { 'accept-language': 'nb-NO' }, '?lang=ru')).data).toMatchObject({ lang: 'ru', question: RUSSIAN.question })
    expect((await config(s.publicKey, { 'accept-language': 'ru' }, '?lang=pt-BR,no')).data.lang).toBe('no')
    expect((await config(s.publicKey, {}, `?lang=${'x'.repeat(201)}`)).status).toBe(400)
  })

  it('opens the hosted page in the language of the link, else of the browser', async () => {
    const s = await newSurvey()
    const page = async (query: string, lang?: string) => {
      const res = await t.app.request(`/s/${s.publicKey}${query}`, { headers: lang ? { 'accept-language': lang } : {} })
      expect(res.headers.get('vary')).toBe('Accept-Language')
      return res.text()
    }
    const ru = await page('', 'ru-RU,ru;q=0.9')
    expect(ru).toContain('<html lang="ru">')
    expect(ru).toContain(`<title>${RUSSIAN.question}</title>`)
    expect(ru).toContain('data-locale="ru"')
    const fromLink = await page('?score=9&lang=no', 'ru')
    expect(fromLink).toContain('data-locale="no"')
    expect(fromLink).toContain('data-score="9"')
    expect(await page('', 'fr')).toContain('data-locale="en"')
  })

  it('writes each invitation in its language, with links that keep it, and says which', async () => {
    const sent: MailMessage[] = []
    const mailer: Mailer = { send: async (m) => void sent.push(m), close: () => {} }
    t.deps.mail = mailer
    try {
      const s = await newSurvey()
      const res = await t.call('POST', `/v1/surveys/${s.id}/sends`, {
        body: { recipients: [{ email: 'olga@shop.example', locale: 'ru' }, { email: 'kari@shop.example', locale: 'no' }, { email: 'hans@shop.example', locale: 'de' }, { email: 'ann@shop.example' }] },
      })
      expect(res.status, JSON.stringify(res.data)).toBe(202)
      expect(await sendDueInvitations(t.deps, mailer)).toEqual({ sent: 4, failed: 0 })
      const to = (email: string) => sent.find((m) => m.to === email)!
      expect(to('olga@shop.example').subject).toBe(RUSSIAN.question)
      expect(to('olga@shop.example').html).toContain('<html lang="ru">')
      expect(to('olga@shop.example').text).toContain('Отписаться от этих опросов')
      expect(to('olga@shop.example').text).toMatch(/^10: \S+&lang=ru$/m)
      expect(to('kari@shop.example').text).toContain(`0 = Svært lite sannsynlig`)
      // German is not one of the survey's languages: the survey's own.
      expect(to('hans@shop.example').subject).toBe('How likely are you to recommend us?')
      expect(to('ann@shop.example').headers['List-Unsubscribe']).toContain('lang=en')

      const list = await t.call('GET', `/v1/surveys/${s.id}/sends`)
      expect(Object.fromEntries(list.data.items.map((i: { email: string; locale: string }) => [i.email, i.locale]))).toEqual({
        'olga@shop.example': 'ru', 'kari@shop.example': 'no', 'hans@shop.example': 'en', 'ann@shop.example': 'en',
      })
      expect((await t.call('POST', `/v1/surveys/${s.id}/sends`, { body: { recipients: [{ email: 'a@shop.example', locale: 'klingon' }] } })).status).toBe(400)

      // Without a language asked for, a customer gets their own: what their record says, else what they last wrote in.
      await t.sql`INSERT INTO customers (workspace_id, external_ref, email, attributes) VALUES
        (${t.workspaceId}, 'lang-ru', 'ivan@shop.example', '{"locale": "ru-RU"}'), (${t.workspaceId}, 'lang-no', 'ola@shop.example', '{}')`
      const other = await newSurvey({ translations: {} })
      const imported = await t.call('POST', `/v1/surveys/${other.id}/responses`, {
        body: [{ score: 6, customerRef: 'lang-no', comment: 'Appen er treg og jeg får ikke lastet ned fakturaen min', respondedAt: '2026-01-05T10:00:00Z' }],
      })
      expect(imported.data.inserted).toBe(1)
      sent.length = 0
      expect((await t.call('POST', `/v1/surveys/${s.id}/sends`, { body: { recipients: [{ email: 'x@shop.example', customerRef: 'lang-ru' }, { email: 'ola@shop.example' }] } })).status).toBe(202)
      await sendDueInvitations(t.deps, mailer)
      expect(Object.fromEntries(sent.map((m) => [m.to, m.subject]))).toEqual({ 'x@shop.example': RUSSIAN.question, 'ola@shop.example': NORWEGIAN.question })

      // One batch to people of several languages: a subject and intro per language, each their own, else the survey's.
      sent.length = 0
      const batch = await t.call('POST', `/v1/surveys/${s.id}/sends`, {
        body: {
          recipients: [{ email: 'pyotr@shop.example', locale: 'ru' }, { email: 'sam@shop.example', locale: 'en' }, { email: 'nils@shop.example', locale: 'no' }],
          subject: { ru: 'Пара секунд вашего времени?', en: 'A few seconds of your time?' },
          intro: { ru: 'Спасибо, что выбрали нас.', en: 'Thank you for choosing us.' },
        },
      })
      expect(batch.status, JSON.stringify(batch.data)).toBe(202)
      await sendDueInvitations(t.deps, mailer)
      expect(Object.fromEntries(sent.map((m) => [m.to, m.subject]))).toEqual({
        'pyotr@shop.example': 'Пара секунд вашего времени?', 'sam@shop.example': 'A few seconds of your time?', 'nils@shop.example': 'A few seconds of your time?',
      })
      expect(sent.find((m) => m.to === 'pyotr@shop.example')!.text).toContain('Спасибо, что выбрали нас.')
      expect(sent.find((m) => m.to === 'nils@shop.example')!.text).toContain('Thank you for choosing us.')
      expect((await t.call('POST', `/v1/surveys/${s.id}/sends`, { body: { recipients: [{ email: 'a@shop.example' }], subject: {} } })).status).toBe(400)
      expect((await t.call('POST', `/v1/surveys/${s.id}/sends`, { body: { recipients: [{ email: 'a@shop.example' }], subject: { xx: 'Hi' } } })).status).toBe(400)
    } finally {
      delete t.deps.mail
    }
  })

  it('reads results per language shown and answers in the language the question was asked in', async () => {
    const sent: MailMessage[] = []
    t.deps.mail = { send: async (m) => void sent.push(m), close: () => {} }
    try {
      const s = await newSurvey()
      const answer = async (score: number, locale: string) =>
        (await t.call('POST', `/s/${s.publicKey}/responses`, { key: null, body: { score, locale, email: `${locale}${score}@shop.example` }, headers: { origin: ORIGIN, 'x-forwarded-for': `10.0.0.${score}` } })).data.id as string
      const ruLow = await answer(2, 'ru')
      await answer(10, 'ru')
      await answer(9, 'no')
      await answer(5, 'en')
      const res = await t.call('GET', `/v1/surveys/${s.id}/results?segment=locale`)
      expect(res.status).toBe(200)
      expect(res.data.segments.map((g: { value: string; nps: { n: number; score: number } }) => [g.value, g.nps.n, g.nps.score])).toEqual([
        ['en', 1, -100], ['no', 1, 100], ['ru', 2, 0],
      ])
      // And per page the embed was answered on, however the page was reached.
      for (const [score, page] of [[3, 'https://shop.example/checkout?step=2'], [9, 'https://shop.example/checkout#pay'], [10, 'https://shop.example/']] as const) {
        const res = await t.call('POST', `/s/${s.publicKey}/responses`, { key: null, body: { score, page }, headers: { origin: ORIGIN, 'x-forwarded-for': `10.0.1.${score}` } })
        expect(res.status).toBe(201)
      }
      const byPage = await t.call('GET', `/v1/surveys/${s.id}/results?segment=page`)
      expect(byPage.data.segments.map((g: { value: string | null; nps: { n: number } }) => [g.value, g.nps.n])).toEqual([
        ['https://shop.example/', 1], ['https://shop.example/checkout', 2], [null, 4],
      ])
      const reply = await t.call('POST', `/v1/surveys/${s.id}/responses/${ruLow}/replies`, { body: { text: 'Спасибо, мы разберёмся.' } })
      expect(reply.status, JSON.stringify(reply.data)).toBe(201)
      expect(sent.at(-1)!.subject).toBe(`Re: ${RUSSIAN.question}`)
    } finally {
      delete t.deps.mail
    }
  })

  it('edits translations in the web form, and shows results by language', async () => {
    const s = await newSurvey({ translations: { ru: RUSSIAN } })
    const web = await webSession(t.app, await t.keyFor('admin'), `/app/surveys/${s.id}`)
    const edit = await (await t.app.request(`http://localhost/app/surveys/${s.id}`, { headers: { cookie: web.cookie } })).text()
    expect(edit).toMatch(/<details open="" data-translation="ru">/)
    expect(edit).toContain(`value="${RUSSIAN.question}"`)
    expect(edit).toMatch(/<details data-translation="no">/)
    expect(edit).toContain('id="by-language"')

    const fields = (extra: [string, string][]): [string, string][] => [
      ['question', 'How likely are you to recommend us?'], ['locale', 'en'], ['status', 'active'], ['allowedOrigins', ORIGIN], ...extra,
    ]
    const saved = await postForm(t.app, web, `/app/surveys/${s.id}`, fields([
      ['tr.no.question', NORWEGIAN.question], ['tr.no.followUp.detractor', NORWEGIAN.followUp.detractor], ['tr.ru.question', ''],
    ]))
    expect(saved.status).toBe(303)
    expect((await t.call('GET', `/v1/surveys/${s.id}`)).data.translations).toEqual({ no: NORWEGIAN })

    // A prompt without its question is named, and nothing is saved.
    const half = await postForm(t.app, web, `/app/surveys/${s.id}`, fields([['tr.de.followUp.promoter', 'Was gefällt Ihnen?']]))
    expect(half.status).toBe(400)
    expect(await half.text()).toContain('translations.de.question')
    expect((await t.call('GET', `/v1/surveys/${s.id}`)).data.translations).toEqual({ no: NORWEGIAN })
  })

  it('fills a language in by machine translation for a person to read, saving nothing until they do', async () => {
    const LT = 'http://translate.internal:5000'
    const asked: { q: string[]; target: string }[] = []
    const words: Record<string, string> = { 'How likely are you to recommend us?': 'Hvor sannsynlig er det at du anbefaler oss?', 'What went <wrong>?': 'Hva gikk <galt>?' }
    server.use(
      http.get(`${LT}/languages`, () => HttpResponse.json(jsonFixture('libretranslate', 'languages.json'))),
      http.post(`${LT}/translate`, async ({ request }) => {
        const body = (await request.json()) as { q: string[]; target: string }
        asked.push(body)
        return HttpResponse.json({ translatedText: body.q.map((q) => words[q]), detectedLanguage: body.q.map(() => ({ confidence: 90, language: 'en' })) })
      }),
    )
    const s = await newSurvey({ translations: {}, followUp: { detractor: 'What went <wrong>?' } })
    const web = await webSession(t.app, await t.keyFor('admin'), `/app/surveys/${s.id}`)
    const editPage = async () => (await t.app.request(`http://localhost/app/surveys/${s.id}`, { headers: { cookie: web.cookie } })).text()
    expect(await editPage()).not.toContain('Fill in by machine translation')

    t.deps.translator = configuredTranslator(parseEnv({ EARSHOT_LIBRETRANSLATE_URL: LT }), 'test')
    try {
      expect(await editPage()).toContain(`formaction="/app/surveys/${s.id}/fill"`)
      const form: [string, string][] = [
        ['question', 'How likely are you to recommend us?'], ['followUp.detractor', 'What went <wrong>?'], ['locale', 'en'], ['status', 'active'], ['fill', 'no'],
      ]
      const filled = await postForm(t.app, web, `/app/surveys/${s.id}/fill`, form)
      expect(filled.status).toBe(200)
      const html = await filled.text()
      expect(asked).toEqual([expect.objectContaining({ q: ['How likely are you to recommend us?', 'What went <wrong>?'], target: 'nb' })])
      expect(html).toContain('Machine-translated into Norwegian Bokmål: read it, then save the survey.')
      expect(html).toContain('<details open="" data-translation="no">')
      expect(html).toContain('name="tr.no.question" value="Hvor sannsynlig er det at du anbefaler oss?"')
      expect(html).toContain('name="tr.no.followUp.detractor" value="Hva gikk &lt;galt&gt;?"')
      expect((await t.call('GET', `/v1/surveys/${s.id}`)).data.translations).toEqual({})

      // The translator lacks Greek: the page says so and keeps what was typed.
      const greek = await postForm(t.app, web, `/app/surveys/${s.id}/fill`, form.map(([k, v]) => [k, k === 'fill' ? 'el' : v]))
      expect(greek.status).toBe(200)
      expect(await greek.text()).toContain('value="How likely are you to recommend us?"')

      // On a new survey too, its choice question and options with it, in their order.
      Object.assign(words, { 'Which part was it?': 'Hvilken del var det?', Price: 'Pris', Support: 'Kundestøtte', 'We read every answer.': 'Vi leser alle svar.' })
      const fresh = await postForm(t.app, web, '/app/surveys/new/fill', [
        ['kind', 'nps'], ['question', 'How likely are you to recommend us?'], ['fill', 'no'], ['choice.question', 'Which part was it?'], ['choice.options', 'Price\nSupport'],
        ['thanks', 'We read every answer.'],
      ])
      const freshHtml = await fresh.text()
      expect(freshHtml).toContain('name="tr.no.question" value="Hvor sannsynlig er det at du anbefaler oss?"')
      expect(freshHtml).toContain('name="tr.no.choice.question" value="Hvilken del var det?"')
      expect(freshHtml).toContain('lang="no">Pris\nKundestøtte</textarea>')
      expect(freshHtml).toContain('name="tr.no.thanks" value="Vi leser alle svar."')
    } finally {
      t.deps.translator = undefined
    }
  })
})
