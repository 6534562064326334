import { createRoute, z } from '@hono/zod-openapi'
import { createRouter, errorResponses } from '../http/types.ts'
import { IssueRowSchema, issueReport, issueReportCsv, ReportQuery } from '../reports/issues.ts'

export const reportsRouter = createRouter().openapi(
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
    const report = await issueReport(c.var.deps, c.var.principal.workspaceId, q)
    if (q.format === 'json') return c.json(report, 200)
    const day = report.until.toISOString().slice(0, 10)
    return c.body(issueReportCsv(report.items), 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="issues-${day}.csv"`,
    })
  },
)
