import { describe, expect, it } from 'vitest'
import { ADMIN_KEY, createTestApp } from '../helpers/app.ts'
import { startWorkerd } from '../helpers/workerd.ts'

// The app under test only provides the database (migrated, with the admin key); requests go to workerd.
const t = await createTestApp()

describe('surveys on Cloudflare Workers (workerd)', () => {
  it('serves embed.js and commits a public response through the batcher inside a request', async () => {
    const dev = await startWorkerd({ DATABASE_URL: t.url })
    try {
      const base = dev.base
      const created = await fetch(`${base}/v1/surveys`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ kind: 'csat', question: 'How satisfied are you?', allowedOrigins: ['https://shop.example'] }),
      })
      expect(created.status).toBe(201)
      const survey = (await created.json()) as { id: string; publicKey: string }
      const js = await fetch(`${base}/embed.js`)
      expect(js.headers.get('content-type')).toMatch(/javascript/)
      const res = await fetch(`${base}/s/${survey.publicKey}/responses`, {
        method: 'POST',
        headers: { origin: 'https://shop.example', 'content-type': 'application/json' },
        body: JSON.stringify({ score: 5, comment: 'Works on the edge too' }),
      })
      expect(res.status).toBe(201)
      expect(res.headers.get('access-control-allow-origin')).toBe('https://shop.example')
      const { id } = (await res.json()) as { id: string }
      const rows = await t.sql`SELECT score, comment FROM survey_responses WHERE id = ${id}`
      expect(rows).toEqual([{ score: 5, comment: 'Works on the edge too' }])
      // The whole pipeline runs at the edge, Russian stems included.
      const classified = await fetch(`${base}/v1/classify`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ items: [{ text: 'Ужасная поддержка, отвратительного качества приложение' }] }),
      })
      expect(classified.status).toBe(200)
      expect(((await classified.json()) as { items: { lang: string; sentiment: { label: string } }[] }).items[0]).toMatchObject({ lang: 'ru', sentiment: { label: 'negative' } })
    } finally {
      expect(await dev.stop()).toEqual([])
    }
  }, 150_000)
})
