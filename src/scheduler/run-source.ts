import { findConnector } from '../../connectors/registry.ts'
import type { Deps } from '../deps.ts'
import type { HttpClient } from '../net/http-client.ts'
import { UpstreamError } from '../net/errors.ts'
import { ingestMentions } from '../pipeline/ingest.ts'
import type { SourceRow } from '../sources/source.ts'
import { failureBackoffMs } from './backoff.ts'
import { nextRunAfter } from './schedule.ts'
import { openConfig } from '../sources/source-secrets.ts'

/** One poll of one source, as recorded in source_runs. */
export interface SourceRun {
  id: string
  sourceId: string
  status: 'ok' | 'error'
  fetched: number
  inserted: number
  duplicates: number
  edited: number
  error: string | null
  startedAt: Date
  finishedAt: Date
}

export interface RunOptions {
  /** The lease holder; only its writes land, so a run whose lease lapsed cannot commit. */
  owner: string
  http: HttpClient
  signal?: AbortSignal
}

export const LEASE_MS = 10 * 60_000
const RUN_TIMEOUT_MS = 5 * 60_000
const DEFAULT_BACKFILL = 100
const MAX_ITEMS_PER_RUN = 5000

export interface RunRow {
  id: string
  source_id: string
  status: 'ok' | 'error'
  fetched: number
  inserted: number
  duplicates: number
  edited: number
  error: string | null
  started_at: Date
  finished_at: Date
}

export const toSourceRun = (r: RunRow): SourceRun => ({
  id: r.id, sourceId: r.source_id, status: r.status, fetched: r.fetched, inserted: r.inserted, duplicates: r.duplicates, edited: r.edited,
  error: r.error, startedAt: r.started_at, finishedAt: r.finished_at,
})

function classify(e: unknown): { message: string; permanent: boolean; retryAt?: Date } {
  if (e instanceof UpstreamError) return { message: e.message, permanent: e.permanent, retryAt: e.retryAt }
  return { message: e instanceof Error ? e.message : String(e), permanent: false }
}

/**
 * Polls a leased source and commits its mentions, its new cursor and the run
 * record in one transaction. A crash before the commit leaves the old cursor,
 * so the next run re-fetches; unique (source_id, external_id) drops the
 * repeats. Returns undefined when the run was abandoned (shutdown, or the
 * lease passed to someone else) and nothing was written.
 */
