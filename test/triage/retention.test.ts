import { beforeAll, describe, expect, it } from 'vitest'
import { expirePersonalData } from '../../src/workspaces/retention.ts'
import { ADMIN_KEY, createTestApp } from '../helpers/app.ts'
import { seedMentions, seedSource } from './seed.ts'
import { webSession } from '../web/web-session.ts'

const t = await createTestApp()
const DAY = 86_400_000
const ago = (days: number) => new Date(Date.now() - days * DAY)
let reddit: string
let surveyId: string

beforeAll(async () => {
  reddit = await seedSource(t.sql, t.workspaceId, 'reddit')
  ;[{ id: surveyId }] = await t.sql<{ id: string }[]>`
    INSERT INTO surveys (workspace_id, kind, public_key, question) VALUES (${t.workspaceId}, 'nps', 'pk-retention', 'How likely?') RETURNING id`
})

async function response(comment: string | null, email: string | null, days: number) {
  const [r] = await t.sql<{ id: string }[]>`
    INSERT INTO survey_responses (workspace_id, survey_id, score, comment, email, page, responded_at)
    VALUES (${t.workspaceId}, ${surveyId}, 2, ${comment}, ${email}, ${email ? 'https://shop.example/account?u=eve' : null}, ${ago(days)}) RETURNING id`
  return r.id
}

async function invitation(email: string, days: number, remindAt: Date | null = null) {
  await t.sql`
    INSERT INTO survey_sends (workspace_id, survey_id, email, link_base, status, created_at, sent_at, remind_at)
    VALUES (${t.workspaceId}, ${surveyId}, ${email}, 'https://earshot.example', 'sent', ${ago(days)}, ${ago(days)}, ${remindAt})`
}

