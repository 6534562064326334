import { describe, expect, it } from 'vitest'
import { createSql } from '../../src/db/sql.ts'
import { createTestApp } from '../helpers/app.ts'

// sql/037: a response must name a survey of its own workspace and goes with it, checked once per statement.
const t = await createTestApp()

async function newSurvey(workspaceId = t.workspaceId) {
  const [s] = await t.sql<{ id: string }[]>`
    INSERT INTO surveys (workspace_id, kind, question, public_key) VALUES (${workspaceId}, 'nps', 'Q?', ${'sv_rule_' + crypto.randomUUID()}) RETURNING id`
  return s.id
}
const newWorkspace = async () => (await t.sql<{ id: string }[]>`INSERT INTO workspaces (name) VALUES (${'rule ' + crypto.randomUUID()}) RETURNING id`)[0].id
const insert = (workspaceId: string, surveyIds: string[]) =>
  t.sql`INSERT INTO survey_responses (workspace_id, survey_id, score) SELECT ${workspaceId}, unnest(${surveyIds}::uuid[]), 7`
const count = async (surveyId: string) => (await t.sql`SELECT count(*)::int AS n FROM survey_responses WHERE survey_id = ${surveyId}`)[0].n

describe('a survey response names a survey of its workspace', () => {
  it('refuses a whole statement when any row names a missing survey or one of another workspace', async () => {
    const mine = await newSurvey()
    const theirs = await newSurvey(await newWorkspace())
    await expect(insert(t.workspaceId, [mine, theirs])).rejects.toThrow(/violates foreign key constraint "survey_responses_survey"/)
    await expect(insert(t.workspaceId, [mine, crypto.randomUUID()])).rejects.toMatchObject({ code: '23503' })
    expect(await count(mine)).toBe(0)
    await insert(t.workspaceId, [mine, mine, mine])
    expect(await count(mine)).toBe(3)
  })

  it('refuses moving a response to another workspace or survey that does not exist', async () => {
    const mine = await newSurvey()
    await insert(t.workspaceId, [mine])
    await expect(t.sql`UPDATE survey_responses SET workspace_id = ${await newWorkspace()} WHERE survey_id = ${mine}`).rejects.toMatchObject({ code: '23503' })
    await expect(t.sql`UPDATE survey_responses SET survey_id = ${crypto.randomUUID()} WHERE survey_id = ${mine}`).rejects.toMatchObject({ code: '23503' })
    await t.sql`UPDATE survey_responses SET score = 9 WHERE survey_id = ${mine}`
    expect((await t.sql`SELECT score FROM survey_responses WHERE survey_id = ${mine}`)[0].score).toBe(9)
  })

  it('deletes the responses of a deleted survey, and of a deleted workspace, and no others', async () => {
    const [gone, kept] = [await newSurvey(), await newSurvey()]
    await insert(t.workspaceId, [gone, gone, kept])
    await t.sql`DELETE FROM surveys WHERE id = ${gone}`
    expect([await count(gone), await count(kept)]).toEqual([0, 1])
    const ws = await newWorkspace()
    const theirs = await newSurvey(ws)
    await insert(ws, [theirs])
    await t.sql`DELETE FROM workspaces WHERE id = ${ws}`
    expect([await count(theirs), await count(kept)]).toEqual([0, 1])
  })

  it('holds the survey as a foreign key would: it cannot be deleted while an insert naming it is uncommitted', async () => {
    const s = await newSurvey()
    const other = createSql(t.url, { max: 1 })
    try {
      let release!: () => void
      const held = new Promise<void>((r) => (release = r))
      let inserted!: () => void
      const insertedOnce = new Promise<void>((r) => (inserted = r))
      const writer = t.sql.begin(async (tx) => {
        await tx`INSERT INTO survey_responses (workspace_id, survey_id, score) VALUES (${t.workspaceId}, ${s}, 3)`
        inserted()
        await held
      })
      await insertedOnce
      await expect(other.begin(async (tx) => {
        await tx`SET LOCAL lock_timeout = '200ms'`
        await tx`DELETE FROM surveys WHERE id = ${s}`
      })).rejects.toMatchObject({ code: '55P03' })
      release()
      await writer
      expect(await count(s)).toBe(1)
    } finally {
      await other.end()
    }
  })
})
