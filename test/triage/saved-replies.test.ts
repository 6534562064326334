import { describe, expect, it } from 'vitest'
import { fillSavedReply, inLanguageFirst, type SavedReply } from '../../src/mentions/saved-replies.ts'
import type { Mention } from '../../src/mentions/shape.ts'
import { createTestApp } from '../helpers/app.ts'
import { postForm, webSession } from '../web/web-session.ts'
import { seedMentions, seedSource } from './seed.ts'

const t = await createTestApp()
const agent = await t.keyFor('agent')
const viewer = await t.keyFor('viewer')

const create = (body: unknown, key = agent) => t.call('POST', '/v1/saved-replies', { key, body })

describe('saved replies API', () => {
  it('creates, lists by name, rewords, renames and deletes; agents write, viewers read', async () => {
    const thanks = await create({ name: 'Thanks', body: '  Thanks {{name}}, we are on it.  ' })
    expect(thanks.status).toBe(201)
    expect(thanks.data).toMatchObject({ name: 'Thanks', body: 'Thanks {{name}}, we are on it.', createdBy: 'test agent' })
    expect((await create({ name: 'above', body: 'Fixed in 2.1, {{author}}.' })).status).toBe(201)
    expect((await create({ name: 'x', body: 'y' }, viewer)).status).toBe(403)

    const listed = await t.call('GET', '/v1/saved-replies', { key: viewer })
    expect(listed.data.items.map((r: { name: string }) => r.name)).toEqual(['above', 'Thanks'])

    const patched = await t.call('PATCH', `/v1/saved-replies/${thanks.data.id}`, { key: agent, body: { body: 'Thank you {{name}}!' } })
    expect(patched.data).toMatchObject({ name: 'Thanks', body: 'Thank you {{name}}!' })
    expect(new Date(patched.data.updatedAt).getTime()).toBeGreaterThanOrEqual(new Date(thanks.data.updatedAt).getTime())
    expect((await t.call('PATCH', `/v1/saved-replies/${thanks.data.id}`, { key: agent, body: { name: 'above' } })).status).toBe(409)
    expect((await t.call('PATCH', `/v1/saved-replies/${thanks.data.id}`, { key: agent, body: {} })).status).toBe(400)
    expect((await t.call('PATCH', `/v1/saved-replies/${thanks.data.id}`, { key: viewer, body: { name: 'z' } })).status).toBe(403)

    expect((await t.call('DELETE', `/v1/saved-replies/${thanks.data.id}`, { key: agent })).status).toBe(204)
    expect((await t.call('GET', `/v1/saved-replies/${thanks.data.id}`)).status).toBe(404)
  })

  it('refuses a taken name, unknown placeholders, empty or overlong text, and other workspaces’ replies', async () => {
    const first = await create({ name: 'Dup', body: 'one' })
    expect((await create({ name: 'Dup', body: 'two' })).status).toBe(409)
    const bad = await create({ name: 'Bad', body: 'Hi {{first_name}} and {{ plan }}' })
    expect(bad.status).toBe(400)
    expect(JSON.stringify(bad.data.error)).toContain('unknown placeholder {{first_name}}, {{plan}}; use {{name}}, {{author}}, {{source}}')
    expect((await create({ name: 'Proto', body: 'Hi {{toString}}' })).status).toBe(400)
    expect((await create({ name: 'Empty', body: '   ' })).status).toBe(400)
    expect((await create({ name: 'Long', body: 'x'.repeat(5001) })).status).toBe(400)
    expect((await create({ name: 'Extra', body: 'x', shared: true })).status).toBe(400)

    const other = await t.call('POST', '/v1/workspaces', { body: { name: `saved-other-${crypto.randomUUID()}` } })
    expect((await t.call('GET', `/v1/saved-replies/${first.data.id}`, { key: other.data.key })).status).toBe(404)
    expect((await t.call('PATCH', `/v1/saved-replies/${first.data.id}`, { key: other.data.key, body: { body: 'mine' } })).status).toBe(404)
    expect((await t.call('DELETE', `/v1/saved-replies/${first.data.id}`, { key: other.data.key })).status).toBe(404)
    expect((await t.call('GET', '/v1/saved-replies', { key: other.data.key })).data.items).toEqual([])
  })
})

