import { beforeAll, describe, expect, it } from 'vitest'
import { ADMIN_KEY, createTestApp } from '../helpers/app.ts'
import { seedMentions, seedSource } from './seed.ts'
import { postForm, webSession } from '../web/web-session.ts'
import { enqueueEvent } from '../../src/webhooks/events.ts'

const t = await createTestApp()
let reddit: string
let mastodon: string
let api: string

beforeAll(async () => {
  reddit = await seedSource(t.sql, t.workspaceId, 'reddit')
  mastodon = await seedSource(t.sql, t.workspaceId, 'mastodon')
  api = await seedSource(t.sql, t.workspaceId, 'api')
})

const linkOf = async (id: string) => (await t.call('GET', `/v1/mentions/${id}`)).data as { customerId: string | null; customerMatch: string | null; customer: { id: string } | null }

describe('identity resolution', () => {
  it('links earlier mentions when a customer gains a matching identity (case and prefix normalized)', async () => {
    const [a, b, other] = await seedMentions(t.sql, t.workspaceId, reddit, [
      { handle: 'Alice', text: 'export crashes' },
      { handle: 'u/alice', text: 'still broken' },
      { handle: 'alicia', text: 'unrelated' },
    ])
    const [pushed] = await seedMentions(t.sql, t.workspaceId, api, [{ handle: '@ALICE', platform: 'reddit', text: 'pushed from a reddit bot' }])
    const created = await t.call('POST', '/v1/customers', { body: { name: 'Alice Ltd', externalRef: 'crm-1', value: 50000, identities: [{ kind: 'reddit', value: '/u/Alice' }] } })
    expect(created.status).toBe(201)
    expect(created.data.identities).toEqual([{ kind: 'reddit', value: 'alice' }])
    for (const id of [a, b, pushed]) expect(await linkOf(id)).toMatchObject({ customerId: created.data.id, customerMatch: 'reddit:alice', customer: { id: created.data.id } })
    expect((await linkOf(other)).customerId).toBeNull()
    expect((await t.call('GET', `/v1/customers/${created.data.id}`)).data.mentionCount).toBe(3)
  })

  it('links new mentions as they arrive, by handle, bare Mastodon user, email and domain', async () => {
    const c = await t.call('POST', '/v1/customers', {
      body: { name: 'Bob', email: 'Bob@Example.org', externalRef: 'crm-2', identities: [{ kind: 'mastodon', value: '@bob' }, { kind: 'domain', value: 'https://www.bobcorp.io/' }] },
    })
    expect(c.status).toBe(201)
    const [masto] = await seedMentions(t.sql, t.workspaceId, mastodon, [{ handle: '@bob@fosstodon.org', text: 'hello' }])
    const [mail, dom] = await seedMentions(t.sql, t.workspaceId, api, [
      { handle: 'bob@example.org', platform: 'zendesk', text: 'ticket text' },
      { handle: 'carol@bobcorp.io', platform: 'email', text: 'from a colleague' },
    ])
    expect(await linkOf(masto)).toMatchObject({ customerId: c.data.id, customerMatch: 'mastodon:bob' })
    expect(await linkOf(mail)).toMatchObject({ customerId: c.data.id, customerMatch: 'email:bob@example.org' })
    expect(await linkOf(dom)).toMatchObject({ customerId: c.data.id, customerMatch: 'domain:bobcorp.io' })
  })

  it('keeps a manual link over automatic resolution until it is removed', async () => {
    const x = await t.call('POST', '/v1/customers', { body: { name: 'X', externalRef: 'crm-x', identities: [{ kind: 'reddit', value: 'xavier' }] } })
    const y = await t.call('POST', '/v1/customers', { body: { name: 'Y', externalRef: 'crm-y' } })
    const [m] = await seedMentions(t.sql, t.workspaceId, reddit, [{ handle: 'xavier', text: 'hi' }])
    expect((await linkOf(m)).customerId).toBe(x.data.id)
    const manual = await t.call('POST', `/v1/mentions/${m}/customer`, { body: { customerId: y.data.id } })
    expect(manual.data).toMatchObject({ customerId: y.data.id, customerMatch: 'manual' })
    await t.call('PATCH', `/v1/customers/${x.data.id}`, { body: { identities: [{ kind: 'reddit', value: 'xavier' }, { kind: 'github', value: 'xav' }] } })
    expect((await linkOf(m)).customerId).toBe(y.data.id)
    const auto = await t.call('DELETE', `/v1/mentions/${m}/customer`)
    expect(auto.data).toMatchObject({ customerId: x.data.id, customerMatch: 'reddit:xavier' })
    await t.call('PATCH', `/v1/customers/${x.data.id}`, { body: { identities: [] } })
    expect((await linkOf(m)).customerId).toBeNull()
  })

  it('refuses an identity or email another customer holds', async () => {
    await t.call('POST', '/v1/customers', { body: { name: 'Dup', email: 'dup@example.com', identities: [{ kind: 'github', value: 'dupe' }] } })
    expect((await t.call('POST', '/v1/customers', { body: { name: 'D2', identities: [{ kind: 'github', value: '@Dupe' }] } })).status).toBe(409)
    expect((await t.call('POST', '/v1/customers', { body: { name: 'D3', email: 'DUP@example.com' } })).status).toBe(409)
    expect((await t.call('POST', '/v1/customers', { body: { company: 'nameless' } })).status).toBe(400)
    expect((await t.call('POST', '/v1/customers', { body: { name: 'x', nickname: 'y' } })).status).toBe(400)
  })
})

