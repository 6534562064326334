import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ENRICH_VERSION } from '../../src/enrich/index.ts'
import { createTestApp } from '../helpers/app.ts'

let t: Awaited<ReturnType<typeof createTestApp>>
let agent: string
let viewer: string

beforeAll(async () => {
  t = await createTestApp()
  agent = await t.keyFor('agent')
  viewer = await t.keyFor('viewer')
})
afterAll(async () => {
  await t.sql.end()
})

describe('POST /v1/classify', () => {
  it('classifies each item in order with the pipeline version', async () => {
    const res = await t.call('POST', '/v1/classify', {
      key: agent,
      body: {
        items: [
          { text: 'The app keeps crashing since the last update. Terrible!', rating: 1 },
          { text: 'Je dois dire que cette appli est vraiment géniale 😍', lang: 'fr' },
          { text: 'mail me at someone@example.com', kind: 'survey' },
        ],
      },
    })
    expect(res.status).toBe(200)
    expect(res.data.version).toBe(ENRICH_VERSION)
    const [bug, praise, pii] = res.data.items
    expect(bug.lang).toBe('en')
    expect(bug.sentiment.label).toBe('negative')
    expect(bug.intents.map((i: { label: string }) => i.label)).toContain('bug_report')
    expect(bug.explanation.sentiment.length).toBeGreaterThan(0)
    expect(praise.lang).toBe('fr')
    expect(praise.sentiment.label).toBe('positive')
    expect(pii.pii).toEqual([{ type: 'email', start: 11, end: 30 }])
    expect(Object.keys(bug).sort()).toEqual(['explanation', 'intents', 'lang', 'langConfidence', 'pii', 'sentiment', 'spam'])
  })

  it('rejects an empty list, more than 1,000 items, text over 10,000 chars and unknown fields with 400', async () => {
    const bad = [
      { items: [] },
      { items: Array.from({ length: 1001 }, () => ({ text: 'ok' })) },
      { items: [{ text: 'x'.repeat(10_001) }] },
      { items: [{ text: '' }] },
      { items: [{ text: 'fine', colour: 'red' }] },
      {},
    ]
    for (const body of bad) {
      const res = await t.call('POST', '/v1/classify', { key: agent, body })
      expect(res.status, JSON.stringify(body).slice(0, 60)).toBe(400)
      expect(res.data.error.code).toBe('bad_request')
    }
  })

  it('accepts exactly 1,000 items and a 10,000-char text', async () => {
    const many = await t.call('POST', '/v1/classify', { key: agent, body: { items: Array.from({ length: 1000 }, (_, i) => ({ text: `item ${i} is fine` })) } })
    expect(many.status).toBe(200)
    expect(many.data.items).toHaveLength(1000)
    const long = await t.call('POST', '/v1/classify', { key: agent, body: { items: [{ text: 'great service. '.repeat(666) }] } })
    expect(long.status).toBe(200)
  })

  it('needs at least the agent role', async () => {
    expect((await t.call('POST', '/v1/classify', { key: viewer, body: { items: [{ text: 'hi' }] } })).status).toBe(403)
    expect((await t.call('POST', '/v1/classify', { key: null, body: { items: [{ text: 'hi' }] } })).status).toBe(401)
  })
})
