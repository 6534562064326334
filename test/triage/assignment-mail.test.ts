import { describe, expect, it } from 'vitest'
import type { MailMessage } from '../../src/mail/mailer.ts'
import { mailAssignments } from '../../src/mentions/assignment-mail.ts'
import { patchMention } from '../../src/mentions/update.ts'
import { ADMIN_KEY, createTestApp } from '../helpers/app.ts'
import { seedMentions, seedSource } from './seed.ts'

const t = await createTestApp()
const later = (seconds: number) => new Date(Date.now() + seconds * 1000)

/** A workspace of its own with members who sign in with single sign-on. */
async function workspaceWithMembers() {
  const ws = await t.call('POST', '/v1/workspaces', { key: ADMIN_KEY, body: { name: `assign-${crypto.randomUUID()}` } })
  const member = async (email: string, disabled = false) =>
    (await t.sql<{ id: string }[]>`
      INSERT INTO sso_members (workspace_id, issuer, subject, email, name, role, disabled)
      VALUES (${ws.data.id}, 'https://idp.example.com', ${email}, ${email}, ${email.split('@')[0]}, 'agent', ${disabled}) RETURNING id`)[0].id
  const members = { dana: await member('dana@acme.example'), sam: await member('Sam@acme.example'), eve: await member('eve@acme.example', true) }
  const source = await seedSource(t.sql, ws.data.id, 'reddit', 'Reddit')
  return { id: ws.data.id as string, key: ws.data.key as string, members, source }
}

/** Runs the tick job with a mail server that records what it is given. */
async function mailed(now: Date): Promise<MailMessage[]> {
  const sent: MailMessage[] = []
  t.deps.mail = { send: async (m) => void sent.push(m), close: () => {} }
  t.deps.config.publicUrl = 'https://earshot.acme.example'
  try {
    await mailAssignments(t.deps, now)
  } finally {
    t.deps.mail = undefined
    t.deps.config.publicUrl = undefined
  }
  return sent
}

describe('assignment e-mails', () => {
  it('tells each member once what others assigned them and still holds, in one message, escaped and linked', async () => {
    const ws = await workspaceWithMembers()
    // The first run starts the workspace's mark: nothing from before is told.
    expect(await mailed(new Date())).toEqual([])
    const [one, two, three, moved, outsider, gone, own] = await seedMentions(t.sql, ws.id, ws.source, [
      { text: 'Export crashes <img src=x onerror=alert(1)>', handle: 'olga' },
      { text: 'Login loops' },
      { text: 'Dark mode please' },
      { text: 'Refund?' },
      { text: 'Not a member’s' },
      { text: 'Disabled member’s' },
      { text: 'Her own' },
    ])
    const patch = (id: string, body: object) => t.call('PATCH', `/v1/mentions/${id}`, { key: ws.key, body })
    expect((await patch(one, { assignee: 'dana@acme.example' })).status).toBe(200)
    expect((await t.call('POST', '/v1/mentions/bulk', { key: ws.key, body: { ids: [two, three], action: { assignee: 'sam@ACME.example' } } })).status).toBe(200)
    await patch(moved, { assignee: 'dana@acme.example' })
    await patch(moved, { assignee: 'Sam@acme.example' })
    await patch(outsider, { assignee: 'stranger@elsewhere.example' })
    await patch(gone, { assignee: 'eve@acme.example' })
    await patchMention(t.deps, ws.id, own, { assignee: 'dana@acme.example' }, { keyId: null, memberId: ws.members.dana })

    // Too fresh: a bulk action may still be going on.
    expect(await mailed(new Date())).toEqual([])
    const sent = await mailed(later(60))
    expect(sent.map((m) => m.to).sort()).toEqual(['Sam@acme.example', 'dana@acme.example'])
    const dana = sent.find((m) => m.to === 'dana@acme.example')!
    expect(dana.subject).toBe('earshot: a mention was assigned to you')
    expect(dana.html).toContain('Export crashes &lt;img src=x onerror=alert(1)&gt;')
    expect(dana.html).not.toContain('<img')
    expect(dana.html).toContain(`href="https://earshot.acme.example/app/inbox?m=${one}"`)
    expect(dana.html).toContain('href="https://earshot.acme.example/app/inbox?assignee=dana%40acme.example"')
    expect(dana.text).toContain('assigned by')
    expect(dana.html).not.toContain('Refund?')
    expect(dana.html).not.toContain('Her own')
    const sam = sent.find((m) => m.to === 'Sam@acme.example')!
    expect(sam.subject).toBe('earshot: 3 mentions were assigned to you')
    for (const text of ['Login loops', 'Dark mode please', 'Refund?']) expect(sam.text).toContain(text)

    expect(await mailed(later(120))).toEqual([])
  })

  it('leaves out what was closed before the e-mail, and tells nobody when the workspace turned it off', async () => {
    const ws = await workspaceWithMembers()
    await mailed(new Date())
    const [open, closed] = await seedMentions(t.sql, ws.id, ws.source, [{ text: 'Still open' }, { text: 'Resolved at once' }])
    await t.call('PATCH', `/v1/mentions/${open}`, { key: ws.key, body: { assignee: 'dana@acme.example' } })
    await t.call('PATCH', `/v1/mentions/${closed}`, { key: ws.key, body: { assignee: 'dana@acme.example' } })
    await t.call('PATCH', `/v1/mentions/${closed}`, { key: ws.key, body: { status: 'resolved' } })
    const sent = await mailed(later(60))
    expect(sent).toHaveLength(1)
    expect(sent[0].text).toContain('Still open')
    expect(sent[0].text).not.toContain('Resolved at once')

    expect((await t.call('PATCH', '/v1/workspaces/current/settings', { key: ws.key, body: { assignmentEmails: false } })).data.assignmentEmails).toBe(false)
    const [quiet] = await seedMentions(t.sql, ws.id, ws.source, [{ text: 'Quiet' }])
    await t.call('PATCH', `/v1/mentions/${quiet}`, { key: ws.key, body: { assignee: 'dana@acme.example' } })
    expect(await mailed(later(120))).toEqual([])
  })
})