export async function runSource(deps: Deps, source: SourceRow, opts: RunOptions): Promise<SourceRun | undefined> {
  const startedAt = deps.clock()
  const connector = findConnector(source.kind)
  const signal = opts.signal ? AbortSignal.any([opts.signal, AbortSignal.timeout(RUN_TIMEOUT_MS)]) : AbortSignal.timeout(RUN_TIMEOUT_MS)
  let fetched = 0
  // Queued runs may start well after their tick leased them: extend the lease now, or let go if it passed on.
  const [held] = await deps.sql`
    UPDATE sources SET lease_expires_at = ${new Date(startedAt.getTime() + LEASE_MS)}
    WHERE id = ${source.id} AND workspace_id = ${source.workspace_id} AND lease_owner = ${opts.owner}
    RETURNING id`
  if (!held) return undefined
  try {
    if (!connector?.poll) throw new UpstreamError(`no poller for kind ${source.kind}`, { permanent: true })
    const backfill = typeof source.config.backfill === 'number' ? source.config.backfill : DEFAULT_BACKFILL
    const maxItems = source.cursor === null ? backfill : MAX_ITEMS_PER_RUN
    const config = await openConfig(deps, connector, source.workspace_id, source.id, source.config)
    const result = await connector.poll({ fetch: opts.http, logger: deps.logger, signal, now: startedAt, maxItems }, config, source.cursor)
    fetched = result.items.length
    if (opts.signal?.aborted) return undefined
    return await deps.sql.begin(async (tx) => {
      const finishedAt = deps.clock()
      const [owned]: [{ id: string }?] = await tx`
        UPDATE sources SET
          cursor = ${result.cursor === null ? null : tx.json(result.cursor as never)},
          next_run_at = CASE WHEN enabled THEN ${nextRunAfter(source.schedule, finishedAt)}::timestamptz END,
          last_run_at = ${finishedAt}, consecutive_failures = 0, last_error = NULL, disabled_reason = NULL,
          lease_owner = NULL, lease_expires_at = NULL
        WHERE id = ${source.id} AND workspace_id = ${source.workspace_id}
          AND lease_owner = ${opts.owner} AND config = ${tx.json(source.config as never)}
        RETURNING id`
      if (!owned) throw new LeaseLost()
      const stored = await ingestMentions(deps, tx, source.workspace_id, { id: source.id, kind: source.kind, edits: connector.edits }, result.items)
      const [run]: [RunRow?] = await tx`
        INSERT INTO source_runs (workspace_id, source_id, status, fetched, inserted, duplicates, edited, started_at, finished_at)
        VALUES (${source.workspace_id}, ${source.id}, 'ok', ${fetched}, ${stored.inserted}, ${stored.duplicates}, ${stored.edited}, ${startedAt}, ${finishedAt})
        RETURNING *`
      return toSourceRun(run!)
    })
  } catch (e) {
    if (e instanceof LeaseLost || opts.signal?.aborted) {
      await releaseLease(deps, source, opts.owner)
      return undefined
    }
    return recordFailure(deps, source, opts.owner, startedAt, fetched, e)
  }
}

class LeaseLost extends Error {}

async function releaseLease(deps: Deps, source: SourceRow, owner: string) {
  await deps.sql`
    UPDATE sources SET lease_owner = NULL, lease_expires_at = NULL
    WHERE id = ${source.id} AND workspace_id = ${source.workspace_id} AND lease_owner = ${owner}`
}

/**
 * A permanent error disables polling until the config changes; a rate-limit
 * deferral waits for the upstream's reset without counting as a failure;
 * anything else backs off exponentially (never earlier than the schedule).
 */
async function recordFailure(deps: Deps, source: SourceRow, owner: string, startedAt: Date, fetched: number, e: unknown): Promise<SourceRun | undefined> {
  const { message, permanent, retryAt } = classify(e)
  const finishedAt = deps.clock()
  const failures = retryAt ? source.consecutive_failures : source.consecutive_failures + 1
  const scheduled = nextRunAfter(source.schedule, finishedAt)
  const backoffUntil = new Date(finishedAt.getTime() + (retryAt ? Math.max(0, retryAt.getTime() - finishedAt.getTime()) : failureBackoffMs(failures)))
  const nextRunAt = permanent ? null : new Date(Math.max(scheduled.getTime(), backoffUntil.getTime()))
  deps.logger.warn('source run failed', { sourceId: source.id, kind: source.kind, permanent, error: message })
  return deps.sql.begin(async (tx) => {
    const [owned]: [{ id: string }?] = await tx`
      UPDATE sources SET
        consecutive_failures = ${failures}, last_error = ${message}, last_run_at = ${finishedAt},
        disabled_reason = ${permanent ? message : null},
        next_run_at = CASE WHEN enabled THEN ${nextRunAt}::timestamptz END,
        lease_owner = NULL, lease_expires_at = NULL
      WHERE id = ${source.id} AND workspace_id = ${source.workspace_id} AND lease_owner = ${owner}
      RETURNING id`
    if (!owned) return undefined
    const [run]: [RunRow?] = await tx`
      INSERT INTO source_runs (workspace_id, source_id, status, fetched, error, started_at, finished_at)
      VALUES (${source.workspace_id}, ${source.id}, 'error', ${fetched}, ${message}, ${startedAt}, ${finishedAt})
      RETURNING *`
    return toSourceRun(run!)
  })
}
