import { chatMessage, type Icon, type Run } from './chat-message.ts'
import type { EventEnvelope } from './events.ts'

// Microsoft Teams payloads of the chat message of an event: an Adaptive Card in
// a message, as a Teams workflow started by "When a Teams webhook request is
// received" posts it to a channel. Card text is Markdown, so every string from
// the internet has its Markdown characters escaped.

/** Backslash-escapes what Markdown would read as emphasis, a link, code, a template, or a heading or list at a line's start. */
export const escapeMarkdown = (text: string) =>
  text
    .replace(/[\\`*_{}[\]()~<>]/g, (c) => `\\${c}`)
    .replace(/^(\s*)([-+#])/gm, (_, space: string, mark: string) => `${space}\\${mark}`)
    .replace(/^(\s*\d+)\./gm, (_, number: string) => `${number}\\.`)

/** A link's address may hold a `)` that would end it early. */
const markdownLink = (url: string, label: string) => `[${escapeMarkdown(label)}](${url.replace(/\(/g, '%28').replace(/\)/g, '%29').replace(/ /g, '%20')})`

const markdown = (runs: Run[]) =>
  runs.map((r) => (typeof r === 'string' ? escapeMarkdown(r) : 'strong' in r ? `**${escapeMarkdown(r.strong)}**` : markdownLink(r.url, r.label))).join('')

const ICONS: Record<Icon, string> = { alert: '🚨', reply: '💬', digest: '📰', ok: '✅' }

type Element = Record<string, unknown>
const textBlock = (text: string, extra: Element = {}): Element => ({ type: 'TextBlock', text, wrap: true, ...extra })

/** The body to POST to a Teams workflow's webhook address for an event. */
export function renderTeamsMessage(event: EventEnvelope) {
  const msg = chatMessage(event)
  const body = msg.parts.map((p, i): Element => {
    // Someone's words stand apart, as a quote would.
    if (p.kind === 'quote') return { type: 'Container', style: 'emphasis', items: [textBlock(escapeMarkdown(p.text))] }
    if (p.kind === 'note') return textBlock(markdown(p.runs), { size: 'Small', isSubtle: true, spacing: 'Small' })
    return textBlock(`${i === 0 && msg.icon ? `${ICONS[msg.icon]} ` : ''}${markdown(p.runs)}`, i === 0 ? { size: 'Medium' } : {})
  })
  return {
    type: 'message',
    summary: msg.summary,
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: { $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', type: 'AdaptiveCard', version: '1.4', msteams: { width: 'Full' }, body },
      },
    ],
  }
}
