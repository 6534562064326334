import { describe, expect, it } from 'vitest'
import { ADMIN_KEY, createTestApp } from '../helpers/app.ts'
import { postForm, webSession } from '../web/web-session.ts'

const t = await createTestApp()
const TEXT = 'Call me at +1 415 555 0199 or mail dana@example.com about the export bug'

async function push(externalId: string) {
  const src = await t.call('POST', '/v1/sources', { body: { kind: 'api', name: `push ${externalId}` } })
  const res = await t.call('POST', '/v1/mentions', {
    body: { sourceId: src.data.id, items: [{ externalId, url: `https://example.com/${externalId}`, author: { handle: 'dana' }, text: TEXT, publishedAt: new Date().toISOString() }] },
  })
  return (await t.call('GET', `/v1/mentions/${res.data.ids[0]}`)).data
}

describe('workspace settings', () => {
  it('shows every role the defaults: PII redacted, the digest at 08:00 UTC', async () => {
    const res = await t.call('GET', '/v1/workspaces/current', { key: await t.keyFor('viewer') })
    expect(res.status).toBe(200)
    expect(res.data).toEqual({ id: t.workspaceId, name: 'default', settings: { redactPii: true, timeZone: 'UTC', digestHour: 8, digestEmails: [], digestWeekday: 1, weeklyDigestEmails: [], translateInto: null, retentionDays: null, assignmentEmails: true, spamThreshold: 0.9 } })
  })

  it('lets admins change them, and refuses anything else with the reason', async () => {
    expect((await t.call('PATCH', '/v1/workspaces/current/settings', { key: await t.keyFor('agent'), body: { redactPii: false } })).status).toBe(403)
    for (const body of [{}, { digestHour: 24 }, { redactPii: 'no' }, { colour: 'blue' }, { retentionDays: 3 }, { retentionDays: 30.5 }]) {
      expect((await t.call('PATCH', '/v1/workspaces/current/settings', { body })).status, JSON.stringify(body)).toBe(400)
    }
    const res = await t.call('PATCH', '/v1/workspaces/current/settings', { body: { digestHour: 6 } })
    expect(res.data).toEqual({ redactPii: true, timeZone: 'UTC', digestHour: 6, digestEmails: [], digestWeekday: 1, weeklyDigestEmails: [], translateInto: null, retentionDays: null, assignmentEmails: true, spamThreshold: 0.9 })
    const other = await t.call('POST', '/v1/workspaces', { key: ADMIN_KEY, body: { name: 'settings-other' } })
    expect((await t.call('GET', '/v1/workspaces/current', { key: other.data.key })).data.settings).toEqual({ redactPii: true, timeZone: 'UTC', digestHour: 8, digestEmails: [], digestWeekday: 1, weeklyDigestEmails: [], translateInto: null, retentionDays: null, assignmentEmails: true, spamThreshold: 0.9 })
  })

  it('turns PII redaction off and on for new mentions and new surveys', async () => {
    const redacted = await push('pii-1')
    expect(redacted.text).not.toContain('dana@example.com')
    const surveyOn = await t.call('POST', '/v1/surveys', { body: { kind: 'nps', question: 'How likely?' } })
    expect(surveyOn.data.redactPii).toBe(true)

    expect((await t.call('PATCH', '/v1/workspaces/current/settings', { body: { redactPii: false } })).data.redactPii).toBe(false)
    const kept = await push('pii-2')
    expect(kept.text).toContain('dana@example.com')
    const surveyOff = await t.call('POST', '/v1/surveys', { body: { kind: 'nps', question: 'How likely?' } })
    expect(surveyOff.data.redactPii).toBe(false)
    // A survey can still choose for itself.
    expect((await t.call('POST', '/v1/surveys', { body: { kind: 'nps', question: 'How likely?', redactPii: true } })).data.redactPii).toBe(true)
    await t.call('PATCH', '/v1/workspaces/current/settings', { body: { redactPii: true } })
  })

  it('are changed by admins from the Settings page', async () => {
    const agent = await webSession(t.app, await t.keyFor('agent'))
    expect((await postForm(t.app, agent, '/app/settings/workspace', [['digestHour', '6']])).status).toBe(403)
    const admin = await webSession(t.app, ADMIN_KEY)
    const page = await (await t.app.request('http://localhost/app/settings', { headers: { cookie: admin.cookie } })).text()
    expect(page).toContain('name="redactPii" value="true" checked')
    expect(page).toContain('name="assignmentEmails" value="true" checked')
    // An unchecked box is not sent: redaction and assignment e-mails go off.
    expect((await postForm(t.app, admin, '/app/settings/workspace', [['digestHour', '6']])).status).toBe(303)
    expect((await t.call('GET', '/v1/workspaces/current')).data.settings).toEqual({ redactPii: false, timeZone: 'UTC', digestHour: 6, digestEmails: [], digestWeekday: 1, weeklyDigestEmails: [], translateInto: null, retentionDays: null, assignmentEmails: false, spamThreshold: 0.9 })
    expect((await postForm(t.app, admin, '/app/settings/workspace', [['redactPii', 'true'], ['digestHour', '25']])).status).toBe(400)
    expect((await postForm(t.app, admin, '/app/settings/workspace', [['redactPii', 'true'], ['digestHour', '8'], ['translateInto', 'el']])).status).toBe(303)
    expect((await t.call('GET', '/v1/workspaces/current')).data.settings.translateInto).toBe('el')
    expect((await postForm(t.app, admin, '/app/settings/workspace', [['redactPii', 'true'], ['timeZone', 'Europe/Atlantis'], ['digestHour', '8']])).status).toBe(400)
    expect((await postForm(t.app, admin, '/app/settings/workspace', [['redactPii', 'true'], ['timeZone', 'Europe/Oslo'], ['digestHour', '8']])).status).toBe(303)
    expect((await t.call('GET', '/v1/workspaces/current')).data.settings.timeZone).toBe('Europe/Oslo')
    expect((await postForm(t.app, admin, '/app/settings/workspace', [['redactPii', 'true'], ['digestHour', '8'], ['retentionDays', '365']])).status).toBe(303)
    expect((await t.call('GET', '/v1/workspaces/current')).data.settings.retentionDays).toBe(365)
    expect(await (await t.app.request('http://localhost/app/settings', { headers: { cookie: admin.cookie } })).text()).toContain('name="retentionDays" type="number" min="7" max="3650" value="365"')
    expect((await postForm(t.app, admin, '/app/settings/workspace', [['redactPii', 'true'], ['digestHour', '8'], ['retentionDays', '2']])).status).toBe(400)
    expect((await postForm(t.app, admin, '/app/settings/workspace', [['digestHour', '8'], ['digestWeekday', '5'], ['weeklyDigestEmails', 'lead@acme.example\nops@acme.example']])).status).toBe(303)
    expect((await t.call('GET', '/v1/workspaces/current')).data.settings).toMatchObject({ digestWeekday: 5, weeklyDigestEmails: ['lead@acme.example', 'ops@acme.example'] })
    expect(await (await t.app.request('http://localhost/app/settings', { headers: { cookie: admin.cookie } })).text()).toContain('<option value="5" selected="">Friday</option>')
    expect((await postForm(t.app, admin, '/app/settings/workspace', [['digestHour', '8'], ['digestWeekday', '9']])).status).toBe(400)
    expect((await postForm(t.app, admin, '/app/settings/workspace', [['redactPii', 'true'], ['assignmentEmails', 'true'], ['digestHour', '8'], ['translateInto', '']])).status).toBe(303)
    expect((await t.call('GET', '/v1/workspaces/current')).data.settings).toEqual({ redactPii: true, timeZone: 'UTC', digestHour: 8, digestEmails: [], digestWeekday: 1, weeklyDigestEmails: [], translateInto: null, retentionDays: null, assignmentEmails: true, spamThreshold: 0.9 })
  })

  it('lets admins make an API key on the Settings page, shown once, and revoke it', async () => {
    const admin = await webSession(t.app, ADMIN_KEY)
    const created = await postForm(t.app, admin, '/app/settings/keys', [['name', 'Zapier <b>bridge</b>'], ['role', 'viewer']])
    expect(created.status).toBe(200)
    const html = await created.text()
    const key = /<code>(esk_[^<]+)<\/code>/.exec(html)![1]
    expect(html).toContain('Zapier &lt;b&gt;bridge&lt;/b&gt;')
    expect((await t.call('GET', '/v1/mentions?limit=1', { key })).status).toBe(200)
    const page = await (await t.app.request('http://localhost/app/settings', { headers: { cookie: admin.cookie } })).text()
    expect(page).not.toContain(key)
    const id = (await t.call('GET', '/v1/api-keys')).data.items.find((k: { name: string }) => k.name === 'Zapier <b>bridge</b>').id
    expect((await postForm(t.app, admin, `/app/settings/keys/${id}/delete`, [])).status).toBe(303)
    expect((await t.call('GET', '/v1/mentions?limit=1', { key })).status).toBe(401)
    expect((await postForm(t.app, admin, '/app/settings/keys', [['name', ''], ['role', 'viewer']])).status).toBe(400)
    expect((await postForm(t.app, admin, '/app/settings/keys', [['name', 'x'], ['role', 'owner']])).status).toBe(400)
  })
})
