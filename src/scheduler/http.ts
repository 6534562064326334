import type { Deps } from '../deps.ts'
import { createHttpClient, type HttpClient, type HttpClientOptions } from '../net/http-client.ts'

/** Test and shutdown knobs for the client a run polls with. */
export type HttpTuning = Partial<Pick<HttpClientOptions, 'sleep' | 'maxAttempts' | 'timeoutMs' | 'maxWaitMs'>>

/** The HTTP client runs use: the deployment's SSRF policy and a User-Agent naming earshot and its version. */
export function createSourceHttpClient(deps: Deps, signal?: AbortSignal, tuning: HttpTuning = {}): HttpClient {
  return createHttpClient({
    userAgent: `earshot/${deps.config.version} (self-hosted social listening)`,
    urlPolicy: { allowPrivate: deps.config.allowPrivateUrls, lookup: deps.lookupHost },
    signal,
    ...tuning,
  })
}
