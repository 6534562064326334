import { readFileSync } from 'node:fs'
import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { insertApiKey } from '../../src/auth/api-keys.ts'
import { ADMIN_KEY } from '../helpers/app.ts'
import { seedMentions } from '../triage/seed.ts'
import { cspViolations, hasChromium, screenshot, SHOTS, startWebTest } from './harness.ts'

const FEED_URL = 'https://forum.example.com/latest.rss'
const feed = readFileSync(new URL('../fixtures/web/feed.xml', import.meta.url), 'utf8')
const upstream = setupServer(http.get(FEED_URL, () => new HttpResponse(feed, { headers: { 'content-type': 'application/rss+xml' } })))
beforeAll(() => upstream.listen({ onUnhandledRequest: 'error' }))
afterAll(() => upstream.close())

const w = await startWebTest()

async function pushMentions(texts: string[], name = 'support inbox') {
  const src = await w.call('POST', '/v1/sources', { body: { kind: 'api', name } })
  const items = texts.map((text, i) => ({
    externalId: `${name}-${i}`, url: `https://example.com/${i}`, author: { handle: `user${i}`, name: `User ${i}` }, text,
    publishedAt: new Date(Date.now() - i * 3_600_000).toISOString(),
  }))
  const res = await w.call('POST', '/v1/mentions', { body: { sourceId: src.data.id, items } })
  expect(res.status).toBe(200)
  return res.data.ids as string[]
}

