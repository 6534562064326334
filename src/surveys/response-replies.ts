// Closing the loop: an e-mail from the team to the person behind a survey
// response, about what they said. Sent at once through the configured mail
// server; every attempt is kept with the response.
import { z } from '@hono/zod-openapi'
import { actorName, type Actor } from '../audit/audit.ts'
import type { Sql, Tx } from '../db/sql.ts'
import type { Deps } from '../deps.ts'
import { AppError, notFound } from '../errors.ts'
import type { MailMessage } from '../mail/mailer.ts'
import { escapeHtml } from './html.ts'
import { Text } from './schemas.ts'
import { localeFor, surveyTexts } from './survey-language.ts'
import { getSurvey } from './surveys.ts'

export const ResponseReplyInput = z.strictObject({
  text: Text(10_000).trim().min(1),
  /** "Re: <the survey's question>" when absent. */
  subject: Text(200).trim().min(1).optional(),
  /** Where the person's answer goes, e.g. the team's support address; the server's From otherwise. */
  replyTo: z.email().max(320).optional(),
  unlessRepliedSince: z.coerce.date().optional().openapi({
    type: 'string',
    format: 'date-time',
    description: 'When you read the answer: if someone e-mailed the person since then, nothing is sent and the answer is 409 `already_replied` with those e-mails',
  }),
})
export type ResponseReplyInput = z.infer<typeof ResponseReplyInput>

export const ResponseReplySchema = z
  .object({
    id: z.uuid(),
    author: z.string(),
    to: z.string(),
    subject: z.string(),
    text: z.string(),
    replyTo: z.string().nullable(),
    status: z.enum(['sending', 'sent', 'failed']),
    error: z.string().nullable(),
    createdAt: z.date(),
  })
  .openapi('SurveyResponseReply')
export type ResponseReply = z.infer<typeof ResponseReplySchema>

const columns = (sql: Sql | Tx) => sql`
  id, author, to_email AS "to", subject, body AS text, reply_to AS "replyTo", status, error, created_at AS "createdAt"`

