import type { ParsedMail } from 'mailparser'
import { describe, expect, it } from 'vitest'
import { smtpMailer, type Mailer } from '../../src/mail/mailer.ts'
import { sendDueInvitations, sendDueReminders } from '../../src/surveys/send-loop.ts'
import { createTestApp } from '../helpers/app.ts'
import { startSmtp } from '../helpers/smtp.ts'
import { postForm, webSession } from '../web/web-session.ts'

const t = await createTestApp()
const { received, mailer } = await startSmtp('Acme <nps@acme.test>')

const HOST = 'https://feedback.acme.test'
/** A header as the message carried it (mailparser reads List-* headers into structures of its own). */
const header = (m: ParsedMail, name: string) => m.headerLines.find((h) => h.key === name)?.line.replace(/^[^:]+:\s*/, '')

async function newSurvey(extra: Record<string, unknown> = {}) {
  const res = await t.call('POST', '/v1/surveys', { body: { kind: 'nps', question: 'How likely are you to recommend Acme?', allowedOrigins: ['https://acme.test'], ...extra } })
  expect(res.status, JSON.stringify(res.data)).toBe(201)
  return res.data as { id: string; publicKey: string }
}

const send = (surveyId: string, body: unknown) => t.call('POST', `/v1/surveys/${surveyId}/sends`, { body, headers: { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'feedback.acme.test' } })

