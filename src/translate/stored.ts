// Translations kept with what they translate: a mention's title and text, or a
// survey response's comment. Made on request through the configured translator,
// stored per language, and tied to the digest of the text they were made from.
import { z } from '@hono/zod-openapi'
import type { Deps } from '../deps.ts'
import type { Sql } from '../db/sql.ts'
import { badRequest, conflict, notFound } from '../errors.ts'
import { runTranslator } from './run.ts'
import { TRANSLATION_TARGETS, type TargetLang } from './translator.ts'

/** Longer texts are translated up to here (translators bill by the character; the opening says what a text is about). */
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
  .openapi('Translation')
export type Translation = z.infer<typeof TranslationSchema>

/** Which texts: mentions, or the responses of a survey. */
export type Scope = { kind: 'mention' } | { kind: 'response'; surveyId: string }
/** What is translated: a mention, or a response of a survey. */
export type Subject = Scope & { id: string }

/** The digest a mention's translations are tied to: of its title and text, as they are now. */
export const mentionTextDigest = (sql: Sql, alias: string) => sql`md5(coalesce(${sql(alias)}.title, '') || chr(31) || ${sql(alias)}.body)`

/**
 * The subject's table aliased `s` with its texts (`title`, `body`) and the
 * digest translations are tied to, and the translations column naming it.
 * When the author edits the text the digest no longer matches, so older
 * translations are neither shown nor reused.
 */
function source(sql: Sql, workspaceId: string, scope: Scope) {
  if (scope.kind === 'mention') {
    return {
      column: 'mention_id',
      select: sql`SELECT s.id, s.title, s.body, s.erased_at IS NOT NULL AS erased, ${mentionTextDigest(sql, 's')} AS digest
        FROM mentions s WHERE s.workspace_id = ${workspaceId}`,
    }
  }
  return {
    column: 'response_id',
    select: sql`SELECT s.id, NULL::text AS title, coalesce(s.comment, '') AS body, false AS erased, md5(coalesce(s.comment, '')) AS digest
      FROM survey_responses s WHERE s.workspace_id = ${workspaceId} AND s.survey_id = ${scope.surveyId}`,
  }
}

const columns = (sql: Sql) => sql`t.lang, t.title, t.body AS text, t.detected_lang AS "from", t.provider, t.truncated, t.created_at AS "createdAt"`

/** The kept translations of the current texts of `ids`, by id. */
export async function listTranslations(sql: Sql, workspaceId: string, scope: Scope, ids: string[]): Promise<Map<string, Translation[]>> {
  const { column, select } = source(sql, workspaceId, scope)
  const rows = await sql<(Translation & { subjectId: string })[]>`
    SELECT ${columns(sql)}, s.id AS "subjectId" FROM translations t JOIN (${select} AND s.id = ANY(${ids}::uuid[])) s
      ON s.id = t.${sql(column)} AND t.source_md5 = s.digest
    WHERE t.workspace_id = ${workspaceId}
    ORDER BY t.lang`
  const byId = new Map<string, Translation[]>()
  for (const { subjectId, ...t } of rows) byId.set(subjectId, [...(byId.get(subjectId) ?? []), t])
  return byId
}

/** Cuts a text at the last whitespace before `max` characters (at `max` when there is none). */
function cut(text: string, max: number): string {
  if (text.length <= max) return text
  const space = text.lastIndexOf(' ', max)
  return text.slice(0, space > max / 2 ? space : max)
}

/**
 * The subject's texts in `to`: kept after the first time, so a second reader
 * (or the same one reloading) costs no translator call.
 */
export async function translateStored(deps: Deps, workspaceId: string, subject: Subject, to: TargetLang): Promise<{ translation: Translation; cached: boolean }> {
  const { sql } = deps
  const { column, select } = source(sql, workspaceId, subject)
  const [s]: [{ title: string | null; body: string; erased: boolean; digest: string }?] = await sql`${select} AND s.id = ${subject.id}`
  if (!s) throw notFound(subject.kind)
  if (s.erased) throw conflict(`this ${subject.kind} was erased; there is nothing to translate`)
  const [stored]: [Translation?] = await sql`
    SELECT ${columns(sql)} FROM translations t
    WHERE t.workspace_id = ${workspaceId} AND t.${sql(column)} = ${subject.id} AND t.lang = ${to} AND t.source_md5 = ${s.digest}`
  if (stored) return { translation: stored, cached: true }

  const parts = [s.title, s.body].map((p) => (p?.trim() ? p : null))
  const sent = parts.filter((p): p is string => p !== null).map((p) => cut(p, MAX_TRANSLATED_CHARS))
  if (!sent.length) throw badRequest(`this ${subject.kind} has no text to translate`)
  const truncated = parts.some((p) => p !== null && p.length > MAX_TRANSLATED_CHARS)
  const result = await runTranslator(deps.translator, sent, to)
  const out = [...result.texts]
  const title = parts[0] === null ? null : out.shift()!
  const text = parts[1] === null ? '' : out.shift()!
  const target = sql(column)
  const [translation]: [Translation] = await sql`
    INSERT INTO translations AS t (workspace_id, ${target}, lang, source_md5, title, body, detected_lang, provider, truncated)
    VALUES (${workspaceId}, ${subject.id}, ${to}, ${s.digest}, ${title}, ${text}, ${result.from}, ${result.provider}, ${truncated})
    ON CONFLICT (${target}, lang) WHERE ${target} IS NOT NULL DO UPDATE SET source_md5 = excluded.source_md5, title = excluded.title,
      body = excluded.body, detected_lang = excluded.detected_lang, provider = excluded.provider, truncated = excluded.truncated, created_at = now()
    RETURNING ${columns(sql)}`
  return { translation, cached: false }
}
