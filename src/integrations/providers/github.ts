import { z } from '@hono/zod-openapi'
import { AppError } from '../../errors.ts'
import { verifyHexHmac } from '../hmac.ts'
import { errorMessage, HANDLED_STATUSES, parseAnswer, trackerRefusal, type RemoteIssue, type TicketStatus, type Tracker, type TrackerContext } from '../tracker.ts'

// GitHub REST: https://docs.github.com/rest/issues/issues
const Issue = z.object({
  number: z.number().int(),
  title: z.string(),
  html_url: z.string(),
  state: z.enum(['open', 'closed']),
  state_reason: z.string().nullish(),
})
type Issue = z.infer<typeof Issue>

const WebhookBody = z.object({
  action: z.string(),
  issue: Issue,
  repository: z.object({ full_name: z.string() }),
})

const REF = /^([\w.-]+)\/([\w.-]+)#(\d+)$/

const statusOf = (issue: Pick<Issue, 'state' | 'state_reason'>): TicketStatus =>
  issue.state === 'open' ? 'open' : issue.state_reason === 'not_planned' ? 'wont_fix' : 'done'

const stateOf = (issue: Issue) => (issue.state === 'closed' && issue.state_reason ? `closed (${issue.state_reason})` : issue.state)

function toRemote(repo: string, issue: Issue): RemoteIssue {
  const id = `${repo}#${issue.number}`
  return { id, key: id, url: issue.html_url, title: issue.title, state: stateOf(issue), status: statusOf(issue) }
}

const headers = (ctx: TrackerContext) => ({
  authorization: `Bearer ${ctx.token}`,
  accept: 'application/vnd.github+json',
  'x-github-api-version': '2022-11-28',
})

async function call(ctx: TrackerContext, method: 'GET' | 'POST', path: string, body?: unknown) {
  const res = await ctx.http(`${ctx.baseUrl}${path}`, {
    method,
    headers: { ...headers(ctx), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
    accept: HANDLED_STATUSES,
  })
  if (res.status >= 400) throw trackerRefusal('github', res, errorMessage(res.text, (j) => j.message))
  return res
}

export const github: Tracker = {
  provider: 'github',
  defaultBaseUrl: 'https://api.github.com',
  target: z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'a repository as owner/name'),

  async createIssue(ctx, target, issue) {
    const res = await call(ctx, 'POST', `/repos/${target}/issues`, { title: issue.title, body: issue.markdown })
    return toRemote(target, parseAnswer('github', Issue, res))
  },

  parseIssueUrl(url) {
    const m = /^\/([\w.-]+)\/([\w.-]+)\/issues\/(\d+)\/?$/.exec(url.pathname)
    return m ? `${m[1]}/${m[2]}#${m[3]}` : undefined
  },

  async fetchIssue(ctx, ref) {
    const m = REF.exec(ref)
    if (!m) throw new AppError(400, 'bad_request', `not a GitHub issue reference: ${ref}`)
    const res = await call(ctx, 'GET', `/repos/${m[1]}/${m[2]}/issues/${m[3]}`)
    return toRemote(`${m[1]}/${m[2]}`, parseAnswer('github', Issue, res))
  },

  // https://docs.github.com/webhooks/using-webhooks/validating-webhook-deliveries
  async verifyWebhook(headers, body, secret) {
    const sig = headers.get('x-hub-signature-256')
    return sig?.startsWith('sha256=') ? verifyHexHmac(secret, body, sig.slice(7)) : false
  },

  parseWebhook(headers, body) {
    if (headers.get('x-github-event') !== 'issues') return undefined
    const parsed = WebhookBody.safeParse(JSON.parse(body))
    if (!parsed.success) return undefined
    const remote = toRemote(parsed.data.repository.full_name, parsed.data.issue)
    return { id: remote.id, state: remote.state, status: remote.status }
  },
}
