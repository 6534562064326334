import { describe, expect, it, vi } from 'vitest'
import { BatcherFull, createBatcher } from '../../src/surveys/batcher.ts'
import { clientKey, createRateLimiter } from '../../src/surveys/rate-limiter.ts'

/** A write whose groups are recorded and committed only when the test says so. */
function gatedWrite(fail: (items: string[]) => boolean = () => false) {
  const groups: string[][] = []
  const gates: (() => void)[] = []
  const write = (items: string[]) => {
    groups.push(items)
    return new Promise<void>((resolve, reject) => gates.push(() => (fail(items) ? reject(new Error('bad row')) : resolve())))
  }
  // Lets pending timers run (the batcher schedules groups on a macrotask), then commits every group written so far.
  const openAll = async () => {
    await new Promise((r) => setTimeout(r, 5))
    while (gates.length) gates.shift()!()
    await new Promise((r) => setTimeout(r, 5))
  }
  const openNext = () => gates.shift()!()
  return { groups, write, openAll, openNext }
}

describe('batcher', () => {
  it('commits items that arrive while a group is in flight together, and resolves each only after its commit', async () => {
    const w = gatedWrite()
    const b = createBatcher({ write: w.write, maxBatch: 100, maxConcurrent: 1, maxQueued: 1000 })
    const settled: string[] = []
    const first = b.add('a').then(() => settled.push('a'))
    await new Promise((r) => setTimeout(r, 5))
    const rest = ['b', 'c', 'd'].map((x) => b.add(x).then(() => settled.push(x)))
    await new Promise((r) => setTimeout(r, 5))
    expect(w.groups).toEqual([['a']])
    expect(settled).toEqual([])
    await w.openAll()
    await first
    expect(w.groups).toEqual([['a'], ['b', 'c', 'd']])
    expect(settled).toEqual(['a'])
    await w.openAll()
    await Promise.all(rest)
    expect(settled).toEqual(['a', 'b', 'c', 'd'])
  })

  it('sends what queued during a write the moment that write commits, without waiting for a timer', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout'] })
    try {
      const w = gatedWrite()
      const b = createBatcher({ write: w.write, maxBatch: 100, maxConcurrent: 1, maxQueued: 1000 })
      void b.add('a')
      vi.advanceTimersByTime(1)
      void b.add('b')
      void b.add('c')
      expect(w.groups).toEqual([['a']])
      w.openNext()
      // A few microtask turns and no timer: the commit's continuation sends the next group itself.
      for (let i = 0; i < 5; i++) await Promise.resolve()
      expect(w.groups).toEqual([['a'], ['b', 'c']])
    } finally {
      vi.useRealTimers()
    }
  })

  it('retries a failed group item by item so only the bad item fails', async () => {
    const w = gatedWrite((items) => items.includes('bad'))
    const b = createBatcher({ write: w.write, maxBatch: 100, maxConcurrent: 1, maxQueued: 1000 })
    const results = ['x', 'bad', 'y'].map((i) => b.add(i).then(() => 'ok', (e: Error) => e.message))
    await w.openAll()
    await w.openAll()
    expect(await Promise.all(results)).toEqual(['ok', 'bad row', 'ok'])
    expect(w.groups).toEqual([['x', 'bad', 'y'], ['x'], ['bad'], ['y']])
  })

  it('splits groups at maxBatch and refuses new items once maxQueued are waiting', async () => {
    const w = gatedWrite()
    const b = createBatcher({ write: w.write, maxBatch: 2, maxConcurrent: 2, maxQueued: 5 })
    const accepted = ['1', '2', '3', '4', '5'].map((i) => b.add(i))
    await expect(b.add('6')).rejects.toBeInstanceOf(BatcherFull)
    await new Promise((r) => setTimeout(r, 5))
    expect(w.groups).toEqual([['1', '2'], ['3', '4']])
    await w.openAll()
    await w.openAll()
    await Promise.all(accepted)
    expect(w.groups).toEqual([['1', '2'], ['3', '4'], ['5']])
  })
})

describe('rate limiter', () => {
  it('allows a burst, then refuses with the seconds until the next token, and refills over time', () => {
    let now = 0
    const l = createRateLimiter({ burst: 3, perSecond: 0.5, maxKeys: 100, now: () => now })
    expect([l.take('k'), l.take('k'), l.take('k')].every((v) => v.ok)).toBe(true)
    expect(l.take('k')).toEqual({ ok: false, retryAfterSeconds: 2 })
    expect(l.take('other').ok).toBe(true)
    now = 2000
    expect(l.take('k').ok).toBe(true)
    expect(l.take('k').ok).toBe(false)
  })

  it('sweeps idle buckets when full instead of growing without bound, keeping busy ones', () => {
    let now = 0
    const l = createRateLimiter({ burst: 1, perSecond: 1, maxKeys: 2, now: () => now })
    l.take('busy')
    now = 500
    l.take('idle')
    now = 1200
    // 'busy' has refilled (idle again) and is swept; 'idle' still owes a token and is kept.
    l.take('new')
    expect(l.take('idle').ok).toBe(false)
    expect(l.take('busy').ok).toBe(true)
  })

  it('drops the oldest buckets when a flood of addresses leaves none refilled, and keeps the recent ones', () => {
    const l = createRateLimiter({ burst: 1, perSecond: 0.001, maxKeys: 10, now: () => 0 })
    for (let i = 0; i < 10; i++) l.take(`k${i}`)
    // Full of buckets that all owe a token: the new key makes room by dropping the oldest down to 9, then adds itself.
    expect(l.take('k10').ok).toBe(true)
    expect(l.take('k9').ok).toBe(false)
    expect(l.take('k2').ok).toBe(false)
    expect(l.take('k0').ok).toBe(true)
  })

  it('limits an IPv6 client by its /64 block and an IPv4-mapped one by its IPv4 address', () => {
    expect(clientKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64')
    expect(clientKey('[2001:DB8:1:2:ffff:ffff:ffff:ffff]')).toBe('2001:db8:1:2::/64')
    expect(clientKey('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64')
    expect(clientKey('::ffff:203.0.113.7')).toBe('203.0.113.7')
    expect(clientKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64')
    expect(clientKey('203.0.113.7')).toBe('203.0.113.7')
    expect(clientKey('unknown')).toBe('unknown')
  })

  it('rejects nonsensical options at creation', () => {
    expect(() => createRateLimiter({ burst: 0, perSecond: 1, maxKeys: 1, now: () => 0 })).toThrow(RangeError)
  })
})
