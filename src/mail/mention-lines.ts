import { escapeHtml } from '../surveys/html.ts'
import type { MailMessage } from './mailer.ts'
import { safeHttpUrl } from '../web/safe-url.ts'

/** A mention as an e-mail lists it. */
export interface MailedMention {
  id: string
  title: string | null
  text: string
  url: string | null
  sourceKind: string
  author: { name?: string | null; handle?: string | null }
  /** A word after the mention, e.g. who assigned it. */
  note?: string
}

/** At most `max` characters, an ellipsis marking a cut. */
export const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text)

/**
 * Mentions as list items of an e-mail, in HTML and in plain text: who said
 * what where, linked to the inbox when EARSHOT_PUBLIC_URL says where that is.
 * Everything people wrote is escaped, and their links are followed only when
 * they are plain http(s).
 */
export function mentionLines(mentions: MailedMention[], publicUrl: string | undefined): { html: string; text: string[] } {
  const lines = mentions.map((m) => ({
    who: m.author.name || m.author.handle || 'someone',
    where: m.sourceKind,
    text: clip(m.title ? `${m.title}: ${m.text}` : m.text, 300),
    note: m.note,
    inbox: publicUrl ? `${publicUrl}/app/inbox?m=${m.id}` : undefined,
    source: safeHttpUrl(m.url),
  }))
  const html = lines
    .map(
      (m) =>
        `<li><strong>${escapeHtml(m.who)}</strong> on ${escapeHtml(m.where)}: ${escapeHtml(m.text)}${m.note ? ` <em>${escapeHtml(m.note)}</em>` : ''}${
          m.inbox ? ` <a href="${escapeHtml(m.inbox)}">Open in earshot</a>` : ''}${m.source ? ` <a href="${escapeHtml(m.source)}">At the source</a>` : ''}</li>`,
    )
    .join('\n')
  const text = lines.map((m) => `- ${m.who} on ${m.where}: ${m.text}${m.note ? ` (${m.note})` : ''}${m.inbox ? ` (${m.inbox})` : ''}`)
  return { html, text }
}

/** What closes a list of mentions: how many more there are, and a link to all of them. */
export interface ListFoot {
  more?: string
  link?: { label: string; url: string }
}

/** A message telling a member about some mentions: a heading, the list, and what closes it; the subject says the heading. */
export function mentionListMessage(title: string, mentions: MailedMention[], publicUrl: string | undefined, foot: ListFoot = {}): Omit<MailMessage, 'to'> {
  const lines = mentionLines(mentions, publicUrl)
  const { more, link } = foot
  const html = `<!doctype html>
<html lang="en"><body style="margin:0;padding:16px;font:15px/1.5 sans-serif;color:#1b1f24">
<h1 style="font-size:18px">${escapeHtml(title)}</h1>
<ul>
${lines.html}
</ul>
${more || link ? `<p>${escapeHtml(more ?? '')}${link ? ` <a href="${escapeHtml(link.url)}">${escapeHtml(link.label)}</a>` : ''}</p>\n` : ''}</body></html>
`
  const text = [title, '', ...lines.text, ...(more ? [more] : []), ...(link ? ['', `${link.label}: ${link.url}`] : []), ''].join('\n')
  return { subject: `earshot: ${title.toLowerCase()}`, html, text, headers: {} }
}
