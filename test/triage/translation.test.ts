import { delay, http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { parseEnv } from '../../src/config.ts'
import { createHttpClient } from '../../src/net/http-client.ts'
import { configuredTranslator } from '../../src/translate/configured.ts'
import { libreTranslate } from '../../src/translate/libretranslate.ts'
import { translateNewMentions } from '../../src/translate/on-arrival.ts'
import { jsonFixture, useMockServer } from '../connectors/harness.ts'
import { createTestApp } from '../helpers/app.ts'
import { postForm, webSession } from '../web/web-session.ts'
import { seedMentions, seedSource } from './seed.ts'

const server = useMockServer()
const t = await createTestApp()
const viewer = await t.keyFor('viewer')
const source = await seedSource(t.sql, t.workspaceId, 'reddit', 'translation source')

const LT = 'http://translate.internal:5000'
const DEEPL_FREE = 'https://api-free.deepl.com/v2/translate'
const TITLE = 'Экспорт падает'
const BODY = 'После обновления экспорт в CSV падает на больших файлах. Исправьте, пожалуйста!'

const useLibreTranslate = () => (t.deps.translator = configuredTranslator(parseEnv({ EARSHOT_LIBRETRANSLATE_URL: `${LT}/`, EARSHOT_LIBRETRANSLATE_KEY: 'lt-key' }), 'test'))
const useDeepL = () => (t.deps.translator = configuredTranslator(parseEnv({ EARSHOT_DEEPL_KEY: '279a2e9d-83b3-c416-7e2d-f721593e42a0:fx' }), 'test'))

async function russianMention(text = BODY) {
  const [id] = await seedMentions(t.sql, t.workspaceId, source, [{ title: TITLE, text, lang: 'ru', sentiment: 'negative' }])
  return id
}

/** A LibreTranslate server: its installed languages, and what it was asked to translate. */
function libreServer(answer: () => Response | Promise<Response> = () => HttpResponse.json(jsonFixture('libretranslate', 'translate-batch.json'))) {
  const asked: Record<string, unknown>[] = []
  server.use(
    http.get(`${LT}/languages`, () => HttpResponse.json(jsonFixture('libretranslate', 'languages.json'))),
    http.post(`${LT}/translate`, async ({ request }) => {
      asked.push((await request.json()) as Record<string, unknown>)
      return answer()
    }),
  )
  return asked
}

const translate = (id: string, body: unknown = { to: 'en' }, key?: string) => t.call('POST', `/v1/mentions/${id}/translation`, { body, key })
const storedCount = async (id: string) => (await t.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM translations WHERE mention_id = ${id}`)[0].n

describe('translating a mention', () => {
  it('says so when no translator is configured', async () => {
    t.deps.translator = undefined
    const res = await translate(await russianMention())
    expect(res.status).toBe(409)
    expect(res.data.error.code).toBe('translation_not_configured')
  })

  it('translates title and text with LibreTranslate, keeps the result, and serves it again without a call', async () => {
    useLibreTranslate()
    const asked = libreServer()
    const id = await russianMention()
    const first = await translate(id, {}, viewer)
    expect(first.status, JSON.stringify(first.data)).toBe(201)
    expect(asked).toEqual([{ q: [TITLE, BODY], source: 'auto', target: 'en', format: 'text', api_key: 'lt-key' }])
    expect(first.data).toMatchObject({
      lang: 'en', from: 'ru', provider: 'libretranslate', truncated: false,
      title: 'Export crashes', text: 'After the update, exporting to CSV crashes on large files. Please fix it!',
    })

    const again = await translate(id)
    expect(again.status).toBe(200)
    expect(again.data).toEqual(first.data)
    expect(asked).toHaveLength(1)
    const detail = await t.call('GET', `/v1/mentions/${id}`, { key: viewer })
    expect(detail.data.translations).toEqual([first.data])
  })

  it('asks the server for the code it has installed (nb for Norwegian, zh-Hans for Chinese), and refuses a language it lacks', async () => {
    useLibreTranslate()
    const asked = libreServer(() => HttpResponse.json({ translatedText: ['x', 'y'] }))
    const id = await russianMention()
    expect((await translate(id, { to: 'no' })).status).toBe(201)
    expect((await translate(id, { to: 'zh' })).status).toBe(201)
    expect(asked.map((a) => a.target)).toEqual(['nb', 'zh-Hans'])
    const missing = await translate(id, { to: 'ko' })
    expect(missing.status).toBe(400)
    expect(missing.data.error.message).toContain('no ko installed')
    expect((await translate(id, { to: 'klingon' })).status).toBe(400)
    expect((await t.call('GET', `/v1/mentions/${id}`)).data.translations.map((x: { lang: string; from: string | null }) => [x.lang, x.from])).toEqual([['no', null], ['zh', null]])
  })

  it('stops showing a translation once the author edits the text at the source, and translates the new text', async () => {
    useLibreTranslate()
    const asked = libreServer()
    const id = await russianMention()
    expect((await translate(id)).status).toBe(201)
    await t.sql`UPDATE mentions SET body = 'Исправили, спасибо!' WHERE id = ${id}`
    expect((await t.call('GET', `/v1/mentions/${id}`)).data.translations).toEqual([])
    expect((await translate(id)).status).toBe(201)
    expect(asked.map((a) => (a.q as string[])[1])).toEqual([BODY, 'Исправили, спасибо!'])
  })

  it('translates the first 10,000 characters of a long text, cut between words, and says so', async () => {
    useLibreTranslate()
    const asked = libreServer(() => HttpResponse.json({ translatedText: ['title', 'body'] }))
    const id = await russianMention('слово '.repeat(3000))
    const res = await translate(id)
    expect(res.data.truncated).toBe(true)
    const sent = (asked[0].q as string[])[1]
    expect(sent.length).toBeLessThanOrEqual(10_000)
    expect(sent.endsWith('слово')).toBe(true)
  })

  it('retries a 5xx once; a rate limit, a refusal or a malformed answer is a 502 that stores nothing', async () => {
    useLibreTranslate()
    const id = await russianMention()
    let calls = 0
    libreServer(() => (++calls === 1 ? new HttpResponse('upstream hiccup', { status: 503 }) : HttpResponse.json(jsonFixture('libretranslate', 'translate-batch.json'))))
    expect((await translate(id)).status).toBe(201)
    expect(calls).toBe(2)

    const other = await russianMention()
    libreServer(() => HttpResponse.json({ error: 'Slowdown: 30 per 1 minute' }, { status: 429, headers: { 'retry-after': '60' } }))
    const limited = await translate(other)
    expect(limited.status).toBe(502)
    expect(limited.data.error.code).toBe('translation_failed')
    expect(Date.parse(limited.data.error.details.retryAt)).toBeGreaterThan(Date.now() + 50_000)

    libreServer(() => HttpResponse.json({ error: 'Invalid API key' }, { status: 403 }))
    const refused = await translate(other)
    expect(refused.status).toBe(502)
    expect(refused.data.error.message).toContain("refused earshot's key")

    libreServer(() => new HttpResponse('<html>Bad gateway</html>', { status: 200, headers: { 'content-type': 'text/html' } }))
    expect((await translate(other)).data.error.message).toContain('malformed JSON')
    libreServer(() => HttpResponse.json({ translatedText: ['only one'] }))
    expect((await translate(other)).data.error.message).toContain('1 translations for 2 texts')
    expect(await storedCount(other)).toBe(0)
  })

  it('gives up on a translator that does not answer', async () => {
    server.use(
      http.get(`${LT}/languages`, () => HttpResponse.json(jsonFixture('libretranslate', 'languages.json'))),
      http.post(`${LT}/translate`, async () => {
        await delay(2_000)
        return HttpResponse.json(jsonFixture('libretranslate', 'translate-batch.json'))
      }),
    )
    const http_ = createHttpClient({ userAgent: 'earshot-test', urlPolicy: { allowPrivate: true }, timeoutMs: 100, maxAttempts: 1 })
    await expect(libreTranslate(http_, LT, undefined).translate(['Привет'], 'en')).rejects.toThrow(/timed out after 100 ms/)
  })

  it('translates with DeepL: a free key goes to the free host, with DeepL’s own language codes', async () => {
    useDeepL()
    const seen: { auth: string | null; body: Record<string, unknown> }[] = []
    server.use(
      http.post(DEEPL_FREE, async ({ request }) => {
        seen.push({ auth: request.headers.get('authorization'), body: (await request.json()) as Record<string, unknown> })
        return HttpResponse.json(jsonFixture('deepl', 'translate.json'))
      }),
    )
    const [id] = await seedMentions(t.sql, t.workspaceId, source, [{ text: 'Η εφαρμογή είναι πολύ αργή από χθες', lang: 'el' }])
    const res = await translate(id)
    expect(res.status).toBe(201)
    expect(res.data).toMatchObject({ lang: 'en', from: 'el', provider: 'deepl', title: null, text: 'The app is very slow since yesterday' })
    expect(seen).toEqual([{ auth: 'DeepL-Auth-Key 279a2e9d-83b3-c416-7e2d-f721593e42a0:fx', body: { text: ['Η εφαρμογή είναι πολύ αργή από χθες'], target_lang: 'EN-US' } }])

    server.use(http.post(DEEPL_FREE, () => HttpResponse.json({ message: 'Quota exceeded' }, { status: 456 })))
    const spent = await translate(id, { to: 'no' })
    expect(spent.status).toBe(502)
    expect(spent.data.error.message).toContain('HTTP 456')
    expect(spent.data.error.message).toContain('Quota exceeded')
  })

  it('goes with the person: erasing the customer deletes the translations of their mentions', async () => {
    useLibreTranslate()
    libreServer()
    const id = await russianMention()
    expect((await translate(id)).status).toBe(201)
    const customer = await t.call('POST', '/v1/customers', { body: { name: 'Ivan', email: `ivan-${crypto.randomUUID()}@example.com` } })
    expect((await t.call('POST', `/v1/mentions/${id}/customer`, { body: { customerId: customer.data.id } })).status).toBe(200)
    expect((await t.call('DELETE', `/v1/customers/${customer.data.id}?erase=true`)).status).toBe(200)
    expect(await storedCount(id)).toBe(0)
    const after = await translate(id)
    expect(after.status).toBe(409)
    expect(after.data.error.message).toContain('erased')
  })

  it('shows translations in the inbox, escaped, and any member can ask for one there', async () => {
    useLibreTranslate()
    libreServer(() => HttpResponse.json({ translatedText: ['<b>Export</b> crashes', '<img src=x onerror=alert(1)> please fix'], detectedLanguage: { confidence: 90, language: 'ru' } }))
    const id = await russianMention()
    const session = await webSession(t.app, viewer)
    const page = await (await t.app.request(`/app/inbox?m=${id}`, { headers: { cookie: session.cookie } })).text()
    expect(page).toContain(`action="/app/inbox/${id}/translation"`)
    const posted = await postForm(t.app, session, `/app/inbox/${id}/translation`, [['to', 'en'], ['back', `/app/inbox?m=${id}`]])
    expect(posted.status).toBe(303)
    expect(posted.headers.get('location')).toBe(`/app/inbox?m=${id}&notice=translated`)
    const shown = await (await t.app.request(posted.headers.get('location')!, { headers: { cookie: session.cookie } })).text()
    expect(shown).toContain('Machine translation into English from Russian (libretranslate)')
    expect(shown).toContain('&lt;img src=x onerror=alert(1)&gt; please fix')
    expect(shown).not.toContain('<img src=x')

    t.deps.translator = undefined
    const without = await (await t.app.request(`/app/inbox?m=${id}`, { headers: { cookie: session.cookie } })).text()
    expect(without).not.toContain(`action="/app/inbox/${id}/translation"`)
    expect(without).toContain('&lt;b&gt;Export&lt;/b&gt; crashes')
  })
})

describe('translating a survey comment', () => {
  it('translates a response’s comment, keeps it, shows it on the survey page, and forgets it with the person', async () => {
    useLibreTranslate()
    const asked = libreServer(() => HttpResponse.json({ translatedText: ['Too expensive <for> us'], detectedLanguage: [{ confidence: 95, language: 'nb' }] }))
    const survey = (await t.call('POST', '/v1/surveys', { body: { kind: 'nps', question: 'Would you recommend us?', allowedOrigins: ['https://acme.test'] } })).data
    const customer = await t.call('POST', '/v1/customers', { body: { name: 'Kari', email: 'kari@translate.test' } })
    await t.call('POST', `/v1/surveys/${survey.id}/responses`, { body: [{ score: 4, comment: 'For dyrt for oss', email: 'kari@translate.test' }, { score: 10 }] })
    const rows = await t.sql<{ id: string; score: number }[]>`SELECT id, score FROM survey_responses WHERE survey_id = ${survey.id}`
    const commented = rows.find((r) => r.score === 4)!.id
    const url = (id: string, surveyId = survey.id) => `/v1/surveys/${surveyId}/responses/${id}/translation`

    const first = await t.call('POST', url(commented), { key: viewer, body: { to: 'en' } })
    expect(first.status, JSON.stringify(first.data)).toBe(201)
    expect(first.data).toMatchObject({ lang: 'en', title: null, text: 'Too expensive <for> us', from: 'no' })
    expect(asked).toEqual([expect.objectContaining({ q: ['For dyrt for oss'], target: 'en' })])
    expect((await t.call('POST', url(commented), { body: {} })).status).toBe(200)
    expect(asked).toHaveLength(1)
    expect((await t.call('POST', url(rows.find((r) => r.score === 10)!.id), { body: {} })).status).toBe(400)
    const elsewhere = (await t.call('POST', '/v1/surveys', { body: { kind: 'csat', question: 'Happy?', allowedOrigins: ['https://acme.test'] } })).data
    expect((await t.call('POST', url(commented, elsewhere.id), { body: {} })).status).toBe(404)

    const session = await webSession(t.app, viewer, `/app/surveys/${survey.id}`)
    const page = await (await t.app.request(`/app/surveys/${survey.id}`, { headers: { cookie: session.cookie } })).text()
    expect(page).toContain('Machine translation into English from Norwegian Bokmål (libretranslate)')
    expect(page).toContain('Too expensive &lt;for&gt; us')
    expect(page).not.toContain(`action="/app/surveys/${survey.id}/responses/${commented}/translation"`)

    expect((await t.call('DELETE', `/v1/customers/${customer.data.id}?erase=true`)).status).toBe(200)
    expect((await t.sql`SELECT count(*)::int AS n FROM translations WHERE response_id = ${commented}`)[0].n).toBe(0)
  })

  it('offers a button on the survey page for comments not in English', async () => {
    useLibreTranslate()
    libreServer(() => HttpResponse.json({ translatedText: ['Very slow'] }))
    const survey = (await t.call('POST', '/v1/surveys', { body: { kind: 'csat', question: 'Happy?', allowedOrigins: ['https://acme.test'] } })).data
    await t.call('POST', `/v1/surveys/${survey.id}/responses`, { body: [{ score: 2, comment: 'Очень медленно работает приложение' }] })
    const [row] = await t.sql<{ id: string }[]>`SELECT id FROM survey_responses WHERE survey_id = ${survey.id}`
    const session = await webSession(t.app, viewer, `/app/surveys/${survey.id}`)
    const page = await (await t.app.request(`/app/surveys/${survey.id}`, { headers: { cookie: session.cookie } })).text()
    expect(page).toContain(`action="/app/surveys/${survey.id}/responses/${row.id}/translation"`)
    const posted = await postForm(t.app, session, `/app/surveys/${survey.id}/responses/${row.id}/translation`, [['to', 'en']])
    expect([posted.status, posted.headers.get('location')]).toEqual([303, `/app/surveys/${survey.id}?notice=translated`])
    expect(await (await t.app.request(`/app/surveys/${survey.id}`, { headers: { cookie: session.cookie } })).text()).toContain('Very slow')
  })
})

describe('translating mentions as they come in', () => {
  it('translates the new mentions in other languages of workspaces that ask, and leaves the archive and others alone', async () => {
    useLibreTranslate()
    const asked = libreServer(() => HttpResponse.json({ translatedText: ['Export crashes', 'It crashed again'], detectedLanguage: [{ confidence: 90, language: 'ru' }] }))
    const ws = await t.call('POST', '/v1/workspaces', { body: { name: `arrival-${crypto.randomUUID()}` } })
    const src = await seedSource(t.sql, ws.data.id, 'reddit', 'arrivals')
    const [fresh, english, old] = await seedMentions(t.sql, ws.data.id, src, [
      { title: 'Экспорт падает', text: 'Опять упал', lang: 'ru' },
      { text: 'Export crashes again', lang: 'en' },
      { title: 'Старое', text: 'Давно было', lang: 'ru', publishedAt: new Date(Date.now() - 3 * 86_400_000) },
    ])
    // Nothing until the workspace asks.
    await translateNewMentions(t.deps, new Date())
    expect((await t.sql`SELECT count(*)::int AS n FROM translations WHERE workspace_id = ${ws.data.id}`)[0].n).toBe(0)
    const settings = await t.call('PATCH', '/v1/workspaces/current/settings', { key: ws.data.key, body: { translateInto: 'en' } })
    expect([settings.status, settings.data.translateInto]).toEqual([200, 'en'])
    expect((await t.call('PATCH', '/v1/workspaces/current/settings', { key: ws.data.key, body: { translateInto: 'tlh' } })).status).toBe(400)

    const before = asked.length
    const done = await translateNewMentions(t.deps, new Date())
    expect(done.translated).toBeGreaterThanOrEqual(1)
    const stored = await t.sql<{ mention_id: string }[]>`SELECT mention_id FROM translations WHERE workspace_id = ${ws.data.id}`
    expect(stored.map((r) => r.mention_id)).toEqual([fresh])
    expect(asked.slice(before)).toContainEqual(expect.objectContaining({ q: ['Экспорт падает', 'Опять упал'], target: 'en' }))
    expect(stored.map((r) => r.mention_id)).not.toContain(english)
    expect(stored.map((r) => r.mention_id)).not.toContain(old)
    const again = asked.length
    await translateNewMentions(t.deps, new Date())
    expect(asked.slice(again).filter((a) => (a.q as string[])[0] === 'Экспорт падает')).toEqual([])
    expect((await t.call('GET', `/v1/mentions/${fresh}`, { key: ws.data.key })).data.translations).toMatchObject([{ lang: 'en', title: 'Export crashes' }])
    const session = await webSession(t.app, ws.data.key)
    const inbox = await (await t.app.request('http://localhost/app/inbox', { headers: { cookie: session.cookie } })).text()
    const row = inbox.slice(inbox.indexOf(`data-id="${fresh}"`), inbox.indexOf('</li>', inbox.indexOf(`data-id="${fresh}"`)))
    expect(row).toContain('<span class="snippet translated" lang="en"><span class="hint">English: </span><bdi>Export crashes — It crashed again</bdi></span>')

    // A translator that refuses is tried again on the next tick, not in a loop.
    const [late] = await seedMentions(t.sql, ws.data.id, src, [{ text: 'Ещё одна жалоба', lang: 'ru' }])
    let calls = 0
    libreServer(() => (++calls, HttpResponse.json({ error: 'Slowdown' }, { status: 429, headers: { 'retry-after': '60' } })))
    await translateNewMentions(t.deps, new Date())
    expect((await t.sql`SELECT count(*)::int AS n FROM translations WHERE mention_id = ${late}`)[0].n).toBe(0)
    expect(calls).toBe(1)
    t.deps.translator = undefined
    expect(await translateNewMentions(t.deps, new Date())).toEqual({ translated: 0 })
  })

  it('translates new survey comments in other languages too, and shows them on the survey page', async () => {
    useLibreTranslate()
    libreServer(() => HttpResponse.json({ translatedText: ['Support never answers'], detectedLanguage: [{ confidence: 90, language: 'ru' }] }))
    const ws = await t.call('POST', '/v1/workspaces', { body: { name: `arrival-survey-${crypto.randomUUID()}` } })
    await t.call('PATCH', '/v1/workspaces/current/settings', { key: ws.data.key, body: { translateInto: 'en' } })
    const survey = await t.call('POST', '/v1/surveys', { key: ws.data.key, body: { kind: 'nps', question: 'How likely are you to recommend us?' } })
    const imported = await t.call('POST', `/v1/surveys/${survey.data.id}/responses`, {
      key: ws.data.key,
      body: [
        { score: 2, comment: 'Поддержка никогда не отвечает на письма' },
        { score: 9, comment: 'Great product, the team is very helpful' },
        { score: 3, comment: 'Поддержка ужасная, никто не помогает', respondedAt: new Date(Date.now() - 3 * 86_400_000).toISOString() },
      ],
    })
    expect(imported.data.inserted).toBe(3)
    // (The workspace of the test before may still have a mention its refusing translator left.)
    expect((await translateNewMentions(t.deps, new Date())).translated).toBeGreaterThanOrEqual(1)
    const kept = await t.sql<{ comment: string; body: string }[]>`
      SELECT r.comment, t.body FROM translations t JOIN survey_responses r ON r.id = t.response_id WHERE t.workspace_id = ${ws.data.id}`
    expect(kept).toEqual([{ comment: 'Поддержка никогда не отвечает на письма', body: 'Support never answers' }])
    expect(await translateNewMentions(t.deps, new Date())).toEqual({ translated: 0 })
    const session = await webSession(t.app, ws.data.key)
    expect(await (await t.app.request(`/app/surveys/${survey.data.id}`, { headers: { cookie: session.cookie } })).text()).toContain('Support never answers')
    t.deps.translator = undefined
  })
})

describe('translating a reply draft', () => {
  it('puts an agent’s text into another language, keeps nothing, and is for agents', async () => {
    useDeepL()
    const seen: Record<string, unknown>[] = []
    server.use(
      http.post(DEEPL_FREE, async ({ request }) => {
        seen.push((await request.json()) as Record<string, unknown>)
        return HttpResponse.json({ translations: [{ detected_source_language: 'EN', text: 'Ευχαριστούμε, το διορθώνουμε.' }] })
      }),
    )
    const res = await t.call('POST', '/v1/translate', { key: await t.keyFor('agent'), body: { text: 'Thanks, we are fixing it.', to: 'el' } })
    expect(res.status, JSON.stringify(res.data)).toBe(200)
    expect(res.data).toEqual({ text: 'Ευχαριστούμε, το διορθώνουμε.', from: 'en', provider: 'deepl' })
    expect(seen).toEqual([{ text: ['Thanks, we are fixing it.'], target_lang: 'EL' }])
    expect((await t.call('POST', '/v1/translate', { key: viewer, body: { text: 'hi', to: 'el' } })).status).toBe(403)
    expect((await t.call('POST', '/v1/translate', { body: { text: '   ', to: 'el' } })).status).toBe(400)
    expect((await t.call('POST', '/v1/translate', { body: { text: 'hi', to: 'xx' } })).status).toBe(400)
    expect(seen).toHaveLength(1)
    t.deps.translator = undefined
    expect((await t.call('POST', '/v1/translate', { body: { text: 'hi', to: 'el' } })).data.error.code).toBe('translation_not_configured')
  })

  it('fills the inbox reply form with the draft in the mention’s language, in the page and not in its address', async () => {
    useLibreTranslate()
    const asked = libreServer(() => HttpResponse.json({ translatedText: 'Спасибо! <script>x</script> Исправим.', detectedLanguage: { confidence: 80, language: 'en' } }))
    const githubSource = await seedSource(t.sql, t.workspaceId, 'github', 'github answers')
    await t.sql`UPDATE sources SET config = ${t.sql.json({ query: 'repo:acme/app', token: 'ghp_write' })} WHERE id = ${githubSource}`
    const [id] = await seedMentions(t.sql, t.workspaceId, githubSource, [{ text: 'Экспорт не работает', lang: 'ru' }])
    const session = await webSession(t.app, await t.keyFor('agent'))
    const page = await (await t.app.request(`/app/inbox?m=${id}`, { headers: { cookie: session.cookie } })).text()
    expect(page).toContain(`formaction="/app/inbox/${id}/reply-translation"`)
    expect(page).toContain('Translate the draft into Russian')

    const res = await postForm(t.app, session, `/app/inbox/${id}/reply-translation`, [['text', 'Thanks! We will fix it.'], ['back', `/app/inbox?m=${id}&sort=newest`], ['key', crypto.randomUUID()]])
    expect(res.status).toBe(200)
    expect(asked.at(-1)).toMatchObject({ q: ['Thanks! We will fix it.'], target: 'ru' })
    const html = await res.text()
    expect(html).toContain('>Спасибо! &lt;script&gt;x&lt;/script&gt; Исправим.</textarea>')
    expect(html).toContain('Machine-translated into Russian')
    expect(html).toContain('<option value="newest" selected="">')
    expect(await storedCount(id)).toBe(0)
  })
})

describe('translator settings', () => {
  it('takes one translator, and a LibreTranslate key only with its server', () => {
    expect(() => parseEnv({ EARSHOT_LIBRETRANSLATE_URL: LT, EARSHOT_DEEPL_KEY: 'abcdefgh-key' })).toThrow(/one translator/)
    expect(() => parseEnv({ EARSHOT_LIBRETRANSLATE_KEY: 'lt-key' })).toThrow(/EARSHOT_LIBRETRANSLATE_KEY needs EARSHOT_LIBRETRANSLATE_URL/)
    expect(() => parseEnv({ EARSHOT_LIBRETRANSLATE_URL: 'ftp://translate' })).toThrow(/EARSHOT_LIBRETRANSLATE_URL/)
    expect(configuredTranslator(parseEnv({}), 'test')).toBeUndefined()
    expect(configuredTranslator(parseEnv({ EARSHOT_DEEPL_KEY: 'abcdefgh-pro-key' }), 'test')?.provider).toBe('deepl')
  })
})
