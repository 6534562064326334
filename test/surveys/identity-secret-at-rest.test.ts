import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createTestApp } from '../helpers/app.ts'

const t = await createTestApp()
const ORIGIN = 'https://shop.example'
const SECRET = 'identity-secret-for-at-rest-test'

describe('survey identity secret at rest', () => {
  it('is stored sealed, yet signed identities still verify and forged ones do not', async () => {
    const survey = await t.call('POST', '/v1/surveys', { body: { kind: 'nps', question: 'Recommend us?', allowedOrigins: [ORIGIN], identitySecret: SECRET } })
    expect(survey.status).toBe(201)
    const [row] = await t.sql`SELECT identity_secret FROM surveys WHERE id = ${survey.data.id}`
    expect(row.identity_secret).toMatch(/^v1\./)
    expect(row.identity_secret).not.toContain(SECRET)

    const post = (body: unknown) => t.call('POST', `/s/${survey.data.publicKey}/responses`, { key: null, body, headers: { origin: ORIGIN } })
    const signature = createHmac('sha256', SECRET).update('ann@example.com').digest('hex')
    expect((await post({ score: 9, user: 'ann@example.com', signature })).status).toBe(201)
    expect((await post({ score: 9, user: 'ann@example.com', signature: 'ab'.repeat(32) })).status).toBeGreaterThanOrEqual(400)
  })
})
