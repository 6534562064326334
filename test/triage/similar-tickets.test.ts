import { describe, expect, it } from 'vitest'
import { createTestApp } from '../helpers/app.ts'
import { postForm, webSession } from '../web/web-session.ts'
import { seedMentions, seedSource } from './seed.ts'

const t = await createTestApp()
const agent = await t.keyFor('agent')

/** A workspace of its own with three open tickets, one done, and the mentions linked to them. */
async function workspace() {
  const ws = await t.call('POST', '/v1/workspaces', { body: { name: `alike-${crypto.randomUUID()}` } })
  const key = ws.data.key as string
  const source = await seedSource(t.sql, ws.data.id, 'reddit', 'Reddit')
  const seed = (items: { text: string; lang?: string }[]) => seedMentions(t.sql, ws.data.id, source, items)
  const ticket = async (title: string, texts: { text: string; lang?: string }[], status?: string) => {
    const created = await t.call('POST', '/v1/tickets', { key, body: { title, mentionIds: texts.length ? await seed(texts) : undefined } })
    expect(created.status, JSON.stringify(created.data)).toBe(201)
    if (status) await t.call('PATCH', `/v1/tickets/${created.data.id}`, { key, body: { status } })
    return created.data.id as string
  }
  const tickets = {
    export: await ticket('Export crashes on big files', [{ text: 'CSV export crashes on large files' }, { text: 'Export to CSV crashed again with 80k rows' }]),
    dark: await ticket('Dark mode', [{ text: 'Please add a dark mode' }, { text: 'A dark theme would be great at night' }]),
    login: await ticket('Login loop after 4.2', []),
    exportRu: await ticket('Экспорт падает', [{ text: 'Экспорт в CSV падает на больших файлах', lang: 'ru' }]),
    done: await ticket('CSV export is slow', [{ text: 'csv export slow export slow' }], 'done'),
  }
  const similar = (mentionId: string) => t.call('GET', `/v1/mentions/${mentionId}/similar-tickets`, { key })
  return { id: ws.data.id as string, key, seed, tickets, similar }
}

