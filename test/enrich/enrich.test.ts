import { describe, expect, it } from 'vitest'
import { ENRICH_VERSION, enrich } from '../../src/enrich/index.ts'
import { normalizeText } from '../../src/enrich/normalize.ts'

describe('normalize', () => {
  it('strips HTML, decodes entities, unwraps redirect links and keeps emoji', () => {
    const out = normalizeText('<p>Great &amp; fast&nbsp;😍</p><script>x()</script><a href="https://www.google.com/url?q=https://example.com/a&sa=D">https://www.google.com/url?q=https://example.com/a&amp;sa=D</a>')
    expect(out).toBe('Great & fast 😍\nhttps://example.com/a')
  })

  it('decodes literal \\u escapes that some exports leave in text', () => {
    expect(normalizeText('i\\u2019m fine')).toBe('i’m fine')
  })
})

describe('enrich', () => {
  it('returns every stage with the pipeline version', () => {
    const e = enrich({ text: 'The app keeps crashing since the update, terrible.', rating: 1 }, { redactPii: true, now: new Date() })
    expect(e.version).toBe(ENRICH_VERSION)
    expect(e.lang).toBe('en')
    expect(e.sentiment.label).toBe('negative')
    expect(e.intents.map((i) => i.label)).toContain('bug_report')
    expect(e.priority).toBeGreaterThan(0)
    expect(Object.keys(e.priorityComponents).sort()).toEqual(['customerValue', 'intent', 'negativity', 'reach', 'recency', 'urgency'])
  })

  it('redacts PII in the returned text only when asked', () => {
    const input = { text: 'contact me: jane@example.org' }
    expect(enrich(input, { redactPii: true }).text).toBe('contact me: [email]')
    expect(enrich(input).text).toBe('contact me: jane@example.org')
    expect(enrich(input).pii).toEqual([{ type: 'email', start: 12, end: 28 }])
  })

  it('scores obvious promo spam high and an ordinary review low', () => {
    expect(enrich({ text: 'Win FREE followers!!! click here http://a.example http://b.example #f4f' }).spam).toBeGreaterThan(0.7)
    expect(enrich({ text: 'The new sync is slower than before, otherwise fine.' }).spam).toBeLessThan(0.2)
  })
})
