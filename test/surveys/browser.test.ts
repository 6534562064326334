import { existsSync, mkdirSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../helpers/app.ts'

const CHROMIUM = '/usr/bin/chromium'
const hasChromium = existsSync(CHROMIUM)
const SHOTS = 'test-output/surveys'
if (!hasChromium) console.warn(`survey embed browser tests skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`)

const t = await createTestApp()

// The app on 127.0.0.1, the customer's site on localhost: two origins, as on the web.
const listen = (server: Server | ReturnType<typeof serve>) => `${(server.address() as AddressInfo).port}`
const app = await new Promise<ReturnType<typeof serve>>((resolve) => {
  const s = serve({ fetch: t.app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s))
})
const API = `http://127.0.0.1:${listen(app)}`

/**
 * The customer's page: its own styles that would wreck a naive widget, its own button, and the one-line embed
 * (with `twice`, also in <head>, as a careless template or a single-page app would).
 */
const attr = (v: string) => v.replace(/&/g, '&amp;').replace(/"/g, '&quot;')
const hostPage = (publicKey: string, twice: boolean, locale: string | null, trigger: string | null, props: string | null) => `<!doctype html>
<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Shop</title>
${twice ? `<script src="${API}/embed.js" data-survey="${publicKey}" async></script>` : ''}
<style>
  * { font-family: "Comic Sans MS", cursive !important; }
  body { color: #0a0; font-size: 30px; }
  button { background: rgb(255, 0, 0) !important; font-size: 40px !important; border-radius: 0 !important; }
  textarea, p { display: none; }
</style></head>
<body>
  <h1>Our shop</h1>
  <button id="own">Add to cart</button> <span id="clicks">0</span>
  <script>document.getElementById('own').addEventListener('click', () => { const s = document.getElementById('clicks'); s.textContent = String(Number(s.textContent) + 1) })</script>
  <script src="${API}/embed.js" data-survey="${publicKey}"${locale ? ` data-locale="${locale}"` : ''}${trigger ? ` data-trigger="${trigger}"` : ''}${props ? ` data-properties="${attr(props)}"` : ''} async></script>
</body></html>`

const host: Server = createServer((req, res) => {
  const query = new URL(req.url ?? '/', 'http://x').searchParams
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
  res.end(hostPage(query.get('survey') ?? '', query.has('twice'), query.get('locale'), query.get('trigger'), query.get('properties')))
})
await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve))
const HOST = `http://localhost:${listen(host)}`

let browser: Browser | undefined
beforeAll(async () => {
  if (!hasChromium) return
  mkdirSync(SHOTS, { recursive: true })
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] })
})
afterAll(async () => {
  await browser?.close()
  await new Promise<void>((resolve) => app.close(() => resolve()))
  await new Promise<void>((resolve) => host.close(() => resolve()))
})

async function newSurvey(body: Record<string, unknown> = {}) {
  const res = await t.call('POST', '/v1/surveys', { body: { kind: 'nps', question: 'How likely are you to recommend our shop?', allowedOrigins: [HOST], ...body } })
  expect(res.status).toBe(201)
  return res.data as { id: string; publicKey: string }
}

interface Opened {
  page: Page
  errors: string[]
  /** Resolves with what the embed decided on this page view. */
  decision: () => Promise<{ state: string; reason?: string }>
}

/** Opens a page and records the embed's `earshot:survey` decision and any page errors. */
async function open(context: BrowserContext, url: string): Promise<Opened> {
  const page = await context.newPage()
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(e.message))
  await page.addInitScript(() => {
    const w = window as unknown as { __earshot: Promise<unknown>; __earshotAll: unknown[] }
    w.__earshotAll = []
    window.addEventListener('earshot:survey', (e) => w.__earshotAll.push((e as CustomEvent).detail))
    w.__earshot = new Promise((resolve) => window.addEventListener('earshot:survey', (e) => resolve((e as CustomEvent).detail)))
  })
  await page.goto(url)
  const decision = () => page.evaluate(() => (window as unknown as { __earshot: Promise<{ state: string; reason?: string }> }).__earshot)
  return { page, errors, decision }
}

const rows = (surveyId: string) => t.sql`SELECT score, comment, channel, page FROM survey_responses WHERE survey_id = ${surveyId} ORDER BY created_at`

