import { z } from '@hono/zod-openapi'
import type { Deps } from '../deps.ts'
import type { Sql } from '../db/sql.ts'
import { badRequest, conflict, notFound } from '../errors.ts'
import { runTranslator } from './run.ts'
import { TRANSLATION_TARGETS, type TargetLang } from './translator.ts'

/** Longer texts are translated up to here (translators bill by the character; the opening says what a mention is about). */
export const MAX_TRANSLATED_CHARS = 10_000

const To = z.enum(TRANSLATION_TARGETS).default('en').openapi({ description: 'Language to translate into (the pipeline’s codes: `no` is Norwegian Bokmål)' })

export const TranslationInput = z.strictObject({ to: To })

/** A text of one's own, such as a reply's draft, to put into the language of the person it answers. */
export const TextTranslationInput = z.strictObject({ text: z.string().trim().min(1).max(MAX_TRANSLATED_CHARS), to: To })

export const TranslationSchema = z
  .object({
    lang: z.string().openapi({ description: 'The language translated into' }),
    title: z.string().nullable(),
    text: z.string(),
    from: z.string().nullable().openapi({ description: 'The source language the translator detected, when it said' }),
    provider: z.enum(['libretranslate', 'deepl']),
    truncated: z.boolean().openapi({ description: `Only the first ${MAX_TRANSLATED_CHARS} characters of a text were translated` }),
    createdAt: z.date(),
  })
  .openapi('MentionTranslation')
export type MentionTranslation = z.infer<typeof TranslationSchema>

// A translation belongs to the text it was made from: when the author edits it at the source, the digest no longer
// matches and the translation is not shown (nor reused) any more.
const digest = (sql: Sql) => sql`md5(coalesce(m.title, '') || chr(31) || m.body)`

const columns = (sql: Sql) => sql`t.lang, t.title, t.body AS text, t.detected_lang AS "from", t.provider, t.truncated, t.created_at AS "createdAt"`

/** The stored translations of a mention's current text. */
export async function listTranslations(sql: Sql, workspaceId: string, mentionId: string): Promise<MentionTranslation[]> {
  return sql<MentionTranslation[]>`
    SELECT ${columns(sql)} FROM mention_translations t
    JOIN mentions m ON m.id = t.mention_id AND m.workspace_id = t.workspace_id
    WHERE t.workspace_id = ${workspaceId} AND t.mention_id = ${mentionId} AND t.source_md5 = ${digest(sql)}
    ORDER BY t.lang`
}

/** Cuts a text at the last whitespace before `max` characters (at `max` when there is none). */
function cut(text: string, max: number): string {
  if (text.length <= max) return text
  const space = text.lastIndexOf(' ', max)
  return text.slice(0, space > max / 2 ? space : max)
}

/**
 * The mention's title and text in `to`: stored after the first time, so a
 * second reader (or the same one reloading) costs no translator call.
 */
export async function translateMention(deps: Deps, workspaceId: string, mentionId: string, to: TargetLang): Promise<{ translation: MentionTranslation; cached: boolean }> {
  const { sql, translator } = deps
  const [m]: [{ title: string | null; body: string; erased: boolean; digest: string }?] = await sql`
    SELECT m.title, m.body, m.erased_at IS NOT NULL AS erased, ${digest(sql)} AS digest FROM mentions m
    WHERE m.workspace_id = ${workspaceId} AND m.id = ${mentionId}`
  if (!m) throw notFound('mention')
  if (m.erased) throw conflict('this mention was erased; there is nothing to translate')
  const [stored]: [MentionTranslation?] = await sql`
    SELECT ${columns(sql)} FROM mention_translations t
    WHERE t.workspace_id = ${workspaceId} AND t.mention_id = ${mentionId} AND t.lang = ${to} AND t.source_md5 = ${m.digest}`
  if (stored) return { translation: stored, cached: true }
  const parts = [m.title, m.body].map((s) => (s?.trim() ? s : null))
  const sent = parts.filter((s): s is string => s !== null).map((s) => cut(s, MAX_TRANSLATED_CHARS))
  if (!sent.length) throw badRequest('this mention has no text to translate')
  const truncated = parts.some((s) => s !== null && s.length > MAX_TRANSLATED_CHARS)
  const result = await runTranslator(translator, sent, to)
  const out = [...result.texts]
  const title = parts[0] === null ? null : out.shift()!
  const text = parts[1] === null ? '' : out.shift()!
  const [translation]: [MentionTranslation] = await sql`
    INSERT INTO mention_translations AS t (workspace_id, mention_id, lang, source_md5, title, body, detected_lang, provider, truncated)
    VALUES (${workspaceId}, ${mentionId}, ${to}, ${m.digest}, ${title}, ${text}, ${result.from}, ${result.provider}, ${truncated})
    ON CONFLICT (workspace_id, mention_id, lang) DO UPDATE SET source_md5 = excluded.source_md5, title = excluded.title, body = excluded.body,
      detected_lang = excluded.detected_lang, provider = excluded.provider, truncated = excluded.truncated, created_at = now()
    RETURNING ${columns(sql)}`
  return { translation, cached: false }
}
