import { describe, expect, it } from 'vitest'
import { escapeMarkdown, renderTeamsMessage } from '../../src/webhooks/teams.ts'

const envelope = (type: Parameters<typeof renderTeamsMessage>[0]['type'], data: Record<string, unknown>) =>
  ({ type, timestamp: '2026-01-01T00:00:00.000Z', data })
const bodyOf = (msg: ReturnType<typeof renderTeamsMessage>) => msg.attachments[0].content.body as Record<string, unknown>[]
const texts = (msg: ReturnType<typeof renderTeamsMessage>) =>
  bodyOf(msg).map((e) => (e.type === 'Container' ? (e.items as { text: string }[])[0].text : (e as { text: string }).text))

describe('Teams messages', () => {
  it('is an Adaptive Card in a message, as a Teams workflow webhook takes it', () => {
    const msg = renderTeamsMessage(envelope('webhook.test', {}))
    expect(msg).toMatchObject({ type: 'message', summary: 'earshot test message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null }] })
    expect(msg.attachments[0].content).toMatchObject({ type: 'AdaptiveCard', version: '1.4' })
    expect(texts(msg)).toEqual(['✅ **earshot can post to this channel.**'])
  })

  it('escapes Markdown in text from the internet, and links only to http(s) addresses', () => {
    const msg = renderTeamsMessage(
      envelope('mention.created', {
        url: 'https://example.com/post_(1)?a=1&b=2',
        author: { handle: '**boss**' },
        title: '[click](https://evil.example)',
        text: '# not a heading\n- not a list <at>everyone</at>',
        sourceKind: 'reddit',
        sentiment: 'negative',
        urgent: true,
      }),
    )
    expect(texts(msg)).toEqual([
      '**New mention**',
      '**\\*\\*boss\\*\\*** on reddit: \\[click\\]\\(https://evil.example\\)',
      '\\# not a heading\n\\- not a list \\<at\\>everyone\\</at\\>',
      'urgent · sentiment: negative · [Open the mention](https://example.com/post_%281%29?a=1&b=2)',
    ])
    expect(bodyOf(msg)[2]).toMatchObject({ type: 'Container', style: 'emphasis' })
    const js = JSON.stringify(renderTeamsMessage(envelope('mention.created', { url: 'javascript:alert(1)', text: 'x' })))
    expect(js).not.toContain('javascript:')
  })

  it('says why an alert fired and sums up the day', () => {
    const alert = renderTeamsMessage(envelope('alert.fired', { alert: { name: 'Crash spike', kind: 'spike' }, explanation: { observed: 42, expected: 7.123, threshold: 18.5 } }))
    expect(alert.summary).toBe('Alert fired: Crash spike')
    expect(texts(alert)).toEqual(['🚨 **Alert fired: Crash spike** \\(spike\\)', 'observed 42 · expected 7.12 · threshold 18.5'])
    const digest = renderTeamsMessage(envelope('digest.daily', {
      day: '2026-12-04', totals: { total: 4, negative: 2, netSentiment: -33.3, changePct: 100 },
      sources: [{ name: 'r/acme', n: 4 }], intents: [{ intent: 'bug_report', n: 2 }], negative: [],
    }))
    expect(texts(digest)).toEqual([
      '📰 **Daily digest, 2026-12-04**',
      '**4** mentions \\(+100% on the day before\\) · 2 negative · net sentiment -33.3',
      'Sources: r/acme 4',
      'Intents: bug report 2',
    ])
  })

  it('escapes Markdown control characters, and list and heading marks at a line’s start', () => {
    expect(escapeMarkdown('a*b_c`d[e](f)~g<h>i\\j{{DATE(x)}}')).toBe('a\\*b\\_c\\`d\\[e\\]\\(f\\)\\~g\\<h\\>i\\\\j\\{\\{DATE\\(x\\)\\}\\}')
    expect(escapeMarkdown('# one\n  - two\n3. three\nfour - 5. six #7')).toBe('\\# one\n  \\- two\n3\\. three\nfour - 5. six #7')
  })
})