describe('filling a saved reply in', () => {
  const mention = (author: Partial<Mention['author']>) => ({ kind: 'mastodon', author: { handle: null, name: null, profileUrl: null, followers: null, ...author } }) as Mention

  it('names the author by display name, else handle, and writes the handle with one @', () => {
    const body = 'Hi {{name}} ({{ author }}), thanks for writing on {{source}}. {{unknown}} stays.'
    expect(fillSavedReply(body, mention({ handle: 'dana@social.example', name: 'Dana' }))).toBe('Hi Dana (@dana@social.example), thanks for writing on mastodon. {{unknown}} stays.')
    expect(fillSavedReply(body, mention({ handle: '@lou' }))).toBe('Hi @lou (@lou), thanks for writing on mastodon. {{unknown}} stays.')
    expect(fillSavedReply('Hi {{name}}!', mention({}))).toBe('Hi !')
    expect(fillSavedReply('{{constructor}}', mention({ handle: 'x' }))).toBe('{{constructor}}')
  })

  it('offers the saved replies written in the mention’s language first, the rest in their order', () => {
    const saved = (name: string, body: string): SavedReply => ({ id: name, name, body, createdBy: 'agent', createdAt: new Date(), updatedAt: new Date() })
    const replies = [
      saved('thanks-en', 'Thanks {{name}}, we are looking into it and will get back to you soon.'),
      saved('thanks-ru', 'Спасибо, {{name}}! Мы уже разбираемся и скоро вернёмся с ответом.'),
      saved('fixed-en', 'This is fixed in the latest version, please update the app.'),
      saved('thanks-es', 'Gracias {{name}}, ya lo estamos revisando y te responderemos pronto.'),
    ]
    expect(inLanguageFirst(replies, 'ru').map((r) => r.id)).toEqual(['thanks-ru', 'thanks-en', 'fixed-en', 'thanks-es'])
    expect(inLanguageFirst(replies, 'es').map((r) => r.id)).toEqual(['thanks-es', 'thanks-en', 'thanks-ru', 'fixed-en'])
    expect(inLanguageFirst(replies, 'en').map((r) => r.id)).toEqual(['thanks-en', 'fixed-en', 'thanks-ru', 'thanks-es'])
  })
})

describe('saved replies on the web', () => {
  it('fills the reply form of a mention from a saved reply, escaped, and manages them on their page', async () => {
    const source = await seedSource(t.sql, t.workspaceId, 'github', 'repo issues')
    // A token makes the source able to reply, so the detail pane shows the reply form.
    await t.sql`UPDATE sources SET config = ${t.sql.json({ query: 'repo:acme/app', token: 'ghp_x' })} WHERE id = ${source}`
    const [id] = await seedMentions(t.sql, t.workspaceId, source, [{ text: 'export is broken', handle: '<img src=x onerror=alert(1)>' }])
    const s = await webSession(t.app, agent)

    const created = await postForm(t.app, s, '/app/saved-replies', [['name', 'On it <b>'], ['body', 'Thanks {{name}}, we are on it <script>']])
    expect(created.headers.get('location')).toBe('/app/saved-replies?notice=saved-reply-saved')
    const dup = await postForm(t.app, s, '/app/saved-replies', [['name', 'On it <b>'], ['body', 'again']])
    expect(dup.status).toBe(400)
    expect(await dup.text()).toContain('a saved reply named &quot;On it &lt;b&gt;&quot; exists')
    const unknown = await postForm(t.app, s, '/app/saved-replies', [['name', 'Other'], ['body', 'Hi {{plan}}']])
    expect(unknown.status).toBe(400)

    const saved = (await t.call('GET', '/v1/saved-replies')).data.items.find((r: { name: string }) => r.name === 'On it <b>')
    const pane = await (await t.app.request(`http://localhost/app/inbox?m=${id}`, { headers: { cookie: s.cookie } })).text()
    expect(pane).toContain(`/app/inbox?m=${id}&amp;reply=${saved.id}#reply`)
    expect(pane).toContain('On it &lt;b&gt;')

    const filled = await (await t.app.request(`http://localhost/app/inbox?m=${id}&reply=${saved.id}`, { headers: { cookie: s.cookie } })).text()
    const textarea = /<textarea id="reply"[^>]*>([^<]*)<\/textarea>/.exec(filled)![1]
    expect(textarea).toBe('Thanks &lt;img src=x onerror=alert(1)&gt;, we are on it &lt;script&gt;')

    const edited = await postForm(t.app, s, `/app/saved-replies/${saved.id}`, [['name', 'On it'], ['body', 'We are on it, {{author}}.']])
    expect(edited.status).toBe(303)
    expect((await t.call('GET', `/v1/saved-replies/${saved.id}`)).data).toMatchObject({ name: 'On it', body: 'We are on it, {{author}}.' })
    expect((await postForm(t.app, s, `/app/saved-replies/${saved.id}/delete`, [])).status).toBe(303)
    expect((await t.call('GET', `/v1/saved-replies/${saved.id}`)).status).toBe(404)

    const v = await webSession(t.app, viewer)
    const viewerPage = await (await t.app.request('http://localhost/app/saved-replies', { headers: { cookie: v.cookie } })).text()
    expect(viewerPage).not.toContain('New saved reply')
    expect((await postForm(t.app, v, '/app/saved-replies', [['name', 'n'], ['body', 'b']])).status).toBe(403)
  })
})