describe('retention', () => {
  it('is off until an admin sets it, then erases what grew older, keeping what was counted', async () => {
    const [old, recent] = await seedMentions(t.sql, t.workspaceId, reddit, [
      { handle: 'eve', text: 'I am cancelling, call me on +47 912 34 567', sentiment: 'negative', intents: ['churn_risk'], status: 'open', publishedAt: ago(40) },
      { handle: 'finn', text: 'the export is slow', sentiment: 'negative', publishedAt: ago(5) },
    ])
    await t.call('POST', `/v1/mentions/${old}/notes`, { body: { body: 'Eve is on the enterprise plan' } })
    await t.sql`INSERT INTO mention_replies (workspace_id, mention_id, author, body, status) VALUES (${t.workspaceId}, ${old}, 'dana', '@eve sorry to hear that', 'sent')`
    await t.sql`INSERT INTO translations (workspace_id, mention_id, lang, source_md5, body, provider) VALUES (${t.workspaceId}, ${old}, 'no', 'x', 'Jeg sier opp', 'libretranslate')`
    const oldAnswer = await response('support never called back', 'eve@example.com', 40)
    const scoreOnly = await response(null, null, 40)
    const newAnswer = await response('fine', 'finn@example.com', 5)
    await t.sql`INSERT INTO survey_response_replies (workspace_id, response_id, author, to_email, subject, body, status) VALUES (${t.workspaceId}, ${oldAnswer}, 'dana', 'eve@example.com', 'Re', 'We are sorry', 'sent')`
    await invitation('eve@example.com', 40)
    await invitation('gus@example.com', 40, new Date(Date.now() + DAY))
    await invitation('finn@example.com', 5)
    // Another workspace keeps everything: it set no retention.
    const other = await t.call('POST', '/v1/workspaces', { key: ADMIN_KEY, body: { name: 'retention-other' } })
    const otherSource = await seedSource(t.sql, other.data.id, 'reddit')
    const [elsewhere] = await seedMentions(t.sql, other.data.id, otherSource, [{ handle: 'ola', text: 'an old post of theirs', publishedAt: ago(400) }])

    expect(await expirePersonalData(t.deps, new Date())).toEqual({ mentions: 0, surveyResponses: 0, surveyInvitations: 0 })
    // Before turning it on, an admin sees what it would erase.
    expect((await t.call('GET', '/v1/workspaces/current/retention?days=30', { key: await t.keyFor('agent') })).status).toBe(403)
    for (const q of ['', '?days=3', '?days=ten']) expect((await t.call('GET', `/v1/workspaces/current/retention${q}`)).status, q).toBe(400)
    expect((await t.call('GET', '/v1/workspaces/current/retention?days=30')).data).toEqual({ mentions: 1, surveyResponses: 1, surveyInvitations: 1 })
    expect((await t.call('GET', '/v1/workspaces/current/retention?days=3650')).data).toEqual({ mentions: 0, surveyResponses: 0, surveyInvitations: 0 })
    expect((await t.call('PATCH', '/v1/workspaces/current/settings', { body: { retentionDays: 30 } })).status).toBe(200)
    const settingsPage = async () => {
      const s = await webSession(t.app, ADMIN_KEY)
      return (await t.app.request('/app/settings', { headers: { cookie: s.cookie } })).text()
    }
    expect(await settingsPage()).toContain('Older than 30 days and not yet erased: 1 mentions, 1 survey answers, 1 invitations (erased on the next ticks).')
    expect(await expirePersonalData(t.deps, new Date())).toEqual({ mentions: 1, surveyResponses: 1, surveyInvitations: 1 })

    const gone = (await t.call('GET', `/v1/mentions/${old}`)).data
    // Set aside: nobody can act on it without its words, and the inbox is not a list of empty rows.
    expect(gone).toMatchObject({ text: '', author: { handle: null, name: null }, erased: true, notes: [], sentiment: 'negative', status: 'ignored', intents: ['churn_risk'] })
    expect((await t.call('GET', '/v1/mentions?status=new,open,in_progress')).data.items.map((m: { id: string }) => m.id)).toEqual([recent])
    expect(JSON.stringify(gone)).not.toMatch(/cancelling|\+47|sorry to hear|sier opp|enterprise/)
    expect((await t.call('GET', `/v1/mentions/${old}/replies`)).data.items).toEqual([])
    expect((await t.call('GET', `/v1/mentions/${recent}`)).data).toMatchObject({ text: 'the export is slow', author: { handle: 'finn' }, erased: false })
    expect((await t.call('GET', `/v1/mentions/${elsewhere}`, { key: other.data.key })).data.text).toBe('an old post of theirs')
    const [entry] = await t.sql`SELECT action, changes FROM audit_log WHERE workspace_id = ${t.workspaceId} AND entity = 'mention' AND entity_id = ${old} ORDER BY at DESC LIMIT 1`
    expect(entry).toEqual({ action: 'retention_erased', changes: { retentionDays: 30, status: { from: 'open', to: 'ignored' } } })

    const answers = await t.sql`SELECT id, score, comment, email, page FROM survey_responses WHERE survey_id = ${surveyId} ORDER BY responded_at, id`
    expect(answers.find((a) => a.id === oldAnswer)).toEqual({ id: oldAnswer, score: 2, comment: null, email: null, page: null })
    expect(answers.find((a) => a.id === newAnswer)).toMatchObject({ comment: 'fine', email: 'finn@example.com' })
    expect(answers.find((a) => a.id === scoreOnly)).toMatchObject({ score: 2 })
    expect(await t.sql`SELECT 1 FROM survey_response_replies WHERE response_id = ${oldAnswer}`).toHaveLength(0)
    // The NPS over all three answers still counts them: erasing removes people, not numbers.
    expect((await t.call('GET', `/v1/surveys/${surveyId}/results?since=${encodeURIComponent(ago(90).toISOString())}`)).data.nps.n).toBe(3)
    // The old invitation went; one still owed its reminder waits for it, and the recent one stays.
    expect((await t.sql`SELECT email FROM survey_sends WHERE survey_id = ${surveyId} ORDER BY email`).map((r) => r.email)).toEqual(['finn@example.com', 'gus@example.com'])

    expect(await expirePersonalData(t.deps, new Date())).toEqual({ mentions: 0, surveyResponses: 0, surveyInvitations: 0 })
    expect(await settingsPage()).toContain('Older than 30 days and not yet erased: 0 mentions, 0 survey answers, 0 invitations.')
  })

  it('drains a backlog a batch per tick', async () => {
    await t.sql`
      INSERT INTO mentions (workspace_id, source_id, external_id, kind, url, author_handle, body, lang, published_at, content_hash)
      SELECT ${t.workspaceId}, ${reddit}, 'backlog-' || i, 'reddit', 'https://example.com/b/' || i, 'user' || i, 'old text ' || i, 'en',
             now() - interval '60 days' - i * interval '1 minute', md5('backlog-' || i)
      FROM generate_series(1, 1200) AS i`
    expect((await expirePersonalData(t.deps, new Date())).mentions).toBe(1000)
    expect((await expirePersonalData(t.deps, new Date())).mentions).toBe(200)
    const [{ left }] = await t.sql`SELECT count(*)::int AS left FROM mentions WHERE workspace_id = ${t.workspaceId} AND erased_at IS NULL AND published_at < now() - interval '30 days'`
    expect(left).toBe(0)
  })
})
