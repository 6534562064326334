import { readFileSync } from 'node:fs'
import type { JsonBodyType } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll } from 'vitest'
import type { Connector } from '../../connectors/types.ts'
import { silentLogger } from '../../src/logger.ts'
import { createHttpClient, type HttpClientOptions } from '../../src/net/http-client.ts'

/** One msw server per test file; any request without a handler fails the test. */
export function useMockServer() {
  const server = setupServer()
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
  afterEach(() => server.resetHandlers())
  afterAll(() => server.close())
  return server
}

export const fixture = (kind: string, name: string) => readFileSync(new URL(`../fixtures/${kind}/${name}`, import.meta.url), 'utf8')
export const jsonFixture = (kind: string, name: string) => JSON.parse(fixture(kind, name)) as JsonBodyType & object

/** A client like production's, except that waits are recorded instead of slept. */
export function testClient(overrides: Partial<HttpClientOptions> = {}) {
  const waits: number[] = []
  const fetch = createHttpClient({
    userAgent: 'earshot-test/1.0',
    urlPolicy: { allowPrivate: false },
    sleep: async (ms) => {
      waits.push(ms)
    },
    random: () => 0.5,
    ...overrides,
  })
  return { fetch, waits }
}

export const NOW = new Date('2026-03-03T12:00:00Z')

/** Polls a connector the way the scheduler does (config and cursor through its schemas). */
export async function poll(connector: Connector, config: unknown, cursor: unknown = null, opts: { maxItems?: number; client?: ReturnType<typeof testClient> } = {}) {
  const client = opts.client ?? testClient()
  const result = await connector.poll!(
    { fetch: client.fetch, logger: silentLogger, signal: new AbortController().signal, now: NOW, maxItems: opts.maxItems ?? 100 },
    connector.config.parse(config),
    cursor,
  )
  return { ...result, waits: client.waits }
}
