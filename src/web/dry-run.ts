// "Test" on the source form: poll the upstream once with the given config and
// show what would come in, without storing anything (no lease, no cursor, no
// insert). Built on the sources module's own validation and HTTP client.
import type { Deps } from '../deps.ts'
import { badRequest } from '../errors.ts'
import { UpstreamError } from '../net/errors.ts'
import type { MentionItem } from '../pipeline/mention-item.ts'
import { createSourceHttpClient } from '../scheduler/http.ts'
import { connectorFor, validateConfig } from '../sources/validate-source.ts'

const PREVIEW_ITEMS = 10
const DRY_RUN_TIMEOUT_MS = 20_000

export type DryRunResult = { ok: true; items: MentionItem[] } | { ok: false; error: string }

export async function dryRunSource(deps: Deps, input: { kind: string; config: Record<string, unknown> }): Promise<DryRunResult> {
  const connector = connectorFor(input.kind)
  const config = validateConfig(deps, connector, input.config)
  if (!connector.polled(config) || !connector.poll) throw badRequest(`this ${input.kind} config is push-only; there is nothing to test`)
  const signal = AbortSignal.timeout(DRY_RUN_TIMEOUT_MS)
  // One attempt and no long waits: a person is looking at the page.
  const http = createSourceHttpClient(deps, signal, { maxAttempts: 1, maxWaitMs: 2000 })
  try {
    const result = await connector.poll({ fetch: http, logger: deps.logger, signal, now: deps.clock(), maxItems: PREVIEW_ITEMS }, config, null)
    return { ok: true, items: result.items.slice(0, PREVIEW_ITEMS) }
  } catch (e) {
    if (signal.aborted) return { ok: false, error: 'the upstream did not answer in time' }
    if (e instanceof UpstreamError) return { ok: false, error: e.message }
    // A malformed upstream body fails the test like it would fail a run: shown, not a 500.
    deps.logger.warn('source dry run failed', { kind: input.kind, err: e instanceof Error ? e.message : String(e) })
    return { ok: false, error: e instanceof Error ? e.message : String(e) }
  }
}
