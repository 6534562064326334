import { describe, expect, it } from 'vitest'
import { recentScores } from '../../src/surveys/results.ts'
import { ADMIN_KEY, createTestApp } from '../helpers/app.ts'
import { webSession } from '../web/web-session.ts'

const t = await createTestApp()

async function newSurvey(kind: 'nps' | 'csat' | 'ces') {
  const res = await t.call('POST', '/v1/surveys', { body: { kind, question: 'Q?' } })
  expect(res.status).toBe(201)
  return res.data as { id: string; publicKey: string }
}

describe('bulk import', () => {
  it('imports a JSON array through validation and enrichment, reporting each bad row by index', async () => {
    const s = await newSurvey('nps')
    const agent = await t.keyFor('agent')
    const res = await t.call('POST', `/v1/surveys/${s.id}/responses`, {
      key: agent,
      body: [
        { score: 10, comment: 'Love it' },
        { score: 11 },
        { score: 3, email: 'not-an-email' },
        { score: 0, comment: 'the export keeps crashing', respondedAt: '2026-01-05T10:00:00Z' },
        'nonsense',
        { score: 8, customerRef: 'crm-missing' },
        { score: 9, extra: true },
      ],
    })
    expect(res.status).toBe(200)
    expect(res.data.inserted).toBe(2)
    expect(res.data.rejected.map((r: { index: number }) => r.index)).toEqual([1, 2, 4, 5, 6])
    expect(res.data.rejected[0].reason).toMatch(/0 to 10/)
    expect(res.data.rejected[3].reason).toMatch(/crm-missing/)
    const rows = await t.sql`SELECT score, comment, channel, responded_at, sentiment_label FROM survey_responses WHERE survey_id = ${s.id} ORDER BY score`
    expect(rows.map((r) => r.score)).toEqual([0, 10])
    expect(rows[0]).toMatchObject({ channel: 'import', comment: 'the export keeps crashing', responded_at: new Date('2026-01-05T10:00:00Z') })
    expect(rows[0].sentiment_label).not.toBeNull()
  })

  it('imports CSV with common headers and links customers by externalRef or email', async () => {
    const s = await newSurvey('csat')
    const [byRef] = await t.sql`INSERT INTO customers (workspace_id, external_ref, plan) VALUES (${t.workspaceId}, 'crm-1', 'pro') RETURNING id`
    const [byEmail] = await t.sql`INSERT INTO customers (workspace_id, email, plan) VALUES (${t.workspaceId}, 'bo@corp.test', 'free') RETURNING id`
    const csv = 'Score,Comment,Email,customer_ref,responded_at\r\n5,"Great, fast",,crm-1,2026-02-01T00:00:00Z\r\n2,,BO@corp.test,,\r\n9,,,,\r\n'
    const res = await t.call('POST', `/v1/surveys/${s.id}/responses`, { raw: csv, headers: { 'content-type': 'text/csv' } })
    expect(res.status).toBe(200)
    expect(res.data).toEqual({ inserted: 2, rejected: [{ index: 2, reason: expect.stringMatching(/1 to 5/) }] })
    const rows = await t.sql`SELECT score, comment, customer_id, customer_match FROM survey_responses WHERE survey_id = ${s.id} ORDER BY score DESC`
    expect(rows).toEqual([
      { score: 5, comment: 'Great, fast', customer_id: byRef.id, customer_match: 'import_ref' },
      { score: 2, comment: null, customer_id: byEmail.id, customer_match: 'import_email' },
    ])
  })

  it('refuses viewers, non-arrays and bad CSV', async () => {
    const s = await newSurvey('nps')
    expect((await t.call('POST', `/v1/surveys/${s.id}/responses`, { key: await t.keyFor('viewer'), body: [{ score: 1 }] })).status).toBe(403)
    expect((await t.call('POST', `/v1/surveys/${s.id}/responses`, { body: { score: 1 } })).status).toBe(400)
    expect((await t.call('POST', `/v1/surveys/${s.id}/responses`, { raw: 'score\n"unterminated', headers: { 'content-type': 'text/csv' } })).status).toBe(400)
  })
})

