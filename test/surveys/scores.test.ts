import { describe, expect, it } from 'vitest'
import { scoreCes, scoreCsat, scoreNps, wilson, type Distribution } from '../../src/surveys/scores.ts'
import { bucketStarts } from '../../src/time/buckets.ts'
import { topThemes } from '../../src/enrich/themes.ts'

const dist = (scores: number[]): Distribution => {
  const m = new Map<number, number>()
  for (const s of scores) m.set(s, (m.get(s) ?? 0) + 1)
  return m
}

// Expected values worked out by hand (z = 1.96): NPS variance (p + d − (p − d)²)/n,
// Wilson for CSAT / % easy, sample standard deviation for the CES mean.
describe('NPS', () => {
  it('is %promoters − %detractors with a Wald interval from the variance of the difference', () => {
    // 4 promoters (10,9,9,10), 2 passives (8,7), 4 detractors (6,3,0,5): NPS 0, var 0.08/…
    const r = scoreNps(dist([10, 9, 9, 8, 7, 6, 3, 0, 10, 5]))
    expect(r).toMatchObject({ score: 0, n: 10, promoters: 4, passives: 2, detractors: 4 })
    expect(r.ci95).toEqual([-55.44, 55.44])
    // p = .5, d = .2 → 30; var = (.7 − .09)/10 = .061 → ±48.41
    const s = scoreNps(dist([9, 9, 10, 10, 9, 7, 8, 7, 0, 6]))
    expect(s.score).toBe(30)
    expect(s.ci95).toEqual([-18.41, 78.41])
  })

  it('has no score and no interval when nobody answered', () => {
    expect(scoreNps(new Map())).toEqual({ score: null, n: 0, promoters: 0, passives: 0, detractors: 0, ci95: null })
  })

  it('is 0 with a zero-width interval when everyone is passive', () => {
    expect(scoreNps(dist([7, 8, 7]))).toMatchObject({ score: 0, n: 3, passives: 3, ci95: [0, 0] })
  })

  it('is ±100 for a single promoter or detractor and never leaves ±100', () => {
    expect(scoreNps(dist([10]))).toMatchObject({ score: 100, n: 1, ci95: [100, 100] })
    expect(scoreNps(dist([2]))).toMatchObject({ score: -100, n: 1, ci95: [-100, -100] })
    const mostlyPromoters = scoreNps(dist([10, 10, 10, 10, 10, 10, 10, 10, 10, 0]))
    expect(mostlyPromoters.score).toBe(80)
    expect(mostlyPromoters.ci95![1]).toBeLessThanOrEqual(100)
  })
})

describe('CSAT', () => {
  it('is the share of 4–5 answers with a Wilson interval', () => {
    const r = scoreCsat(dist([5, 4, 3, 2, 1, 5, 4, 4]))
    expect(r).toEqual({ score: 62.5, n: 8, count: 5, ci95: [30.57, 86.32] })
  })

  it('handles empty and single answers', () => {
    expect(scoreCsat(new Map())).toEqual({ score: null, n: 0, count: 0, ci95: null })
    expect(scoreCsat(dist([5]))).toEqual({ score: 100, n: 1, count: 1, ci95: [20.65, 100] })
    expect(scoreCsat(dist([3, 3, 3]))).toEqual({ score: 0, n: 3, count: 0, ci95: [0, 56.15] })
  })
})

describe('CES', () => {
  it('is the mean on 1–7 with an interval from the sample SD, plus % easy (5–7)', () => {
    // mean 4.6, sample variance 21.2/4 = 5.3 → ±1.96·√5.3/√5 = ±2.02
    const r = scoreCes(dist([7, 6, 5, 4, 1]))
    expect(r.score).toBe(4.6)
    expect(r.n).toBe(5)
    expect(r.ci95).toEqual([2.58, 6.62])
    expect(r.easy).toEqual({ score: 60, n: 5, count: 3, ci95: [23.07, 88.24] })
  })

  it('gives a mean but no interval for a single answer, and nothing for none', () => {
    expect(scoreCes(dist([6]))).toMatchObject({ score: 6, n: 1, ci95: null, easy: { score: 100, count: 1 } })
    expect(scoreCes(new Map())).toMatchObject({ score: null, n: 0, ci95: null, easy: { score: null, ci95: null } })
  })
})

