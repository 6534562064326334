import { delay, http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { UpstreamError } from '../../src/net/errors.ts'
import { parseJson } from '../../src/net/parse.ts'
import { isPrivateAddress } from '../../src/net/ssrf.ts'
import { z } from 'zod'
import { testClient, useMockServer } from './harness.ts'

const server = useMockServer()
const NOW_MS = Date.parse('2026-03-03T12:00:00Z')
const URL_ = 'https://api.example.com/things'

/** Serves the given responses in order, counting requests. */
function sequence(...responses: (() => Response | Promise<Response>)[]) {
  const calls = { n: 0, userAgents: [] as (string | null)[] }
  server.use(
    http.get(URL_, ({ request }) => {
      calls.userAgents.push(request.headers.get('user-agent'))
      const next = responses[Math.min(calls.n, responses.length - 1)]
      calls.n++
      return next()
    }),
  )
  return calls
}
const ok = () => HttpResponse.json({ ok: true })
const failure = async (p: Promise<unknown>) => {
  try {
    await p
  } catch (e) {
    return e as UpstreamError
  }
  throw new Error('expected a failure')
}

describe('shared HTTP client: rate limits become waits', () => {
  const cases: [string, Record<string, string>, number, number][] = [
    ['Retry-After seconds', { 'retry-after': '7' }, 429, 7000],
    ['Retry-After HTTP date', { 'retry-after': new Date(NOW_MS + 12_000).toUTCString() }, 429, 12_000],
    ['X-RateLimit-Retry-After seconds (Help Scout)', { 'x-ratelimit-remaining-minute': '0', 'x-ratelimit-retry-after': '9' }, 429, 9000],
    ['seconds-to-reset (Reddit)', { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '20' }, 429, 20_000],
    ['epoch reset (Bluesky ratelimit-reset)', { 'ratelimit-remaining': '0', 'ratelimit-reset': String(NOW_MS / 1000 + 30) }, 429, 30_000],
    ['ISO reset (Mastodon)', { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': new Date(NOW_MS + 45_000).toISOString() }, 429, 45_000],
    ['GitHub 403 with remaining 0', { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(NOW_MS / 1000 + 50) }, 403, 50_000],
  ]
  for (const [name, headers, status, wait] of cases) {
    it(`waits out ${name} and then succeeds`, async () => {
      const calls = sequence(() => HttpResponse.json({ message: 'slow down' }, { status, headers }), ok)
      const client = testClient({ now: () => NOW_MS })
      const res = await client.fetch(URL_)
      expect(res.status).toBe(200)
      expect(calls.n).toBe(2)
      expect(client.waits).toEqual([wait])
    })
  }

  it('honours a Stack Exchange throttle_violation error body', async () => {
    const calls = sequence(
      () => HttpResponse.json({ error_id: 502, error_message: 'too many requests from this IP, more requests available in 3 seconds', error_name: 'throttle_violation' }, { status: 400 }),
      ok,
    )
    const client = testClient({ now: () => NOW_MS })
    await client.fetch(URL_)
    expect(calls.n).toBe(2)
    expect(client.waits).toEqual([3000])
  })

  it('honours a Stack Exchange backoff field before the next call to that host', async () => {
    sequence(() => HttpResponse.json({ items: [], backoff: 10 }), ok)
    const client = testClient({ now: () => NOW_MS })
    await client.fetch(URL_)
    await client.fetch(URL_)
    expect(client.waits).toEqual([10_000])
  })

  it('ends the run with a retry time instead of sleeping through a long reset', async () => {
    sequence(() => new HttpResponse(null, { status: 403, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(NOW_MS / 1000 + 3600) } }))
    const e = await failure(testClient({ now: () => NOW_MS }).fetch(URL_))
    expect(e).toBeInstanceOf(UpstreamError)
    expect(e.permanent).toBe(false)
    expect(e.retryAt).toEqual(new Date(NOW_MS + 3600_000))
  })
})

describe('shared HTTP client: transient and permanent failures', () => {
  it('retries a 5xx with backoff and returns the success', async () => {
    const calls = sequence(() => new HttpResponse('upstream down', { status: 502 }), () => new HttpResponse(null, { status: 500 }), ok)
    const client = testClient()
    const res = await client.fetch(URL_)
    expect(res.status).toBe(200)
    expect(calls.n).toBe(3)
    expect(client.waits).toEqual([375, 750])
  })

  it('gives up after the last attempt with a retryable error', async () => {
    const calls = sequence(() => new HttpResponse('<html><body>Bad gateway</body></html>', { status: 502 }))
    const e = await failure(testClient({ maxAttempts: 3 }).fetch(URL_))
    expect(calls.n).toBe(3)
    expect(e.permanent).toBe(false)
    expect(e.message).toBe('api.example.com: HTTP 502: Bad gateway')
  })

  it('retries network errors', async () => {
    const calls = sequence(() => HttpResponse.error(), ok)
    expect((await testClient().fetch(URL_)).status).toBe(200)
    expect(calls.n).toBe(2)
  })

  it('times out a hanging upstream and retries it', async () => {
    const calls = sequence(async () => {
      await delay('infinite')
      return ok()
    })
    const e = await failure(testClient({ timeoutMs: 50, maxAttempts: 2 }).fetch(URL_))
    expect(calls.n).toBe(2)
    expect(e.message).toMatch(/timed out after 50 ms/)
    expect(e.permanent).toBe(false)
  })

  for (const status of [401, 403, 404, 400]) {
    it(`treats ${status} as permanent and does not retry`, async () => {
      const calls = sequence(() => HttpResponse.json({ error: 'The access token is invalid' }, { status }))
      const e = await failure(testClient().fetch(URL_))
      expect(calls.n).toBe(1)
      expect(e.permanent).toBe(true)
      expect(e.status).toBe(status)
    })
  }

  it('sends a descriptive User-Agent', async () => {
    const calls = sequence(ok)
    await testClient().fetch(URL_)
    expect(calls.userAgents).toEqual(['earshot-test/1.0'])
  })

  it('reports malformed JSON as a failed run, not a crash', async () => {
    sequence(() => new HttpResponse('{"items": [', { headers: { 'content-type': 'application/json' } }))
    const res = await testClient().fetch(URL_)
    expect(() => parseJson(res, z.object({ items: z.array(z.unknown()) }))).toThrow(/malformed JSON/)
  })
})

describe('SSRF guard', () => {
  it('classifies private, loopback, link-local and unique-local addresses', () => {
    for (const a of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', '[::1]', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1', '::ffff:7f00:1', '::']) {
      expect(isPrivateAddress(a), a).toBe(true)
    }
    for (const a of ['93.184.216.34', '8.8.8.8', '2606:4700::1111', '172.32.0.1']) expect(isPrivateAddress(a), a).toBe(false)
  })

  it('refuses private targets by literal address, name and DNS answer, before any request', async () => {
    const client = testClient({ urlPolicy: { allowPrivate: false, lookup: async (h) => (h === 'intranet.example.com' ? ['10.0.0.5'] : ['93.184.216.34']) } })
    for (const url of ['http://127.0.0.1:8080/x', 'http://[::1]/x', 'http://169.254.169.254/latest/meta-data', 'http://localhost/x', 'http://2130706433/x', 'https://intranet.example.com/feed', 'file:///etc/passwd']) {
      const e = await failure(client.fetch(url))
      expect(e.permanent, url).toBe(true)
    }
  })

  it('refuses a redirect to a private address', async () => {
    server.use(http.get(URL_, () => new HttpResponse(null, { status: 302, headers: { location: 'http://127.0.0.1/admin' } })))
    const e = await failure(testClient().fetch(URL_))
    expect(e.message).toMatch(/refusing http:\/\/127\.0\.0\.1/)
  })

  it('follows public redirects and allows private targets when configured', async () => {
    server.use(
      http.get(URL_, () => new HttpResponse(null, { status: 301, headers: { location: '/moved' } })),
      http.get('https://api.example.com/moved', ok),
      http.get('http://127.0.0.1:9/x', ok),
    )
    expect((await testClient().fetch(URL_)).url).toBe('https://api.example.com/moved')
    expect((await testClient({ urlPolicy: { allowPrivate: true } }).fetch('http://127.0.0.1:9/x')).status).toBe(200)
  })
})