describe('results', () => {
  it('computes NPS with n and interval from stored responses, and nothing from an empty survey', async () => {
    const s = await newSurvey('nps')
    const empty = await t.call('GET', `/v1/surveys/${s.id}/results`)
    expect(empty.status).toBe(200)
    expect(empty.data.nps).toEqual({ score: null, n: 0, promoters: 0, passives: 0, detractors: 0, ci95: null })
    await t.call('POST', `/v1/surveys/${s.id}/responses`, { body: [10, 9, 9, 8, 7, 6, 3, 0, 10, 5].map((score) => ({ score })) })
    const r = await t.call('GET', `/v1/surveys/${s.id}/results`)
    expect(r.data.nps).toEqual({ score: 0, n: 10, promoters: 4, passives: 2, detractors: 4, ci95: [-55.44, 55.44] })
    expect(r.data.distribution).toContainEqual({ score: 10, n: 2 })
  })

  it('computes CSAT and CES from the right bands', async () => {
    const csat = await newSurvey('csat')
    await t.call('POST', `/v1/surveys/${csat.id}/responses`, { body: [5, 4, 3, 2, 1, 5, 4, 4].map((score) => ({ score })) })
    expect((await t.call('GET', `/v1/surveys/${csat.id}/results`)).data.csat).toEqual({ score: 62.5, n: 8, count: 5, ci95: [30.57, 86.32] })
    const ces = await newSurvey('ces')
    await t.call('POST', `/v1/surveys/${ces.id}/responses`, { body: [7, 6, 5, 4, 1].map((score) => ({ score })) })
    const r = (await t.call('GET', `/v1/surveys/${ces.id}/results`)).data.ces
    expect(r).toMatchObject({ score: 4.6, n: 5, ci95: [2.58, 6.62], easy: { score: 60, count: 3 } })
  })

  it('splits by interval and customer segment, filters by date, and summarizes unhappy comments', async () => {
    const s = await newSurvey('nps')
    await t.sql`INSERT INTO customers (workspace_id, external_ref, plan, company, attributes) VALUES
      (${t.workspaceId}, 'seg-a', 'pro', 'Acme', '{"region": "eu"}'), (${t.workspaceId}, 'seg-b', 'free', 'Bolt', '{"region": "us"}')`
    const rows = [
      { score: 10, customerRef: 'seg-a', respondedAt: '2026-03-02T12:00:00Z', comment: 'Fantastic support team' },
      { score: 2, customerRef: 'seg-b', respondedAt: '2026-03-02T13:00:00Z', comment: 'Export keeps crashing' },
      { score: 4, customerRef: 'seg-b', respondedAt: '2026-03-10T09:00:00Z', comment: 'export keeps crashing every day' },
      { score: 8, respondedAt: '2026-03-10T10:00:00Z' },
    ]
    expect((await t.call('POST', `/v1/surveys/${s.id}/responses`, { body: rows })).data.inserted).toBe(4)

    const weekly = await t.call('GET', `/v1/surveys/${s.id}/results?interval=week&segment=plan`)
    expect(weekly.status).toBe(200)
    expect(weekly.data.series).toEqual([
      { start: '2026-03-02T00:00:00.000Z', nps: expect.objectContaining({ score: 0, n: 2 }) },
      { start: '2026-03-09T00:00:00.000Z', nps: expect.objectContaining({ score: -50, n: 2 }) },
    ])
    expect(weekly.data.segments.map((x: { value: string | null; nps: { score: number } }) => [x.value, x.nps.score])).toEqual([
      ['free', -100],
      ['pro', 100],
      [null, 0],
    ])
    const byRegion = await t.call('GET', `/v1/surveys/${s.id}/results?segment=attribute:region`)
    expect(byRegion.data.segments.map((x: { value: string | null }) => x.value)).toEqual(['eu', 'us', null])
    expect(byRegion.data.comments.n).toBe(3)
    expect(byRegion.data.detractorThemes[0]).toEqual({ term: 'export keeps', count: 2 })
    // And what the promoter liked, kept apart from what detractors said.
    expect(byRegion.data.promoterThemes.map((x: { term: string }) => x.term)).toEqual(['fantastic support', 'support team'])

    // Empty periods are in the series as gaps; since/until set its span.
    const daily = await t.call('GET', `/v1/surveys/${s.id}/results?interval=day&since=2026-03-01T00:00:00Z&until=2026-03-11T00:00:00Z`)
    expect(daily.data.series).toHaveLength(10)
    expect(daily.data.series[0]).toEqual({ start: '2026-03-01T00:00:00.000Z', nps: { score: null, n: 0, promoters: 0, passives: 0, detractors: 0, ci95: null } })
    expect(daily.data.series[1].nps.n).toBe(2)
    expect(daily.data.series[9]).toMatchObject({ start: '2026-03-10T00:00:00.000Z', nps: { n: 2 } })
    const monthly = await t.call('GET', `/v1/surveys/${s.id}/results?interval=month`)
    expect(monthly.data.series).toEqual([{ start: '2026-03-01T00:00:00.000Z', nps: expect.objectContaining({ n: 4 }) }])
    expect((await t.call('GET', `/v1/surveys/${s.id}/results?interval=day&since=1990-01-01T00:00:00Z`)).status).toBe(400)

    const march9 = await t.call('GET', `/v1/surveys/${s.id}/results?since=2026-03-09T00:00:00Z&until=2026-03-11T00:00:00Z`)
    expect(march9.data.nps.n).toBe(2)
    expect((await t.call('GET', `/v1/surveys/${s.id}/results?segment=country`)).status).toBe(400)
    expect((await t.call('GET', `/v1/surveys/${s.id}/results?interval=hour`)).status).toBe(400)
  })
})

