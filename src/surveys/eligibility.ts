import type { Deps } from '../deps.ts'
import { AppError, badRequest } from '../errors.ts'
import { findCustomerByIdentity, verifyIdentity } from './identity.ts'
import type { LiveSurvey } from './live-surveys.ts'

export interface EligibilityQuery {
  user?: string
  signature?: string
}

/**
 * Survey fatigue: nobody who answered any survey of the workspace within the
 * survey's `fatigueDays`, and no customer with an open negative mention (they
 * are waiting for help, not a questionnaire), is shown another survey. The
 * customer check needs a signed identity; an unsigned `user` is only matched
 * against past responses. Answers just yes/no so it reveals as little as it can.
 * (A paused survey never gets here: the route answers 410.)
 */
export async function checkEligibility(deps: Deps, live: LiveSurvey, q: EligibilityQuery): Promise<{ eligible: boolean }> {
  const { survey } = live
  if (!q.user) return { eligible: true }
  let customerId: string | undefined
  if (q.signature !== undefined) {
    if (!live.identityKey) throw badRequest('this survey accepts no signed identities')
    if (!(await verifyIdentity(live.identityKey, q.user, q.signature))) throw new AppError(403, 'invalid_signature', 'the identity signature does not match')
    customerId = await findCustomerByIdentity(deps, survey.workspaceId, q.user)
  }
  const { sql } = deps
  const days = survey.settings.fatigueDays
  if (days > 0) {
    const since = new Date(deps.clock().getTime() - days * 86_400_000)
    const [recent] = await sql`
      SELECT 1 FROM survey_responses
      WHERE workspace_id = ${survey.workspaceId} AND responded_at > ${since}
        AND (respondent = ${q.user} OR lower(email) = lower(${q.user}) ${customerId ? sql`OR customer_id = ${customerId}` : sql``})
      LIMIT 1`
    if (recent) return { eligible: false }
  }
  if (customerId) {
    const [waiting] = await sql`
      SELECT 1 FROM mentions
      WHERE workspace_id = ${survey.workspaceId} AND customer_id = ${customerId} AND sentiment_label = 'negative'
        AND status IN ('new', 'open', 'in_progress')
      LIMIT 1`
    if (waiting) return { eligible: false }
  }
  return { eligible: true }
}
