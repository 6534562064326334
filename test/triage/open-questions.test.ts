import { describe, expect, it } from 'vitest'
import { ADMIN_KEY, createTestApp } from '../helpers/app.ts'
import { webSession } from '../web/web-session.ts'
import { seedMentions, seedSource } from './seed.ts'

const t = await createTestApp()
const source = await seedSource(t.sql, t.workspaceId, 'reddit', 'r/acme')
const [waiting, answered, closed, complaint] = await seedMentions(t.sql, t.workspaceId, source, [
  { text: 'How do I export my data to CSV?', intents: ['question'] },
  { text: 'Is there a way to change my plan?', intents: ['question'] },
  { text: 'How do I reset my password?', intents: ['question'], status: 'resolved' },
  { text: 'The export is broken again', intents: ['bug_report'] },
])
await t.sql`INSERT INTO mention_replies (workspace_id, mention_id, author, body, status, sent_at) VALUES (${t.workspaceId}, ${answered}, 'admin', 'Settings → Plan', 'sent', now())`

describe('the Open questions view', () => {
  it('lists the questions still waiting for an answer at their source, and is marked when open', async () => {
    const s = await webSession(t.app, ADMIN_KEY)
    const page = async (path: string) => (await t.app.request(`http://localhost${path}`, { headers: { cookie: s.cookie } })).text()
    const inbox = await page('/app/inbox')
    expect(inbox).toContain('href="/app/inbox?intent=question&amp;answered=false"')
    const open = await page('/app/inbox?intent=question&answered=false')
    expect(open).toContain(`data-id="${waiting}"`)
    for (const other of [answered, closed, complaint]) expect(open).not.toContain(`data-id="${other}"`)
    expect(open).toMatch(/aria-current="page"[^>]*>Open questions/)
    // Narrowed further, it is a filter like any other, no longer the view.
    expect(await page('/app/inbox?intent=question&answered=false&q=csv')).not.toMatch(/aria-current="page"[^>]*>Open questions/)
  })
})
