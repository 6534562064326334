import { http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import type { Deps } from '../../src/deps.ts'
import { tick } from '../../src/scheduler/tick.ts'
import { createTestApp } from '../helpers/app.ts'
import { useMockServer } from '../connectors/harness.ts'

const server = useMockServer()
const t = await createTestApp()

describe('connector secrets at rest', () => {
  it('stores the token sealed and sends the decrypted token upstream on poll', async () => {
    const token = 'ghp_sealedAtRest0123456789'
    const res = await t.call('POST', '/v1/sources', { body: { kind: 'github', name: 'gh-sealed', config: { query: 'repo:acme/sealed', token } } })
    expect(res.status, JSON.stringify(res.data)).toBe(201)
    expect(res.data.config.token).toBe('****6789')
    const [row] = await t.sql`SELECT config FROM sources WHERE id = ${res.data.id}`
    expect(JSON.stringify(row.config)).not.toContain(token)
    expect(row.config.token.sealed).toMatch(/^v1\./)

    const seen: (string | null)[] = []
    server.use(
      http.get('https://api.github.com/search/issues', ({ request }) => {
        seen.push(request.headers.get('authorization'))
        return HttpResponse.json({ total_count: 0, incomplete_results: false, items: [] })
      }),
    )
    const deps: Deps = { ...t.deps, clock: () => new Date(Date.now() + 60_000) }
    const { runs } = await tick(deps, { owner: 'secrets', http: { sleep: async () => {}, maxAttempts: 1 } })
    expect(runs.find((r) => r.sourceId === res.data.id)).toMatchObject({ status: 'ok' })
    expect(seen.length).toBeGreaterThan(0)
    expect(seen[0]).toContain(token)
  })
})