describe('import', () => {
  it('imports CSV with identity columns, upserting on externalRef then email, with per-row reasons', async () => {
    await t.call('POST', '/v1/customers', { body: { name: 'Old Name', externalRef: 'imp-1', plan: 'free' } })
    const csv = [
      'name,email,externalRef,company,plan,value,github,reddit,x,country',
      'Acme,ops@acme.test,imp-1,"Acme, Inc.",enterprise,"$50,000",acme-gh,u/acme_r,@Acme_X,DE',
      'Beta,beta@beta.test,,Beta GmbH,pro,1200,,,,AT',
      'Gamma,not-an-email,imp-3,,,,,,',
      'Delta,,,,,,,,',
      'Acme again,,imp-1,,,,,,',
    ].join('\r\n')
    const res = await t.call('POST', '/v1/customers/import', { raw: csv, headers: { 'content-type': 'text/csv' } })
    expect(res.status).toBe(200)
    expect(res.data).toMatchObject({ created: 1, updated: 1 })
    expect(res.data.rejected.map((r: { row: number }) => r.row)).toEqual([3, 4, 5])
    expect(res.data.rejected[0].reason).toMatch(/email/)
    const list = await t.call('GET', '/v1/customers?q=acme')
    const acme = list.data.items[0]
    expect(acme).toMatchObject({ name: 'Acme', company: 'Acme, Inc.', plan: 'enterprise', value: 50000, attributes: { country: 'DE' } })
    // An `x` column files handles under `twitter`, the platform of mentions from X.
    expect(acme.identities).toEqual(expect.arrayContaining([{ kind: 'github', value: 'acme-gh' }, { kind: 'reddit', value: 'acme_r' }, { kind: 'twitter', value: 'acme_x' }, { kind: 'email', value: 'ops@acme.test' }]))
    const again = await t.call('POST', '/v1/customers/import', { body: { items: [{ email: 'beta@beta.test', plan: 'enterprise' }] } })
    expect(again.data).toMatchObject({ created: 0, updated: 1, rejected: [] })
  })

  it('imports 10,000 rows in one call and links their mentions', async () => {
    const [m] = await seedMentions(t.sql, t.workspaceId, reddit, [{ handle: 'bulk_user_9999', text: 'hello from a bulk user' }])
    const lines = ['externalRef,name,email,company,plan,value,reddit,github,segment,account manager']
    for (let i = 0; i < 10_000; i++) {
      lines.push(`b-${i},Bulk Customer Number ${i},bulk.customer.${i}@example-company-${i % 97}.net,"Example Company ${i % 97}, Inc.",business,${i},bulk_user_${i},gh-bulk-${i},mid-market EMEA,Alexandra Example-Manager`)
    }
    const csv = lines.join('\n')
    expect(csv.length).toBeGreaterThan(1024 * 1024)
    const res = await t.call('POST', '/v1/customers/import', { raw: csv, headers: { 'content-type': 'text/csv' } })
    expect(res.status, JSON.stringify(res.data).slice(0, 300)).toBe(200)
    expect(res.data).toMatchObject({ created: 10_000, updated: 0, rejected: [] })
    expect((await linkOf(m)).customerMatch).toBe('reddit:bulk_user_9999')
  })

  it('is for admins only', async () => {
    const agent = await t.keyFor('agent')
    expect((await t.call('POST', '/v1/customers/import', { key: agent, body: [] })).status).toBe(403)
  })
})

