import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { ADMIN_KEY } from '../helpers/app.ts'
import { hasChromium, screenshot, startWebTest } from './harness.ts'

const w = await startWebTest()

// Each payload sets window.__pwned if it ever runs; the page must show it as text.
const RAW_BODY = '<script>window.__pwned=2</script><img src=x onerror="window.__pwned=1"> raw stored html'
const PAYLOADS = [
  '<img src=x onerror="window.__pwned=1">export is broken',
  '<script>window.__pwned=2</script> crashes on login',
  '<svg onload="window.__pwned=3"></svg><iframe srcdoc="<script>parent.__pwned=4</script>"></iframe>',
  '"><a href="javascript:window.__pwned=5">click me</a><b onmouseover="window.__pwned=6">hover</b>',
  '</textarea></title><script>window.__pwned=7</script><style>body{display:none}</style>',
  'Refund\u202Egnp.exe\u202C now \u200B\u200Binvisible\u200D joiners \u2066isolate\u2069 <marquee onstart="window.__pwned=8">',
  '{{constructor.constructor("window.__pwned=9")()}} ${window.__pwned=10} <img src="data:image/svg+xml,<svg onload=window.__pwned=11>">',
]

async function seed() {
  const src = await w.call('POST', '/v1/sources', { body: { kind: 'api', name: '<script>window.__pwned=20</script>source' } })
  expect(src.status).toBe(201)
  const items = PAYLOADS.map((text, i) => ({
    externalId: `evil-${i}`,
    url: i % 2 ? 'javascript:window.__pwned=30' : `https://example.com/post/${i}?q=<script>`,
    author: { handle: `<b onclick="window.__pwned=40">mallory${i}</b>`, name: '\u202Eyrollam<img src=x onerror=window.__pwned=41>', profileUrl: 'javascript:window.__pwned=42' },
    title: i === 0 ? '<script>window.__pwned=50</script>title' : undefined,
    text,
    publishedAt: new Date(Date.now() - i * 60_000).toISOString(),
  }))
  const pushed = await w.call('POST', '/v1/mentions', { body: { sourceId: src.data.id, items } })
  expect(pushed.status).toBe(200)
  expect(pushed.data.inserted).toBe(PAYLOADS.length)
  const first = pushed.data.ids[0] as string
  // Enrichment strips HTML from bodies on the way in; a row stored by any other
  // path (an older version, a restore) must still render inert.
  const [raw] = await w.sql<{ id: string }[]>`
    INSERT INTO mentions (workspace_id, source_id, external_id, kind, body, published_at, content_hash, url)
    VALUES (${w.workspaceId}, ${src.data.id}, 'raw-html', 'api', ${RAW_BODY}, now() - interval '1 hour', 'x', 'javascript:window.__pwned=31')
    RETURNING id`
  const note = await w.call('POST', `/v1/mentions/${first}/notes`, { body: { body: '<img src=x onerror="window.__pwned=60">note' } })
  expect(note.status).toBe(201)
  const tagged = await w.call('PATCH', `/v1/mentions/${first}`, { body: { tags: ['<script>window.__pwned=70</script>'], assignee: '<i onclick=x>eve</i>' } })
  expect(tagged.status).toBe(200)
  return { sourceId: src.data.id as string, ids: [...(pushed.data.ids as string[]), raw.id] }
}

/** Dialogs and CSP violations are recorded in the page; a violation means markup got through escaping. */
async function watch(page: Page) {
  const dialogs: string[] = []
  page.on('dialog', (d) => {
    dialogs.push(d.message())
    void d.dismiss()
  })
  await page.addInitScript(() => {
    const w = window as unknown as { __csp: string[] }
    w.__csp = []
    document.addEventListener('securitypolicyviolation', (e) => w.__csp.push(`${e.violatedDirective} ${e.blockedURI}`))
  })
  return dialogs
}