/** The e-mail: the team's words, then the person's own answer quoted below them. */
export function replyMessage(to: string, subject: string, input: ResponseReplyInput, answer: { score: number; comment: string | null }): MailMessage {
  const quoted = answer.comment ? answer.comment.split('\n').map((l) => `> ${l}`).join('\n') : `> ${answer.score}`
  const paragraphs = input.text.split(/\n{2,}/).map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`).join('\n')
  const html = `<!doctype html>
<html><body style="margin:0;padding:16px;font:15px/1.5 sans-serif;color:#1b1f24">
${paragraphs}
<blockquote style="margin:24px 0 0;padding-left:12px;border-left:3px solid #d0d7de;color:#57606a">${escapeHtml(answer.comment ?? String(answer.score)).replace(/\n/g, '<br>')}</blockquote>
</body></html>
`
  return { to, subject, text: `${input.text}\n\n${quoted}\n`, html, headers: input.replyTo ? { 'Reply-To': input.replyTo } : {} }
}

/**
 * Mails the respondent of `responseId`: at the address they gave, else their
 * linked customer's. 409 without a mail server or an address, or when someone
 * else e-mailed them after `unlessRepliedSince` (the answer's row is locked
 * from that check to the `sending` record of this e-mail, so of two people
 * writing at once the second is refused); a refused or failed send is kept as
 * `failed` and answered 502.
 */
export async function replyToResponse(deps: Deps, workspaceId: string, surveyId: string, responseId: string, input: ResponseReplyInput, actor: Actor): Promise<ResponseReply> {
  const { sql, mail } = deps
  const survey = await getSurvey(deps, workspaceId, surveyId)
  const started = await sql.begin(async (tx) => {
    const [answer]: [{ score: number; comment: string | null; email: string | null; locale: string | null }?] = await tx`
      SELECT r.score, r.comment, coalesce(r.email, c.email) AS email, r.locale FROM survey_responses r
      LEFT JOIN customers c ON c.id = r.customer_id AND c.workspace_id = r.workspace_id
      WHERE r.workspace_id = ${workspaceId} AND r.survey_id = ${surveyId} AND r.id = ${responseId}
      FOR NO KEY UPDATE OF r`
    if (!answer) throw notFound('response')
    if (!mail) throw new AppError(409, 'mail_not_configured', 'no mail server is configured (EARSHOT_SMTP_URL and EARSHOT_MAIL_FROM)')
    if (!answer.email) throw new AppError(409, 'no_address', 'this response has no e-mail address, and no linked customer with one')
    if (input.unlessRepliedSince) {
      // An e-mail still on its way counts: its writer got there first.
      const replies = await tx<ResponseReply[]>`
        SELECT ${columns(tx)} FROM survey_response_replies
        WHERE workspace_id = ${workspaceId} AND response_id = ${responseId} AND status <> 'failed' AND created_at > ${input.unlessRepliedSince}
        ORDER BY created_at, id`
      if (replies.length) {
        const who = [...new Set(replies.map((r) => r.author))].join(' and ')
        throw new AppError(409, 'already_replied', `${who} e-mailed this person after you read their answer, so yours was not sent: read theirs, then send yours if it still needs saying`, { replies })
      }
    }
    // The question as the person saw it.
    const subject = input.subject ?? `Re: ${surveyTexts(survey, localeFor(survey, answer.locale)).question}`.slice(0, 200)
    const [row]: [ResponseReply] = await tx`
      INSERT INTO survey_response_replies (workspace_id, response_id, author, to_email, subject, body, reply_to, status)
      VALUES (${workspaceId}, ${responseId}, ${actorName(tx, workspaceId, actor)}, ${answer.email}, ${subject}, ${input.text},
              ${input.replyTo ?? null}, 'sending')
      RETURNING ${columns(tx)}`
    return { row, answer, to: answer.email, mailer: mail }
  })
  // Outside the transaction: the mail server may take seconds, and nothing should wait on the answer's row meanwhile.
  let error: string | null = null
  try {
    await started.mailer.send(replyMessage(started.to, started.row.subject, input, started.answer))
  } catch (err) {
    error = (err instanceof Error ? err.message : String(err)).slice(0, 1000)
  }
  const [reply]: [ResponseReply] = await sql`
    UPDATE survey_response_replies SET status = ${error ? 'failed' : 'sent'}, error = ${error}
    WHERE workspace_id = ${workspaceId} AND id = ${started.row.id}
    RETURNING ${columns(sql)}`
  if (reply.status === 'failed') throw new AppError(502, 'mail_failed', `the e-mail was not sent: ${reply.error}`, { replyId: reply.id })
  return reply
}

/** What the team wrote to the respondents of `responseIds`, oldest first. */
export async function listResponseReplies(sql: Sql, workspaceId: string, responseIds: string[]): Promise<(ResponseReply & { responseId: string })[]> {
  return sql<(ResponseReply & { responseId: string })[]>`
    SELECT ${columns(sql)}, response_id AS "responseId" FROM survey_response_replies
    WHERE workspace_id = ${workspaceId} AND response_id = ANY(${responseIds}::uuid[]) ORDER BY created_at, id`
}

/** The e-mails sent about one response of this survey, or 404. */
export async function repliesOfResponse(deps: Deps, workspaceId: string, surveyId: string, responseId: string): Promise<ResponseReply[]> {
  const { sql } = deps
  const [found] = await sql`SELECT 1 FROM survey_responses WHERE workspace_id = ${workspaceId} AND survey_id = ${surveyId} AND id = ${responseId}`
  if (!found) throw notFound('response')
  return sql<ResponseReply[]>`
    SELECT ${columns(sql)} FROM survey_response_replies WHERE workspace_id = ${workspaceId} AND response_id = ${responseId} ORDER BY created_at, id`
}