describe('results in the workspace time zone', () => {
  it("puts each answer in the day it was given where the workspace is, clock changes included", async () => {
    const ws = await t.call('POST', '/v1/workspaces', { key: ADMIN_KEY, body: { name: 'results-oslo' } })
    const key = ws.data.key
    await t.call('PATCH', '/v1/workspaces/current/settings', { key, body: { timeZone: 'Europe/Oslo' } })
    const s = (await t.call('POST', '/v1/surveys', { key, body: { kind: 'csat', question: 'Q?' } })).data as { id: string }
    // 23:30 on 28 March and 00:30 on 29 March in Oslo; the clocks go forward at 02:00 that night.
    await t.call('POST', `/v1/surveys/${s.id}/responses`, { key, body: [{ score: 5, respondedAt: '2026-03-28T22:30:00Z' }, { score: 1, respondedAt: '2026-03-28T23:30:00Z' }] })
    const daily = await t.call('GET', `/v1/surveys/${s.id}/results?interval=day&since=2026-03-27T23:00:00Z&until=2026-03-29T22:00:00Z`, { key })
    expect(daily.data.series.map((x: { start: string; csat: { n: number; score: number } }) => [x.start, x.csat.n, x.csat.score])).toEqual([
      ['2026-03-27T23:00:00.000Z', 1, 100],
      ['2026-03-28T23:00:00.000Z', 1, 0],
    ])
  })
})