describe.skipIf(!hasChromium)('survey embed in Chromium', () => {
  it('lets a visitor on another origin pick a score by keyboard, comment and submit, leaving the host page working and unstyled by us', async () => {
    const s = await newSurvey()
    const context = await browser!.newContext({ viewport: { width: 1024, height: 768 } })
    const { page, errors, decision } = await open(context, `${HOST}/?survey=${s.publicKey}`)
    expect(await decision()).toMatchObject({ state: 'shown' })

    const widget = page.locator(`[data-earshot-survey="${s.publicKey}"]`)
    const radios = widget.getByRole('radio')
    await expect(radios.count()).resolves.toBe(11)
    await expect(widget.getByRole('radio', { name: '0, Not at all likely', exact: true }).count()).resolves.toBe(1)
    await expect(widget.getByRole('radio', { name: '10, Extremely likely', exact: true }).count()).resolves.toBe(1)
    await expect(widget.getByRole('dialog').getAttribute('aria-labelledby')).resolves.toBe('q')
    // Host CSS does not reach into the shadow root, and ours does not reach out.
    const style = await radios.first().evaluate((b) => {
      const cs = getComputedStyle(b)
      return { background: cs.backgroundColor, fontSize: cs.fontSize, font: cs.fontFamily }
    })
    expect(style.background).not.toBe('rgb(255, 0, 0)')
    expect(style.fontSize).toBe('14px')
    expect(style.font).not.toMatch(/Comic/)
    await expect(page.locator('#own').evaluate((b) => getComputedStyle(b).backgroundColor)).resolves.toBe('rgb(255, 0, 0)')

    // Keyboard: focus the scale, End jumps to 10, ArrowLeft moves to 9.
    await radios.first().focus()
    await page.keyboard.press('End')
    await page.keyboard.press('ArrowLeft')
    await expect(widget.getByRole('radio', { checked: true }).textContent()).resolves.toBe('9')
    await expect(page.evaluate(() => (document.activeElement?.shadowRoot?.activeElement as HTMLElement | null)?.textContent)).resolves.toBe('9')
    const comment = widget.locator('textarea')
    await expect(comment.isVisible()).resolves.toBe(true)
    await expect(widget.locator('label[for=c]').textContent()).resolves.toContain('main reason')
    await comment.fill('Fast delivery, friendly support')
    await page.screenshot({ path: `${SHOTS}/embed-filled.png` })
    await widget.getByRole('button', { name: 'Send' }).click()
    await expect(widget.getByRole('status').textContent()).resolves.toBe('Thank you for your feedback!')
    await page.screenshot({ path: `${SHOTS}/embed-thanks.png` })

    expect(await rows(s.id)).toEqual([{ score: 9, comment: 'Fast delivery, friendly support', channel: 'embed', page: `${HOST}/?survey=${s.publicKey}` }])
    await page.click('#own')
    await page.click('#own')
    await expect(page.locator('#clicks').textContent()).resolves.toBe('2')
    expect(errors).toEqual([])
    await context.close()
  })

  it('shows once per N days across reloads and respects a 0% sample', async () => {
    const s = await newSurvey({ display: { onceEveryDays: 7 } })
    const context = await browser!.newContext()
    const first = await open(context, `${HOST}/?survey=${s.publicKey}`)
    expect(await first.decision()).toMatchObject({ state: 'shown' })
    await first.page.reload()
    expect(await first.decision()).toEqual({ survey: s.publicKey, state: 'skipped', reason: 'recently-shown' })
    await expect(first.page.locator('[data-earshot-survey]').count()).resolves.toBe(0)
    // A week later it may ask again.
    await first.page.evaluate((key) => localStorage.setItem(`earshot:${key}`, String(Date.now() - 8 * 86_400_000)), s.publicKey)
    await first.page.reload()
    expect(await first.decision()).toMatchObject({ state: 'shown' })

    const never = await newSurvey({ display: { samplePercent: 0, onceEveryDays: 0 } })
    const sampled = await open(context, `${HOST}/?survey=${never.publicKey}`)
    expect(await sampled.decision()).toMatchObject({ state: 'skipped', reason: 'sample' })
    await context.close()
  })

  it('shows only on the pages its rules name, and never on those they exclude', async () => {
    const s = await newSurvey({ display: { onceEveryDays: 0, pages: ['/checkout/*', '/офис'], excludePages: ['/checkout/cancel*'] } })
    const context = await browser!.newContext()
    const decided = async (path: string) => (await open(context, `${HOST}${path}?survey=${s.publicKey}`)).decision()
    expect(await decided('/checkout/done/')).toMatchObject({ state: 'shown' })
    expect(await decided('/%D0%BE%D1%84%D0%B8%D1%81')).toMatchObject({ state: 'shown' })
    expect(await decided('/')).toEqual({ survey: s.publicKey, state: 'skipped', reason: 'page' })
    expect(await decided('/checkout/cancelled')).toEqual({ survey: s.publicKey, state: 'skipped', reason: 'page' })
    expect(await decided('/checkoutx/done')).toMatchObject({ state: 'skipped', reason: 'page' })
    await context.close()
  })

  it('is refused by CORS on an origin the survey does not allow, and nothing is stored', async () => {
    const s = await newSurvey({ allowedOrigins: ['https://elsewhere.example'] })
    const context = await browser!.newContext()
    const { page, decision, errors } = await open(context, `${HOST}/?survey=${s.publicKey}`)
    expect(await decision()).toMatchObject({ state: 'failed' })
    await expect(page.locator('[data-earshot-survey]').count()).resolves.toBe(0)
    const direct = await page.evaluate(async (url) => {
      try {
        await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"score":10}' })
        return 'sent'
      } catch (e) {
        return (e as Error).name
      }
    }, `${API}/s/${s.publicKey}/responses`)
    expect(direct).toBe('TypeError')
    expect(await rows(s.id)).toEqual([])
    // The host page is untouched by the failure.
    await page.click('#own')
    await expect(page.locator('#clicks').textContent()).resolves.toBe('1')
    expect(errors).toEqual([])
    await context.close()
  })

  it('shows one survey when the script is included twice, once from <head>', async () => {
    const s = await newSurvey({ display: { onceEveryDays: 0 } })
    const context = await browser!.newContext()
    const { page, errors } = await open(context, `${HOST}/?survey=${s.publicKey}&twice`)
    await expect.poll(() => page.evaluate(() => (window as unknown as { __earshotAll: { state: string }[] }).__earshotAll.map((e) => e.state).sort())).toEqual(['shown', 'skipped'])
    await expect(page.locator('[data-earshot-survey]').count()).resolves.toBe(1)
    expect(errors).toEqual([])
    await context.close()
  })

  it('retries a failed POST once, storing one response', async () => {
    const s = await newSurvey({ kind: 'csat', question: 'How satisfied are you?' })
    const context = await browser!.newContext()
    let attempts = 0
    await context.route(`${API}/s/${s.publicKey}/responses`, (route) => {
      if (route.request().method() !== 'POST') return route.continue()
      attempts++
      return attempts === 1 ? route.abort('connectionreset') : route.continue()
    })
    const { page, decision } = await open(context, `${HOST}/?survey=${s.publicKey}`)
    expect(await decision()).toMatchObject({ state: 'shown' })
    const widget = page.locator(`[data-earshot-survey="${s.publicKey}"]`)
    await widget.getByRole('radio', { name: '4' }).click()
    await widget.getByRole('button', { name: 'Send' }).click()
    await expect(widget.getByRole('status').textContent()).resolves.toBe('Thank you for your feedback!')
    expect(attempts).toBe(2)
    expect(await rows(s.id)).toEqual([{ score: 4, comment: null, channel: 'embed', page: expect.any(String) }])
    await context.close()
  })

  it('fits a phone screen', async () => {
    const s = await newSurvey()
    const context = await browser!.newContext({ viewport: { width: 360, height: 640 }, isMobile: true, hasTouch: true })
    const { page, decision } = await open(context, `${HOST}/?survey=${s.publicKey}`)
    expect(await decision()).toMatchObject({ state: 'shown' })
    const box = await page.locator(`[data-earshot-survey="${s.publicKey}"]`).getByRole('dialog').boundingBox()
    expect(box!.x).toBeGreaterThanOrEqual(0)
    expect(box!.x + box!.width).toBeLessThanOrEqual(360)
    await page.screenshot({ path: `${SHOTS}/embed-mobile.png` })
    await context.close()
  })

  it('asks the choice question of the bands it is for, by keyboard too, and stores the pick with the comment, in the survey’s own colour, corner and words', async () => {
    const choice = { question: 'Which part of our service is it about?', options: ['Price', 'Support', 'Speed'], bands: ['detractor', 'passive'] }
    const s = await newSurvey({ choice, display: { onceEveryDays: 0 }, appearance: { accent: '#1a7f37', position: 'bottom-left' }, thanks: 'Thanks, we read every answer.' })
    const context = await browser!.newContext()
    const { page, errors, decision } = await open(context, `${HOST}/?survey=${s.publicKey}`)
    expect(await decision()).toMatchObject({ state: 'shown' })
    const widget = page.locator(`[data-earshot-survey="${s.publicKey}"]`)
    const group = widget.getByRole('group', { name: choice.question })
    await widget.getByRole('radio', { name: '10, Extremely likely' }).click()
    await expect(group.isVisible()).resolves.toBe(false)
    await widget.getByRole('radio', { name: '4', exact: true }).click()
    await expect(group.isVisible()).resolves.toBe(true)
    await expect(group.getByRole('radio').count()).resolves.toBe(3)
    // The survey's own colour and corner.
    await expect(widget.getByRole('radio', { name: '4', exact: true }).evaluate((b) => getComputedStyle(b).backgroundColor)).resolves.toBe('rgb(26, 127, 55)')
    const box = (await widget.getByRole('dialog').boundingBox())!
    expect(box.x).toBeLessThan(20)
    // Keyboard: the first option takes focus from Tab, arrows move the pick as in any radio group.
    await group.getByRole('radio', { name: 'Price' }).focus()
    await page.keyboard.press('ArrowDown')
    await expect(group.getByRole('radio', { name: 'Support' }).isChecked()).resolves.toBe(true)
    await widget.locator('textarea').fill('Slow answers by e-mail')
    await page.screenshot({ path: `${SHOTS}/embed-choice.png` })
    await widget.getByRole('button', { name: 'Send' }).click()
    await expect(widget.getByRole('status').textContent()).resolves.toBe('Thanks, we read every answer.')
    expect(await t.sql`SELECT score, comment, choices FROM survey_responses WHERE survey_id = ${s.id}`).toEqual([
      { score: 4, comment: 'Slow answers by e-mail', choices: ['Support'] },
    ])
    expect(errors).toEqual([])
    await context.close()
  })

  it('records a one-click score from an email link on the hosted page and adds the comment to it', async () => {
    const s = await newSurvey({ locale: 'fr', choice: { question: 'Qu’avez-vous le plus apprécié ?', options: ['Le prix', 'Le service', 'La livraison'], multiple: true } })
    const context = await browser!.newContext()
    // A mailing tool's link may name properties of the recipient: they go with the answer, quotes and all.
    const props = new URLSearchParams({ 'properties[plan]': 'pro', 'properties[campaign]': 'Q4 "winback"' })
    const { page, errors, decision } = await open(context, `${API}/s/${s.publicKey}?score=10&${props}`)
    expect(await decision()).toMatchObject({ state: 'shown' })
    const widget = page.locator(`[data-earshot-survey="${s.publicKey}"]`)
    await expect(widget.getByRole('radio', { checked: true }).textContent()).resolves.toBe('10')
    await expect.poll(async () => (await rows(s.id)).length).toBe(1)
    await widget.locator('textarea').fill('Très bon service')
    // Picks join the score already stored, with the comment, through the answer's token.
    await widget.getByRole('checkbox', { name: 'Le service' }).check()
    await widget.getByRole('checkbox', { name: 'La livraison' }).check()
    await widget.getByRole('button', { name: 'Envoyer' }).click()
    await expect(widget.getByRole('status').textContent()).resolves.toBe('Merci pour votre avis !')
    await page.screenshot({ path: `${SHOTS}/hosted-page.png` })
    expect(await rows(s.id)).toEqual([{ score: 10, comment: 'Très bon service', channel: 'hosted', page: null }])
    expect((await t.sql`SELECT choices FROM survey_responses WHERE survey_id = ${s.id}`)[0].choices).toEqual(['Le service', 'La livraison'])
    expect((await t.sql`SELECT properties FROM survey_responses WHERE survey_id = ${s.id}`)[0].properties).toEqual({ plan: 'pro', campaign: 'Q4 "winback"' })
    expect(errors).toEqual([])
    await context.close()
  })

  it('asks a promoter for a public review and leaves a detractor alone', async () => {
    const s = await newSurvey({ reviewLink: 'https://g.page/r/acme-shop/review' })
    for (const [score, asked] of [[10, true], [3, false]] as const) {
      const context = await browser!.newContext()
      const { page, errors } = await open(context, `${HOST}/?survey=${s.publicKey}`)
      const widget = page.locator(`[data-earshot-survey="${s.publicKey}"]`)
      await widget.getByRole('radio', { name: new RegExp(`^${score}`) }).click()
      await widget.getByRole('button', { name: 'Send' }).click()
      await expect(widget.getByRole('status').textContent()).resolves.toBe('Thank you for your feedback!')
      const link = widget.getByRole('link', { name: 'Write a review' })
      await expect(link.count()).resolves.toBe(asked ? 1 : 0)
      if (asked) {
        // Through earshot, which counts it: the href names this answer, and following it lands on the review page.
        const [answer] = await t.sql<{ id: string }[]>`SELECT id FROM survey_responses WHERE survey_id = ${s.id} AND score = 10`
        await expect(link.getAttribute('href')).resolves.toBe(`${API}/s/${s.publicKey}/review?response=${answer.id}`)
        const res = await fetch((await link.getAttribute('href'))!, { redirect: 'manual' })
        expect(res.headers.get('location')).toBe('https://g.page/r/acme-shop/review')
        await expect(link.getAttribute('rel')).resolves.toBe('noopener noreferrer')
        await page.screenshot({ path: `${SHOTS}/embed-review.png` })
      }
      expect(errors).toEqual([])
      await context.close()
    }
  })

  it('waits, with data-trigger="manual", until the page asks for this survey', async () => {
    const s = await newSurvey()
    const context = await browser!.newContext()
    const { page, errors, decision } = await open(context, `${HOST}/?survey=${s.publicKey}&trigger=manual`)
    expect(await decision()).toMatchObject({ state: 'waiting' })
    const all = () => page.evaluate(() => (window as unknown as { __earshotAll: { state: string }[] }).__earshotAll.map((d) => d.state))
    const widget = page.locator(`[data-earshot-survey="${s.publicKey}"]`)
    // Another survey's moment is not this one's.
    await page.evaluate(() => window.dispatchEvent(new CustomEvent('earshot:show', { detail: { survey: 'sv_someone_else' } })))
    await page.locator('#own').click()
    expect(await widget.count()).toBe(0)
    expect(await all()).toEqual(['waiting'])
    await page.evaluate((key) => window.dispatchEvent(new CustomEvent('earshot:show', { detail: { survey: key } })), s.publicKey)
    await expect.poll(all).toEqual(['waiting', 'shown'])
    await widget.getByRole('radio', { name: '8' }).click()
    await widget.getByRole('button', { name: 'Send' }).click()
    await expect.poll(async () => (await rows(s.id)).length).toBe(1)
    expect(errors).toEqual([])
    await context.close()
  })

  it("sends the page's properties with the answer: the tag's, then the moment's over them, a bad one left out", async () => {
    const s = await newSurvey()
    const context = await browser!.newContext()
    const markup = JSON.stringify({ plan: 'pro', variant: 'A', 'bad:name': 'x', seats: 12 })
    const { page, errors, decision } = await open(context, `${HOST}/?survey=${s.publicKey}&trigger=manual&properties=${encodeURIComponent(markup)}`)
    const warnings: string[] = []
    page.on('console', (m) => void (m.type() === 'warning' && warnings.push(m.text())))
    expect(await decision()).toMatchObject({ state: 'waiting' })
    await page.evaluate((key) => window.dispatchEvent(new CustomEvent('earshot:show', { detail: { survey: key, properties: { variant: 'B', order: 'A-1001' } } })), s.publicKey)
    const widget = page.locator(`[data-earshot-survey="${s.publicKey}"]`)
    await widget.getByRole('radio', { name: '10' }).click()
    await widget.getByRole('button', { name: 'Send' }).click()
    await expect.poll(async () => (await t.sql`SELECT properties FROM survey_responses WHERE survey_id = ${s.id}`).map((r) => r.properties)).toEqual([
      { plan: 'pro', variant: 'B', seats: '12', order: 'A-1001' },
    ])
    expect(warnings.some((w) => w.includes('bad:name'))).toBe(true)
    expect(errors).toEqual([])
    await context.close()
  })

  it("speaks the visitor's language where the survey has it, the host page's choice before the browser's", async () => {
    const s = await newSurvey({
      translations: {
        no: { question: 'Hvor sannsynlig er det at du vil anbefale butikken vår?', followUp: { detractor: 'Hva kan vi gjøre bedre?' } },
        ru: { question: 'Насколько вероятно, что вы порекомендуете наш магазин?' },
      },
    })
    const norwegian = await browser!.newContext({ locale: 'nb-NO' })
    const { page, errors, decision } = await open(norwegian, `${HOST}/?survey=${s.publicKey}`)
    expect(await decision()).toMatchObject({ state: 'shown' })
    const widget = page.locator(`[data-earshot-survey="${s.publicKey}"]`)
    await expect(widget.getByRole('dialog').getAttribute('lang')).resolves.toBe('no')
    await expect(widget.locator('#q').textContent()).resolves.toBe('Hvor sannsynlig er det at du vil anbefale butikken vår?')
    await widget.getByRole('radio', { name: '3' }).click()
    await expect(widget.locator('label').textContent()).resolves.toBe('Hva kan vi gjøre bedre?')
    await widget.locator('textarea').fill('Leveringen tok tre uker')
    await widget.getByRole('button', { name: 'Send' }).click()
    await expect(widget.getByRole('status').textContent()).resolves.toBe('Takk for tilbakemeldingen!')
    expect(errors).toEqual([])
    await norwegian.close()

    // The same browser on a page the site has switched to Russian; and a language the survey lacks gets its own (English).
    const russianPage = await browser!.newContext({ locale: 'nb-NO' })
    const ru = await open(russianPage, `${HOST}/?survey=${s.publicKey}&locale=ru`)
    expect(await ru.decision()).toMatchObject({ state: 'shown' })
    const ruWidget = ru.page.locator(`[data-earshot-survey="${s.publicKey}"]`)
    await expect(ruWidget.locator('#q').textContent()).resolves.toBe('Насколько вероятно, что вы порекомендуете наш магазин?')
    await ruWidget.getByRole('radio', { name: '10, Очень вероятно' }).click()
    await ruWidget.getByRole('button', { name: 'Отправить' }).click()
    await expect(ruWidget.getByRole('status').textContent()).resolves.toBe('Спасибо за ваш отзыв!')
    await russianPage.close()
    const german = await browser!.newContext({ locale: 'de-DE' })
    const de = await open(german, `${HOST}/?survey=${s.publicKey}`)
    expect(await de.decision()).toMatchObject({ state: 'shown' })
    await expect(de.page.locator(`[data-earshot-survey="${s.publicKey}"] #q`).textContent()).resolves.toBe('How likely are you to recommend our shop?')
    await german.close()

    expect(await t.sql`SELECT score, comment, locale FROM survey_responses WHERE survey_id = ${s.id} ORDER BY created_at`).toEqual([
      { score: 3, comment: 'Leveringen tok tre uker', locale: 'no' },
      { score: 10, comment: null, locale: 'ru' },
    ])
  })

  it('ties a one-click score from an e-mailed invitation to the invitee', async () => {
    const s = await newSurvey()
    const token = 'ab'.repeat(32)
    await t.sql`
      INSERT INTO survey_sends (workspace_id, survey_id, email, link_base, status, token_hash, sent_at)
      VALUES (${t.workspaceId}, ${s.id}, 'eva@shop.test', ${API}, 'sent', encode(sha256(convert_to(${token}, 'UTF8')), 'hex'), now())`
    const context = await browser!.newContext()
    const { errors, decision } = await open(context, `${API}/s/${s.publicKey}?score=7&send=${token}`)
    expect(await decision()).toMatchObject({ state: 'shown' })
    await expect.poll(async () => (await t.sql`SELECT score, email FROM survey_responses WHERE survey_id = ${s.id}`).length).toBe(1)
    expect(await t.sql`SELECT score, email FROM survey_responses WHERE survey_id = ${s.id}`).toEqual([{ score: 7, email: 'eva@shop.test' }])
    await expect.poll(async () => (await t.sql`SELECT responded_at FROM survey_sends WHERE survey_id = ${s.id}`)[0].responded_at).not.toBeNull()
    expect(errors).toEqual([])
    await context.close()
  })
})
