import PQueue from 'p-queue'
import { mailAlerts } from '../alerts/alert-mail.ts'
import { evaluatePeriodicAlerts } from '../alerts/periodic.ts'
import type { Deps } from '../deps.ts'
import { pollTrackerStatuses } from '../integrations/sync.ts'
import { mailAssignments } from '../mentions/assignment-mail.ts'
import { mailNoteMentions } from '../mentions/note-mentions.ts'
import { wakeSnoozedMentions } from '../mentions/snooze.ts'
import { translateNewMentions } from '../translate/on-arrival.ts'
import { createSourceHttpClient, type HttpTuning } from './http.ts'
import { leaseDueSources } from './lease.ts'
import { runSource, type SourceRun } from './run-source.ts'
import { pruneDeliveries } from '../webhooks/prune.ts'
import { sendDigests } from '../reports/digest.ts'
import { queueRecurringSends } from '../surveys/recurring-sends.ts'
import { closeFinishedSurveys } from '../surveys/surveys.ts'
import { expirePersonalData } from '../workspaces/retention.ts'

export interface TickOptions {
  /** Names this instance in leases; unique per process. */
  owner: string
  /** Sources polled at once. */
  concurrency?: number
  /** Most sources leased per tick; the rest wait for the next one. */
  limit?: number
  /** Aborting abandons in-flight runs without recording them (their leases are released). */
  signal?: AbortSignal
  http?: HttpTuning
}

/** A job that runs once per tick after the polls, e.g. alert evaluation. Must be idempotent and safe to overlap. */
export type TickJob = (deps: Deps, now: Date) => Promise<unknown>

/** Sources a Node instance polls at once unless told otherwise. */
export const DEFAULT_POLL_CONCURRENCY = 4

const AFTER_POLL_JOBS: TickJob[] = [wakeSnoozedMentions, evaluatePeriodicAlerts, mailAlerts, sendDigests, mailAssignments, mailNoteMentions, closeFinishedSurveys, queueRecurringSends, translateNewMentions, pollTrackerStatuses, pruneDeliveries, expirePersonalData]

export interface TickResult {
  runs: SourceRun[]
}

/** The single scheduled entry: lease due sources, poll them with bounded concurrency, then run the after-poll jobs. */
export async function tick(deps: Deps, opts: TickOptions): Promise<TickResult> {
  const concurrency = opts.concurrency ?? DEFAULT_POLL_CONCURRENCY
  const leased = await leaseDueSources(deps, opts.owner, opts.limit ?? concurrency * 4)
  const http = createSourceHttpClient(deps, opts.signal, opts.http)
  const queue = new PQueue({ concurrency })
  const runs = await Promise.all(leased.map((source) => queue.add(() => runSource(deps, source, { owner: opts.owner, http, signal: opts.signal }))))
  for (const job of AFTER_POLL_JOBS) {
    if (opts.signal?.aborted) break
    try {
      await job(deps, deps.clock())
    } catch (e) {
      deps.logger.error('tick job failed', { job: job.name, err: e instanceof Error ? e.message : String(e) })
    }
  }
  return { runs: runs.filter((r): r is SourceRun => r !== undefined) }
}
