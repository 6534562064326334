import PQueue from 'p-queue'
import { UpstreamError } from './errors.ts'
import { bodySignal, headerWaitMs, quotaExhausted } from './rate-limit.ts'
import { assertPublicUrl, type UrlPolicy } from './ssrf.ts'

/** A fully read upstream response. */
export interface HttpResponse {
  status: number
  headers: Headers
  url: string
  text: string
}

export interface HttpRequest {
  method?: 'GET' | 'POST' | 'PUT'
  headers?: Record<string, string>
  body?: string
  /** Non-2xx statuses the caller handles itself instead of an error (e.g. 304). */
  accept?: number[]
}

/** The one HTTP client connectors get as `ctx.fetch`; throws UpstreamError for anything but success. */
export type HttpClient = (url: string, init?: HttpRequest) => Promise<HttpResponse>

export interface HttpClientOptions {
  userAgent: string
  urlPolicy: UrlPolicy
  timeoutMs?: number
  maxAttempts?: number
  baseDelayMs?: number
  maxDelayMs?: number
  /** Longest wait for a rate limit done in-process; longer ones end the run with `retryAt`. */
  maxWaitMs?: number
  perHost?: { concurrency: number; intervalCap: number; interval: number }
  signal?: AbortSignal
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
  random?: () => number
  now?: () => number
}

const MAX_REDIRECTS = 5
const MAX_BODY_BYTES = 20 * 1024 * 1024

export const abortableSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason)
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal?.reason)
    }
    signal?.addEventListener('abort', onAbort, { once: true })
  })

const isPermanentStatus = (status: number) => status >= 400 && status < 500 && status !== 408 && status !== 425 && status !== 429

/** Builds the shared client: SSRF guard, per-host queue, timeouts, retries with backoff and jitter, rate-limit waits. */
export function createHttpClient(opts: HttpClientOptions): HttpClient {
  const timeoutMs = opts.timeoutMs ?? 20_000
  const maxAttempts = opts.maxAttempts ?? 4
  const baseDelayMs = opts.baseDelayMs ?? 500
  const maxDelayMs = opts.maxDelayMs ?? 30_000
  const maxWaitMs = opts.maxWaitMs ?? 60_000
  const sleep = opts.sleep ?? abortableSleep
  const random = opts.random ?? Math.random
  const now = opts.now ?? Date.now
  const queues = new Map<string, PQueue>()
  const notBefore = new Map<string, number>()

  const queueFor = (host: string) => {
    let q = queues.get(host)
    if (!q) {
      q = new PQueue(opts.perHost ?? { concurrency: 4, intervalCap: 10, interval: 1000 })
      queues.set(host, q)
    }
    return q
  }

  const backoffMs = (attempt: number) => {
    const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** attempt)
    return ceiling / 2 + random() * (ceiling / 2)
  }

  /** Waits for a host's quota window, or ends the run when the wait is too long to sit through. */
  async function waitFor(host: string, ms: number, reason: string) {
    if (ms > maxWaitMs) throw new UpstreamError(`${host}: ${reason}; retrying after ${Math.ceil(ms / 1000)} s`, { retryAt: new Date(now() + ms) })
    if (ms > 0) await sleep(ms, opts.signal)
  }

  async function send(url: URL, init: HttpRequest): Promise<HttpResponse> {
    const signal = opts.signal ? AbortSignal.any([opts.signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs)
    const res = await fetch(url, {
      method: init.method ?? 'GET',
      headers: { 'user-agent': opts.userAgent, accept: 'application/json, application/xml;q=0.9, */*;q=0.8', ...init.headers },
      body: init.body,
      redirect: 'manual',
      signal,
    })
    if (Number(res.headers.get('content-length') ?? 0) > MAX_BODY_BYTES) {
      await res.body?.cancel()
      throw new UpstreamError(`${url.host}: response over ${MAX_BODY_BYTES} bytes`)
    }
    return { status: res.status, headers: res.headers, url: url.toString(), text: await res.text() }
  }

  return async function httpFetch(rawUrl: string, init: HttpRequest = {}): Promise<HttpResponse> {
    let url = await assertPublicUrl(rawUrl, opts.urlPolicy)
    let redirects = 0
    for (let attempt = 0; ; attempt++) {
      const host = url.host
      await waitFor(host, (notBefore.get(host) ?? 0) - now(), 'rate limited')
      let res: HttpResponse
      try {
        res = (await queueFor(host).add(() => send(url, init), { signal: opts.signal })) as HttpResponse
      } catch (e) {
        if (opts.signal?.aborted) throw e
        const what = e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError') ? `timed out after ${timeoutMs} ms` : `network error: ${(e as Error).message}`
        if (e instanceof UpstreamError || attempt + 1 >= maxAttempts) throw e instanceof UpstreamError ? e : new UpstreamError(`${host}: ${what}`)
        await sleep(backoffMs(attempt), opts.signal)
        continue
      }

      const signal = bodySignal(res.text)
      if (signal.backoffMs) notBefore.set(host, now() + signal.backoffMs)
      if (quotaExhausted(res.headers) && res.status < 400) {
        const ms = headerWaitMs(res.headers, now())
        if (ms !== undefined) notBefore.set(host, now() + ms)
      }

      if ((res.status >= 200 && res.status < 300) || init.accept?.includes(res.status)) return res
      const location = res.headers.get('location')
      if (res.status >= 300 && res.status < 400 && location) {
        if (++redirects > MAX_REDIRECTS) throw new UpstreamError(`${host}: too many redirects`)
        url = await assertPublicUrl(new URL(location, url).toString(), opts.urlPolicy)
        attempt--
        continue
      }

      const rateLimited = res.status === 429 || signal.throttled || (res.status === 403 && quotaExhausted(res.headers))
      if (rateLimited) {
        const ms = headerWaitMs(res.headers, now()) ?? signal.backoffMs ?? backoffMs(attempt)
        if (attempt + 1 >= maxAttempts) throw new UpstreamError(`${host}: rate limited (HTTP ${res.status})`, { status: res.status, retryAt: new Date(now() + ms) })
        await waitFor(host, ms, `rate limited (HTTP ${res.status})`)
        notBefore.delete(host)
        continue
      }
      const detail = `${host}: HTTP ${res.status}${describeBody(res.text)}`
      if (isPermanentStatus(res.status)) throw new UpstreamError(detail, { permanent: true, status: res.status })
      if (attempt + 1 >= maxAttempts) throw new UpstreamError(detail, { status: res.status })
      const ms = res.status === 503 ? (headerWaitMs(res.headers, now()) ?? backoffMs(attempt)) : backoffMs(attempt)
      await waitFor(host, ms, `HTTP ${res.status}`)
    }
  }
}

/** A short, single-line excerpt of an error body for last_error (never the whole page). */
function describeBody(text: string): string {
  const flat = text.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim()
  return flat ? `: ${flat.slice(0, 160)}` : ''
}
