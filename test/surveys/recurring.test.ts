import { describe, expect, it } from 'vitest'
import type { Mailer } from '../../src/mail/mailer.ts'
import { queueRecurringSends } from '../../src/surveys/recurring-sends.ts'
import { createTestApp } from '../helpers/app.ts'
import { postForm, webSession } from '../web/web-session.ts'

const t = await createTestApp()
const DAY = 86_400_000
// Queueing mails nobody: the send loop does (email-sends.test.ts). A mailer only has to be configured.
const mailer: Mailer = { send: async () => {}, close: () => {} }

async function newSurvey(extra: Record<string, unknown> = {}) {
  const res = await t.call('POST', '/v1/surveys', { body: { kind: 'nps', question: 'How likely are you to recommend Acme?', ...extra } })
  expect(res.status, JSON.stringify(res.data)).toBe(201)
  return res.data as { id: string; recurring: unknown }
}

const customer = (email: string | null, createdDaysAgo: number, name: string | null = null) =>
  t.sql`INSERT INTO customers (workspace_id, name, email, created_at) VALUES (${t.workspaceId}, ${name}, ${email}, ${new Date(Date.now() - createdDaysAgo * DAY)})`
const invitedTo = async (surveyId: string) =>
  (await t.sql<{ email: string; name: string | null; remind: number | null; link: string }[]>`
    SELECT email, name, remind_after_days AS remind, link_base AS link FROM survey_sends WHERE survey_id = ${surveyId} ORDER BY email, created_at`)

