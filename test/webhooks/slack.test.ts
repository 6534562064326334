import { describe, expect, it } from 'vitest'
import { renderSlackMessage } from '../../src/webhooks/slack.ts'

const envelope = (type: Parameters<typeof renderSlackMessage>[0]['type'], data: Record<string, unknown>) =>
  ({ type, timestamp: '2026-01-01T00:00:00.000Z', data })

describe('Slack messages', () => {
  it('escapes text from the internet so it cannot inject mentions or links', () => {
    const msg = renderSlackMessage(
      envelope('mention.created', {
        url: 'https://example.com/post?a=1&b=2',
        author: { handle: '<!channel>' },
        text: 'hi <!here> & <https://evil.example|click>',
        sourceKind: 'reddit',
      }),
    )
    const text = JSON.stringify(msg)
    expect(text).not.toContain('<!channel>')
    expect(text).not.toContain('<!here>')
    expect(text).not.toContain('<https://evil.example')
    expect(text).toContain('&lt;!here&gt; &amp; &lt;https://evil.example|click&gt;')
    expect(text).toContain('<https://example.com/post?a=1&b=2|Open the mention>')
  })

  it('links back only to http(s) URLs and keeps a link from breaking out', () => {
    const js = JSON.stringify(renderSlackMessage(envelope('mention.created', { url: 'javascript:alert(1)', text: 'x' })))
    expect(js).not.toContain('javascript:')
    const pipe = JSON.stringify(renderSlackMessage(envelope('mention.created', { url: 'https://e.com/a|b>c', text: 'x' })))
    expect(pipe).toContain('<https://e.com/a%7Cb%3Ec|Open the mention>')
  })

  it('explains an alert with observed, expected and threshold', () => {
    const msg = renderSlackMessage(
      envelope('alert.fired', { alert: { name: 'Crash spike', kind: 'spike' }, explanation: { observed: 42, expected: 7.123, threshold: 18.5 } }),
    )
    expect(msg.text).toBe('Alert fired: Crash spike')
    expect(JSON.stringify(msg.blocks)).toContain('observed 42 · expected 7.12 · threshold 18.5')
  })

  it('shows the mention of a match alert and says how long an unanswered one has waited', () => {
    const mention = { title: 'Export crashes', text: 'it crashes', sourceKind: 'github', author: { handle: 'octo' } }
    const match = JSON.stringify(renderSlackMessage(envelope('alert.fired', { alert: { name: 'Big accounts', kind: 'match' }, explanation: { matched: 2, mentionId: 'x' }, mention })).blocks)
    expect(match).toContain('Export crashes')
    const overdue = renderSlackMessage(
      envelope('alert.fired', { alert: { name: 'Reply in 2h', kind: 'unanswered' }, explanation: { waiting: 3, replyWithin: '2h', oldestMinutes: 185, mentionId: 'x' }, mention }),
    )
    expect(JSON.stringify(overdue.blocks)).toContain('3 waiting for a reply over 2h · the oldest 185 min')
    expect(JSON.stringify(overdue.blocks)).toContain('Export crashes')
  })

  it('renders survey responses and ticket changes readably', () => {
    expect(renderSlackMessage(envelope('survey_response.created', { score: 3, comment: 'meh', surveyKind: 'nps' })).text).toBe('New NPS response: 3')
    const ticket = renderSlackMessage(envelope('ticket.updated', { title: 'Export crashes', status: 'done', externalUrl: 'https://github.com/o/r/issues/1' }))
    expect(ticket.text).toBe('Ticket Export crashes is now done')
    expect(JSON.stringify(ticket.blocks)).toContain('<https://github.com/o/r/issues/1|Open in the tracker>')
  })
})
