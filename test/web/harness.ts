import { existsSync, mkdirSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll } from 'vitest'
import { createTestApp } from '../helpers/app.ts'

export const CHROMIUM = '/usr/bin/chromium'
export const hasChromium = existsSync(CHROMIUM)
export const SHOTS = 'test-output/web'
if (!hasChromium) console.warn(`web browser tests skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`)

/**
 * The real app on a free port over a fresh database, plus a headless Chromium.
 * Call at the top level of a test file; everything is closed in afterAll.
 */
export async function startWebTest() {
  const t = await createTestApp()
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: t.app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s))
  })
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  let browser: Browser | undefined
  if (hasChromium) {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    })
  }
  mkdirSync(SHOTS, { recursive: true })
  afterAll(async () => {
    await browser?.close()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  })

  /** A fresh browser context signed in with `key` through the sign-in form (in `timezoneId`, else the machine's zone). */
  async function signedInPage(key: string, viewport = { width: 1280, height: 900 }, timezoneId?: string): Promise<Page> {
    const context = await browser!.newContext({ viewport, timezoneId })
    // Every page records CSP violations: one means something inline (markup, style, script) got through.
    await context.addInitScript(() => {
      const w = window as unknown as { __csp: string[] }
      w.__csp = []
      document.addEventListener('securitypolicyviolation', (e) => w.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`))
    })
    const page = await context.newPage()
    await page.goto(`${base}/app/sign-in`)
    await page.fill('#key', key)
    await Promise.all([page.waitForURL(/\/app\/inbox/), page.click('button[type=submit]')])
    return page
  }

  return { ...t, base, browser: () => browser!, signedInPage }
}

/** Saves a full-page screenshot under test-output/web/NAME.png. */
export const screenshot = (page: Page, name: string) => page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true })

/** CSP violations the current page reported since it loaded. */
export const cspViolations = (page: Page) => page.evaluate(() => (window as unknown as { __csp: string[] }).__csp)
