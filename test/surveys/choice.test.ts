import { describe, expect, it } from 'vitest'
import { ADMIN_KEY, createTestApp } from '../helpers/app.ts'
import { postForm, webSession } from '../web/web-session.ts'

const t = await createTestApp()
const ORIGIN = 'https://shop.example'

const CHOICE = { question: 'What is the main reason for your score?', options: ['Price', 'Support', 'Speed', 'Features'], bands: ['detractor', 'passive'] }
const RU = { question: 'Насколько вероятно…?', choice: { question: 'Главная причина вашей оценки?', options: ['Цена', 'Поддержка', 'Скорость', 'Функции'] } }

async function newSurvey(extra: Record<string, unknown> = {}) {
  const res = await t.call('POST', '/v1/surveys', { body: { kind: 'nps', question: 'Recommend us?', allowedOrigins: [ORIGIN], choice: CHOICE, translations: { ru: RU }, ...extra } })
  expect(res.status, JSON.stringify(res.data)).toBe(201)
  return res.data as { id: string; publicKey: string }
}

const post = (key: string, body: unknown) => t.call('POST', `/s/${key}/responses`, { key: null, body, headers: { origin: ORIGIN } })
const stored = async (surveyId: string) =>
  (await t.sql`SELECT score, choices FROM survey_responses WHERE survey_id = ${surveyId} ORDER BY created_at`).map((r) => [r.score, r.choices])

