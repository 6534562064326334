import { z } from 'zod'
import type { EventEnvelope } from './events.ts'

// Slack incoming-webhook payloads. Everything in them may come from the
// internet (mention text, author names), so it is escaped for mrkdwn and
// links are only made from http(s) URLs.

const MAX_TEXT = 600

/** Escapes the three characters Slack's mrkdwn treats as control characters. */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

const clip = (text: string, max = MAX_TEXT) => (text.length > max ? `${text.slice(0, max - 1)}…` : text)

/** `<url|label>` for http(s) URLs only; `|` and `>` would end the link early. */
function slackLink(url: unknown, label: string): string | undefined {
  if (typeof url !== 'string' || !/^https?:\/\//i.test(url)) return undefined
  return `<${url.replace(/\|/g, '%7C').replace(/>/g, '%3E').replace(/</g, '%3C')}|${escapeSlack(label)}>`
}

const Mention = z.looseObject({
  url: z.string().nullish(),
  title: z.string().nullish(),
  text: z.string().nullish(),
  sourceKind: z.string().nullish(),
  sentiment: z.string().nullish(),
  author: z.looseObject({ handle: z.string().nullish(), name: z.string().nullish() }).nullish(),
})
const Alert = z.looseObject({
  alert: z.looseObject({ name: z.string(), kind: z.string() }),
  explanation: z.record(z.string(), z.unknown()).nullish(),
  mention: Mention.nullish(),
})
// What each kind of alert says about why it fired.
const Anomaly = z.looseObject({ observed: z.number(), expected: z.number(), threshold: z.number() })
const Overdue = z.looseObject({ waiting: z.number(), replyWithin: z.string(), oldestMinutes: z.number().nullable() })
const Replied = z.looseObject({
  reply: z.looseObject({ author: z.string(), text: z.string(), url: z.string().nullish() }),
  mention: Mention.nullish(),
})
const Response = z.looseObject({ score: z.number(), comment: z.string().nullish(), surveyKind: z.string().nullish() })
const Ticket = z.looseObject({ title: z.string(), status: z.string(), externalUrl: z.string().nullish() })
const Digest = z.looseObject({
  day: z.string(),
  totals: z.looseObject({ total: z.number(), negative: z.number(), netSentiment: z.number().nullable(), changePct: z.number().nullable() }),
  sources: z.array(z.looseObject({ name: z.string(), n: z.number() })),
  intents: z.array(z.looseObject({ intent: z.string(), n: z.number() })),
  ratings: z.looseObject({ rated: z.number(), averageRating: z.number().nullable(), previousAverage: z.number().nullable() }).optional(),
  negative: z.array(Mention),
})
/** Chat messages stay short: the digest shows this many of its negative mentions. */
const DIGEST_MENTIONS = 3

type Block = Record<string, unknown>
const section = (text: string): Block => ({ type: 'section', text: { type: 'mrkdwn', text } })
const context = (text: string): Block => ({ type: 'context', elements: [{ type: 'mrkdwn', text }] })

function mentionBlocks(m: z.infer<typeof Mention>): Block[] {
  const who = m.author?.name || m.author?.handle || 'someone'
  const where = m.sourceKind ? ` on ${m.sourceKind}` : ''
  const blocks = [section(`*${escapeSlack(clip(who, 80))}*${escapeSlack(where)}${m.title ? `: ${escapeSlack(clip(m.title, 200))}` : ''}`)]
  if (m.text) blocks.push(section(`>${escapeSlack(clip(m.text)).replace(/\n/g, '\n>')}`))
  const link = slackLink(m.url, 'Open the mention')
  const meta = [m.sentiment ? `sentiment: ${escapeSlack(m.sentiment)}` : undefined, link].filter(Boolean)
  if (meta.length) blocks.push(context(meta.join(' · ')))
  return blocks
}

const round = (n: number) => Math.round(n * 100) / 100

function explainAlert(x: unknown): string | undefined {
  const anomaly = Anomaly.safeParse(x)
  if (anomaly.success) return `observed ${round(anomaly.data.observed)} · expected ${round(anomaly.data.expected)} · threshold ${round(anomaly.data.threshold)}`
  const overdue = Overdue.safeParse(x)
  if (overdue.success) return `${overdue.data.waiting} waiting for a reply over ${escapeSlack(overdue.data.replyWithin)}${overdue.data.oldestMinutes !== null ? ` · the oldest ${overdue.data.oldestMinutes} min` : ''}`
  return undefined
}

/** The Slack incoming-webhook body for an event: a fallback `text` plus blocks. */
export function renderSlackMessage(event: EventEnvelope): { text: string; blocks: Block[] } {
  const { type, data } = event
  if (type === 'mention.created' || type === 'mention.updated') {
    const m = Mention.safeParse(data)
    const title = type === 'mention.created' ? 'New mention' : 'Mention updated'
    return { text: title, blocks: [section(`*${title}*`), ...(m.success ? mentionBlocks(m.data) : [])] }
  }
  if (type === 'mention.replied') {
    const r = Replied.safeParse(data)
    if (!r.success) return { text: 'Reply posted', blocks: [section('*Reply posted*')] }
    const { reply, mention } = r.data
    const who = escapeSlack(clip(reply.author, 80))
    const blocks = [section(`:speech_balloon: *${who} replied*${mention?.sourceKind ? ` on ${escapeSlack(mention.sourceKind)}` : ''}`), section(`>${escapeSlack(clip(reply.text)).replace(/\n/g, '\n>')}`)]
    const link = slackLink(reply.url, 'Open the reply')
    if (link) blocks.push(context(link))
    if (mention) blocks.push(...mentionBlocks(mention))
    return { text: `${who} replied`, blocks }
  }
  if (type === 'alert.fired') {
    const a = Alert.safeParse(data)
    if (!a.success) return { text: 'Alert fired', blocks: [section('*Alert fired*')] }
    const name = escapeSlack(clip(a.data.alert.name, 200))
    const blocks = [section(`:rotating_light: *Alert fired: ${name}* (${escapeSlack(a.data.alert.kind)})`)]
    const why = explainAlert(a.data.explanation)
    if (why) blocks.push(context(why))
    if (a.data.mention) blocks.push(...mentionBlocks(a.data.mention))
    return { text: `Alert fired: ${name}`, blocks }
  }
  if (type === 'survey_response.created') {
    const r = Response.safeParse(data)
    if (!r.success) return { text: 'New survey response', blocks: [section('*New survey response*')] }
    const kind = r.data.surveyKind ? `${escapeSlack(r.data.surveyKind.toUpperCase())} ` : ''
    const blocks = [section(`*New ${kind}response: ${r.data.score}*`)]
    if (r.data.comment) blocks.push(section(`>${escapeSlack(clip(r.data.comment)).replace(/\n/g, '\n>')}`))
    return { text: `New ${kind}response: ${r.data.score}`, blocks }
  }
  if (type === 'webhook.test') return { text: 'earshot test message', blocks: [section(':white_check_mark: *earshot can post to this channel.*')] }
  if (type === 'digest.daily') {
    const d = Digest.safeParse(data)
    if (!d.success) return { text: 'Daily digest', blocks: [section('*Daily digest*')] }
    const { day, totals, sources, intents, ratings, negative } = d.data
    const signed = (n: number) => (n > 0 ? `+${n}` : String(n))
    const numbers = [
      `*${totals.total}* mentions${totals.changePct === null ? '' : ` (${signed(totals.changePct)}% on the day before)`}`,
      `${totals.negative} negative`,
      totals.netSentiment === null ? undefined : `net sentiment ${signed(totals.netSentiment)}`,
      ratings?.rated
        ? `${ratings.averageRating}★ from ${ratings.rated} review${ratings.rated === 1 ? '' : 's'}${ratings.previousAverage === null ? '' : ` (${ratings.previousAverage}★ the day before)`}`
        : undefined,
    ].filter(Boolean)
    const blocks = [section(`:newspaper: *Daily digest, ${escapeSlack(day)}*`), section(numbers.join(' · '))]
    const list = (rows: { label: string; n: number }[]) => rows.map((r) => `${escapeSlack(clip(r.label, 80))} ${r.n}`).join(' · ')
    if (sources.length) blocks.push(context(`Sources: ${list(sources.map((s) => ({ label: s.name, n: s.n })))}`))
    if (intents.length) blocks.push(context(`Intents: ${list(intents.map((i) => ({ label: i.intent.replace(/_/g, ' '), n: i.n })))}`))
    if (negative.length) {
      blocks.push(section('*Negative mentions to look at*'))
      for (const m of negative.slice(0, DIGEST_MENTIONS)) blocks.push(...mentionBlocks(m))
    }
    return { text: `Daily digest, ${escapeSlack(day)}: ${totals.total} mentions`, blocks }
  }
  const t = Ticket.safeParse(data)
  if (!t.success) return { text: 'Ticket updated', blocks: [section('*Ticket updated*')] }
  const title = escapeSlack(clip(t.data.title, 200))
  const link = slackLink(t.data.externalUrl, 'Open in the tracker')
  const blocks = [section(`*Ticket ${title}* is now *${escapeSlack(t.data.status)}*`)]
  if (link) blocks.push(context(link))
  return { text: `Ticket ${title} is now ${escapeSlack(t.data.status)}`, blocks }
}