describe('surveys by e-mail on repeat', () => {
  it('need a mail server and EARSHOT_PUBLIC_URL, since the tick has no request to take links from', async () => {
    const plain = await newSurvey()
    expect(plain.recurring).toBeNull()
    const every = { recurring: { everyDays: 90 } }
    const noMail = await t.call('PATCH', `/v1/surveys/${plain.id}`, { body: every })
    expect([noMail.status, noMail.data.error.code]).toEqual([409, 'mail_not_configured'])
    t.deps.mail = mailer
    const noUrl = await t.call('POST', '/v1/surveys', { body: { kind: 'csat', question: 'Happy?', ...every } })
    expect([noUrl.status, noUrl.data.error.code]).toEqual([409, 'public_url_not_configured'])
    expect((await t.call('PATCH', `/v1/surveys/${plain.id}`, { body: { recurring: { everyDays: 3 } } })).status).toBe(400)
  })

  it('invite each customer with an address when due, one look per survey every ten minutes across instances', async () => {
    t.deps.mail = mailer
    t.deps.config.publicUrl = 'https://nps.acme.test'
    const survey = await newSurvey({ recurring: { everyDays: 90, firstAfterDays: 14, remindAfterDays: 3 } })
    expect(survey.recurring).toEqual({ everyDays: 90, firstAfterDays: 14, remindAfterDays: 3 })
    const other = await newSurvey()
    await customer('ana@acme.test', 30, 'Ana Lima')
    await customer('new@acme.test', 3)
    await customer(null, 300, 'No address')
    await customer('gone@acme.test', 300)
    await customer('answered@acme.test', 300)
    await customer('lately@acme.test', 300)
    await customer('long-ago@acme.test', 300)
    await t.sql`INSERT INTO survey_unsubscribes (workspace_id, email) VALUES (${t.workspaceId}, 'gone@acme.test')`
    await t.call('POST', `/v1/surveys/${other.id}/responses`, { body: [{ score: 9, email: 'Answered@acme.test', respondedAt: new Date(Date.now() - 5 * DAY).toISOString() }] })
    const sentBefore = (email: string, daysAgo: number) =>
      t.sql`INSERT INTO survey_sends (workspace_id, survey_id, email, link_base, status, created_at) VALUES (${t.workspaceId}, ${survey.id}, ${email}, 'https://nps.acme.test', 'sent', ${new Date(Date.now() - daysAgo * DAY)})`
    await sentBefore('lately@acme.test', 20)
    await sentBefore('long-ago@acme.test', 100)

    const now = Date.now()
    // As the tick calls it: with the deps' clock's now.
    const look = (at: number) => queueRecurringSends({ ...t.deps, clock: () => new Date(at) }, new Date(at))
    const [first, second] = await Promise.all([look(now), look(now)])
    expect(first + second).toBe(2)
    const queued = (await invitedTo(survey.id)).filter((s) => s.remind !== null)
    expect(queued).toEqual([
      { email: 'ana@acme.test', name: 'Ana Lima', remind: 3, link: 'https://nps.acme.test' },
      { email: 'long-ago@acme.test', name: null, remind: 3, link: 'https://nps.acme.test' },
    ])
    expect(await invitedTo(other.id)).toEqual([])

    // A customer due from now on waits for the next look, ten minutes on, whichever instance ticks before.
    await customer('later@acme.test', 20)
    expect(await look(now + 60_000)).toBe(0)
    expect(await look(now + 11 * 60_000)).toBe(1)
    // A quarter on, everyone is due again, but for who unsubscribed and who has no address.
    expect(await look(now + 91 * DAY)).toBe(6)
    const emails = (await invitedTo(survey.id)).map((s) => s.email)
    expect(new Set(emails)).toEqual(new Set(['ana@acme.test', 'new@acme.test', 'answered@acme.test', 'lately@acme.test', 'long-ago@acme.test', 'later@acme.test']))

    // Paused, or off, it owes nobody.
    await t.call('PATCH', `/v1/surveys/${survey.id}`, { body: { status: 'paused' } })
    expect(await look(now + 200 * DAY)).toBe(0)
    const off = await t.call('PATCH', `/v1/surveys/${survey.id}`, { body: { status: 'active', recurring: null } })
    expect(off.data.recurring).toBeNull()
    expect(await look(now + 300 * DAY)).toBe(0)
  })

  it('can keep to customers on some plans', async () => {
    t.deps.mail = mailer
    t.deps.config.publicUrl = 'https://nps.acme.test'
    const survey = await newSurvey({ recurring: { everyDays: 30, plans: ['Pro', 'Enterprise'] } })
    await t.sql`INSERT INTO customers (workspace_id, email, plan, created_at) VALUES
      (${t.workspaceId}, 'pro@plans.test', 'Pro', now() - interval '40 days'), (${t.workspaceId}, 'free@plans.test', 'Free', now() - interval '40 days'),
      (${t.workspaceId}, 'none@plans.test', NULL, now() - interval '40 days'), (${t.workspaceId}, 'big@plans.test', 'Enterprise', now() - interval '40 days')`
    const at = Date.now() + 400 * DAY
    await queueRecurringSends({ ...t.deps, clock: () => new Date(at) }, new Date(at))
    expect((await invitedTo(survey.id)).map((s) => s.email).filter((e) => e.endsWith('@plans.test')).sort()).toEqual(['big@plans.test', 'pro@plans.test'])
    expect((await t.call('PATCH', `/v1/surveys/${survey.id}`, { body: { recurring: { everyDays: 30, plans: [] } } })).status).toBe(400)
  })

  it("are set, shown and stopped on the survey's page; without EARSHOT_PUBLIC_URL the form says why", async () => {
    const admin = await t.keyFor('admin')
    const s = await webSession(t.app, admin, '/app/surveys')
    const survey = await newSurvey()
    const fields: [string, string][] = [['recurring', 'on'], ['everyDays', '60'], ['firstAfterDays', '7'], ['recurringRemind', '3'], ['plans', ' pro,, enterprise ']]
    t.deps.mail = mailer
    t.deps.config.publicUrl = undefined
    const refused = await postForm(t.app, s, `/app/surveys/${survey.id}/recurring`, fields)
    expect(refused.status).toBe(400)
    expect(await refused.text()).toContain('sending on repeat needs EARSHOT_PUBLIC_URL')
    t.deps.config.publicUrl = 'https://nps.acme.test'
    const set = await postForm(t.app, s, `/app/surveys/${survey.id}/recurring`, fields)
    expect(set.status).toBe(303)
    expect((await t.call('GET', `/v1/surveys/${survey.id}`)).data.recurring).toEqual({ everyDays: 60, firstAfterDays: 7, remindAfterDays: 3, plans: ['pro', 'enterprise'] })
    const page = await (await t.app.request(`http://localhost/app/surveys/${survey.id}`, { headers: { cookie: s.cookie } })).text()
    expect(page).toContain('with an e-mail address on pro, enterprise gets this survey every 60 days, the first time 7 days after they are added, with a reminder after 3 days')
    expect(page).toMatch(/name="recurring" value="on" checked/)
    // Saving the survey itself (here with a review link) leaves the schedule alone; unchecking stops it.
    const fields2: [string, string][] = [['question', 'How likely are you to recommend Acme?'], ['reviewLink', 'https://g.page/r/acme/review']]
    expect((await postForm(t.app, s, `/app/surveys/${survey.id}`, fields2)).status).toBe(303)
    expect((await t.call('GET', `/v1/surveys/${survey.id}`)).data).toMatchObject({ reviewLink: 'https://g.page/r/acme/review', recurring: { everyDays: 60, firstAfterDays: 7, remindAfterDays: 3, plans: ['pro', 'enterprise'] } })
    const edit = await (await t.app.request(`http://localhost/app/surveys/${survey.id}`, { headers: { cookie: s.cookie } })).text()
    expect(edit).toContain('name="reviewLink" type="url" value="https://g.page/r/acme/review"')
    expect(edit).toContain('0 of 0 happy respondents followed the review link')
    expect((await postForm(t.app, s, `/app/surveys/${survey.id}/recurring`, [['everyDays', '60']])).status).toBe(303)
    expect((await t.call('GET', `/v1/surveys/${survey.id}`)).data.recurring).toBeNull()
  })
})
