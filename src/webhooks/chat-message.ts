import { z } from 'zod'
import { clip } from '../mail/mention-lines.ts'
import { ERASURE_REASONS, type ErasureReason } from './erasure.ts'
import type { EventEnvelope } from './events.ts'

// What a chat message says about an event, before any chat's markup: the
// Slack and Teams renderers turn it into theirs. Everything in it may come
// from the internet (mention text, author names), so renderers escape every
// string, and links are only made from http(s) URLs.

/** A piece of a line: plain text, emphasis, or a link. */
export type Run = string | { strong: string } | { url: string; label: string }
/** A line of the message, someone's own words, or small print. */
export type Part = { kind: 'text'; runs: Run[] } | { kind: 'quote'; text: string } | { kind: 'note'; runs: Run[] }
/** What the first line opens with, in each chat's own way. */
export type Icon = 'alert' | 'reply' | 'digest' | 'ok'

export interface ChatMessage {
  /** One line for notifications and clients that show no cards. */
  summary: string
  icon?: Icon
  parts: Part[]
}

const MAX_TEXT = 600
/** Chat messages stay short: the digest shows this many of its negative mentions. */
const DIGEST_MENTIONS = 3
/** And an alert that fired for many survey answers at once shows this many of them. */
const ALERT_ANSWERS = 10


