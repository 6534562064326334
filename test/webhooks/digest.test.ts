import { describe, expect, it } from 'vitest'
import type { MailMessage } from '../../src/mail/mailer.ts'
import { sendDigests } from '../../src/reports/digest.ts'
import { ADMIN_KEY, createTestApp } from '../helpers/app.ts'
import { seedMentions, seedSource } from '../triage/seed.ts'

const t = await createTestApp()
const at = (iso: string) => new Date(iso)

async function deliveries(workspaceId = t.workspaceId) {
  return t.sql<{ webhook_id: string; body: string }[]>`
    SELECT webhook_id, body FROM webhook_deliveries WHERE workspace_id = ${workspaceId} AND event_type IN ('digest.daily', 'digest.weekly') ORDER BY id`
}

describe('the daily digest', () => {
  it("sends the day before's numbers and negative mentions once, after the digest hour, to subscribed webhooks only", async () => {
    const json = await t.call('POST', '/v1/webhooks', { body: { url: 'https://hooks.example.com/digest', events: ['digest.daily'] } })
    const chat = await t.call('POST', '/v1/webhooks', { body: { url: 'https://chat.example.com/services/T1/B1/x', events: ['digest.daily'], format: 'slack' } })
    await t.call('POST', '/v1/webhooks', { body: { url: 'https://hooks.example.com/alerts', events: ['alert.fired'] } })
    expect([json.status, chat.status]).toEqual([201, 201])
    const forum = await seedSource(t.sql, t.workspaceId, 'discourse', 'Forum')
    await seedMentions(t.sql, t.workspaceId, forum, [
      { text: 'Export crashes every time <script>alert(1)</script>', sentiment: 'negative', priority: 0.9, intents: ['bug_report'], publishedAt: at('2026-12-04T09:00:00Z') },
      { text: 'Sync is slow today', sentiment: 'negative', priority: 0.4, publishedAt: at('2026-12-04T10:00:00Z') },
      { text: 'Already sorted out', sentiment: 'negative', priority: 0.95, status: 'resolved', publishedAt: at('2026-12-04T11:00:00Z') },
      { text: 'Love the new dashboard', sentiment: 'positive', publishedAt: at('2026-12-04T12:00:00Z') },
      { text: 'The day before that', sentiment: 'neutral', publishedAt: at('2026-12-03T12:00:00Z') },
      { text: 'Today already', sentiment: 'negative', priority: 1, publishedAt: at('2026-12-05T06:00:00Z') },
    ])
    await t.sql`UPDATE mentions SET rating = 1 WHERE body LIKE 'Export crashes%' OR body = 'Sync is slow today'`
    await t.sql`UPDATE mentions SET rating = 5 WHERE body IN ('Love the new dashboard', 'The day before that')`

    expect(await sendDigests(t.deps, at('2026-12-05T07:59:00Z'))).toEqual({ sent: 0 })
    expect(await sendDigests(t.deps, at('2026-12-05T08:01:00Z'))).toEqual({ sent: 1 })
    expect(await sendDigests(t.deps, at('2026-12-05T09:30:00Z'))).toEqual({ sent: 0 })
    const sent = await deliveries()
    expect(sent.map((d) => d.webhook_id).sort()).toEqual([json.data.id, chat.data.id].sort())

    const envelope = JSON.parse(sent.find((d) => d.webhook_id === json.data.id)!.body)
    expect(envelope.type).toBe('digest.daily')
    expect(envelope.data).toMatchObject({
      day: '2026-12-04',
      totals: { total: 4, positive: 1, negative: 3, previous: 1, changePct: 300 },
      sources: [{ name: 'Forum', kind: 'discourse', n: 4, negative: 3 }],
      intents: [{ intent: 'bug_report', n: 1 }],
      ratings: { rated: 3, averageRating: 2.33, previousAverage: 5 },
    })
    // Open negative mentions of that day, most pressing first; the resolved one is done with.
    expect(envelope.data.negative.map((m: { text: string }) => m.text)).toEqual(['Export crashes every time <script>alert(1)</script>', 'Sync is slow today'])

    const slack = JSON.parse(sent.find((d) => d.webhook_id === chat.data.id)!.body)
    const text = JSON.stringify(slack.blocks)
    expect(slack.text).toBe('Daily digest, 2026-12-04: 4 mentions')
    expect(text).toContain('*4* mentions (+300% on the day before)')
    expect(text).toContain('2.33★ from 3 reviews (5★ the day before)')
    expect(text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(text).not.toContain('<script>')

    expect(await sendDigests(t.deps, at('2026-12-06T08:00:00Z'))).toEqual({ sent: 1 })
    expect(await deliveries()).toHaveLength(4)
  })

  it("follows the workspace's digest hour, and skips workspaces nobody subscribed for", async () => {
    const other = await t.call('POST', '/v1/workspaces', { key: ADMIN_KEY, body: { name: 'digest-early' } })
    const key = other.data.key
    await t.call('POST', '/v1/webhooks', { key, body: { url: 'https://hooks.example.com/early', events: ['digest.daily'] } })
    expect((await t.call('PATCH', '/v1/workspaces/current/settings', { key, body: { digestHour: 5 } })).status).toBe(200)
    const quiet = await t.call('POST', '/v1/workspaces', { key: ADMIN_KEY, body: { name: 'digest-none' } })
    await t.call('POST', '/v1/webhooks', { key: quiet.data.key, body: { url: 'https://hooks.example.com/none', events: ['mention.created'] } })

    await sendDigests(t.deps, at('2026-12-10T05:10:00Z'))
    expect(await deliveries(other.data.id)).toHaveLength(1)
    expect(JSON.parse((await deliveries(other.data.id))[0].body).data).toMatchObject({ day: '2026-12-09', totals: { total: 0, previous: 0, changePct: null }, negative: [] })
    expect(await deliveries(quiet.data.id)).toHaveLength(0)
  })

  it("reads the day and the digest hour in the workspace's time zone", async () => {
    const ws = await t.call('POST', '/v1/workspaces', { key: ADMIN_KEY, body: { name: 'digest-shanghai' } })
    const key = ws.data.key
    await t.call('POST', '/v1/webhooks', { key, body: { url: 'https://hooks.example.com/shanghai', events: ['digest.daily'] } })
    expect((await t.call('PATCH', '/v1/workspaces/current/settings', { key, body: { timeZone: 'Mars/Olympus_Mons' } })).status).toBe(400)
    const set = await t.call('PATCH', '/v1/workspaces/current/settings', { key, body: { timeZone: 'Asia/Shanghai' } })
    expect(set.data).toMatchObject({ timeZone: 'Asia/Shanghai', digestHour: 8 })
    const source = await seedSource(t.sql, ws.data.id, 'reddit', 'Weibo-ish')
    await seedMentions(t.sql, ws.data.id, source, [
      { text: 'Just after midnight in Shanghai, 16 December', sentiment: 'negative', publishedAt: at('2026-12-15T16:30:00Z') },
      { text: 'Late evening in Shanghai, 16 December', sentiment: 'negative', publishedAt: at('2026-12-16T15:30:00Z') },
      { text: 'Already 17 December in Shanghai', sentiment: 'negative', publishedAt: at('2026-12-16T16:30:00Z') },
    ])
    // 07:59 and 08:01 on 17 December in Shanghai.
    await sendDigests(t.deps, at('2026-12-16T23:59:00Z'))
    expect(await deliveries(ws.data.id)).toHaveLength(0)
    await sendDigests(t.deps, at('2026-12-17T00:01:00Z'))
    const sent = await deliveries(ws.data.id)
    expect(sent).toHaveLength(1)
    const digest = JSON.parse(sent[0].body).data
    expect(digest).toMatchObject({ day: '2026-12-16', totals: { total: 2, negative: 2 } })
    expect(digest.negative.map((m: { text: string }) => m.text).sort()).toEqual(['Just after midnight in Shanghai, 16 December', 'Late evening in Shanghai, 16 December'])
    await sendDigests(t.deps, at('2026-12-17T09:00:00Z'))
    expect(await deliveries(ws.data.id)).toHaveLength(1)
  })

  it('mails the digest to the workspace\'s addresses once, escaped and linked to the inbox, when a mail server is set', async () => {
    const ws = await t.call('POST', '/v1/workspaces', { key: ADMIN_KEY, body: { name: 'digest-mail' } })
    const key = ws.data.key
    expect((await t.call('PATCH', '/v1/workspaces/current/settings', { key, body: { digestEmails: ['not an address'] } })).status).toBe(400)
    expect((await t.call('PATCH', '/v1/workspaces/current/settings', { key, body: { digestEmails: ['lead@acme.example', 'cm@acme.example'], digestHour: 7 } })).status).toBe(200)
    const source = await seedSource(t.sql, ws.data.id, 'reddit', 'Reddit')
    const [id] = await seedMentions(t.sql, ws.data.id, source, [
      { text: 'Everything is broken <img src=x onerror=alert(1)>', sentiment: 'negative', publishedAt: at('2026-12-11T10:00:00Z') },
    ])
    const claimed = async () => (await t.sql`SELECT day FROM digests_sent WHERE workspace_id = ${ws.data.id}`).length
    // Without a mail server nobody is owed a digest here (no webhook listens).
    await sendDigests(t.deps, at('2026-12-12T07:30:00Z'))
    expect(await claimed()).toBe(0)

    const mailed: MailMessage[] = []
    t.deps.mail = { send: async (m) => void mailed.push(m), close: () => {} }
    t.deps.config.publicUrl = 'https://earshot.acme.example'
    try {
      await sendDigests(t.deps, at('2026-12-12T07:31:00Z'))
      await sendDigests(t.deps, at('2026-12-12T07:45:00Z'))
      expect(await claimed()).toBe(1)
    } finally {
      t.deps.mail = undefined
      t.deps.config.publicUrl = undefined
    }
    expect(mailed.map((m) => m.to)).toEqual(['lead@acme.example', 'cm@acme.example'])
    expect(mailed[0].subject).toBe('Daily digest, 2026-12-11: 1 mentions')
    expect(mailed[0].html).toContain('Everything is broken &lt;img src=x onerror=alert(1)&gt;')
    expect(mailed[0].html).not.toContain('<img')
    expect(mailed[0].html).toContain(`href="https://earshot.acme.example/app/inbox?m=${id}"`)
    expect(mailed[0].text).toContain('1 negative')
  })

  it('counts the questions and the urgent mentions of any day still waiting, for chat and mail', async () => {
    const ws = await t.call('POST', '/v1/workspaces', { key: ADMIN_KEY, body: { name: 'digest-questions' } })
    const key = ws.data.key
    const json = await t.call('POST', '/v1/webhooks', { key, body: { url: 'https://hooks.example.com/q', events: ['digest.daily'] } })
    const chat = await t.call('POST', '/v1/webhooks', { key, body: { url: 'https://chat.example.com/services/T1/B1/q', events: ['digest.daily'], format: 'slack' } })
    expect((await t.call('PATCH', '/v1/workspaces/current/settings', { key, body: { digestEmails: ['questions@acme.example'] } })).status).toBe(200)
    const source = await seedSource(t.sql, ws.data.id, 'reddit', 'Reddit')
    const [, answered] = await seedMentions(t.sql, ws.data.id, source, [
      { text: 'How do I export to CSV?', intents: ['question'], publishedAt: at('2026-12-01T10:00:00Z') },
      { text: 'Is there a dark mode?', intents: ['question'], publishedAt: at('2026-12-14T10:00:00Z') },
      { text: 'Where is my invoice?', intents: ['question'], publishedAt: at('2026-12-14T11:00:00Z') },
      { text: 'How do I log out?', intents: ['question'], status: 'resolved', publishedAt: at('2026-12-14T12:00:00Z') },
      { text: 'Can I change my plan?', intents: ['question'], publishedAt: at('2026-12-15T07:00:00Z') },
    ])
    await t.sql`INSERT INTO mention_replies (workspace_id, mention_id, author, body, status, sent_at) VALUES (${ws.data.id}, ${answered}, 'cm', 'Settings → Theme', 'sent', now())`
    const urgent = await seedMentions(t.sql, ws.data.id, source, [
      { text: 'Cannot log in, urgent', publishedAt: at('2026-12-10T10:00:00Z') },
      { text: 'Site is down', status: 'resolved', publishedAt: at('2026-12-14T10:00:00Z') },
    ])
    await t.sql`UPDATE mentions SET urgent = true WHERE id = ANY(${urgent}::uuid[])`
    const mailed: MailMessage[] = []
    t.deps.mail = { send: async (m) => void mailed.push(m), close: () => {} }
    t.deps.config.publicUrl = 'https://earshot.acme.example'
    try {
      await sendDigests(t.deps, at('2026-12-15T08:01:00Z'))
    } finally {
      t.deps.mail = undefined
      t.deps.config.publicUrl = undefined
    }
    // The old question and the day's unanswered one; not the answered, the resolved, nor today's.
    const sent = await deliveries(ws.data.id)
    expect(JSON.parse(sent.find((d) => d.webhook_id === json.data.id)!.body).data).toMatchObject({ openQuestions: 2, urgentWaiting: 1 })
    const blocks = JSON.stringify(JSON.parse(sent.find((d) => d.webhook_id === chat.data.id)!.body).blocks)
    expect(blocks).toContain('*2* questions are waiting for an answer')
    expect(blocks).toContain('*1* urgent mention is waiting for someone')
    // Other workspaces' digests fall due at the same tick.
    const mine = mailed.find((m) => m.to === 'questions@acme.example')!
    expect(mine.text).toContain('2 questions are waiting for an answer (https://earshot.acme.example/app/inbox?intent=question&answered=false)')
    expect(mine.html).toContain('<a href="https://earshot.acme.example/app/inbox?intent=question&amp;answered=false">Open questions</a>')
    expect(mine.text).toContain('1 urgent mention is waiting for someone (https://earshot.acme.example/app/inbox?urgent=true)')
  })

  it("says what the day's negative mentions talked about, for chat and mail", async () => {
    const ws = await t.call('POST', '/v1/workspaces', { key: ADMIN_KEY, body: { name: 'digest-themes' } })
    const key = ws.data.key
    const json = await t.call('POST', '/v1/webhooks', { key, body: { url: 'https://hooks.example.com/themes', events: ['digest.daily'] } })
    const chat = await t.call('POST', '/v1/webhooks', { key, body: { url: 'https://chat.example.com/services/T3/B3/t', events: ['digest.daily'], format: 'slack' } })
    expect((await t.call('PATCH', '/v1/workspaces/current/settings', { key, body: { digestEmails: ['themes@acme.example'] } })).status).toBe(200)
    const source = await seedSource(t.sql, ws.data.id, 'reddit', 'Reddit')
    await seedMentions(t.sql, ws.data.id, source, [
      { text: 'Login fails after the update', sentiment: 'negative', publishedAt: at('2026-12-17T09:00:00Z') },
      { text: 'Since this morning login fails <b>again</b>', sentiment: 'negative', publishedAt: at('2026-12-17T10:00:00Z') },
      { text: 'Login fails? Not for me, it works', sentiment: 'positive', publishedAt: at('2026-12-17T11:00:00Z') },
      { text: 'login fails, login fails', sentiment: 'negative', publishedAt: at('2026-12-16T11:00:00Z') },
    ])
    const mailed: MailMessage[] = []
    t.deps.mail = { send: async (m) => void mailed.push(m), close: () => {} }
    try {
      await sendDigests(t.deps, at('2026-12-18T08:01:00Z'))
    } finally {
      t.deps.mail = undefined
    }
    const sent = await deliveries(ws.data.id)
    // The day's two negative mentions; not the positive one, nor the day before's.
    expect(JSON.parse(sent.find((d) => d.webhook_id === json.data.id)!.body).data.themes).toEqual([{ term: 'login fails', n: 2 }])
    expect(JSON.stringify(JSON.parse(sent.find((d) => d.webhook_id === chat.data.id)!.body).blocks)).toContain('Negative mentions talked about: login fails 2')
    const mine = mailed.find((m) => m.to === 'themes@acme.example')!
    expect(mine.text).toContain('Negative mentions talked about: login fails 2')
    expect(mine.html).toContain('Negative mentions talked about: login fails 2</p>')
  })

  it("quotes the translations made on arrival into the workspace's language next to the words as written", async () => {
    const ws = await t.call('POST', '/v1/workspaces', { key: ADMIN_KEY, body: { name: 'digest-translated' } })
    const key = ws.data.key
    expect((await t.call('PATCH', '/v1/workspaces/current/settings', { key, body: { digestEmails: ['translated@acme.example'], translateInto: 'en' } })).status).toBe(200)
    const source = await seedSource(t.sql, ws.data.id, 'vk', 'VK')
    const [ru] = await seedMentions(t.sql, ws.data.id, source, [
      { text: 'Экспорт опять падает', lang: 'ru', sentiment: 'negative', priority: 0.9, publishedAt: at('2026-12-20T09:00:00Z') },
      { text: 'La app no abre', lang: 'es', sentiment: 'negative', priority: 0.8, publishedAt: at('2026-12-20T10:00:00Z') },
    ])
    const survey = (await t.call('POST', '/v1/surveys', { key, body: { kind: 'nps', question: 'How likely…?', allowedOrigins: [] } })).data.id as string
    await t.call('POST', `/v1/surveys/${survey}/responses`, { key, body: [{ score: 1, comment: 'Поддержка не отвечает', respondedAt: '2026-12-20T12:00:00Z' }] })
    const [answer] = await t.sql<{ id: string }[]>`SELECT id FROM survey_responses WHERE survey_id = ${survey}`
    // As the tick's translation on arrival keeps them (the Spanish one was not translated yet).
    await t.sql`
      INSERT INTO translations (workspace_id, mention_id, lang, source_md5, title, body, provider)
      SELECT ${ws.data.id}, id, 'en', md5(coalesce(title, '') || chr(31) || body), NULL, 'Export <b>crashes</b> again', 'libretranslate' FROM mentions WHERE id = ${ru}`
    await t.sql`
      INSERT INTO translations (workspace_id, response_id, lang, source_md5, title, body, provider)
      SELECT ${ws.data.id}, id, 'en', md5(comment), NULL, 'Support does not answer', 'libretranslate' FROM survey_responses WHERE id = ${answer.id}`
    const mailed: MailMessage[] = []
    t.deps.mail = { send: async (m) => void mailed.push(m), close: () => {} }
    try {
      await sendDigests(t.deps, at('2026-12-21T08:01:00Z'))
    } finally {
      t.deps.mail = undefined
    }
    const mine = mailed.find((m) => m.to === 'translated@acme.example')!
    expect(mine.html).toContain('Экспорт опять падает <em>Export &lt;b&gt;crashes&lt;/b&gt; again</em>')
    expect(mine.text).toContain('Поддержка не отвечает (Support does not answer)')
    // Not translated yet: the words as written alone.
    expect(mine.html).toMatch(/La app no abre <a href=/)
  })

  it('carries the surveys answered that day, with their scores and the unhappiest comments, to chat and to mail', async () => {
    const ws = await t.call('POST', '/v1/workspaces', { key: ADMIN_KEY, body: { name: 'digest-surveys' } })
    const key = ws.data.key
    const chat = await t.call('POST', '/v1/webhooks', { key, body: { url: 'https://chat.example.com/services/T9/B9/x', events: ['digest.daily'], format: 'teams' } })
    expect((await t.call('PATCH', '/v1/workspaces/current/settings', { key, body: { digestEmails: ['pm@acme.example'] } })).status).toBe(200)
    const survey = async (kind: string, name: string) =>
      (await t.call('POST', '/v1/surveys', { key, body: { kind, name, question: 'How are we doing?', allowedOrigins: ['https://acme.test'] } })).data.id as string
    const nps = await survey('nps', 'Product NPS')
    const csat = await survey('csat', 'Support CSAT')
    const day = '2026-12-13T'
    await t.call('POST', `/v1/surveys/${nps}/responses`, { key, body: [
      { score: 10, respondedAt: `${day}09:00:00Z` },
      { score: 9, comment: 'Great, thanks', respondedAt: `${day}10:00:00Z` },
      { score: 3, comment: 'Export <b>broke</b> my report', respondedAt: `${day}11:00:00Z` },
      { score: 0, comment: 'Not on this day', respondedAt: '2026-12-12T11:00:00Z' },
    ] })
    await t.call('POST', `/v1/surveys/${csat}/responses`, { key, body: [{ score: 5, respondedAt: `${day}12:00:00Z` }, { score: 2, comment: 'Slow answers', respondedAt: `${day}13:00:00Z` }] })

    const mailed: MailMessage[] = []
    t.deps.mail = { send: async (m) => void mailed.push(m), close: () => {} }
    try {
      expect(await sendDigests(t.deps, at('2026-12-14T08:30:00Z'))).toMatchObject({ sent: expect.any(Number) })
    } finally {
      t.deps.mail = undefined
    }
    const [delivery] = await deliveries(ws.data.id)
    expect(delivery.webhook_id).toBe(chat.data.id)
    const card = JSON.stringify(JSON.parse(delivery.body).attachments[0].content.body)
    expect(card).toContain('Product NPS: **NPS 33.33** \\\\(3 answered\\\\) · Support CSAT: **CSAT 50%** \\\\(2 answered\\\\)')
    expect(card).toContain('2 · Support CSAT: Slow answers')
    expect(card).toContain('3 · Product NPS: Export broke my report')
    expect(card).not.toContain('Not on this day')
    const mail = mailed.find((m) => m.to === 'pm@acme.example')!
    expect(mail.text).toContain('Surveys: Product NPS: NPS 33.33 (3 answered) · Support CSAT: CSAT 50% (2 answered)')
    expect(mail.text).toContain('  > 2 · Support CSAT: Slow answers')
    expect(mail.html).toContain('<li>3 · Product NPS: Export broke my report</li>')
  })
})

describe('the weekly digest', () => {
  it('covers the seven days before the digest weekday, once, to digest.weekly webhooks and the weekly addresses', async () => {
    const ws = await t.call('POST', '/v1/workspaces', { key: ADMIN_KEY, body: { name: 'digest-weekly' } })
    const key = ws.data.key
    const weekly = await t.call('POST', '/v1/webhooks', { key, body: { url: 'https://chat.example.com/services/T4/B4/w', events: ['digest.weekly'], format: 'slack' } })
    const daily = await t.call('POST', '/v1/webhooks', { key, body: { url: 'https://hooks.example.com/daily-only', events: ['digest.daily'] } })
    expect([weekly.status, daily.status]).toEqual([201, 201])
    for (const body of [{ digestWeekday: 0 }, { digestWeekday: 8 }, { weeklyDigestEmails: ['nope'] }]) {
      expect((await t.call('PATCH', '/v1/workspaces/current/settings', { key, body })).status, JSON.stringify(body)).toBe(400)
    }
    // Wednesdays at 09:00 in Oslo; the weekly mail goes to the lead, the daily one to nobody.
    const set = await t.call('PATCH', '/v1/workspaces/current/settings', {
      key, body: { timeZone: 'Europe/Oslo', digestHour: 9, digestWeekday: 3, weeklyDigestEmails: ['lead@acme.example'] },
    })
    expect(set.data).toMatchObject({ digestWeekday: 3, weeklyDigestEmails: ['lead@acme.example'] })
    const source = await seedSource(t.sql, ws.data.id, 'reddit', 'Reddit')
    await seedMentions(t.sql, ws.data.id, source, [
      // 2026-12-02 is a Wednesday: the week is Wed 25 Nov – Tue 1 Dec, Oslo time.
      { text: 'Checkout fails with an error', sentiment: 'negative', publishedAt: at('2026-11-24T23:30:00Z') },
      { text: 'Checkout fails on mobile', sentiment: 'negative', publishedAt: at('2026-11-28T12:00:00Z') },
      { text: 'Love the new search', sentiment: 'positive', publishedAt: at('2026-12-01T22:30:00Z') },
      { text: 'Before the week', sentiment: 'negative', publishedAt: at('2026-11-24T22:30:00Z') },
      { text: 'After the week', sentiment: 'negative', publishedAt: at('2026-12-01T23:30:00Z') },
    ])
    const mailed: MailMessage[] = []
    t.deps.mail = { send: async (m) => void mailed.push(m), close: () => {} }
    const weeklyOf = async () => (await deliveries(ws.data.id)).filter((d) => d.webhook_id === weekly.data.id)
    const weekOf = (d: { body: string }) => JSON.parse(d.body).text as string
    try {
      // Wednesday 08:59 in Oslo: this week's is not due yet; a new subscriber gets the latest one that is, last week's.
      await sendDigests(t.deps, at('2026-12-02T07:59:00Z'))
      expect((await weeklyOf()).map(weekOf)).toEqual(['Weekly digest, 2026-11-18 – 2026-11-24: 1 mentions'])
      await sendDigests(t.deps, at('2026-12-02T08:01:00Z'))
      await sendDigests(t.deps, at('2026-12-03T08:01:00Z'))
    } finally {
      t.deps.mail = undefined
    }
    const sent = await weeklyOf()
    expect(sent).toHaveLength(2)
    const slack = JSON.parse(sent.find((d) => weekOf(d).includes('2026-11-25'))!.body)
    expect(slack.text).toBe('Weekly digest, 2026-11-25 – 2026-12-01: 3 mentions')
    const blocks = JSON.stringify(slack.blocks)
    expect(blocks).toContain('on the week before')
    expect(blocks).toContain('Negative mentions talked about: checkout fails 2')
    // The daily webhook got its two days, never the week.
    expect((await deliveries(ws.data.id)).filter((d) => d.webhook_id === daily.data.id).map((d) => JSON.parse(d.body).data.day).sort()).toEqual(['2026-12-01', '2026-12-02'])
    const mine = mailed.filter((m) => m.to === 'lead@acme.example')
    expect(mine.map((m) => m.subject)).toEqual(['Weekly digest, 2026-11-18 – 2026-11-24: 1 mentions', 'Weekly digest, 2026-11-25 – 2026-12-01: 3 mentions'])
  })

  it('goes out late, once, when no instance ran at the hour, and not for a week already sent', async () => {
    const ws = await t.call('POST', '/v1/workspaces', { key: ADMIN_KEY, body: { name: 'digest-weekly-late' } })
    const hook = await t.call('POST', '/v1/webhooks', { key: ws.data.key, body: { url: 'https://hooks.example.com/weekly', events: ['digest.weekly'] } })
    const days = async () => (await deliveries(ws.data.id)).filter((d) => d.webhook_id === hook.data.id).map((d) => JSON.parse(d.body).data.day).sort()
    // Monday 7 December at 08:00 UTC was the hour; the first tick after it comes on Thursday.
    await sendDigests(t.deps, at('2026-12-10T12:00:00Z'))
    expect(await days()).toEqual(['2026-11-30'])
    await sendDigests(t.deps, at('2026-12-13T23:00:00Z'))
    await sendDigests(t.deps, at('2026-12-14T07:59:00Z'))
    expect(await days()).toEqual(['2026-11-30'])
    await sendDigests(t.deps, at('2026-12-14T08:00:00Z'))
    expect(await days()).toEqual(['2026-11-30', '2026-12-07'])
  })
})