describe('listing and export', () => {
  it('pages newest first with filters by band, and exports CSV with formulas defused', async () => {
    const s = await newSurvey('nps')
    const body = Array.from({ length: 7 }, (_, i) => ({ score: i + 4, respondedAt: `2026-04-0${i + 1}T00:00:00Z`, comment: i === 0 ? '=HYPERLINK("x")' : undefined }))
    await t.call('POST', `/v1/surveys/${s.id}/responses`, { body })
    const first = await t.call('GET', `/v1/surveys/${s.id}/responses?limit=3`)
    expect(first.data.items.map((r: { score: number }) => r.score)).toEqual([10, 9, 8])
    const second = await t.call('GET', `/v1/surveys/${s.id}/responses?limit=3&cursor=${first.data.nextCursor}`)
    expect(second.data.items.map((r: { score: number }) => r.score)).toEqual([7, 6, 5])
    const third = await t.call('GET', `/v1/surveys/${s.id}/responses?limit=3&cursor=${second.data.nextCursor}`)
    expect(third.data).toMatchObject({ items: [{ score: 4, band: 'detractor' }], nextCursor: null })
    const promoters = await t.call('GET', `/v1/surveys/${s.id}/responses?band=promoter`)
    expect(promoters.data.items.map((r: { score: number }) => r.score)).toEqual([10, 9])
    expect((await t.call('GET', `/v1/surveys/${s.id}/responses?band=easy`)).status).toBe(400)
    expect((await t.call('GET', `/v1/surveys/${s.id}/responses?cursor=garbage`)).status).toBe(400)

    const csv = await t.app.request(`/v1/surveys/${s.id}/responses?format=csv&band=detractor`, { headers: { authorization: `Bearer ${(await t.keyFor('viewer'))}` } })
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/)
    const lines = (await csv.text()).trim().split('\r\n')
    expect(lines[0]).toBe('id,responded_at,score,band,comment,email,respondent,customer_id,sentiment,intents,urgent,lang,page,locale,channel,choices')
    expect(lines).toHaveLength(4)
    expect(lines[3]).toContain(`"'=HYPERLINK(""x"")"`)
  })
})

describe('recent scores for the survey list', () => {
  it('gives each survey its own kind of score over the days asked for, and nothing of other workspaces', async () => {
    const nps = await newSurvey('nps')
    const ces = await newSurvey('ces')
    const silent = await newSurvey('csat')
    const now = Date.now()
    const day = 86_400_000
    const answer = (surveyId: string, score: number, daysAgo: number) =>
      t.call('POST', `/v1/surveys/${surveyId}/responses`, { body: [{ score, respondedAt: new Date(now - daysAgo * day).toISOString() }] })
    // Two promoters and a detractor this month; an old detractor that no longer counts.
    for (const [score, daysAgo] of [[10, 1], [9, 3], [2, 10], [0, 45]]) await answer(nps.id, score, daysAgo)
    for (const [score, daysAgo] of [[7, 2], [4, 5]]) await answer(ces.id, score, daysAgo)
    const other = await t.call('POST', '/v1/workspaces', { body: { name: 'elsewhere-recent' } })
    const foreign = await t.call('POST', '/v1/surveys', { key: other.data.key, body: { kind: 'nps', question: 'Q?' } })
    await t.call('POST', `/v1/surveys/${foreign.data.id}/responses`, { key: other.data.key, body: [{ score: 0 }] })

    const surveys = [{ id: nps.id, kind: 'nps' as const }, { id: ces.id, kind: 'ces' as const }, { id: silent.id, kind: 'csat' as const }, { id: foreign.data.id, kind: 'nps' as const }]
    const recent = await recentScores(t.deps, t.workspaceId, surveys, new Date(now - 30 * day))
    expect(recent.get(nps.id)).toEqual({ n: 3, score: 33.33 })
    expect(recent.get(ces.id)).toEqual({ n: 2, score: 5.5 })
    expect(recent.get(silent.id)).toEqual({ n: 0, score: null })
    // Another workspace's survey, asked for by id, counts nothing here.
    expect(recent.get(foreign.data.id)).toEqual({ n: 0, score: null })
  })
})

describe('the survey page', () => {
  it('shows the score with its interval as precisely as the score is read', async () => {
    const s = await newSurvey('nps')
    const imported = await t.call('POST', `/v1/surveys/${s.id}/responses`, { body: [0, 2, 4, 6, 8, 10].map((score) => ({ score })) })
    expect(imported.data.inserted).toBe(6)
    expect((await t.call('GET', `/v1/surveys/${s.id}/results`)).data.nps).toMatchObject({ score: -50, ci95: [-100, 11.11] })
    const session = await webSession(t.app, ADMIN_KEY, `/app/surveys/${s.id}`)
    const page = await (await t.app.request(`/app/surveys/${s.id}`, { headers: { cookie: session.cookie } })).text()
    expect(page).toContain('n = 6 · 95% interval -100 to 11<')
    expect(page).toContain('Not enough happy comments to find themes.')
  })
})
