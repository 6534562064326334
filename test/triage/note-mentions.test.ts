import { describe, expect, it } from 'vitest'
import type { MailMessage } from '../../src/mail/mailer.ts'
import { mailNoteMentions, namedHandles } from '../../src/mentions/note-mentions.ts'
import { addNote } from '../../src/mentions/update.ts'
import { ADMIN_KEY, createTestApp } from '../helpers/app.ts'
import { postForm, webSession } from '../web/web-session.ts'
import { seedMentions, seedSource } from './seed.ts'

const t = await createTestApp()
const sent: MailMessage[] = []

/** A workspace of its own whose members sign in with single sign-on; two of them are called Dana. */
async function workspaceWithMembers() {
  const ws = await t.call('POST', '/v1/workspaces', { key: ADMIN_KEY, body: { name: `notes-${crypto.randomUUID()}` } })
  const member = async (email: string, disabled = false) =>
    (await t.sql<{ id: string }[]>`
      INSERT INTO sso_members (workspace_id, issuer, subject, email, name, role, disabled)
      VALUES (${ws.data.id}, 'https://idp.example.com', ${email}, ${email}, ${email.split('@')[0]}, 'agent', ${disabled}) RETURNING id`)[0].id
  const members = {
    lea: await member('Lea@acme.example'),
    sam: await member('sam@acme.example'),
    dana: await member('dana@acme.example'),
    otherDana: await member('dana@partner.example'),
    eve: await member('eve@acme.example', true),
  }
  const source = await seedSource(t.sql, ws.data.id, 'reddit', 'Reddit')
  const [mentionId] = await seedMentions(t.sql, ws.data.id, source, [{ title: 'Export <b>broken</b>', text: 'CSV export fails on big files', sentiment: 'negative' }])
  return { id: ws.data.id as string, key: ws.data.key as string, members, mentionId }
}

const note = (ws: { key: string; mentionId: string }, body: string) => t.call('POST', `/v1/mentions/${ws.mentionId}/notes`, { key: ws.key, body: { body } })

describe('naming colleagues in a note', () => {
  it('reads @names and @addresses, not e-mail addresses in passing', () => {
    expect(namedHandles('@lea can you check? Ask @Dana@Partner.example too.')).toEqual(['lea', 'dana@partner.example'])
    expect(namedHandles('Ask @sam. Or write to support@acme.example, @sam')).toEqual(['sam'])
    expect(namedHandles('No one here')).toEqual([])
  })

  it('e-mails each colleague named once, with the note and the mention, escaped; never the author, a disabled member or an unclear name', async () => {
    const ws = await workspaceWithMembers()
    t.deps.mail = { send: async (m) => void sent.push(m), close: () => {} }
    t.deps.config.publicUrl = 'https://earshot.acme.example'
    try {
      const added = await note(ws, '@lea @dana @eve @nobody is this the <script> bug from last week? cc @dana@partner.example')
      expect(added.status).toBe(201)
      expect(added.data.notifies).toEqual([{ email: 'dana@partner.example', name: 'dana' }, { email: 'Lea@acme.example', name: 'Lea' }])
      // The author, signed in as a member, is not told about their own note.
      const own = await addNote(t.deps, ws.id, ws.mentionId, 'Note to self, @sam: follow up', { keyId: null, memberId: ws.members.sam })
      expect(own.notifies).toEqual([])

      sent.length = 0
      expect(await mailNoteMentions(t.deps)).toEqual({ mailed: 2 })
      const toLea = sent.find((m) => m.to === 'Lea@acme.example')!
      expect(toLea.subject).toBe('earshot: you were named in a note')
      expect(toLea.html).toContain('is this the &lt;script&gt; bug from last week?')
      expect(toLea.html).toContain('Export &lt;b&gt;broken&lt;/b&gt;')
      expect(toLea.html).not.toContain('<script>')
      expect(toLea.text).toContain(`https://earshot.acme.example/app/inbox?m=${ws.mentionId}`)
      expect(sent.map((m) => m.to).sort()).toEqual(['Lea@acme.example', 'dana@partner.example'])
      expect(await mailNoteMentions(t.deps)).toEqual({ mailed: 0 })

      // The inbox's note form says who will hear of it.
      const web = await webSession(t.app, ws.key, `/app/inbox?m=${ws.mentionId}`)
      const page = await (await t.app.request(`http://localhost/app/inbox?m=${ws.mentionId}`, { headers: { cookie: web.cookie } })).text()
      expect(page).toContain('e-mails it to them')
      const posted = await postForm(t.app, web, `/app/inbox/${ws.mentionId}/notes`, [['body', '@lea see this']])
      expect(posted.headers.get('location')).toContain('notice=note-added-told')
      expect(await mailNoteMentions(t.deps)).toEqual({ mailed: 1 })
    } finally {
      t.deps.mail = undefined
      t.deps.config.publicUrl = undefined
    }
  })

  it('records nobody to tell when no mail server is configured, and tells nothing about an erased mention', async () => {
    const ws = await workspaceWithMembers()
    expect((await note(ws, '@lea please look')).data.notifies).toEqual([])
    t.deps.mail = { send: async (m) => void sent.push(m), close: () => {} }
    try {
      expect(await mailNoteMentions(t.deps)).toEqual({ mailed: 0 })
      expect((await note(ws, '@lea please look again')).data.notifies).toHaveLength(1)
      await t.sql`UPDATE mentions SET erased_at = now() WHERE id = ${ws.mentionId}`
      expect(await mailNoteMentions(t.deps)).toEqual({ mailed: 0 })
    } finally {
      t.deps.mail = undefined
    }
  })
})
