import type { MailMessage } from '../mail/mailer.ts'
import { escapeHtml } from './html.ts'
import { UI_STRINGS } from './locales.ts'
import { SCALES } from './schemas.ts'
import { localeFor, surveyTexts } from './survey-language.ts'
import type { SurveyRecord } from './surveys.ts'

export interface Invitation {
  email: string
  name: string | null
  subject: string | null
  intro: string | null
  linkBase: string
  /** The language asked for; the survey's own when it has no text in it. */
  locale: string | null
}

/**
 * The invitation: the question and one link per score (one click answers;
 * the page that opens takes a comment), in the invitation's language, as HTML and
 * as plain text, with an unsubscribe link and the List-Unsubscribe headers
 * (RFC 8058 one-click) mail clients show as a button. A reminder is the same
 * message under a subject that says so.
 */
export function invitationMessage(survey: SurveyRecord, inv: Invitation, token: string, opts: { reminder?: boolean } = {}): MailMessage {
  const lang = localeFor(survey, inv.locale)
  const s = UI_STRINGS[lang]
  const { question } = surveyTexts(survey, lang)
  const { min, max } = SCALES[survey.kind]
  const key = encodeURIComponent(survey.publicKey)
  // The pages the links open speak the message's language, whatever the browser reads.
  const scoreUrl = (n: number) => `${inv.linkBase}/s/${key}?${new URLSearchParams({ score: String(n), send: token, lang })}`
  const unsubscribeUrl = `${inv.linkBase}/s/${key}/unsubscribe?${new URLSearchParams({ send: token, lang })}`
  const scores = Array.from({ length: max - min + 1 }, (_, i) => min + i)
  const greeting = inv.name ? `${inv.name},` : ''
  const cell = (n: number) =>
    `<td style="padding:2px"><a href="${escapeHtml(scoreUrl(n))}" style="display:inline-block;min-width:28px;padding:8px 4px;border:1px solid #8c959f;border-radius:4px;color:#1b1f24;text-decoration:none;text-align:center;font:16px sans-serif">${n}</a></td>`
  const html = `<!doctype html>
<html lang="${escapeHtml(lang)}"><body style="margin:0;padding:16px;font:15px/1.5 sans-serif;color:#1b1f24">
${greeting ? `<p>${escapeHtml(greeting)}</p>\n` : ''}${inv.intro ? `<p>${escapeHtml(inv.intro)}</p>\n` : ''}<p style="font-size:17px"><strong>${escapeHtml(question)}</strong></p>
<table role="presentation" cellspacing="0" cellpadding="0"><tr>${scores.map(cell).join('')}</tr></table>
<table role="presentation" width="100%" style="max-width:${scores.length * 40}px;font-size:12px;color:#57606a"><tr><td>${escapeHtml(s.low[survey.kind])}</td><td style="text-align:right">${escapeHtml(s.high[survey.kind])}</td></tr></table>
<p style="margin-top:32px;font-size:12px;color:#57606a"><a href="${escapeHtml(unsubscribeUrl)}" style="color:#57606a">${escapeHtml(s.unsubscribe)}</a></p>
</body></html>
`
  const text = [
    ...(greeting ? [greeting, ''] : []),
    ...(inv.intro ? [inv.intro, ''] : []),
    question,
    `(${min} = ${s.low[survey.kind]}, ${max} = ${s.high[survey.kind]})`,
    '',
    ...scores.map((n) => `${n}: ${scoreUrl(n)}`),
    '',
    `${s.unsubscribe}: ${unsubscribeUrl}`,
    '',
  ].join('\n')
  return {
    to: inv.email,
    subject: `${opts.reminder ? `${s.reminder}: ` : ''}${inv.subject ?? question}`,
    html,
    text,
    headers: { 'List-Unsubscribe': `<${unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
  }
}