/** A link for http(s) URLs only; nothing for any other scheme. */
const linkTo = (url: unknown, label: string): Run[] => (typeof url === 'string' && /^https?:\/\//i.test(url) ? [{ url, label }] : [])

/** Runs of several items, ` · ` between them. */
const joined = (items: Run[][]): Run[] => items.filter((i) => i.length).flatMap((item, n) => (n ? [' · ', ...item] : item))

const text = (...runs: Run[]): Part => ({ kind: 'text', runs })
const note = (...runs: Run[]): Part => ({ kind: 'note', runs })
const quote = (words: string): Part => ({ kind: 'quote', text: clip(words, MAX_TEXT) })

const Mention = z.looseObject({
  url: z.string().nullish(),
  title: z.string().nullish(),
  text: z.string().nullish(),
  sourceKind: z.string().nullish(),
  sentiment: z.string().nullish(),
  urgent: z.boolean().nullish(),
  author: z.looseObject({ handle: z.string().nullish(), name: z.string().nullish() }).nullish(),
})
const Answer = z.looseObject({
  survey: z.string(),
  surveyKind: z.string(),
  score: z.number(),
  comment: z.string().nullish(),
  email: z.string().nullish(),
})
const Alert = z.looseObject({
  alert: z.looseObject({ name: z.string(), kind: z.string() }),
  explanation: z.record(z.string(), z.unknown()).nullish(),
  mention: Mention.nullish(),
  response: Answer.nullish(),
  responses: z.array(Answer).nullish(),
})
// What each kind of alert says about why it fired.
const Anomaly = z.looseObject({ observed: z.number(), expected: z.number(), threshold: z.number() })
const LowScore = z.looseObject({
  observed: z.number(),
  expected: z.number(),
  threshold: z.number(),
  samples: z.number(),
  window: z.string(),
  survey: z.looseObject({ name: z.string(), kind: z.string(), property: z.object({ name: z.string(), value: z.string() }).optional() }),
})
const Overdue = z.looseObject({ waiting: z.number(), replyWithin: z.string(), oldestMinutes: z.number().nullable() })
const Replied = z.looseObject({
  reply: z.looseObject({ author: z.string(), text: z.string(), url: z.string().nullish() }),
  mention: Mention.nullish(),
})
const Response = z.looseObject({ score: z.number(), comment: z.string().nullish(), surveyKind: z.string().nullish() })
const Ticket = z.looseObject({ title: z.string(), status: z.string(), externalUrl: z.string().nullish() })
const Digest = z.looseObject({
  day: z.string(),
  days: z.number().optional(),
  totals: z.looseObject({ total: z.number(), negative: z.number(), netSentiment: z.number().nullable(), changePct: z.number().nullable() }),
  sources: z.array(z.looseObject({ name: z.string(), n: z.number() })),
  intents: z.array(z.looseObject({ intent: z.string(), n: z.number() })),
  themes: z.array(z.looseObject({ term: z.string(), n: z.number() })).optional(),
  ratings: z.looseObject({ rated: z.number(), averageRating: z.number().nullable(), previousAverage: z.number().nullable() }).optional(),
  negative: z.array(Mention),
  openQuestions: z.number().optional(),
  urgentWaiting: z.number().optional(),
  surveys: z
    .looseObject({
      results: z.array(z.looseObject({ name: z.string(), kind: z.string(), score: z.number().nullable(), n: z.number() })),
      unhappy: z.array(z.looseObject({ survey: z.string(), score: z.number(), comment: z.string() })),
    })
    .optional(),
})

/** A digest's title and what its change is against: "Daily digest, 2026-12-04" or "Weekly digest, 2026-11-30 – 2026-12-06". */
export function digestTitle(d: { day: string; days?: number }): { title: string; before: string } {
  if (d.days !== 7) return { title: `Daily digest, ${d.day}`, before: 'the day before' }
  const last = new Date(Date.parse(d.day) + 6 * 86_400_000).toISOString().slice(0, 10)
  return { title: `Weekly digest, ${d.day} – ${last}`, before: 'the week before' }
}

/** What follows the count of open questions in a digest: "question is …" or "questions are waiting for an answer". */
export const questionsWaiting = (n: number) => `${n === 1 ? 'question is' : 'questions are'} waiting for an answer`
export const urgentWaiting = (n: number) => `urgent ${n === 1 ? 'mention is' : 'mentions are'} waiting for someone`

/** A survey's headline as people say it: NPS 32, CSAT 87%, CES 5.4. */
export function surveyScore(r: { kind: string; score: number | null }): string {
  const label = r.kind.toUpperCase()
  if (r.score === null) return `${label} –`
  return r.kind === 'csat' ? `${label} ${r.score}%` : `${label} ${r.score}`
}

function mentionParts(m: z.infer<typeof Mention>): Part[] {
  const who = m.author?.name || m.author?.handle || 'someone'
  const where = m.sourceKind ? ` on ${m.sourceKind}` : ''
  const parts = [text({ strong: clip(who, 80) }, `${where}${m.title ? `: ${clip(m.title, 200)}` : ''}`)]
  if (m.text) parts.push(quote(m.text))
  const meta = joined([m.urgent ? ['urgent'] : [], m.sentiment ? [`sentiment: ${m.sentiment}`] : [], linkTo(m.url, 'Open the mention')])
  if (meta.length) parts.push(note(...meta))
  return parts
}

function answerParts(answer: z.infer<typeof Answer>): Part[] {
  const parts = [text(`${clip(answer.survey, 200)}: `, { strong: `${answer.surveyKind.toUpperCase()} ${answer.score}` }, answer.email ? ` from ${answer.email}` : '')]
  if (answer.comment) parts.push(quote(answer.comment))
  return parts
}

const round = (n: number) => Math.round(n * 100) / 100

function explainAlert(x: unknown): string | undefined {
  const low = LowScore.safeParse(x)
  if (low.success) {
    const { survey, observed, expected, threshold, samples, window } = low.data
    const score = (v: number) => surveyScore({ kind: survey.kind, score: round(v) })
    const whose = survey.property ? ` (${clip(survey.property.name, 40)}: ${clip(survey.property.value, 100)})` : ''
    return `${clip(survey.name, 200)}${whose}: ${score(observed)} over ${window} from ${samples} answers · ${score(expected)} the week before · alert below ${round(threshold)}`
  }
  const anomaly = Anomaly.safeParse(x)
  if (anomaly.success) return `observed ${round(anomaly.data.observed)} · expected ${round(anomaly.data.expected)} · threshold ${round(anomaly.data.threshold)}`
  const overdue = Overdue.safeParse(x)
  if (overdue.success) return `${overdue.data.waiting} waiting for a reply over ${overdue.data.replyWithin}${overdue.data.oldestMinutes !== null ? ` · the oldest ${overdue.data.oldestMinutes} min` : ''}`
  return undefined
}

/** A message that only has its heading (the event's data was not in the expected shape). */
const headingOnly = (heading: string): ChatMessage => ({ summary: heading, parts: [text({ strong: heading })] })

function digestMessage(d: z.infer<typeof Digest>): ChatMessage {
  const { totals, sources, intents, themes, ratings, negative, openQuestions, urgentWaiting: urgent, surveys } = d
  const { title, before } = digestTitle(d)
  const signed = (n: number) => (n > 0 ? `+${n}` : String(n))
  const numbers = joined([
    [{ strong: String(totals.total) }, ` mentions${totals.changePct === null ? '' : ` (${signed(totals.changePct)}% on ${before})`}`],
    [`${totals.negative} negative`],
    totals.netSentiment === null ? [] : [`net sentiment ${signed(totals.netSentiment)}`],
    ratings?.rated
      ? [`${ratings.averageRating}★ from ${ratings.rated} review${ratings.rated === 1 ? '' : 's'}${ratings.previousAverage === null ? '' : ` (${ratings.previousAverage}★ ${before})`}`]
      : [],
  ])
  const list = (rows: { label: string; n: number }[]) => rows.map((r) => `${clip(r.label, 80)} ${r.n}`).join(' · ')
  const parts = [text({ strong: title }), text(...numbers)]
  if (sources.length) parts.push(note(`Sources: ${list(sources.map((s) => ({ label: s.name, n: s.n })))}`))
  if (intents.length) parts.push(note(`Intents: ${list(intents.map((i) => ({ label: i.intent.replace(/_/g, ' '), n: i.n })))}`))
  if (themes?.length) parts.push(note(`Negative mentions talked about: ${list(themes.map((t) => ({ label: t.term, n: t.n })))}`))
  if (urgent) parts.push(text({ strong: String(urgent) }, ` ${urgentWaiting(urgent)}`))
  if (openQuestions) parts.push(text({ strong: String(openQuestions) }, ` ${questionsWaiting(openQuestions)}`))
  if (surveys?.results.length) {
    parts.push(text(...joined(surveys.results.map((r) => [`${clip(r.name, 80)}: `, { strong: surveyScore(r) }, ` (${r.n} answered)`]))))
    for (const u of surveys.unhappy) parts.push(quote(`${u.score} · ${clip(u.survey, 80)}: ${u.comment}`))
  }
  if (negative.length) {
    parts.push(text({ strong: 'Negative mentions to look at' }))
    for (const m of negative.slice(0, DIGEST_MENTIONS)) parts.push(...mentionParts(m))
  }
  return { summary: `${title}: ${totals.total} mentions`, icon: 'digest', parts }
}

const Erased = z.object({ mentionIds: z.array(z.string()).optional(), responseIds: z.array(z.string()).optional(), reason: z.enum(ERASURE_REASONS) })
const ERASED_BECAUSE: Record<ErasureReason, string> = { customer: 'a customer’s request', author: 'their author’s request', retention: 'older than the workspace keeps personal data' }

/** What a chat channel is told about an event. */
export function chatMessage(event: EventEnvelope): ChatMessage {
  const { type, data } = event
  if (type === 'mention.created' || type === 'mention.updated') {
    const m = Mention.safeParse(data)
    const heading = type === 'mention.created' ? 'New mention' : 'Mention updated'
    return { summary: heading, parts: [text({ strong: heading }), ...(m.success ? mentionParts(m.data) : [])] }
  }
  if (type === 'mention.replied') {
    const r = Replied.safeParse(data)
    if (!r.success) return headingOnly('Reply posted')
    const { reply, mention } = r.data
    const who = clip(reply.author, 80)
    const parts = [text({ strong: `${who} replied` }, mention?.sourceKind ? ` on ${mention.sourceKind}` : ''), quote(reply.text)]
    const link = linkTo(reply.url, 'Open the reply')
    if (link.length) parts.push(note(...link))
    if (mention) parts.push(...mentionParts(mention))
    return { summary: `${who} replied`, icon: 'reply', parts }
  }
  if (type === 'alert.fired') {
    const a = Alert.safeParse(data)
    if (!a.success) return headingOnly('Alert fired')
    const name = clip(a.data.alert.name, 200)
    const parts = [text({ strong: `Alert fired: ${name}` }, ` (${a.data.alert.kind})`)]
    const why = explainAlert(a.data.explanation)
    if (why) parts.push(note(why))
    if (a.data.mention) parts.push(...mentionParts(a.data.mention))
    if (a.data.response) parts.push(...answerParts(a.data.response))
    const many = a.data.responses ?? []
    if (many.length) {
      parts.push(text({ strong: `${many.length} answers` }))
      for (const answer of many.slice(0, ALERT_ANSWERS)) parts.push(...answerParts(answer))
      if (many.length > ALERT_ANSWERS) parts.push(note(`and ${many.length - ALERT_ANSWERS} more: see the alert's events or the surveys' responses`))
    }
    return { summary: `Alert fired: ${name}`, icon: 'alert', parts }
  }
  if (type === 'survey_response.created') {
    const r = Response.safeParse(data)
    if (!r.success) return headingOnly('New survey response')
    const heading = `New ${r.data.surveyKind ? `${r.data.surveyKind.toUpperCase()} ` : ''}response: ${r.data.score}`
    return { summary: heading, parts: [text({ strong: heading }), ...(r.data.comment ? [quote(r.data.comment)] : [])] }
  }
  if (type === 'mention.erased' || type === 'survey_response.erased') {
    const e = Erased.safeParse(data)
    const n = e.success ? (e.data.mentionIds ?? e.data.responseIds ?? []).length : 0
    const what = type === 'mention.erased' ? (n === 1 ? 'mention' : 'mentions') : n === 1 ? 'survey answer' : 'survey answers'
    const heading = `${n} ${what} erased`
    return { summary: heading, parts: [text({ strong: heading }, e.success ? ` (${ERASED_BECAUSE[e.data.reason]})` : '')] }
  }
  if (type === 'webhook.test') return { summary: 'earshot test message', icon: 'ok', parts: [text({ strong: 'earshot can post to this channel.' })] }
  if (type === 'digest.daily' || type === 'digest.weekly') {
    const d = Digest.safeParse(data)
    return d.success ? digestMessage(d.data) : headingOnly(type === 'digest.daily' ? 'Daily digest' : 'Weekly digest')
  }
  const t = Ticket.safeParse(data)
  if (!t.success) return headingOnly('Ticket updated')
  const title = clip(t.data.title, 200)
  const link = linkTo(t.data.externalUrl, 'Open in the tracker')
  return {
    summary: `Ticket ${title} is now ${t.data.status}`,
    parts: [text({ strong: `Ticket ${title}` }, ' is now ', { strong: t.data.status }), ...(link.length ? [note(...link)] : [])],
  }
}