describe('wilson', () => {
  it('stays inside 0–100 and is null without data', () => {
    expect(wilson(0, 0)).toBeNull()
    expect(wilson(3, 3)![1]).toBe(100)
  })
})

describe('detractor themes', () => {
  it('ranks what most unhappy comments share, preferring the phrase over its words', () => {
    const themes = topThemes([
      'The export keeps crashing on big files',
      'export keeps crashing again!',
      'Pricing is too high and the export keeps crashing',
      'too expensive',
    ])
    expect(themes[0]).toEqual({ term: 'export keeps', count: 3 })
    expect(themes.map((t) => t.term)).toContain('keeps crashing')
    expect(themes.map((t) => t.term)).not.toContain('the')
    expect(themes.map((t) => t.term)).not.toContain('export')
  })

  it('leaves out the function words of every language, and reads Chinese by character pairs', () => {
    const terms = (comments: string[]) => topThemes(comments).map((t) => t.term)
    expect(terms(['Η εφαρμογή κολλάει συνέχεια μετά την ενημέρωση', 'Κολλάει μετά την ενημέρωση του Μαΐου'])).toEqual(['ενημέρωση', 'κολλάει'])
    expect(terms(['Приложение вылетает после обновления', 'После обновления вылетает и не открывается'])).toEqual(['вылетает', 'обновления'])
    expect(terms(['El pago no funciona desde la actualización', 'Desde la actualización el pago falla'])).toEqual(['actualización', 'pago'])
    // German's stop-word list holds "schlecht" and "nicht"; words with a sentiment or a negation stay.
    expect(terms(['Synchronisierung funktioniert nicht, schlecht', 'Die Synchronisierung funktioniert nicht mehr'])).toContain('funktioniert nicht')
    expect(terms(['导出功能在大文件上崩溃了', '一导出就崩溃，太失望了'])).toEqual(['导出', '崩溃'])
  })
})

describe('time buckets', () => {
  const dates = (b: { date: string }[] | undefined) => b!.map((x) => x.date)
  const starts = (b: { start: Date }[] | undefined) => b!.map((x) => x.start.toISOString())

  it('truncates like PostgreSQL date_trunc: ISO weeks start on Monday, months on the 1st', () => {
    const t = new Date('2026-03-08T23:30:00Z') // a Sunday
    expect(starts(bucketStarts('day', t, t, 'UTC', 10))).toEqual(['2026-03-08T00:00:00.000Z'])
    expect(starts(bucketStarts('week', t, t, 'UTC', 10))).toEqual(['2026-03-02T00:00:00.000Z'])
    expect(starts(bucketStarts('month', t, t, 'UTC', 10))).toEqual(['2026-03-01T00:00:00.000Z'])
    // In Shanghai it is already Monday the 9th.
    expect(bucketStarts('week', t, t, 'Asia/Shanghai', 10)).toEqual([{ date: '2026-03-09', start: new Date('2026-03-08T16:00:00Z') }])
  })

  it('lists every bucket between two instants, across month lengths and clock changes, and refuses absurd spans', () => {
    expect(dates(bucketStarts('month', new Date('2026-01-31T12:00:00Z'), new Date('2026-04-01T00:00:00Z'), 'UTC', 10))).toEqual(['2026-01-01', '2026-02-01', '2026-03-01', '2026-04-01'])
    expect(dates(bucketStarts('week', new Date('2026-03-04T00:00:00Z'), new Date('2026-03-16T00:00:00Z'), 'UTC', 10))).toEqual(['2026-03-02', '2026-03-09', '2026-03-16'])
    // Oslo's clocks go forward on 29 March: that day starts at 23:00 UTC the day before, the next at 22:00 UTC.
    expect(starts(bucketStarts('day', new Date('2026-03-28T12:00:00Z'), new Date('2026-03-30T12:00:00Z'), 'Europe/Oslo', 10))).toEqual([
      '2026-03-27T23:00:00.000Z', '2026-03-28T23:00:00.000Z', '2026-03-29T22:00:00.000Z',
    ])
    expect(bucketStarts('day', new Date('1990-01-01T00:00:00Z'), new Date('2026-01-01T00:00:00Z'), 'UTC', 5000)).toBeUndefined()
  })
})
