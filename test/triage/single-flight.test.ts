import { describe, expect, it } from 'vitest'
import { singleFlight } from '../../src/reports/single-flight.ts'

describe('singleFlight', () => {
  it('shares one run between concurrent callers of a key, and runs again once it settled', async () => {
    const shared = singleFlight<number>()
    let runs = 0
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    const work = async () => {
      runs++
      await gate
      return runs
    }
    const a = shared('k', work)
    const b = shared('k', work)
    const other = shared('other', async () => 7)
    release()
    expect(await Promise.all([a, b, other])).toEqual([1, 1, 7])
    expect(runs).toBe(1)
    expect(await shared('k', work)).toBe(2)
  })

  it('shares a failure too, and forgets it', async () => {
    const shared = singleFlight<number>()
    const boom = () => Promise.reject(new Error('boom'))
    await expect(Promise.all([shared('k', boom), shared('k', boom)])).rejects.toThrow('boom')
    expect(await shared('k', async () => 1)).toBe(1)
  })
})
