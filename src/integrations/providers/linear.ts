import { z } from '@hono/zod-openapi'
import { AppError } from '../../errors.ts'
import { verifyHexHmac } from '../hmac.ts'
import { HANDLED_STATUSES, parseAnswer, trackerRefusal, type RemoteIssue, type TicketStatus, type Tracker, type TrackerContext } from '../tracker.ts'

// Linear GraphQL: https://developers.linear.app/docs/graphql/working-with-the-graphql-api
const State = z.object({ name: z.string(), type: z.string() })
const Issue = z.object({ id: z.string(), identifier: z.string(), title: z.string(), url: z.string(), state: State })
type Issue = z.infer<typeof Issue>

const GraphQLError = z.object({
  message: z.string(),
  extensions: z.object({ code: z.string().optional(), userPresentableMessage: z.string().optional() }).loose().optional(),
})
const answer = <T extends z.ZodType>(data: T) => z.object({ data: data.nullish(), errors: z.array(GraphQLError).optional() })

const ISSUE_FIELDS = 'id identifier title url state { name type }'
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** Linear's workflow state types onto ticket statuses. */
function statusOf(type: string): TicketStatus {
  switch (type) {
    case 'completed': return 'done'
    case 'canceled': return 'wont_fix'
    case 'started': return 'in_progress'
    case 'unstarted': return 'planned'
    default: return 'open'
  }
}

const toRemote = (i: Issue): RemoteIssue => ({ id: i.id, key: i.identifier, url: i.url, title: i.title, state: i.state.name, status: statusOf(i.state.type) })

async function graphql<T extends z.ZodType>(ctx: TrackerContext, data: T, query: string, variables: Record<string, unknown>): Promise<z.infer<T>> {
  const res = await ctx.http(`${ctx.baseUrl}/graphql`, {
    method: 'POST',
    // Personal API keys go as they are; OAuth tokens as Bearer.
    headers: { authorization: ctx.token.startsWith('lin_oauth_') ? `Bearer ${ctx.token}` : ctx.token, 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
    accept: HANDLED_STATUSES,
  })
  const body = parseAnswer('linear', answer(data), res)
  const err = body.errors?.[0]
  if (err) {
    // GraphQL errors often come with HTTP 200; the code says what went wrong.
    const status = err.extensions?.code === 'AUTHENTICATION_ERROR' ? 401 : res.status >= 400 ? res.status : 422
    throw trackerRefusal('linear', { ...res, status }, err.extensions?.userPresentableMessage ?? err.message)
  }
  if (res.status >= 400 || !body.data) throw trackerRefusal('linear', res, undefined)
  return body.data
}

async function teamId(ctx: TrackerContext, target: string): Promise<string> {
  if (UUID.test(target)) return target
  const data = await graphql(ctx, z.object({ teams: z.object({ nodes: z.array(z.object({ id: z.string() })) }) }),
    'query TeamByKey($key: String!) { teams(filter: { key: { eq: $key } }) { nodes { id } } }', { key: target })
  const team = data.teams.nodes[0]
  if (!team) throw new AppError(422, 'tracker_rejected', `linear has no team with key ${target}`)
  return team.id
}

const WebhookBody = z.object({ type: z.string(), action: z.string(), data: z.object({ id: z.string(), state: State.optional() }).loose(), webhookTimestamp: z.number() })

// Linear signs the delivery time too; older deliveries are replays.
const MAX_WEBHOOK_AGE_MS = 5 * 60_000

export const linear: Tracker = {
  provider: 'linear',
  defaultBaseUrl: 'https://api.linear.app',
  target: z.string().regex(/^([A-Za-z0-9_]{1,10}|[0-9a-f-]{36})$/, 'a team key (ENG) or team id'),

  async createIssue(ctx, target, issue) {
    const input = { teamId: await teamId(ctx, target), title: issue.title, description: issue.markdown }
    const data = await graphql(ctx, z.object({ issueCreate: z.object({ success: z.boolean(), issue: Issue.nullish() }) }),
      `mutation IssueCreate($input: IssueCreateInput!) { issueCreate(input: $input) { success issue { ${ISSUE_FIELDS} } } }`, { input })
    if (!data.issueCreate.success || !data.issueCreate.issue) throw new AppError(422, 'tracker_rejected', 'linear did not create the issue')
    return toRemote(data.issueCreate.issue)
  },

  parseIssueUrl(url) {
    const m = /^\/[\w-]+\/issue\/([A-Za-z0-9]+-\d+)(\/|$)/.exec(url.pathname)
    return url.hostname === 'linear.app' && m ? m[1].toUpperCase() : undefined
  },

  async fetchIssue(ctx, ref) {
    const data = await graphql(ctx, z.object({ issue: Issue.nullish() }), `query Issue($id: String!) { issue(id: $id) { ${ISSUE_FIELDS} } }`, { id: ref })
    if (!data.issue) throw new AppError(422, 'tracker_rejected', `linear has no issue ${ref}`)
    return toRemote(data.issue)
  },

  // https://developers.linear.app/docs/graphql/webhooks#securing-webhooks
  async verifyWebhook(headers, body, secret, now) {
    if (!(await verifyHexHmac(secret, body, headers.get('linear-signature')))) return false
    const ts = WebhookBody.pick({ webhookTimestamp: true }).safeParse(JSON.parse(body))
    return ts.success && Math.abs(now.getTime() - ts.data.webhookTimestamp) <= MAX_WEBHOOK_AGE_MS
  },

  parseWebhook(_headers, body) {
    const parsed = WebhookBody.safeParse(JSON.parse(body))
    if (!parsed.success || parsed.data.type !== 'Issue' || !parsed.data.data.state) return undefined
    return { id: parsed.data.data.id, state: parsed.data.data.state.name, status: statusOf(parsed.data.data.state.type) }
  },
}