describe('open tickets like a mention', () => {
  it('offers the ticket a new mention is about, in its language, and nothing for what no ticket is about', async () => {
    const ws = await workspace()
    const [exporting, logo, russian, login] = await ws.seed([
      { text: 'Exporting my report to CSV crashes every time' },
      { text: 'Love the new logo' },
      { text: 'Экспорт опять падает', lang: 'ru' },
      { text: 'I am stuck in a login loop since 4.2' },
    ])
    const found = (await ws.similar(exporting)).data.items
    expect(found[0]).toMatchObject({ id: ws.tickets.export, title: 'Export crashes on big files', status: 'open', links: 2 })
    expect(found[0].similarity).toBeGreaterThan(0.3)
    expect(found.map((f: { id: string }) => f.id)).not.toContain(ws.tickets.dark)
    // A done ticket is not offered, however alike.
    expect(found.map((f: { id: string }) => f.id)).not.toContain(ws.tickets.done)
    expect((await ws.similar(logo)).data.items).toEqual([])
    expect((await ws.similar(russian)).data.items.map((f: { id: string }) => f.id)).toEqual([ws.tickets.exportRu])
    // A ticket with no linked mention yet is found by its title.
    expect((await ws.similar(login)).data.items[0]).toMatchObject({ id: ws.tickets.login, links: 0 })

    // What tickets hold is read again when one changes: a link makes a ticket about what it was not about before, an
    // unlink takes it back.
    const [billing, twice] = await ws.seed([{ text: 'Charged twice on the billing page' }, { text: 'The billing page charged my card twice' }])
    expect((await ws.similar(billing)).data.items).toEqual([])
    const link = await t.call('POST', `/v1/tickets/${ws.tickets.login}/links`, { key: ws.key, body: { mentionIds: [twice] } })
    expect((await ws.similar(billing)).data.items.map((f: { id: string }) => f.id)).toEqual([ws.tickets.login])
    expect((await t.call('DELETE', `/v1/tickets/${ws.tickets.login}/links/${link.data.items[0].id}`, { key: ws.key })).status).toBe(204)
    expect((await ws.similar(billing)).data.items).toEqual([])

    // Linked, it is not offered again.
    expect((await t.call('POST', `/v1/tickets/${ws.tickets.export}/links`, { key: ws.key, body: { mentionIds: [exporting] } })).status).toBe(201)
    expect((await ws.similar(exporting)).data.items.map((f: { id: string }) => f.id)).not.toContain(ws.tickets.export)
  })

  it('answers 404 for another workspace’s mention or an unknown one', async () => {
    const ws = await workspace()
    const [mine] = await ws.seed([{ text: 'Export crashes' }])
    expect((await t.call('GET', `/v1/mentions/${mine}/similar-tickets`, { key: agent })).status).toBe(404)
    expect((await ws.similar(crypto.randomUUID())).status).toBe(404)
  })

  it('offers it in the inbox’s detail pane, linked in one click', async () => {
    const ws = await workspace()
    const [exporting] = await ws.seed([{ text: 'Exporting to CSV crashes <b>again</b>' }])
    const s = await webSession(t.app, ws.key)
    const page = await (await t.app.request(`http://localhost/app/inbox?m=${exporting}`, { headers: { cookie: s.cookie } })).text()
    expect(page).toMatch(new RegExp(`Looks like</span> <a href="/app/tickets/${ws.tickets.export}"><bdi>Export crashes on big files</bdi></a>`))
    const linked = await postForm(t.app, s, `/app/inbox/${exporting}/link`, [['ticketId', ws.tickets.export], ['back', `/app/inbox?m=${exporting}`]])
    expect(linked.status).toBe(303)
    expect((await t.call('GET', `/v1/mentions/${exporting}`, { key: ws.key })).data.tickets.map((x: { id: string }) => x.id)).toEqual([ws.tickets.export])
  })

  it('offers it for an unhappy survey comment too, on the survey page, and links the answer in one click', async () => {
    const ws = await workspace()
    const survey = (await t.call('POST', '/v1/surveys', { key: ws.key, body: { kind: 'nps', question: 'How likely?' } })).data
    const answer = async (score: number, comment: string | null) =>
      (await t.sql<{ id: string }[]>`
        INSERT INTO survey_responses (workspace_id, survey_id, score, comment, lang) VALUES (${ws.id}, ${survey.id}, ${score}, ${comment}, 'en') RETURNING id`)[0].id
    const unhappy = await answer(3, 'The CSV export crashes whenever the file is big')
    const praise = await answer(10, 'Love the CSV export, never crashes')
    const bare = await answer(9, null)
    const similar = (id: string) => t.call('GET', `/v1/surveys/${survey.id}/responses/${id}/similar-tickets`, { key: ws.key })
    expect((await similar(unhappy)).data.items[0]).toMatchObject({ id: ws.tickets.export })
    expect((await similar(bare)).data.items).toEqual([])
    expect((await similar(crypto.randomUUID())).status).toBe(404)
    expect((await t.call('GET', `/v1/surveys/${survey.id}/responses/${unhappy}/similar-tickets`, { key: agent })).status).toBe(404)

    const s = await webSession(t.app, ws.key)
    const page = async () => (await t.app.request(`http://localhost/app/surveys/${survey.id}`, { headers: { cookie: s.cookie } })).text()
    const before = await page()
    expect(before).toContain(`action="/app/surveys/${survey.id}/responses/${unhappy}/link"`)
    // Praise is not offered a ticket it shares words with.
    expect(before).not.toContain(`/responses/${praise}/link`)
    const linked = await postForm(t.app, s, `/app/surveys/${survey.id}/responses/${unhappy}/link`, [['ticketId', ws.tickets.export]])
    expect(linked.headers.get('location')).toBe(`/app/surveys/${survey.id}?notice=response-linked`)
    const after = await page()
    expect(after).toContain(`Linked to <a href="/app/tickets/${ws.tickets.export}"><bdi>Export crashes on big files</bdi></a> (open)`)
    expect(after).not.toContain(`action="/app/surveys/${survey.id}/responses/${unhappy}/link"><input type="hidden" name="_csrf" value="${s.csrf}"/><input type="hidden" name="ticketId" value="${ws.tickets.export}"`)
    expect((await t.call('GET', `/v1/tickets/${ws.tickets.export}`, { key: ws.key })).data).toMatchObject({ responseCount: 1 })
  })
})