describe('surveys by e-mail', () => {
  it('says so when no mail server is configured', async () => {
    const survey = await newSurvey()
    const res = await send(survey.id, { recipients: [{ email: 'ana@acme.test' }] })
    expect(res.status).toBe(409)
    expect(res.data.error.code).toBe('mail_not_configured')
  })

  it('mails one-click score links, ties the answer to the invitee, and counts the response rate', async () => {
    t.deps.mail = mailer
    const survey = await newSurvey()
    const [customer] = await t.sql`INSERT INTO customers (workspace_id, name, email) VALUES (${t.workspaceId}, 'Ana Lima', 'ana@acme.test') RETURNING id`
    await t.sql`INSERT INTO survey_unsubscribes (workspace_id, email) VALUES (${t.workspaceId}, 'gone@acme.test')`
    const other = await newSurvey({ name: 'CSAT after support' })
    await t.call('POST', `/v1/surveys/${other.id}/responses`, { body: [{ score: 8, email: 'Recent@acme.test' }] })

    const res = await send(survey.id, {
      subject: 'Two minutes for Acme?',
      intro: 'We read every answer.',
      recipients: [
        { email: 'ANA@acme.test', name: 'Ana <b>Lima</b>' },
        { email: 'bo@acme.test' },
        { email: 'not an address' },
        { email: 'bo@acme.test' },
        { email: 'gone@acme.test' },
        { email: 'recent@acme.test' },
        { email: 'nobody@bounce.test' },
      ],
    })
    expect(res.status, JSON.stringify(res.data)).toBe(202)
    expect(res.data).toEqual({
      queued: 3,
      skipped: [
        { index: 2, email: 'not an address', reason: 'not an e-mail address' },
        { index: 3, email: 'bo@acme.test', reason: 'repeated in this request' },
        { index: 4, email: 'gone@acme.test', reason: 'unsubscribed' },
        { index: 5, email: 'recent@acme.test', reason: 'answered a survey within the last 30 days' },
      ],
    })

    expect(await sendDueInvitations(t.deps, mailer)).toEqual({ sent: 2, failed: 1 })
    const toAna = received.find((m) => m.to && !Array.isArray(m.to) && m.to.text === 'ANA@acme.test')!
    expect(toAna.subject).toBe('Two minutes for Acme?')
    expect(toAna.from?.value[0]).toMatchObject({ name: 'Acme', address: 'nps@acme.test' })
    expect(String(toAna.html)).toContain('Ana &lt;b&gt;Lima&lt;/b&gt;,')
    expect(String(toAna.html)).not.toContain('<b>Lima</b>')
    const links = [...(toAna.text ?? '').matchAll(/^(\d+): (\S+)$/gm)].map((m) => [Number(m[1]), m[2]] as const)
    expect(links.map(([n]) => n)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    const nine = new URL(links[9][1])
    expect(nine.origin + nine.pathname).toBe(`${HOST}/s/${survey.publicKey}`)
    const token = nine.searchParams.get('send')!
    expect(token).toMatch(/^[0-9a-f]{64}$/)
    expect(header(toAna, 'list-unsubscribe')).toBe(`<${HOST}/s/${survey.publicKey}/unsubscribe?send=${token}&lang=en>`)
    expect(header(toAna, 'list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click')

    // The link opens the hosted page with the score and the invitation for the embed to send.
    const page = await (await t.app.request(`/s/${survey.publicKey}?score=9&send=${token}`)).text()
    expect(page).toContain(`data-score="9" data-send="${token}"`)
    const answer = await t.app.request(`http://localhost/s/${survey.publicKey}/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://localhost', host: 'localhost' },
      body: JSON.stringify({ score: 9, send: token }),
    })
    expect(answer.status).toBe(201)
    const { id } = (await answer.json()) as { id: string }
    const [stored] = await t.sql`SELECT email, customer_id, customer_match, channel FROM survey_responses WHERE id = ${id}`
    expect(stored).toEqual({ email: 'ANA@acme.test', customer_id: customer.id, customer_match: 'survey_email', channel: 'hosted' })

    // A token nobody was sent links nothing; the answer still counts.
    const forged = await t.app.request(`http://localhost/s/${survey.publicKey}/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://localhost', host: 'localhost' },
      body: JSON.stringify({ score: 3, send: 'f'.repeat(64) }),
    })
    expect(forged.status).toBe(201)
    const [anon] = await t.sql`SELECT email, customer_id FROM survey_responses WHERE id = ${((await forged.json()) as { id: string }).id}`
    expect(anon).toEqual({ email: null, customer_id: null })

    // By channel: the invitee's answer is the e-mail channel's, the forged one's the hosted page's.
    const byChannel = await t.call('GET', `/v1/surveys/${survey.id}/results?segment=channel`)
    expect(byChannel.data.segments.map((g: { value: string; nps: { n: number } }) => [g.value, g.nps.n])).toEqual([['email', 1], ['hosted', 1]])

    const list = await t.call('GET', `/v1/surveys/${survey.id}/sends`)
    expect(list.data.totals).toEqual({ queued: 0, sending: 0, sent: 2, failed: 1, responded: 1, reminded: 0, responseRatePct: 50 })
    const bounced = list.data.items.find((s: { email: string }) => s.email === 'nobody@bounce.test')
    expect(bounced).toMatchObject({ status: 'failed', attempts: 1 })
    expect(bounced.error).toContain('mailbox unavailable')
    expect(list.data.items.find((s: { email: string }) => s.email === 'ANA@acme.test')).toMatchObject({ status: 'sent', responseId: id })
    expect((await t.call('GET', `/v1/surveys/${survey.id}/sends?status=failed`)).data.items).toHaveLength(1)

    // Their data export lists the invitation; erasing the customer takes it (and the address in it) too.
    const exported = await t.call('GET', `/v1/customers/${customer.id}/export`)
    expect(exported.data.surveyInvitations).toEqual([expect.objectContaining({ surveyId: survey.id, email: 'ANA@acme.test', status: 'sent' })])
    expect((await t.call('DELETE', `/v1/customers/${customer.id}?erase=true`)).status).toBe(200)
    expect(await t.sql`SELECT 1 FROM survey_sends WHERE lower(email) = 'ana@acme.test'`).toHaveLength(0)
  })

  it('reminds once, after the days asked, only those who have not answered or unsubscribed, with links of its own', async () => {
    t.deps.mail = mailer
    const survey = await newSurvey({ name: `reminders ${crypto.randomUUID()}` })
    const to = (m: ParsedMail) => (m.to && !Array.isArray(m.to) ? m.to.text : '')
    const linkOf = (m: ParsedMail) => new URL([...(m.text ?? '').matchAll(/^9: (\S+)$/gm)][0][1]).searchParams.get('send')!
    const answer = (token: string) =>
      t.app.request(`http://localhost/s/${survey.publicKey}/responses`, {
        method: 'POST', headers: { 'content-type': 'application/json', origin: 'http://localhost', host: 'localhost' }, body: JSON.stringify({ score: 9, send: token }),
      })
    const res = await send(survey.id, {
      subject: 'How are we doing?',
      remindAfterDays: 3,
      recipients: ['linked', 'elsewhere', 'leaving', 'quiet'].map((n) => ({ email: `${n}@remind.test` })),
    })
    expect(res.data.queued).toBe(4)
    expect((await send(survey.id, { remindAfterDays: 30, recipients: [{ email: 'x@remind.test' }] })).status).toBe(400)
    expect(await sendDueInvitations(t.deps, mailer)).toEqual({ sent: 4, failed: 0 })
    const due = await t.sql<{ remind_at: Date; sent_at: Date }[]>`SELECT remind_at, sent_at FROM survey_sends WHERE survey_id = ${survey.id}`
    expect(due.every((d) => d.remind_at.getTime() - d.sent_at.getTime() === 3 * 86_400_000)).toBe(true)
    expect(await sendDueReminders(t.deps, mailer)).toEqual({ sent: 0, failed: 0 })

    const first = (name: string) => received.find((m) => to(m) === `${name}@remind.test`)!
    expect((await answer(linkOf(first('linked')))).status).toBe(201)
    await t.call('POST', `/v1/surveys/${survey.id}/responses`, { body: [{ score: 7, email: 'Elsewhere@remind.test' }] })
    const leaving = new URL((header(first('leaving'), 'list-unsubscribe') ?? '').slice(1, -1))
    expect((await t.app.request(leaving.pathname + leaving.search, { method: 'POST' })).status).toBe(200)

    // Three days on.
    await t.sql`UPDATE survey_sends SET remind_at = now() - interval '1 second' WHERE survey_id = ${survey.id}`
    expect(await sendDueReminders(t.deps, mailer)).toEqual({ sent: 1, failed: 0 })
    expect(await sendDueReminders(t.deps, mailer)).toEqual({ sent: 0, failed: 0 })
    const reminders = received.filter((m) => to(m).endsWith('@remind.test') && m.subject?.startsWith('Reminder'))
    expect(reminders.map((m) => [to(m), m.subject])).toEqual([['quiet@remind.test', 'Reminder: How are we doing?']])
    const again = linkOf(reminders[0])
    expect(again).not.toBe(linkOf(first('quiet')))

    // Both messages' links are the invitee's.
    const { id } = (await (await answer(again)).json()) as { id: string }
    expect((await t.sql`SELECT email FROM survey_responses WHERE id = ${id}`)[0].email).toBe('quiet@remind.test')
    const list = await t.call('GET', `/v1/surveys/${survey.id}/sends`)
    expect(list.data.totals).toMatchObject({ sent: 4, responded: 2, reminded: 1 })
    const byEmail = Object.fromEntries(list.data.items.map((s: { email: string }) => [s.email, s]))
    expect(byEmail['quiet@remind.test']).toMatchObject({ remindAt: null, reminderError: null, responseId: id })
    for (const n of ['linked', 'elsewhere', 'leaving']) {
      expect(byEmail[`${n}@remind.test`], n).toMatchObject({ remindAt: null, remindedAt: null, reminderError: 'not needed: answered or unsubscribed' })
    }
  })

  it('sends no reminder for a paused survey', async () => {
    t.deps.mail = mailer
    const survey = await newSurvey({ name: `paused reminder ${crypto.randomUUID()}` })
    await send(survey.id, { remindAfterDays: 2, recipients: [{ email: 'paused@remind.test' }] })
    expect(await sendDueInvitations(t.deps, mailer)).toMatchObject({ sent: 1 })
    expect((await t.call('PATCH', `/v1/surveys/${survey.id}`, { body: { status: 'paused' } })).status).toBe(200)
    await t.sql`UPDATE survey_sends SET remind_at = now() WHERE survey_id = ${survey.id}`
    expect(await sendDueReminders(t.deps, mailer)).toEqual({ sent: 0, failed: 1 })
    const [row] = (await t.call('GET', `/v1/surveys/${survey.id}/sends`)).data.items
    expect(row).toMatchObject({ remindedAt: null, remindAt: null, reminderError: 'the survey was paused before the reminder went out' })
  })

  it('closes the loop: e-mails a respondent about their answer, quoted, keeps it with the response, and forgets it with the person', async () => {
    const survey = await newSurvey({ name: `loop ${crypto.randomUUID()}` })
    const customer = await t.call('POST', '/v1/customers', { body: { name: 'Dora', email: 'dora@loop.test' } })
    const imported = await t.call('POST', `/v1/surveys/${survey.id}/responses`, {
      body: [{ score: 3, comment: 'Too slow since the update & support is\nquiet', email: 'dora@loop.test' }, { score: 9 }, { score: 2, email: 'nobody@bounce.test' }],
    })
    expect(imported.data.inserted).toBe(3)
    const rows = await t.sql<{ id: string; score: number }[]>`SELECT id, score FROM survey_responses WHERE survey_id = ${survey.id}`
    const idOf = (score: number) => rows.find((r) => r.score === score)!.id
    const replyUrl = (id: string) => `/v1/surveys/${survey.id}/responses/${id}/replies`
    const agent = await t.keyFor('agent')

    t.deps.mail = undefined
    expect((await t.call('POST', replyUrl(idOf(3)), { key: agent, body: { text: 'Sorry!' } })).data.error.code).toBe('mail_not_configured')
    t.deps.mail = mailer
    const res = await t.call('POST', replyUrl(idOf(3)), { key: agent, body: { text: 'Sorry, Dora.\n\nWe fixed the slowness in 4.13; <i>thank you</i>.', replyTo: 'support@acme.test' } })
    expect(res.status, JSON.stringify(res.data)).toBe(201)
    expect(res.data).toMatchObject({ to: 'dora@loop.test', subject: 'Re: How likely are you to recommend Acme?', status: 'sent', replyTo: 'support@acme.test', author: 'test agent' })
    const mail = received.find((m) => m.to && !Array.isArray(m.to) && m.to.text === 'dora@loop.test')!
    expect(mail.text).toBe('Sorry, Dora.\n\nWe fixed the slowness in 4.13; <i>thank you</i>.\n\n> Too slow since the update & support is\n> quiet\n')
    expect(String(mail.html)).toContain('<p>We fixed the slowness in 4.13; &lt;i&gt;thank you&lt;/i&gt;.</p>')
    expect(String(mail.html)).toContain('Too slow since the update &amp; support is<br>quiet</blockquote>')
    expect(mail.replyTo?.text).toBe('support@acme.test')
    expect((await t.call('GET', replyUrl(idOf(3)))).data.items).toEqual([res.data])

    const noAddress = await t.call('POST', replyUrl(idOf(9)), { key: agent, body: { text: 'Thanks!' } })
    expect([noAddress.status, noAddress.data.error.code]).toEqual([409, 'no_address'])
    const bounced = await t.call('POST', replyUrl(idOf(2)), { key: agent, body: { text: 'Hello' } })
    expect([bounced.status, bounced.data.error.code]).toEqual([502, 'mail_failed'])
    expect((await t.call('GET', replyUrl(idOf(2)))).data.items).toMatchObject([{ status: 'failed', error: expect.stringContaining('mailbox unavailable') }])
    expect((await t.call('POST', replyUrl(idOf(3)), { key: await t.keyFor('viewer'), body: { text: 'x' } })).status).toBe(403)
    expect((await t.call('POST', replyUrl(idOf(3)), { key: agent, body: { text: '  ' } })).status).toBe(400)
    const other = await newSurvey({ name: `other ${crypto.randomUUID()}` })
    expect((await t.call('POST', `/v1/surveys/${other.id}/responses/${idOf(3)}/replies`, { key: agent, body: { text: 'x' } })).status).toBe(404)
    const tenantB = (await t.call('POST', '/v1/workspaces', { body: { name: `loop-b-${crypto.randomUUID()}` } })).data.key
    expect((await t.call('POST', replyUrl(idOf(3)), { key: tenantB, body: { text: 'x' } })).status).toBe(404)
    expect((await t.call('GET', replyUrl(idOf(3)), { key: tenantB })).status).toBe(404)

    // From the survey page.
    const s = await webSession(t.app, agent, `/app/surveys/${survey.id}`)
    const page = await (await t.app.request(`/app/surveys/${survey.id}`, { headers: { cookie: s.cookie } })).text()
    expect(page).toContain(`action="/app/surveys/${survey.id}/responses/${idOf(3)}/replies"`)
    expect(page).toContain('Answered by <bdi>test agent</bdi>')
    const posted = await postForm(t.app, s, `/app/surveys/${survey.id}/responses/${idOf(3)}/replies`, [['text', 'One more thing'], ['replyTo', '']])
    expect([posted.status, posted.headers.get('location')]).toEqual([303, `/app/surveys/${survey.id}?notice=response-replied`])

    const exported = await t.call('GET', `/v1/customers/${customer.data.id}/export`)
    expect(exported.data.surveyResponseReplies.map((r: { text: string }) => r.text)).toEqual(['Sorry, Dora.\n\nWe fixed the slowness in 4.13; <i>thank you</i>.', 'One more thing'])
    expect((await t.call('DELETE', `/v1/customers/${customer.data.id}?erase=true`)).status).toBe(200)
    expect((await t.sql`SELECT count(*)::int AS n FROM survey_response_replies WHERE response_id = ${idOf(3)}`)[0].n).toBe(0)
  })

  it('sends no second e-mail about an answer a colleague answered after the writer read it, and hands the draft back', async () => {
    t.deps.mail = mailer
    const survey = await newSurvey({ name: `twice ${crypto.randomUUID()}` })
    await t.call('POST', `/v1/surveys/${survey.id}/responses`, { body: [{ score: 2, comment: 'Nobody answers my tickets', email: 'ivan@twice.test' }] })
    const [{ id }] = await t.sql<{ id: string }[]>`SELECT id FROM survey_responses WHERE survey_id = ${survey.id}`
    const replyUrl = `/v1/surveys/${survey.id}/responses/${id}/replies`
    const sentTo = () => received.filter((m) => m.to && !Array.isArray(m.to) && m.to.text === 'ivan@twice.test').length
    const dana = await t.keyFor('agent')
    const s = await webSession(t.app, dana, `/app/surveys/${survey.id}`)
    const page = await (await t.app.request(`/app/surveys/${survey.id}`, { headers: { cookie: s.cookie } })).text()
    const seen = new RegExp(`action="/app/surveys/${survey.id}/responses/${id}/replies"[^]*?name="seen" value="([^"]+)"`).exec(page)![1]

    const read = new Date(Date.now() - 1000).toISOString()
    expect((await t.call('POST', replyUrl, { key: dana, body: { text: 'Ivan, we are on it.', unlessRepliedSince: read } })).status).toBe(201)
    const late = await t.call('POST', replyUrl, { key: dana, body: { text: 'Hi Ivan!', unlessRepliedSince: read } })
    expect(late.status).toBe(409)
    expect(late.data.error).toMatchObject({ code: 'already_replied', details: { replies: [{ text: 'Ivan, we are on it.', status: 'sent' }] } })
    await expect.poll(sentTo, { timeout: 10_000 }).toBe(1)

    const handed = await postForm(t.app, s, `/app/surveys/${survey.id}/responses/${id}/replies`, [['text', 'My own <b>take</b>'], ['seen', seen]])
    expect(handed.status).toBe(200)
    const html = await handed.text()
    expect(html).toContain('e-mailed this person after you read their answer, so yours was not sent')
    expect(html).toMatch(/<details open="">[^]*?<textarea id="reply-[^"]+"[^>]*>My own &lt;b&gt;take&lt;\/b&gt;<\/textarea>/)
    expect(sentTo()).toBe(1)
    const fresh = /name="seen" value="([^"]+)"/.exec(html)![1]
    expect((await postForm(t.app, s, `/app/surveys/${survey.id}/responses/${id}/replies`, [['text', 'My own take'], ['seen', fresh]])).status).toBe(303)
    await expect.poll(sentTo, { timeout: 10_000 }).toBe(2)
  })

  it('counts an e-mail still on its way to the mail server, without holding the answer while it waits', async () => {
    let release!: () => void
    const slow: Mailer = { send: () => new Promise<void>((resolve) => (release = resolve)), close: () => {} }
    t.deps.mail = slow
    const survey = await newSurvey({ name: `slow ${crypto.randomUUID()}` })
    await t.call('POST', `/v1/surveys/${survey.id}/responses`, { body: [{ score: 1, comment: 'Broken again', email: 'lea@slow.test' }] })
    const [{ id }] = await t.sql<{ id: string }[]>`SELECT id FROM survey_responses WHERE survey_id = ${survey.id}`
    const replyUrl = `/v1/surveys/${survey.id}/responses/${id}/replies`
    const read = new Date(Date.now() - 1000).toISOString()
    const first = t.call('POST', replyUrl, { body: { text: 'Lea, we are on it.', unlessRepliedSince: read } })
    await expect.poll(async () => (await t.sql`SELECT status FROM survey_response_replies WHERE response_id = ${id}`).map((r) => r.status)).toEqual(['sending'])
    // The answer's row is free while the mail server thinks: a second writer is refused at once, not kept waiting.
    const second = await t.call('POST', replyUrl, { body: { text: 'Hi Lea', unlessRepliedSince: read } })
    expect(second.status).toBe(409)
    expect(second.data.error.details.replies).toMatchObject([{ text: 'Lea, we are on it.', status: 'sending' }])
    release()
    expect(await first).toMatchObject({ status: 201, data: { status: 'sent' } })
  })

  it('unsubscribes only when the button is pressed or the mail client posts, and later sends skip the address', async () => {
    t.deps.mail = mailer
    const survey = await newSurvey()
    expect((await send(survey.id, { recipients: [{ email: 'cai@acme.test' }] })).data.queued).toBe(1)
    await sendDueInvitations(t.deps, mailer)
    const mail = received.find((m) => m.to && !Array.isArray(m.to) && m.to.text === 'cai@acme.test')!
    const link = header(mail, 'list-unsubscribe')!.slice(1, -1)
    const path = new URL(link).pathname + new URL(link).search

    const pageRes = await t.app.request(path)
    expect(pageRes.status).toBe(200)
    expect(pageRes.headers.get('content-security-policy')).toContain("form-action 'self'")
    expect(await pageRes.text()).toContain(`<form method="post" action="${path.replace('&', '&amp;')}">`)
    expect(await t.sql`SELECT 1 FROM survey_unsubscribes WHERE email = 'cai@acme.test'`).toHaveLength(0)

    const done = await t.app.request(path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' })
    expect(done.status).toBe(200)
    expect(await done.text()).toContain('You will not get our surveys by e-mail any more.')
    const again = await send((await newSurvey()).id, { recipients: [{ email: 'Cai@acme.test' }] })
    expect(again.data).toEqual({ queued: 0, skipped: [{ index: 0, email: 'Cai@acme.test', reason: 'unsubscribed' }] })

    // A mailbox provider posts many one-click unsubscribes from one address: none is turned away.
    const tokens = Array.from({ length: 25 }, (_, i) => i.toString(16).padStart(64, 'a'))
    for (const [i, token] of tokens.entries()) {
      await t.sql`
        INSERT INTO survey_sends (workspace_id, survey_id, email, link_base, status, token_hash)
        VALUES (${t.workspaceId}, ${survey.id}, ${`bulk${i}@acme.test`}, 'https://x.test', 'sent', encode(sha256(convert_to(${token}, 'UTF8')), 'hex'))`
    }
    const statuses = []
    for (const token of tokens) statuses.push((await t.app.request(`/s/${survey.publicKey}/unsubscribe?send=${token}`, { method: 'POST' })).status)
    expect(new Set(statuses)).toEqual(new Set([200]))

    expect((await t.app.request(`/s/${survey.publicKey}/unsubscribe?send=${'0'.repeat(64)}`, { method: 'POST' })).status).toBe(404)
    expect((await t.app.request(`/s/${survey.publicKey}/unsubscribe?send=nope`)).status).toBe(404)
  })

  it('retries when the mail server cannot be reached, refuses bad input, and keeps other workspaces out', async () => {
    const survey = await newSurvey()
    t.deps.mail = mailer
    expect((await send(survey.id, { recipients: [{ email: 'dee@acme.test' }] })).data.queued).toBe(1)
    const down = smtpMailer('smtp://127.0.0.1:9', 'Acme <nps@acme.test>')
    expect(await sendDueInvitations(t.deps, down)).toEqual({ sent: 0, failed: 0 })
    down.close()
    const [row] = await t.sql`SELECT status, attempts, next_attempt_at > now() AS later, token_hash FROM survey_sends WHERE email = 'dee@acme.test'`
    expect(row).toMatchObject({ status: 'queued', attempts: 1, later: true })

    // Scheduled for tomorrow: not due yet.
    const later = await send(survey.id, { recipients: [{ email: 'eli@acme.test' }], sendAt: new Date(Date.now() + 86_400_000).toISOString() })
    expect(later.data.queued).toBe(1)
    await t.sql`UPDATE survey_sends SET next_attempt_at = now() + interval '1 hour' WHERE email = 'dee@acme.test'`
    expect(await sendDueInvitations(t.deps, mailer)).toEqual({ sent: 0, failed: 0 })
    expect((await send(survey.id, { recipients: [{ email: 'x@acme.test' }], sendAt: new Date(Date.now() + 40 * 86_400_000).toISOString() })).status).toBe(400)
    expect((await send(survey.id, { recipients: [] })).status).toBe(400)
    expect((await send(survey.id, { recipients: [{ email: 'x@acme.test', extra: 1 }], subject: '' })).status).toBe(400)
    expect((await t.call('POST', `/v1/surveys/${survey.id}/sends`, { key: await t.keyFor('viewer'), body: { recipients: [{ email: 'x@acme.test' }] } })).status).toBe(403)
    const stranger = (await t.call('POST', '/v1/workspaces', { body: { name: 'mail-other' } })).data
    expect((await t.call('GET', `/v1/surveys/${survey.id}/sends`, { key: stranger.key })).status).toBe(404)
    await t.call('PATCH', `/v1/surveys/${survey.id}`, { body: { status: 'paused' } })
    expect((await send(survey.id, { recipients: [{ email: 'x@acme.test' }] })).data.error.code).toBe('survey_paused')
    // Queued before the pause: it never goes out.
    await t.sql`UPDATE survey_sends SET next_attempt_at = now() WHERE email = 'dee@acme.test'`
    expect(await sendDueInvitations(t.deps, mailer)).toEqual({ sent: 0, failed: 1 })
    expect((await t.sql`SELECT status, error FROM survey_sends WHERE email = 'dee@acme.test'`)[0]).toEqual({ status: 'failed', error: 'the survey was paused before this invitation went out' })
  })

  it('sends from the survey page: the form, what was queued and skipped, escaped, and the totals', async () => {
    t.deps.mail = mailer
    const survey = await newSurvey()
    const s = await webSession(t.app, await t.keyFor('agent'), `/app/surveys/${survey.id}`)
    const res = await postForm(t.app, s, `/app/surveys/${survey.id}/sends`, [
      ['recipients', 'Fay Wong <fay@acme.test>\r\n<img src=x>not-an-address\r\nfay@acme.test'],
      ['subject', ''],
      ['intro', 'Thanks for being with us.'],
      ['remindAfterDays', '5'],
    ])
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).toContain('Queued 1 invitation. Skipped: &lt;img src=x&gt;not-an-address (not an e-mail address); fay@acme.test (repeated in this request).')
    expect(html).not.toContain('<img src=x>')
    const [row] = await t.sql`SELECT email, name, intro, subject, remind_after_days FROM survey_sends WHERE survey_id = ${survey.id}`
    expect(row).toEqual({ email: 'fay@acme.test', name: 'Fay Wong', intro: 'Thanks for being with us.', subject: null, remind_after_days: 5 })
    await sendDueInvitations(t.deps, mailer)
    const page = await (await t.app.request(`/app/surveys/${survey.id}`, { headers: { cookie: s.cookie } })).text()
    expect(page).toContain('1 sent, 0 waiting, 0 failed, 0 reminded; 0 answered (0% of those sent).')
    expect(page).toMatch(/<td>due <time datetime="[^"]+" data-local="true">\d{4}-\d\d-\d\d \d\d:\d\d<\/time><\/td>/)
    expect(page).toContain('Fay Wong &lt;fay@acme.test&gt;')
    // With EARSHOT_PUBLIC_URL set, links go there whatever Host the caller sent.
    t.deps.config.publicUrl = 'https://nps.acme.test'
    try {
      await send(survey.id, { recipients: [{ email: 'gus@acme.test' }] })
      expect((await t.sql`SELECT link_base FROM survey_sends WHERE email = 'gus@acme.test'`)[0].link_base).toBe('https://nps.acme.test')
    } finally {
      t.deps.config.publicUrl = undefined
    }

    const viewer = await webSession(t.app, await t.keyFor('viewer'), `/app/surveys/${survey.id}`)
    expect((await postForm(t.app, viewer, `/app/surveys/${survey.id}/sends`, [['recipients', 'x@acme.test']])).status).toBe(403)
    t.deps.mail = undefined
    expect(await (await t.app.request(`/app/surveys/${survey.id}`, { headers: { cookie: s.cookie } })).text()).toContain('Set EARSHOT_SMTP_URL and EARSHOT_MAIL_FROM')
  })
})