describe('timeline, export and erasure', () => {
  it('shows what a customer said, exports it, and erases it while counts stay', async () => {
    const c = await t.call('POST', '/v1/customers', { body: { name: 'Eve', email: 'eve@example.com', externalRef: 'crm-eve', identities: [{ kind: 'reddit', value: 'eve' }] } })
    const [m1, m2] = await seedMentions(t.sql, t.workspaceId, reddit, [
      { handle: 'eve', text: 'Thinking about cancelling our subscription', publishedAt: new Date(Date.now() - 3_600_000) },
      { handle: 'eve', text: 'second complaint', publishedAt: new Date(Date.now() - 60_000) },
    ])
    const [survey] = await t.sql<{ id: string }[]>`INSERT INTO surveys (workspace_id, kind, public_key, question) VALUES (${t.workspaceId}, 'nps', 'pk-eve', 'How likely?') RETURNING id`
    const [resp] = await t.sql<{ id: string }[]>`
      INSERT INTO survey_responses (workspace_id, survey_id, score, comment, email, customer_id, responded_at)
      VALUES (${t.workspaceId}, ${survey.id}, 3, 'slow support', 'eve@example.com', ${c.data.id}, now() - interval '30 minutes') RETURNING id`
    await t.call('POST', `/v1/mentions/${m1}/notes`, { body: { body: 'Eve called about this' } })

    const tl = await t.call('GET', `/v1/customers/${c.data.id}/timeline`)
    expect(tl.status).toBe(200)
    expect(tl.data.items.map((i: { type: string }) => i.type)).toEqual(['mention', 'response', 'mention'])
    expect(tl.data.items[0].mention.id).toBe(m2)
    const page = await t.call('GET', `/v1/customers/${c.data.id}/timeline?limit=2`)
    const rest = await t.call('GET', `/v1/customers/${c.data.id}/timeline?limit=2&cursor=${page.data.nextCursor}`)
    expect(rest.data.items.map((i: { mention?: { id: string } }) => i.mention?.id)).toEqual([m1])

    const ex = await t.call('GET', `/v1/customers/${c.data.id}/export`)
    expect(ex.status).toBe(200)
    const doc = JSON.stringify(ex.data)
    for (const s of ['Thinking about cancelling', 'slow support', 'Eve called about this', 'crm-eve']) expect(doc).toContain(s)

    const er = await t.call('DELETE', `/v1/customers/${c.data.id}?erase=true`)
    expect(er.status).toBe(200)
    expect(er.data.erased).toEqual({ mentions: 2, surveyResponses: 1 })
    const after = await t.call('GET', `/v1/mentions/${m1}`)
    expect(after.data).toMatchObject({ text: '', author: { handle: null, name: null }, customerId: null, erased: true, notes: [] })
    expect(JSON.stringify(after.data)).not.toContain('cancelling')
    const [r] = await t.sql`SELECT comment, email, customer_id FROM survey_responses WHERE id = ${resp.id}`
    expect(r).toEqual({ comment: null, email: null, customer_id: null })
    expect((await t.call('GET', `/v1/customers/${c.data.id}`)).status).toBe(404)
    const [{ n }] = await t.sql`SELECT count(*)::int AS n FROM customer_identities WHERE value = 'eve'`
    expect(n).toBe(0)
    expect((await t.call('GET', `/v1/mentions?q=cancelling`)).data.items).toHaveLength(0)
  })

  it('erases everything one author said on one platform, for someone who is no customer', async () => {
    const [a, b, c] = await seedMentions(t.sql, t.workspaceId, reddit, [
      { handle: 'Gina', text: 'my address is 1 Main St, call me' },
      { handle: 'u/gina', text: 'still waiting, Gina here' },
      { handle: 'ginamaria', text: 'someone else entirely' },
    ])
    const [elsewhere] = await seedMentions(t.sql, t.workspaceId, mastodon, [{ handle: '@gina', text: 'the same name on another platform' }])
    const other = await t.call('POST', '/v1/workspaces', { key: ADMIN_KEY, body: { name: 'erase-author-other' } })
    const otherSource = await seedSource(t.sql, other.data.id, 'reddit')
    const [theirs] = await seedMentions(t.sql, other.data.id, otherSource, [{ handle: 'gina', text: 'in another workspace' }])
    await t.call('POST', `/v1/mentions/${a}/notes`, { body: { body: 'Gina called twice' } })
    // What webhooks were sent about her mentions carries her words; a delivery about someone else stays.
    await t.call('POST', '/v1/webhooks', { body: { url: 'https://hooks.example.com/erase', events: ['mention.created'] } })
    for (const [id, text] of [[a, 'my address is 1 Main St'], [c, 'someone else entirely']]) await enqueueEvent(t.sql, t.workspaceId, 'mention.created', { id, text })
    await t.sql`UPDATE webhook_deliveries SET status = 'delivered' WHERE workspace_id = ${t.workspaceId}`
    const logged = async () => (await t.sql<{ body: string }[]>`SELECT body FROM webhook_deliveries WHERE workspace_id = ${t.workspaceId}`).map((d) => d.body)
    expect((await logged()).filter((b) => b.includes('1 Main St'))).toHaveLength(1)

    expect((await t.call('POST', '/v1/authors/erase', { key: await t.keyFor('agent'), body: { platform: 'reddit', handle: 'gina' } })).status).toBe(403)
    for (const body of [{}, { platform: 'reddit' }, { platform: 'reddit', handle: ' ' }, { platform: 'reddit', handle: 'gina', extra: 1 }]) {
      expect((await t.call('POST', '/v1/authors/erase', { body })).status, JSON.stringify(body)).toBe(400)
    }
    const res = await t.call('POST', '/v1/authors/erase', { body: { platform: 'Reddit', handle: 'https://www.reddit.com/user/GINA/' } })
    expect(res).toMatchObject({ status: 200, data: { erased: { mentions: 2 } } })
    for (const id of [a, b]) {
      const m = (await t.call('GET', `/v1/mentions/${id}`)).data
      expect(m).toMatchObject({ text: '', author: { handle: null }, erased: true, notes: [] })
    }
    expect((await t.call('GET', `/v1/mentions/${c}`)).data.text).toBe('someone else entirely')
    expect((await t.call('GET', `/v1/mentions/${elsewhere}`)).data.text).toBe('the same name on another platform')
    expect((await t.call('GET', `/v1/mentions/${theirs}`, { key: other.data.key })).data.text).toBe('in another workspace')
    const [{ n }] = await t.sql`SELECT count(*)::int AS n FROM audit_log WHERE workspace_id = ${t.workspaceId} AND action = 'author_erased'`
    expect(n).toBe(2)
    expect((await logged()).filter((b) => b.includes('1 Main St'))).toHaveLength(0)
    expect((await logged()).filter((b) => b.includes('someone else entirely'))).toHaveLength(1)
  })

  it('erases an author from the inbox, for admins only, once confirmed', async () => {
    const [m, other] = await seedMentions(t.sql, t.workspaceId, reddit, [
      { handle: 'hank', text: 'please forget me' },
      { handle: 'ivy', text: 'keep me' },
    ])
    const page = async (key: string) => {
      const s = await webSession(t.app, key)
      return { s, html: await (await t.app.request(`/app/inbox?m=${m}`, { headers: { cookie: s.cookie } })).text() }
    }
    const agent = await page(await t.keyFor('agent'))
    expect(agent.html).not.toContain('Erase this author')
    expect((await postForm(t.app, agent.s, `/app/inbox/${m}/erase-author`, [['confirm', 'yes']])).status).toBe(403)
    const admin = await page(ADMIN_KEY)
    expect(admin.html).toContain(`action="/app/inbox/${m}/erase-author"`)
    expect((await postForm(t.app, admin.s, `/app/inbox/${m}/erase-author`, [])).status).toBe(400)
    expect((await t.call('GET', `/v1/mentions/${m}`)).data.text).toBe('please forget me')
    const done = await postForm(t.app, admin.s, `/app/inbox/${m}/erase-author`, [['confirm', 'yes']])
    expect(done.status).toBe(303)
    expect(done.headers.get('location')).toContain('notice=author-erased')
    expect((await t.call('GET', `/v1/mentions/${m}`)).data).toMatchObject({ text: '', erased: true })
    expect((await t.call('GET', `/v1/mentions/${other}`)).data.text).toBe('keep me')
    // Erased, it has no author left to erase.
    expect((await page(ADMIN_KEY)).html.includes(`action="/app/inbox/${m}/erase-author"`)).toBe(false)
  })

  it('a plain delete keeps the mentions, unlinked', async () => {
    const c = await t.call('POST', '/v1/customers', { body: { name: 'Finn', externalRef: 'crm-finn', identities: [{ kind: 'reddit', value: 'finn' }] } })
    const [m] = await seedMentions(t.sql, t.workspaceId, reddit, [{ handle: 'finn', text: 'kept text' }])
    expect((await t.call('DELETE', `/v1/customers/${c.data.id}`)).status).toBe(204)
    expect(await linkOf(m)).toMatchObject({ customerId: null, customerMatch: null })
    expect((await t.call('GET', `/v1/mentions/${m}`)).data.text).toBe('kept text')
  })
})
