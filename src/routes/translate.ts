import { createRoute, z } from '@hono/zod-openapi'
import { requireRole } from '../auth/middleware.ts'
import { createRouter, ErrorSchema, errorResponses, jsonBody, jsonResponse } from '../http/types.ts'
import { TextTranslationInput, TranslationSchema } from '../translate/stored.ts'
import { runTranslator } from '../translate/run.ts'

/** The answers of a route that translates a kept text (a mention's, a survey comment): 201 made now, 200 made before. */
export const translationResponses = (what: string) => ({
  201: jsonResponse('Translated now', TranslationSchema),
  200: jsonResponse(`Translated before (the ${what} has not changed since)`, TranslationSchema),
  ...errorResponses,
  409: jsonResponse('No translator is configured, or the text was erased', ErrorSchema),
  502: jsonResponse('The translator refused or did not answer', ErrorSchema),
})

const TranslatedText = z
  .object({
    text: z.string(),
    from: z.string().nullable().openapi({ description: 'The source language the translator detected, when it said' }),
    provider: z.enum(['libretranslate', 'deepl']),
  })
  .openapi('TranslatedText')

export const translateRouter = createRouter().openapi(
  createRoute({
    method: 'post', path: '/', tags: ['Mentions'],
    summary: 'Translate a text of your own, such as a reply’s draft into the language of the mention it answers; nothing is kept',
    middleware: [requireRole('agent')] as const,
    request: { body: jsonBody(TextTranslationInput) },
    responses: {
      200: jsonResponse('The translation', TranslatedText),
      ...errorResponses,
      409: jsonResponse('No translator is configured', ErrorSchema),
      502: jsonResponse('The translator refused or did not answer', ErrorSchema),
    },
  }),
  async (c) => {
    const { text, to } = c.req.valid('json')
    const { texts, from, provider } = await runTranslator(c.var.deps.translator, [text], to)
    return c.json({ text: texts[0], from, provider }, 200)
  },
)