async function assertInert(page: Page, dialogs: string[]) {
  // Give any smuggled handler (onload, onerror) a chance to fire before judging.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 50))))
  const state = await page.evaluate(() => ({
    pwned: (window as unknown as { __pwned?: unknown }).__pwned,
    csp: (window as unknown as { __csp: string[] }).__csp,
    scripts: Array.from(document.scripts).map((s) => s.getAttribute('src')),
    jsLinks: Array.from(document.querySelectorAll('a')).filter((a) => !/^https?:|^\/|^#/.test(a.getAttribute('href') ?? '/')).length,
    handlers: Array.from(document.querySelectorAll('*')).filter((el) => Array.from(el.attributes).some((a) => a.name.startsWith('on'))).length,
    iframes: document.querySelectorAll('iframe, svg[onload], marquee').length,
    bidiOverrides: /[\u202A-\u202E\u2066-\u2069]/.test(document.body.innerText),
  }))
  expect(state.pwned).toBeUndefined()
  expect(dialogs).toEqual([])
  expect(state.csp).toEqual([])
  expect(state.scripts).toHaveLength(1)
  expect(state.scripts[0]).toMatch(/^\/app\/static\/app\.[0-9a-f]{8}\.js$/)
  expect(state.jsLinks).toBe(0)
  expect(state.handlers).toBe(0)
  expect(state.iframes).toBe(0)
  expect(state.bidiOverrides).toBe(false)
}

describe.skipIf(!hasChromium)('hostile mention text in the browser', () => {
  it('shows script tags, handlers, javascript: links and bidi tricks as inert text in the inbox list and detail', async () => {
    const { ids } = await seed()
    const page = await w.signedInPage(ADMIN_KEY)
    const dialogs = await watch(page)
    await page.goto(`${w.base}/app/inbox?sort=newest`)
    await assertInert(page, dialogs)
    expect(await page.locator('#mention-list li').count()).toBe(PAYLOADS.length + 1)
    const listText = await page.locator('#mention-list').textContent()
    expect(listText).toContain(RAW_BODY)
    expect(listText).toContain('<script>window.__pwned=50</script>title')
    expect(listText).toContain('<img src=x onerror=window.__pwned=41>')
    await screenshot(page, 'xss-inbox-list')

    for (const id of [ids[0], ids[1], ids[3], ids[5], ids[PAYLOADS.length]]) {
      await page.goto(`${w.base}/app/inbox?sort=newest&m=${id}`)
      await assertInert(page, dialogs)
    }
    await page.goto(`${w.base}/app/inbox?m=${ids[0]}`)
    const detail = page.locator('article.detail')
    await expect(detail.textContent()).resolves.toContain('<img src=x onerror="window.__pwned=60">note')
    await expect(detail.textContent()).resolves.toContain('<script>window.__pwned=50</script>title')
    // The source link of a javascript: URL is not a link at all.
    await page.goto(`${w.base}/app/inbox?m=${ids[PAYLOADS.length]}`)
    await expect(page.locator('article.detail').textContent()).resolves.toContain('No web link')
    await expect(page.locator('article.detail .text').textContent()).resolves.toBe(RAW_BODY)
    await assertInert(page, dialogs)
    await screenshot(page, 'xss-inbox-detail')
  })

  it('keeps a hostile search query and live-polled mentions inert', async () => {
    const page = await w.signedInPage(ADMIN_KEY)
    const dialogs = await watch(page)
    await page.goto(`${w.base}/app/inbox?q=${encodeURIComponent('"><script>window.__pwned=80</script> broken')}`)
    await assertInert(page, dialogs)
    await expect(page.locator('#mention-list mark').first().textContent()).resolves.toMatch(/broken/i)
    await screenshot(page, 'xss-search')

    await page.goto(`${w.base}/app/inbox?sort=newest`)
    const src = await w.call('POST', '/v1/sources', { body: { kind: 'api', name: 'late' } })
    await w.call('POST', '/v1/mentions', {
      body: { sourceId: src.data.id, items: [{ externalId: 'late-1', url: 'https://example.com/l', author: { handle: '<img src=x onerror=window.__pwned=90>' }, text: '<script>window.__pwned=91</script>late arrival', publishedAt: new Date().toISOString() }] },
    })
    await page.evaluate(() => window.dispatchEvent(new Event('focus')))
    await page.locator('#new-banner:not([hidden])').click()
    await expect(page.locator('#mention-list li.fresh').first().textContent()).resolves.toContain('<img src=x onerror=window.__pwned=90>')
    await assertInert(page, dialogs)
    await screenshot(page, 'xss-live-update')
  })

  it('shows hostile alert names and filters inert on the alerts pages', async () => {
    const src = await w.call('POST', '/v1/sources', { body: { kind: 'api', name: '<img src=x onerror="window.__pwned=101">alert source' } })
    const alert = await w.call('POST', '/v1/alerts', {
      body: { kind: 'spike', name: '<script>window.__pwned=100</script>spike', filter: { source: [src.data.id], q: '"><svg onload="window.__pwned=102">' } },
    })
    expect(alert.status).toBe(201)
    const page = await w.signedInPage(ADMIN_KEY)
    const dialogs = await watch(page)
    for (const path of ['/app/alerts', `/app/alerts/${alert.data.id}`]) {
      await page.goto(`${w.base}${path}`)
      await expect(page.locator('main').textContent()).resolves.toContain('<script>window.__pwned=100</script>spike')
      await assertInert(page, dialogs)
    }
    await screenshot(page, 'xss-alerts')
  })

  it('shows hostile source names inert on the dashboard', async () => {
    const page = await w.signedInPage(ADMIN_KEY)
    const dialogs = await watch(page)
    await page.goto(`${w.base}/app/dashboard`)
    await assertInert(page, dialogs)
    await screenshot(page, 'xss-dashboard')
  })

  it("shows members' names from the identity provider inert on the Settings page", async () => {
    await w.sql`
      INSERT INTO sso_members (workspace_id, issuer, subject, email, name, role)
      VALUES (${w.workspaceId}, 'https://idp.example.com', 'evil-1', 'eve@acme.com', ${'<img src=x onerror="window.__pwned=60">Eve\u202E'}, 'viewer')`
    const page = await w.signedInPage(ADMIN_KEY)
    const dialogs = await watch(page)
    await page.goto(`${w.base}/app/settings`)
    await expect(page.locator('main').textContent()).resolves.toContain('<img src=x onerror="window.__pwned=60">Eve')
    await assertInert(page, dialogs)
    await screenshot(page, 'xss-settings')
  })
})