describe.skipIf(!hasChromium)('web app end to end in Chromium', () => {
  it('signs in with an API key, refuses a wrong one, and signs out', async () => {
    const context = await w.browser().newContext()
    const page = await context.newPage()
    await page.goto(`${w.base}/app`)
    expect(page.url()).toContain('/app/sign-in')
    await screenshot(page, 'sign-in')
    await page.fill('#key', 'esk_wrong')
    await page.click('button[type=submit]')
    await expect(page.locator('.error').textContent()).resolves.toContain('not valid')
    await page.fill('#key', ADMIN_KEY)
    await Promise.all([page.waitForURL(/\/app\/inbox/), page.click('button[type=submit]')])
    const cookies = await context.cookies()
    const session = cookies.find((c) => c.name === 'earshot_session')!
    expect(session.httpOnly).toBe(true)
    expect(session.sameSite).toBe('Lax')
    await Promise.all([page.waitForURL(/\/app\/sign-in/), page.click('text=Sign out')])
    await page.goto(`${w.base}/app/inbox`)
    expect(page.url()).toContain('/app/sign-in')
    await context.close()
  })

  it('triages a mention with the keyboard and one-click buttons: assign, tag, sentiment override, note, resolve', async () => {
    const ids = await pushMentions(['The export crashes every time, terrible', 'How do I change my plan?', 'Great support, thank you'], 'triage')
    const page = await w.signedInPage(ADMIN_KEY)
    await page.goto(`${w.base}/app/inbox?sort=newest`)
    await screenshot(page, 'inbox')
    // j moves to the first row, Enter opens it in the detail pane.
    await page.keyboard.press('j')
    await page.keyboard.press('j')
    await page.keyboard.press('k')
    await Promise.all([page.waitForURL(/m=/), page.keyboard.press('Enter')])
    const opened = new URL(page.url()).searchParams.get('m')!
    expect(ids).toContain(opened)
    await page.keyboard.press('a')
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('assignee')
    await page.fill('#assignee', 'sam')
    await page.fill('#tags', 'export, urgent')
    await page.selectOption('#sentiment', 'negative')
    await Promise.all([page.waitForURL(/notice=mention-updated/), page.click('#save-triage')])
    await page.check('input[name=intents][value=churn_risk]')
    await Promise.all([page.waitForResponse((r) => r.url().includes('/update') && r.status() === 303), page.click('button:has-text("Save intents")')])
    await page.waitForLoadState()
    await page.fill('#note', 'Reproduced on 4.2, filed internally')
    await Promise.all([page.waitForURL(/notice=note-added/), page.click('button:has-text("Add note")')])
    await expect(page.locator('article.detail').textContent()).resolves.toContain('Reproduced on 4.2')
    await screenshot(page, 'inbox-detail')
    await Promise.all([page.waitForURL(/notice=mention-updated/), page.click('button[data-action=resolved]')])
    const mention = await w.call('GET', `/v1/mentions/${opened}`)
    expect(mention.data).toMatchObject({ status: 'resolved', assignee: 'sam', tags: ['export', 'urgent'], sentiment: 'negative', sentimentOverride: 'negative' })
    expect(mention.data.intentsOverride).toContain('churn_risk')
    expect(mention.data.notes).toHaveLength(1)
    expect(mention.data.history.length).toBeGreaterThanOrEqual(2)

    // e resolves the highlighted row in place, without a reload.
    await page.goto(`${w.base}/app/inbox?sort=newest`)
    const first = await page.locator('#mention-list li').first().getAttribute('data-id')
    await page.keyboard.press('j')
    await page.keyboard.press('e')
    await page.locator(`#mention-list li[data-id="${first}"] [data-status]:text-is("resolved")`).waitFor()
    expect((await w.call('GET', `/v1/mentions/${first}`)).data.status).toBe('resolved')

    await page.keyboard.press('?')
    await expect(page.locator('#shortcut-help').isVisible()).resolves.toBe(true)
    await screenshot(page, 'inbox-shortcuts')
    await page.keyboard.press('Escape')
    await page.keyboard.press('/')
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('q')
  })

  it('bulk-resolves the selected mentions', async () => {
    const ids = await pushMentions(['bulk one: login broken', 'bulk two: login broken again', 'bulk three: still broken login'], 'bulk')
    const page = await w.signedInPage(ADMIN_KEY)
    await page.goto(`${w.base}/app/inbox?q=bulk`)
    await expect(page.locator('#mention-list li').count()).resolves.toBe(3)
    // Counts arrive after the page (they scan every match); without JS, ?counts=1 renders them.
    await page.locator('#counts[data-loaded]').waitFor()
    await expect(page.locator('#counts').textContent()).resolves.toContain('new 3')
    await expect(page.locator('#total').textContent()).resolves.toBe('3 matching')
    await page.check('[data-select-all]')
    await Promise.all([page.waitForURL(/notice=bulk-done/), page.click('button:has-text("Apply to selected")')])
    await expect(page.locator('#mention-list li').count()).resolves.toBe(0)
    for (const id of ids) expect((await w.call('GET', `/v1/mentions/${id}`)).data.status).toBe('resolved')
    await screenshot(page, 'inbox-after-bulk')
  })

  it('snoozes the selection until 9:00 tomorrow in the browser\'s time zone', async () => {
    const [id] = await pushMentions(['snoozeable: the vendor answers tomorrow'], 'snoozeable')
    const page = await w.signedInPage(ADMIN_KEY, undefined, 'Asia/Shanghai')
    await page.goto(`${w.base}/app/inbox?q=snoozeable`)
    await expect(page.locator('#bulk input[name=tz]').inputValue()).resolves.toBe('Asia/Shanghai')
    await page.check('[data-select-all]')
    await page.selectOption('#bulk select[name=status]', 'snooze:tomorrow')
    await Promise.all([page.waitForURL(/notice=bulk-done/), page.click('button:has-text("Apply to selected")')])
    const until = new Date((await w.call('GET', `/v1/mentions/${id}`)).data.snoozedUntil)
    expect([until.getUTCHours(), until.getUTCMinutes()]).toEqual([1, 0])
    // And the pane says so on the reader's clock, UTC in the title.
    await page.goto(`${w.base}/app/inbox?m=${id}&status=all`)
    const shown = page.locator('span:has-text("snoozed until") time')
    await expect(shown.textContent()).resolves.toMatch(/ 09:00$/)
    await expect(shown.getAttribute('title')).resolves.toMatch(/ 01:00 UTC$/)
  })

  it('saves the current filter as a shared view and opens it again', async () => {
    await pushMentions(['Terrible update, everything is broken and slow', 'Awful support, nobody answers'], 'views')
    const page = await w.signedInPage(ADMIN_KEY)
    await page.goto(`${w.base}/app/inbox?sentiment=negative&status=all&sort=newest`)
    const count = await page.locator('#mention-list li').count()
    expect(count).toBeGreaterThan(0)
    await page.fill('#view-name', 'All negative')
    await Promise.all([page.waitForURL(/notice=view-saved/), page.click('button:has-text("Save view")')])
    await page.goto(`${w.base}/app/inbox`)
    await Promise.all([page.waitForURL(/view=/), page.click('nav[aria-label="Saved views"] a:has-text("All negative")')])
    await expect(page.locator('#f-sentiment').inputValue()).resolves.toBe('negative')
    await expect(page.locator('#mention-list li').count()).resolves.toBe(count)
    const views = await w.call('GET', '/v1/views')
    expect(views.data.items.map((v: { name: string }) => v.name)).toContain('All negative')
  })

  it('creates an RSS source from the generated form after a dry run that stores nothing, then runs it', async () => {
    const page = await w.signedInPage(ADMIN_KEY)
    await page.goto(`${w.base}/app/sources`)
    await Promise.all([page.waitForURL(/kind=rss/), page.selectOption('#kind', 'rss')])
    await page.fill('#src-name', 'Acme forum')
    await page.fill('#cfg-url', FEED_URL)
    await page.click('button:has-text("Test (dry run)")')
    await expect(page.locator('#dry-run').textContent()).resolves.toContain('Export to CSV crashes since 4.2')
    const [{ n }] = await w.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM mentions m JOIN sources s ON s.id = m.source_id WHERE s.kind = 'rss'`
    expect(n).toBe(0)
    await screenshot(page, 'sources-dry-run')
    await Promise.all([page.waitForURL(/notice=source-created/), page.click('button:has-text("Create source")')])
    await Promise.all([page.waitForURL(/notice=source-ran/), page.click('button:has-text("Run now")')])
    await expect(page.locator('table').last().textContent()).resolves.toMatch(/ok\s*2\s*2\s*0/)
    await screenshot(page, 'source-detail')
    await Promise.all([page.waitForURL(/notice=source-saved/), page.click('button:has-text("Disable")')])
    await expect(page.locator('h1').textContent()).resolves.toContain('paused')
    await page.goto(`${w.base}/app/sources`)
    await screenshot(page, 'sources')
  })

  it('creates a survey with a live preview and shows its result after a response', async () => {
    const page = await w.signedInPage(ADMIN_KEY)
    await page.goto(`${w.base}/app/surveys`)
    await Promise.all([page.waitForURL(/\/app\/surveys\/new/), page.click('text=New survey')])
    await Promise.all([page.waitForURL(/kind=csat/), page.selectOption('#kind', 'csat')])
    await expect(page.locator('#survey-preview .scale span').count()).resolves.toBe(5)
    await page.fill('#name', 'Checkout CSAT')
    await page.fill('#question', 'How was checkout today?')
    await expect(page.locator('#survey-preview [data-q]').textContent()).resolves.toBe('How was checkout today?')
    await page.fill('#allowedOrigins', 'https://shop.example.com')
    await page.fill('#fu-unsatisfied', 'What went wrong?')
    // The preview shows the survey's colour and its choice question as they are typed.
    await page.fill('#accent', '#1a7f37')
    await page.fill('#choice-q', 'Which step was it?')
    await page.fill('#choice-o', 'Payment\nDelivery')
    await expect(page.locator('#survey-preview [data-choice] li').allTextContents()).resolves.toEqual(['Payment', 'Delivery'])
    await expect(page.locator('#survey-preview .scale span').last().evaluate((s) => getComputedStyle(s).backgroundColor)).resolves.toBe('rgb(26, 127, 55)')
    // Not a full-page shot: after one, headless Chromium drops this form's submission (seen once the form got a second textarea).
    await page.screenshot({ path: `${SHOTS}/survey-new.png` })
    await Promise.all([page.waitForURL(/notice=survey-created/), page.click('button:has-text("Create survey")')])
    const snippet = await page.locator('#embed-snippet').textContent()
    expect(snippet).toMatch(/^<script src="http:\/\/127\.0\.0\.1:\d+\/embed\.js" data-survey="sv_[\w-]+" async><\/script>$/)
    await expect(page.locator('[data-score]').textContent()).resolves.toBe('—')
    const key = /data-survey="([^"]+)"/.exec(snippet!)![1]

    for (const [score, comment] of [[5, 'Quick and easy checkout'], [2, 'Checkout page froze at payment'], [4, undefined]] as const) {
      const res = await w.call('POST', `/s/${key}/responses`, { key: null, body: { score, comment }, headers: { origin: 'https://shop.example.com' } })
      expect(res.status).toBe(201)
    }
    // Responses are group-committed; wait until all three are stored.
    await expect.poll(async () => (await w.sql`SELECT count(*)::int AS n FROM survey_responses`)[0].n).toBe(3)
    await page.reload()
    await expect(page.locator('[data-score]').textContent()).resolves.toBe('66.67')
    await expect(page.locator('section[aria-labelledby=results-h]').textContent()).resolves.toContain('Checkout page froze at payment')
    const theme = page.locator('details', { hasText: 'payment' }).first()
    await theme.locator('summary').click()
    await expect(theme.locator('li').first().textContent()).resolves.toContain('Checkout page froze at payment')
    await screenshot(page, 'survey-results')
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('text=Download all responses (CSV)')])
    expect(readFileSync((await download.path())!, 'utf8')).toContain('Quick and easy checkout')
    await page.goto(`${w.base}/app/surveys`)
    // The list gives each survey's last 30 days at a glance.
    const row = page.locator('tbody tr', { hasText: 'Checkout CSAT' })
    await expect(row.locator('[data-answers]').textContent()).resolves.toBe('3')
    await expect(row.locator('[data-score]').textContent()).resolves.toBe('CSAT 66.67%')
    await screenshot(page, 'surveys')
  })

  it('imports customers from CSV with a per-row result and shows a customer timeline', async () => {
    const src = await w.call('POST', '/v1/sources', { body: { kind: 'api', name: 'github issues' } })
    await w.call('POST', '/v1/mentions', {
      body: { sourceId: src.data.id, items: [{ externalId: 'gh-1', url: 'https://github.com/acme/app/issues/1', platform: 'github', author: { handle: 'octo-ana' }, text: 'Export button does nothing on Safari', publishedAt: new Date().toISOString() }] },
    })
    const page = await w.signedInPage(ADMIN_KEY)
    await page.goto(`${w.base}/app/customers`)
    const csv = 'name,email,company,plan,arr,github\nAna Lima,ana@example.com,Lima Ltd,enterprise,48000,octo-ana\nBad Row,not-an-email,,,,\nBo Chen,bo@example.com,Chen & Co,team,1200,\n'
    await page.setInputFiles('#csv-file', { name: 'crm.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) })
    await page.click('button:has-text("Import")')
    const report = await page.locator('#import-result').textContent()
    expect(report).toMatch(/2\s*created\s*·\s*0\s*updated\s*·\s*1\s*rejected/)
    expect(report).toMatch(/2.*email/)
    await screenshot(page, 'customers-import')
    await page.fill('#q', 'lima')
    await Promise.all([page.waitForURL(/q=lima/), page.click('button:has-text("Search")')])
    await expect(page.locator('tbody tr').count()).resolves.toBe(1)
    await screenshot(page, 'customers')
    await Promise.all([page.waitForURL(/\/app\/customers\/[0-9a-f-]{36}/), page.click('text=Ana Lima')])
    await expect(page.locator('.timeline').textContent()).resolves.toContain('Export button does nothing on Safari')
    await screenshot(page, 'customer-detail')

    const [mine] = await pushMentions(['Invoices show the wrong VAT number'], 'invoices')
    await page.goto(`${w.base}/app/inbox?m=${mine}&status=all`)
    await page.fill('#customer-q', 'bo@example.com')
    await Promise.all([page.waitForURL(/notice=mention-updated/), page.click('button:has-text("Link customer")')])
    await expect(page.locator('article.detail dl').textContent()).resolves.toMatch(/Bo Chen.*matched by manual/)
  })

  it('turns a suggested cluster into a ticket, links another mention from the inbox, and exports the report as CSV', async () => {
    const ids = await pushMentions([
      'The CSV export crashes every time I click it, awful bug',
      'CSV export crashes again on large reports, terrible',
      'Export to CSV keeps crashing, this bug is so annoying',
      'Billing page shows the wrong currency, bad',
    ], 'cluster')
    const page = await w.signedInPage(ADMIN_KEY)
    await page.goto(`${w.base}/app/tickets`)
    const card = page.locator('#suggestions li', { hasText: 'CSV' }).first()
    const size = Number(/(\d+) mentions/.exec((await card.textContent())!)![1])
    expect(size).toBeGreaterThanOrEqual(2)
    await screenshot(page, 'tickets-suggestions')
    await card.locator('input[name=title]').fill('CSV export crashes')
    await Promise.all([page.waitForURL(/notice=ticket-created/), card.locator('button:has-text("Create ticket")').click()])
    const ticketId = /\/app\/tickets\/([0-9a-f-]{36})/.exec(page.url())![1]
    await expect(page.locator('dl.kv').textContent()).resolves.toMatch(new RegExp(`Mentions\\s*${size}`))
    await expect(page.locator('.timeline li').count()).resolves.toBe(size)
    await screenshot(page, 'ticket-detail')

    await page.goto(`${w.base}/app/inbox?m=${ids[3]}&status=all`)
    await page.selectOption('#link-ticket', ticketId)
    await Promise.all([page.waitForURL(/notice=mention-updated/), page.click('#link-ticket-button')])
    await expect(page.locator('article.detail').textContent()).resolves.toContain('CSV export crashes')
    expect((await w.call('GET', `/v1/tickets/${ticketId}`)).data.mentionCount).toBe(size + 1)

    await page.goto(`${w.base}/app/tickets`)
    await expect(page.locator('tbody tr').first().textContent()).resolves.toContain('CSV export crashes')
    await expect(page.locator('tbody svg.spark').count()).resolves.toBe(1)
    await screenshot(page, 'tickets')
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('text=Export CSV')])
    const csv = readFileSync((await download.path())!, 'utf8')
    expect(csv.split('\r\n')[0]).toContain('ticket_id,title,status')
    expect(csv).toContain('CSV export crashes')
  })

  it('shows mentions by sentiment, share of voice, intents, NPS trend and rising issues on the dashboard', async () => {
    const survey = await w.call('POST', '/v1/surveys', { body: { kind: 'nps', name: 'Product NPS', question: 'Would you recommend us?' } })
    expect(survey.status).toBe(201)
    for (const score of [10, 9, 3]) {
      expect((await w.call('POST', `/s/${survey.data.publicKey}/responses`, { key: null, body: { score } })).status).toBe(201)
    }
    await expect.poll(async () => (await w.sql`SELECT count(*)::int AS n FROM survey_responses WHERE survey_id = ${survey.data.id}`)[0].n).toBe(3)
    const page = await w.signedInPage(ADMIN_KEY)
    await page.goto(`${w.base}/app/dashboard`)
    const text = (await page.locator('main').textContent())!
    expect(text).toContain('cluster (api)')
    expect(text).toContain('bug report')
    expect(text).toContain('Product NPS')
    expect(text).toContain('CSV export crashes')
    await expect(page.locator('svg.chart').count()).resolves.toBe(2)
    await screenshot(page, 'dashboard')
    // Printed (or saved as PDF), the page is its numbers: no navigation, forms or buttons.
    await expect(page.locator('button[data-print]').isVisible()).resolves.toBe(true)
    await page.emulateMedia({ media: 'print' })
    await expect(page.locator('header.top').isVisible()).resolves.toBe(false)
    await expect(page.locator('button[data-print]').isVisible()).resolves.toBe(false)
    await expect(page.locator('svg.chart').first().isVisible()).resolves.toBe(true)
    const pdf = await page.pdf({ format: 'A4' })
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-')
  })

  it('shows who else has a mention open and who is writing a reply, and forgets a closed page at once', async () => {
    const source = await w.call('POST', '/v1/sources', { body: { kind: 'github', name: 'answerable', config: { query: 'repo:acme/app', token: 'ghp_write_token' } } })
    const [mentionId] = await seedMentions(w.sql, w.workspaceId, source.data.id, [{ text: 'The export crashes on big files' }])
    const sam = await w.signedInPage((await insertApiKey(w.sql, w.workspaceId, 'Sam', 'agent')).key)
    const dana = await w.signedInPage((await insertApiKey(w.sql, w.workspaceId, 'Dana', 'agent')).key)
    const url = `${w.base}/app/inbox?m=${mentionId}`
    await sam.goto(url)
    // r opens the reply form of the highlighted mention.
    await Promise.all([sam.waitForResponse((r) => r.url().endsWith('/presence') && r.request().postData() === 'replying=1'), sam.keyboard.press('r')])
    await sam.keyboard.type('Thanks, a fix is on its way')

    await dana.goto(url)
    await expect(dana.locator('.presence').textContent()).resolves.toBe('Sam is writing a reply to this.')
    await expect(dana.locator(`#mention-list li[data-id="${mentionId}"] .presence-tag`).textContent()).resolves.toBe('Sam replying')
    await screenshot(dana, 'inbox-presence')
    expect(await cspViolations(dana)).toEqual([])

    // A third person's inbox list learns it at its next poll (a focus polls at once).
    const list = await w.signedInPage((await insertApiKey(w.sql, w.workspaceId, 'Eli', 'agent')).key)
    await list.goto(`${w.base}/app/inbox?source=${source.data.id}`)
    await list.evaluate(() => window.dispatchEvent(new Event('focus')))
    await expect.poll(() => list.locator(`#mention-list li[data-id="${mentionId}"] .presence-tag`).textContent(), { timeout: 10_000 }).toBe('Sam replying')

    await sam.close({ runBeforeUnload: true })
    await expect.poll(async () => (await w.sql`SELECT name FROM mention_presence WHERE mention_id = ${mentionId}`).map((r) => r.name), { timeout: 10_000 }).toEqual(['Dana'])
  })

  it('works at a phone width with the keyboard alone', async () => {
    const page = await w.signedInPage(ADMIN_KEY, { width: 390, height: 844 })
    await page.goto(`${w.base}/app/inbox`)
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
    expect(overflow).toBeLessThanOrEqual(0)
    await page.keyboard.press('Tab')
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Skip to content')
    await screenshot(page, 'inbox-mobile')
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    const [survey] = (await w.call('GET', '/v1/surveys')).data.items
    const [ticket] = (await w.call('GET', '/v1/tickets')).data.items
    const [customer] = (await w.call('GET', '/v1/customers')).data.items
    for (const section of ['sources', 'customers', 'tickets', 'surveys', 'dashboard', `surveys/${survey.id}`, `tickets/${ticket.id}`, `customers/${customer.id}`, 'surveys/new']) {
      await page.goto(`${w.base}/app/${section}`)
      const wider = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
      expect(wider, section).toBeLessThanOrEqual(0)
      expect(await cspViolations(page), section).toEqual([])
      await screenshot(page, `${section.replace(/\/[0-9a-f-]{36}$/, '-detail').replace('/', '-')}-mobile`)
    }
    expect(errors).toEqual([])
  })
})