describe('the choice question', () => {
  it('is part of the survey, and the embed gets it in the visitor’s language with the scores it is asked of', async () => {
    const s = await newSurvey()
    expect((await t.call('GET', `/v1/surveys/${s.id}`)).data.choice).toEqual({ ...CHOICE, multiple: false })
    const en = await t.call('GET', `/s/${s.publicKey}/config`, { key: null, headers: { origin: ORIGIN } })
    expect(en.data.choice).toEqual({ question: CHOICE.question, options: CHOICE.options, multiple: false, ranges: [{ lo: 0, hi: 6 }, { lo: 7, hi: 8 }] })
    const ru = await t.call('GET', `/s/${s.publicKey}/config?lang=ru`, { key: null, headers: { origin: ORIGIN } })
    expect(ru.data.choice).toMatchObject({ question: RU.choice.question, options: RU.choice.options })
    const plain = await t.call('POST', '/v1/surveys', { body: { kind: 'csat', question: 'Happy?' } })
    expect(plain.data.choice).toBeNull()
  })

  it('refuses a choice question that does not fit the survey', async () => {
    const bad = [
      { choice: { ...CHOICE, bands: ['easy'] } },
      { choice: { ...CHOICE, options: ['Price', 'Price'] } },
      { choice: { ...CHOICE, options: ['Only one'] } },
      { choice: { ...CHOICE, options: Array.from({ length: 11 }, (_, i) => `o${i}`) } },
      { translations: { ru: { ...RU, choice: { ...RU.choice, options: ['Цена', 'Поддержка'] } } } },
      { choice: null },
    ]
    for (const extra of bad) {
      expect((await t.call('POST', '/v1/surveys', { body: { kind: 'nps', question: 'Q?', choice: CHOICE, translations: { ru: RU }, ...extra } })).status, JSON.stringify(extra)).toBe(400)
    }
    const s = await newSurvey()
    // Removing the question while a translation still has it is refused too; removing both is fine.
    expect((await t.call('PATCH', `/v1/surveys/${s.id}`, { body: { choice: null } })).status).toBe(400)
    expect((await t.call('PATCH', `/v1/surveys/${s.id}`, { body: { choice: null, translations: { ru: { question: RU.question } } } })).status).toBe(200)
  })

  it('stores the options picked in the survey’s own words, and refuses picks that do not fit, storing nothing', async () => {
    const s = await newSurvey()
    expect((await post(s.publicKey, { score: 3, choices: [0], locale: 'ru' })).status).toBe(201)
    expect((await post(s.publicKey, { score: 8, choices: [3] })).status).toBe(201)
    expect((await post(s.publicKey, { score: 5 })).status).toBe(201)
    for (const body of [
      { score: 10, choices: [0] },
      { score: 3, choices: [0, 1] },
      { score: 3, choices: [4] },
      { score: 3, choices: [1, 1] },
      { score: 3, choices: [] },
      { score: 3, choices: ['Price'] },
    ]) {
      expect((await post(s.publicKey, body)).status, JSON.stringify(body)).toBe(400)
    }
    expect(await stored(s.id)).toEqual([[3, ['Price']], [8, ['Features']], [5, null]])
    const none = await t.call('POST', '/v1/surveys', { body: { kind: 'nps', question: 'Q?', allowedOrigins: [ORIGIN] } })
    expect((await post(none.data.publicKey, { score: 3, choices: [0] })).status).toBe(400)
  })

  it('takes several picks when the question allows them, and picks added after the score with its token', async () => {
    const s = await newSurvey({ choice: { ...CHOICE, multiple: true, bands: undefined }, translations: {} })
    const first = await post(s.publicKey, { score: 9 })
    expect(first.status).toBe(201)
    const patch = (body: unknown) => t.call('PATCH', `/s/${s.publicKey}/responses/${first.data.id}`, { key: null, body, headers: { origin: ORIGIN } })
    expect((await patch({ token: first.data.token })).status).toBe(400)
    expect((await patch({ token: first.data.token, choices: [9] })).status).toBe(400)
    expect((await patch({ token: first.data.token, choices: [1, 2] })).status).toBe(200)
    expect((await patch({ token: first.data.token, comment: 'Quick answers' })).status).toBe(200)
    const [row] = await t.sql`SELECT choices, comment FROM survey_responses WHERE id = ${first.data.id}`
    expect(row).toEqual({ choices: ['Support', 'Speed'], comment: 'Quick answers' })
    expect((await patch({ token: 'x'.repeat(40), choices: [0] })).status).toBe(404)
  })

  it('counts each option overall and per band in the results, lists and exports the picks, and keeps old options', async () => {
    const s = await newSurvey()
    for (const [score, choices] of [[0, [0]], [2, [0]], [6, [1]], [7, [0]], [8, [2]], [10, undefined]] as const) {
      expect((await post(s.publicKey, { score, ...(choices ? { choices } : {}) })).status).toBe(201)
    }
    const results = (await t.call('GET', `/v1/surveys/${s.id}/results`)).data
    expect(results.choices).toEqual({
      question: CHOICE.question,
      answered: 5,
      options: [
        { option: 'Price', n: 3, bands: { detractor: 2, passive: 1 } },
        { option: 'Support', n: 1, bands: { detractor: 1 } },
        { option: 'Speed', n: 1, bands: { passive: 1 } },
        { option: 'Features', n: 0, bands: {} },
      ],
    })
    const list = (await t.call('GET', `/v1/surveys/${s.id}/responses?band=passive`)).data.items
    expect(list.map((r: { choices: string[] }) => r.choices).sort()).toEqual([['Price'], ['Speed']])
    const csv = String((await t.call('GET', `/v1/surveys/${s.id}/responses?format=csv`)).data)
    expect(csv.split('\r\n')[0]).toContain(',channel,choices')
    expect(csv).toContain(',embed,Price')

    // NPS per option picked: an answer counts under each option it picked, those without a pick under null.
    const byChoice = (await t.call('GET', `/v1/surveys/${s.id}/results?segment=choice`)).data.segments
    expect(byChoice.map((g: { value: string | null; nps: { n: number; score: number } }) => [g.value, g.nps.n, g.nps.score])).toEqual([
      ['Price', 3, -66.67], ['Speed', 1, 0], ['Support', 1, -100], [null, 1, 100],
    ])
    const price = (await t.call('GET', `/v1/surveys/${s.id}/responses?choice=Price`)).data.items
    expect(price.map((r: { score: number }) => r.score).sort()).toEqual([0, 2, 7])

    // A new version of the question: the old option still counts in the period's results, after the new ones.
    await t.call('PATCH', `/v1/surveys/${s.id}`, { body: { choice: { ...CHOICE, options: ['Cost', 'Support', 'Speed'] }, translations: {} } })
    const after = (await t.call('GET', `/v1/surveys/${s.id}/results`)).data.choices
    expect(after.options.map((o: { option: string; n: number }) => [o.option, o.n])).toEqual([['Cost', 0], ['Support', 1], ['Speed', 1], ['Price', 3]])
  })

  it('imports picks by their text, from JSON or a CSV choices column as the export writes it', async () => {
    const s = await newSurvey({ choice: { ...CHOICE, multiple: true, bands: undefined }, translations: {} })
    const json = await t.call('POST', `/v1/surveys/${s.id}/responses`, {
      body: [{ score: 4, choices: ['Price', 'Speed'] }, { score: 5, choices: ['Cost'] }, { score: 6, choices: ['Price', 'Price'] }, { score: 7 }],
    })
    expect(json.data).toEqual({
      inserted: 2,
      rejected: [{ index: 1, reason: expect.stringContaining('"Cost" is not an option') }, { index: 2, reason: 'choices: each option once' }],
    })
    const csv = 'score,Choices\r\n2,Support; Features\r\n9,\r\n'
    expect((await t.call('POST', `/v1/surveys/${s.id}/responses`, { raw: csv, headers: { 'content-type': 'text/csv' } })).data).toEqual({ inserted: 2, rejected: [] })
    expect((await stored(s.id)).sort((a, b) => a[0] - b[0])).toEqual([[2, ['Support', 'Features']], [4, ['Price', 'Speed']], [7, null], [9, null]])
    const single = await newSurvey({ translations: {} })
    const refused = await t.call('POST', `/v1/surveys/${single.id}/responses`, { body: [{ score: 1, choices: ['Price', 'Speed'] }] })
    expect(refused.data.rejected).toEqual([{ index: 0, reason: 'choices: this question takes one option' }])
  })

  it('is set in the survey form, in other languages too, and its counts show on the survey page', async () => {
    const session = await webSession(t.app, ADMIN_KEY, '/app/surveys/new')
    const created = await postForm(t.app, session, '/app/surveys', [
      ['kind', 'csat'], ['question', 'How was checkout?'], ['locale', 'en'], ['status', 'active'], ['allowedOrigins', ORIGIN],
      ['choice.question', 'What slowed you down?'], ['choice.options', 'Payment\r\nDelivery options\r\n\r\nSign-in'], ['choice.multiple', 'on'],
      ['choice.bands', 'unsatisfied'], ['choice.bands', 'neutral'],
      ['tr.no.question', 'Hvordan var kassen?'], ['tr.no.choice.question', 'Hva sinket deg?'], ['tr.no.choice.options', 'Betaling\nLeveringsvalg\nInnlogging'],
      ['tr.no.thanks', 'Tusen takk!'], ['thanks', 'Thanks, we read every answer.'], ['accent', '#1A7F37'], ['position', 'bottom-left'],
      ['closesAt', '2099-12-31T23:30'], ['maxResponses', '500'],
    ])
    expect(created.status).toBe(303)
    const id = /\/app\/surveys\/([0-9a-f-]{36})/.exec(created.headers.get('location')!)![1]
    const survey = (await t.call('GET', `/v1/surveys/${id}`)).data
    expect(survey.choice).toEqual({ question: 'What slowed you down?', options: ['Payment', 'Delivery options', 'Sign-in'], multiple: true, bands: ['unsatisfied', 'neutral'] })
    expect(survey.translations.no.choice).toEqual({ question: 'Hva sinket deg?', options: ['Betaling', 'Leveringsvalg', 'Innlogging'] })
    expect(survey).toMatchObject({
      thanks: 'Thanks, we read every answer.', appearance: { accent: '#1a7f37', position: 'bottom-left' }, translations: { no: { thanks: 'Tusen takk!' } },
      closesAt: '2099-12-31T23:30:00.000Z', maxResponses: 500,
    })
    // A colour white text cannot be read on is refused with the reason, and the form keeps what was typed.
    const pale = await postForm(t.app, session, `/app/surveys/${id}`, [['question', 'How was checkout?'], ['accent', '#fff8c5'], ['locale', 'en'], ['status', 'active']])
    expect(pale.status).toBe(400)
    expect(await pale.text()).toContain('4.5:1')

    const page = async () => (await t.app.request(`http://localhost/app/surveys/${id}`, { headers: { cookie: session.cookie } })).text()
    // The survey's page holds its edit form, showing what is saved.
    const edit = await page()
    expect(edit).toContain('name="closesAt" type="datetime-local" value="2099-12-31T23:30"')
    expect(edit).toContain('closes after 500 answers')
    expect(edit).toContain('<input type="checkbox" name="choice.bands" value="neutral" checked=""/>')
    expect(edit).toMatch(/<input type="checkbox" name="choice.bands" value="satisfied"\/>/)
    expect(edit).toContain('Betaling\nLeveringsvalg\nInnlogging</textarea>')

    for (const [score, choices] of [[1, [0, 2]], [2, [0]], [3, [1]]] as const) expect((await post(survey.publicKey, { score, choices })).status).toBe(201)
    const html = await page()
    const card = html.slice(html.indexOf('id="choices"'), html.indexOf('</table>', html.indexOf('id="choices"')))
    expect(card).toContain('What slowed you down?')
    expect(card).toContain(`<a href="/app/surveys/${id}/responses?choice=Payment"><bdi>Payment</bdi></a></td><td class="num">2</td><td class="num">2</td><td class="num">0</td><td class="num">0</td><td class="num">0</td>`)
    expect(card).toMatch(/<bdi>Delivery options<\/bdi><\/a><\/td><td class="num">1<\/td><td class="num">0<\/td><td class="num">1<\/td>/)
  })

  it('are browsed on an answers page filtered by band, option picked and property, whose download exports what it shows', async () => {
    const s = await newSurvey({ translations: {} })
    const answers = [
      { score: 1, choices: [0], comment: 'Costs < value & too high', properties: { plan: 'free' } },
      { score: 4, choices: [1], properties: { plan: 'pro' } },
      { score: 8, choices: [0], properties: { plan: 'pro' } },
      { score: 10, comment: 'Love it' },
    ]
    for (const a of answers) expect((await post(s.publicKey, a)).status).toBe(201)
    const session = await webSession(t.app, ADMIN_KEY, `/app/surveys/${s.id}`)
    const get = (path: string) => t.app.request(`http://localhost${path}`, { headers: { cookie: session.cookie } })
    const rows = (html: string) => [...html.matchAll(/<span class="badge [^"]+">(\d+)<\/span>/g)].map((m) => Number(m[1]))

    const all = await (await get(`/app/surveys/${s.id}/responses`)).text()
    expect(rows(all)).toEqual([10, 8, 4, 1])
    expect(all).toContain('Costs &lt; value &amp; too high')
    expect(all).toContain('<option value="Price">Price</option>')
    expect(rows(await (await get(`/app/surveys/${s.id}/responses?choice=Price`)).text())).toEqual([8, 1])
    expect(rows(await (await get(`/app/surveys/${s.id}/responses?band=detractor&property=plan&value=pro`)).text())).toEqual([4])
    expect((await get(`/app/surveys/${s.id}/responses?band=easy`)).status).toBe(400)

    const csv = await (await get(`/app/surveys/${s.id}/responses.csv?choice=Price&property=plan&value=free`)).text()
    const lines = csv.trim().split('\r\n')
    expect(lines).toHaveLength(2)
    expect(lines[1]).toContain(',Price,free')
  })
})
