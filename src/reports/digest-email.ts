import type { MailMessage } from '../mail/mailer.ts'
import { clip, mentionLines } from '../mail/mention-lines.ts'
import { escapeHtml } from '../surveys/html.ts'
import { digestTitle, questionsWaiting, surveyScore, urgentWaiting } from '../webhooks/chat-message.ts'
import type { Digest } from './digest.ts'

const signed = (n: number) => (n > 0 ? `+${n}` : String(n))

/**
 * A digest as an e-mail: the period's numbers, where they came from, and
 * the negative mentions to look at, each linked to the inbox when
 * EARSHOT_PUBLIC_URL says where that is. Everything people wrote is escaped,
 * and their links are followed only when they are plain http(s).
 */
export function digestMessage(d: Digest, publicUrl: string | undefined): Omit<MailMessage, 'to'> {
  const t = d.totals
  const { title, before } = digestTitle(d)
  const numbers = [
    `${t.total} mentions${t.changePct === null ? '' : ` (${signed(t.changePct)}% on ${before})`}`,
    `${t.negative} negative`,
    ...(t.netSentiment === null ? [] : [`net sentiment ${signed(t.netSentiment)}`]),
    ...(d.ratings.rated ? [`${d.ratings.averageRating}★ from ${d.ratings.rated} review${d.ratings.rated === 1 ? '' : 's'}`] : []),
  ].join(' · ')
  const sources = d.sources.map((s) => `${s.name} ${s.n}`).join(' · ')
  const intents = d.intents.map((i) => `${i.intent.replace(/_/g, ' ')} ${i.n}`).join(' · ')
  const themes = d.themes.map((t) => `${t.term} ${t.n}`).join(' · ')
  const surveys = d.surveys.results.map((r) => `${r.name}: ${surveyScore(r)} (${r.n} answered)`).join(' · ')
  const unhappy = d.surveys.unhappy.map((u) => `${u.score} · ${u.survey}: ${clip(u.comment, 300)}${u.translation ? ` (${clip(u.translation, 300)})` : ''}`)
  const waiting = d.openQuestions ? `${d.openQuestions} ${questionsWaiting(d.openQuestions)}` : ''
  const questions = publicUrl ? `${publicUrl}/app/inbox?intent=question&answered=false` : undefined
  const urgent = d.urgentWaiting ? `${d.urgentWaiting} ${urgentWaiting(d.urgentWaiting)}` : ''
  const urgentLink = publicUrl ? `${publicUrl}/app/inbox?urgent=true` : undefined
  // Translated on arrival into the workspace's language: quoted after the words as written.
  const mentions = mentionLines(d.negative.map((m) => (m.translation ? { ...m, note: clip(m.translation, 300) } : m)), publicUrl)
  const html = `<!doctype html>
<html lang="en"><body style="margin:0;padding:16px;font:15px/1.5 sans-serif;color:#1b1f24">
<h1 style="font-size:18px">${escapeHtml(title)}</h1>
<p>${escapeHtml(numbers)}</p>
${sources ? `<p style="color:#57606a">Sources: ${escapeHtml(sources)}</p>\n` : ''}${intents ? `<p style="color:#57606a">Intents: ${escapeHtml(intents)}</p>\n` : ''}${
    themes ? `<p style="color:#57606a">Negative mentions talked about: ${escapeHtml(themes)}</p>\n` : ''}${
    urgent ? `<p><strong>${escapeHtml(urgent)}</strong>${urgentLink ? ` <a href="${escapeHtml(urgentLink)}">Urgent mentions</a>` : ''}</p>\n` : ''}${
    waiting ? `<p><strong>${escapeHtml(waiting)}</strong>${questions ? ` <a href="${escapeHtml(questions)}">Open questions</a>` : ''}</p>\n` : ''}${
    surveys ? `<p>Surveys: ${escapeHtml(surveys)}</p>\n` : ''}${
    unhappy.length ? `<ul style="color:#57606a">\n${unhappy.map((u) => `<li>${escapeHtml(u)}</li>`).join('\n')}\n</ul>\n` : ''}${
    d.negative.length ? `<h2 style="font-size:16px">Negative mentions to look at</h2>\n<ul>\n${mentions.html}\n</ul>\n` : ''
  }</body></html>
`
  const text = [
    title,
    '',
    numbers,
    ...(sources ? [`Sources: ${sources}`] : []),
    ...(intents ? [`Intents: ${intents}`] : []),
    ...(themes ? [`Negative mentions talked about: ${themes}`] : []),
    ...(urgent ? [`${urgent}${urgentLink ? ` (${urgentLink})` : ''}`] : []),
    ...(waiting ? [`${waiting}${questions ? ` (${questions})` : ''}`] : []),
    ...(surveys ? [`Surveys: ${surveys}`, ...unhappy.map((u) => `  > ${u}`)] : []),
    ...(d.negative.length ? ['', 'Negative mentions to look at:', ...mentions.text] : []),
    '',
  ].join('\n')
  return { subject: `${title}: ${t.total} mentions`, html, text, headers: {} }
}
