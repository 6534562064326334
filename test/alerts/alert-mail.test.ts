import { describe, expect, it } from 'vitest'
import { mailAlerts } from '../../src/alerts/alert-mail.ts'
import { createTestApp } from '../helpers/app.ts'
import { startSmtp } from '../helpers/smtp.ts'
import { postForm, webSession } from '../web/web-session.ts'

const t = await createTestApp()
const { received, mailer } = await startSmtp('earshot <alerts@acme.test>')

async function push(sourceId: string, text: string) {
  const n = crypto.randomUUID()
  const res = await t.call('POST', '/v1/mentions', {
    body: { sourceId, items: [{ externalId: n, url: `https://forum.example.com/t/${n}`, author: { handle: 'dana', name: 'Dana' }, text, publishedAt: new Date().toISOString() }] },
  })
  expect(res.status).toBe(200)
}

describe('alerts by e-mail', () => {
  it('mail each firing to each address once, after it commits, in the words of its chat message', async () => {
    const source = await t.call('POST', '/v1/sources', { body: { kind: 'api', name: 'forum' } })
    const alert = await t.call('POST', '/v1/alerts', {
      body: { name: 'Export <crashes>', kind: 'match', filter: { q: 'export' }, emails: ['Ops@acme.test', 'ops@acme.test', 'nobody@bounce.test'] },
    })
    expect(alert.status, JSON.stringify(alert.data)).toBe(201)
    expect(alert.data.emails).toEqual(['ops@acme.test', 'nobody@bounce.test'])
    await push(source.data.id, 'Export crashes when a sheet has > 10 tabs & formulas, please fix')
    const queued = await t.sql<{ email: string; status: string }[]>`SELECT email, status FROM alert_mails WHERE alert_id = ${alert.data.id} ORDER BY email`
    expect(queued).toEqual([{ email: 'nobody@bounce.test', status: 'queued' }, { email: 'ops@acme.test', status: 'queued' }])

    // No mail server: they wait.
    t.deps.mail = undefined
    expect(await mailAlerts(t.deps, new Date())).toEqual({ sent: 0, failed: 0 })
    t.deps.mail = mailer
    t.deps.config.publicUrl = 'https://earshot.acme.test'
    expect(await mailAlerts(t.deps, new Date())).toEqual({ sent: 1, failed: 1 })
    expect(received).toHaveLength(1)
    const [m] = received
    expect(m.subject).toBe('Alert fired: Export <crashes>')
    expect((m.to as { text: string }).text).toBe('ops@acme.test')
    expect(m.headers.get('auto-submitted')).toBe('auto-generated')
    expect(m.text).toContain('\n> Export crashes when a sheet has > 10 tabs & formulas, please fix\n')
    expect(m.html).toContain('Export crashes when a sheet has &gt; 10 tabs &amp; formulas')
    expect(m.html).toContain('<strong>Alert fired: Export &lt;crashes&gt;</strong>')
    expect(m.html).toContain(`href="https://earshot.acme.test/app/alerts/${alert.data.id}"`)
    expect(m.html).toContain('href="https://forum.example.com/t/')

    const settled = await t.sql<{ email: string; status: string; payload: unknown; error: string | null }[]>`
      SELECT email, status, payload, error FROM alert_mails WHERE alert_id = ${alert.data.id} ORDER BY email`
    expect(settled.map((r) => [r.email, r.status, r.payload])).toEqual([['nobody@bounce.test', 'failed', {}], ['ops@acme.test', 'sent', {}]])
    expect(settled[0].error).toContain('mailbox unavailable')
    expect(await mailAlerts(t.deps, new Date())).toEqual({ sent: 0, failed: 0 })
    expect(received).toHaveLength(1)

    expect((await t.call('PATCH', `/v1/alerts/${alert.data.id}`, { body: { emails: [] } })).data.emails).toEqual([])
    expect((await t.call('POST', '/v1/alerts', { body: { name: 'x', kind: 'spike', emails: ['not an address'] } })).status).toBe(400)
  })

  it('are set from the alerts form and shown on the alert', async () => {
    const s = await webSession(t.app, await t.keyFor('admin'), '/app/alerts')
    const res = await postForm(t.app, s, '/app/alerts', [['name', 'Angry posts'], ['kind', 'match'], ['sentiment', 'negative'], ['emails', 'lead@acme.test\n\nsupport@acme.test\n']])
    expect(res.status).toBe(303)
    const made = (await t.call('GET', '/v1/alerts')).data.items.find((a: { name: string }) => a.name === 'Angry posts')
    expect(made.emails).toEqual(['lead@acme.test', 'support@acme.test'])
    const page = await (await t.app.request(`http://localhost/app/alerts/${made.id}`, { headers: { cookie: s.cookie } })).text()
    expect(page).toContain('lead@acme.test, support@acme.test')
  })
})
