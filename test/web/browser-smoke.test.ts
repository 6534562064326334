import { describe, expect, it } from 'vitest'
import { ADMIN_KEY } from '../helpers/app.ts'
import { hasChromium, screenshot, startWebTest } from './harness.ts'

const w = await startWebTest()

describe.skipIf(!hasChromium)('web app in Chromium', () => {
  it('signs in with a pasted key and shows the dashboard with nav, no script errors', async () => {
    const page = await w.signedInPage(ADMIN_KEY)
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()) })
    await page.goto(`${w.base}/app/dashboard`)
    await expect(page.locator('nav a[aria-current=page]').textContent()).resolves.toBe('Dashboard')
    await screenshot(page, 'dashboard')
    expect(errors).toEqual([])
  })
})
