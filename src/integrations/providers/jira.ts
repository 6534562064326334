import { z } from '@hono/zod-openapi'
import { AppError } from '../../errors.ts'
import { verifyHexHmac } from '../hmac.ts'
import { errorMessage, HANDLED_STATUSES, parseAnswer, trackerRefusal, type RemoteIssue, type TicketStatus, type Tracker, type TrackerContext } from '../tracker.ts'

// Jira Cloud REST v3: https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/
const Fields = z.object({
  summary: z.string(),
  status: z.object({ name: z.string(), statusCategory: z.object({ key: z.string() }) }),
  resolution: z.object({ name: z.string() }).nullish(),
})
const Issue = z.object({ id: z.string(), key: z.string(), fields: Fields })
type Issue = z.infer<typeof Issue>
const Created = z.object({ id: z.string(), key: z.string(), self: z.string() })

// Resolutions that close an issue without doing the work.
const NOT_DONE = /won'?t|not do|declined|duplicate|cannot reproduce|rejected/i

function statusOf(fields: z.infer<typeof Fields>): TicketStatus {
  switch (fields.status.statusCategory.key) {
    case 'done': return fields.resolution && NOT_DONE.test(fields.resolution.name) ? 'wont_fix' : 'done'
    case 'indeterminate': return 'in_progress'
    default: return 'open'
  }
}

const browseUrl = (ctx: TrackerContext, key: string) => `${ctx.baseUrl}/browse/${key}`
const toRemote = (ctx: TrackerContext, i: Issue): RemoteIssue =>
  ({ id: i.id, key: i.key, url: browseUrl(ctx, i.key), title: i.fields.summary, state: i.fields.status.name, status: statusOf(i.fields) })

/** Jira's `{errorMessages: [], errors: {field: message}}`, flattened. */
const jiraMessage = (text: string) =>
  errorMessage(text, (j) => [...((j.errorMessages as string[] | undefined) ?? []), ...Object.entries((j.errors as Record<string, string> | undefined) ?? {}).map(([k, v]) => `${k}: ${v}`)].join('; '))

async function call(ctx: TrackerContext, method: 'GET' | 'POST', path: string, body?: unknown) {
  if (!ctx.email) throw new AppError(409, 'integration_incomplete', 'the jira integration needs the account email')
  const res = await ctx.http(`${ctx.baseUrl}${path}`, {
    method,
    headers: {
      authorization: `Basic ${btoa(`${ctx.email}:${ctx.token}`)}`,
      accept: 'application/json',
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
    accept: HANDLED_STATUSES,
  })
  if (res.status >= 400) throw trackerRefusal('jira', res, jiraMessage(res.text))
  return res
}

const WebhookBody = z.object({ webhookEvent: z.string(), issue: Issue.optional() })

export const jira: Tracker = {
  provider: 'jira',
  target: z.string().regex(/^[A-Z][A-Z0-9_]{0,19}$/, 'a project key such as PROJ'),

  async createIssue(ctx, target, issue) {
    const res = await call(ctx, 'POST', '/rest/api/3/issue', {
      fields: { project: { key: target }, summary: issue.title, description: issue.adf, issuetype: { name: 'Task' } },
    })
    const created = parseAnswer('jira', Created, res)
    return { id: created.id, key: created.key, url: browseUrl(ctx, created.key), title: issue.title, state: 'created', status: 'open' }
  },

  parseIssueUrl(url) {
    const m = /\/browse\/([A-Z][A-Z0-9_]*-\d+)\/?$/.exec(url.pathname)
    return m ? m[1] : undefined
  },

  async fetchIssue(ctx, ref) {
    const res = await call(ctx, 'GET', `/rest/api/3/issue/${encodeURIComponent(ref)}?fields=summary,status,resolution`)
    return toRemote(ctx, parseAnswer('jira', Issue, res))
  },

  // Jira Cloud webhooks registered with a secret send `X-Hub-Signature: sha256=<hex>`.
  async verifyWebhook(headers, body, secret) {
    const sig = headers.get('x-hub-signature')
    return sig?.startsWith('sha256=') ? verifyHexHmac(secret, body, sig.slice(7)) : false
  },

  parseWebhook(_headers, body) {
    const parsed = WebhookBody.safeParse(JSON.parse(body))
    const issue = parsed.success ? parsed.data.issue : undefined
    if (!issue || !parsed.data?.webhookEvent.startsWith('jira:issue_')) return undefined
    return { id: issue.id, state: issue.fields.status.name, status: statusOf(issue.fields) }
  },
}
