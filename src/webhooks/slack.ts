import { chatMessage, type Icon, type Run } from './chat-message.ts'
import type { EventEnvelope } from './events.ts'

// Slack incoming-webhook payloads (mrkdwn blocks) of the chat message of an event.

/** Escapes the three characters Slack's mrkdwn treats as control characters. */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

/** `<url|label>`; `|` and `>` would end the link early. */
const slackLink = (url: string, label: string) => `<${url.replace(/\|/g, '%7C').replace(/>/g, '%3E').replace(/</g, '%3C')}|${escapeSlack(label)}>`

const mrkdwn = (runs: Run[]) =>
  runs.map((r) => (typeof r === 'string' ? escapeSlack(r) : 'strong' in r ? `*${escapeSlack(r.strong)}*` : slackLink(r.url, r.label))).join('')

const ICONS: Record<Icon, string> = { alert: ':rotating_light:', reply: ':speech_balloon:', digest: ':newspaper:', ok: ':white_check_mark:' }

type Block = Record<string, unknown>
const section = (text: string): Block => ({ type: 'section', text: { type: 'mrkdwn', text } })

/** The Slack incoming-webhook body for an event: a fallback `text` plus blocks. */
export function renderSlackMessage(event: EventEnvelope): { text: string; blocks: Block[] } {
  const msg = chatMessage(event)
  const blocks = msg.parts.map((p, i): Block => {
    if (p.kind === 'quote') return section(`>${escapeSlack(p.text).replace(/\n/g, '\n>')}`)
    if (p.kind === 'note') return { type: 'context', elements: [{ type: 'mrkdwn', text: mrkdwn(p.runs) }] }
    return section(`${i === 0 && msg.icon ? `${ICONS[msg.icon]} ` : ''}${mrkdwn(p.runs)}`)
  })
  return { text: escapeSlack(msg.summary), blocks }
}
