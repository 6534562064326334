import { createRoute, z } from '@hono/zod-openapi'
import { createRouter, errorResponses } from '../http/types.ts'
import { IssueRowSchema, issueReport, issueReportCsv, ReportQuery } from '../reports/issues.ts'
import { csvDownload } from '../reports/csv.ts'
import { singleFlight } from '../reports/single-flight.ts'
import { MentionReport, mentionReport, mentionReportCsv, MentionReportQuery } from '../reports/mentions.ts'
import { pinTimeBounds } from '../mentions/filter.ts'

// A report is one heavy aggregate that dashboards and people request all at
// once (Monday morning); identical concurrent requests share one computation.
type Report = Awaited<ReturnType<typeof issueReport>>
const shared = singleFlight<Report>()

// Requests that joined one computation share its serialisation too, once per format.
const bodies = new WeakMap<Report, { json?: string; csv?: string }>()
function bodyOf(report: Report, format: 'json' | 'csv'): string {
  let made = bodies.get(report)
  if (!made) bodies.set(report, (made = {}))
  return (made[format] ??= format === 'json' ? JSON.stringify(report) : issueReportCsv(report.items))
}

type Mentions = Awaited<ReturnType<typeof mentionReport>>
const sharedMentions = singleFlight<Mentions>()

export const reportsRouter = createRouter()
  .openapi(
    createRoute({
      method: 'get', path: '/issues', tags: ['Reports'],
      summary: 'One row per ticket: evidence, customers affected, their value, change vs the previous period (JSON or CSV)',
      request: { query: ReportQuery },
      responses: {
        200: {
          description: 'The report',
          content: {
            'application/json': { schema: z.object({ since: z.date(), until: z.date(), items: z.array(IssueRowSchema) }) },
            'text/csv': { schema: z.string() },
          },
        },
        ...errorResponses,
      },
    }),
    async (c) => {
      const q = c.req.valid('query')
      const { workspaceId } = c.var.principal
      const key = JSON.stringify([workspaceId, q.since, q.until, q.status, q.sort])
      const report = await shared(key, () => issueReport(c.var.deps, workspaceId, q))
      if (q.format === 'json') return c.body(bodyOf(report, 'json'), 200, { 'content-type': 'application/json' })
      return c.body(bodyOf(report, 'csv'), 200, csvDownload(`issues-${report.until.toISOString().slice(0, 10)}`))
    },
  )
  .openapi(
    createRoute({
      method: 'get', path: '/mentions', tags: ['Reports'],
      summary: 'Volume and sentiment over time, shares by source, kind of source, language and intent, top authors, change vs the previous period (JSON, or the series as CSV)',
      request: { query: MentionReportQuery },
      responses: {
        200: { description: 'The report', content: { 'application/json': { schema: MentionReport }, 'text/csv': { schema: z.string() } } },
        ...errorResponses,
      },
    }),
    async (c) => {
      const { interval, format, ...filter } = c.req.valid('query')
      const { workspaceId } = c.var.principal
      // Relative bounds are pinned to the second, so requests within one second share a computation.
      const pinned = pinTimeBounds(filter, c.var.deps.clock(), 1000)
      const report = await sharedMentions(JSON.stringify([workspaceId, pinned, interval]), () => mentionReport(c.var.deps, workspaceId, pinned, interval))
      if (format === 'json') return c.json(report, 200)
      return c.body(mentionReportCsv(report), 200, csvDownload(`mentions-${report.until.toISOString().slice(0, 10)}`))
    },
  )
