import { createRoute, z } from '@hono/zod-openapi'
import { requireRole } from '../auth/middleware.ts'
import { classifyTexts } from '../enrich/classify.ts'
import { ENRICH_VERSION, INTENT_LABELS, SENTIMENT_LABELS } from '../enrich/index.ts'
import { PII_TYPES } from '../enrich/pii.ts'
import { createRouter, errorResponses, jsonBody, jsonResponse } from '../http/types.ts'

const MAX_ITEMS = 1000
const MAX_TEXT = 10_000

const ClassifyRequest = z.strictObject({
  items: z
    .array(
      z.strictObject({
        text: z.string().min(1).max(MAX_TEXT),
        lang: z.string().min(2).max(35).optional().openapi({ description: 'The upstream language hint (BCP 47), when known' }),
        rating: z.number().min(1).max(5).optional().openapi({ description: 'Star rating 1–5 (surveys: the score mapped onto 1–5)' }),
        kind: z.string().min(1).max(50).optional().openapi({ description: 'Source kind (`appstore`, `github`, …) or `survey`' }),
      }),
    )
    .min(1)
    .max(MAX_ITEMS),
})

const Classification = z
  .object({
    lang: z.string(),
    langConfidence: z.number(),
    sentiment: z.object({ label: z.enum(SENTIMENT_LABELS), score: z.number(), confidence: z.number() }),
    intents: z.array(z.object({ label: z.enum(INTENT_LABELS), score: z.number() })),
    spam: z.number(),
    pii: z.array(z.object({ type: z.enum(PII_TYPES), start: z.int(), end: z.int() })),
    explanation: z.object({ sentiment: z.array(z.object({ token: z.string(), weight: z.number() })) }),
  })
  .openapi('Classification')

export const classifyRouter = createRouter().openapi(
  createRoute({
    method: 'post', path: '/', tags: ['Classify'],
    summary: 'Run the enrichment pipeline on up to 1,000 texts without storing them',
    middleware: [requireRole('agent')] as const,
    request: { body: jsonBody(ClassifyRequest) },
    responses: {
      200: jsonResponse('One classification per item, in order, and the pipeline version', z.object({ items: z.array(Classification), version: z.int() })),
      ...errorResponses,
    },
  }),
  (c) => c.json({ items: classifyTexts(c.req.valid('json').items), version: ENRICH_VERSION }, 200),
)
