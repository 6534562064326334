import { describe, expect, it } from 'vitest'
import { insertApiKey } from '../../src/auth/api-keys.ts'
import { ADMIN_KEY, createTestApp } from '../helpers/app.ts'
import { postForm, webSession } from '../web/web-session.ts'

const t = await createTestApp()
let n = 0

/** Pushes mentions through the real pipeline (enrichment, rules, webhooks, alerts) and returns them as the API shows them. */
async function push(sourceId: string, texts: string[], key = ADMIN_KEY) {
  const items = texts.map((text) => ({ externalId: `r-${++n}`, url: `https://example.com/${n}`, author: { handle: `user${n}` }, text, publishedAt: new Date().toISOString() }))
  const res = await t.call('POST', '/v1/mentions', { key, body: { sourceId, items } })
  expect(res.status).toBe(200)
  return Promise.all(res.data.ids.map(async (id: string) => (await t.call('GET', `/v1/mentions/${id}`, { key })).data))
}

describe('automation rules', () => {
  it('act on new mentions their filter matches as they are stored, in order, under their own name in the audit', async () => {
    const src = (await t.call('POST', '/v1/sources', { body: { kind: 'api', name: 'rules push' } })).data.id
    const hook = await t.call('POST', '/v1/webhooks', { body: { url: 'https://hooks.example.com/rules', events: ['mention.created'] } })
    const exportRule = await t.call('POST', '/v1/rules', {
      key: await t.keyFor('agent'),
      body: { name: 'Export bugs to the dev desk', filter: { q: 'export' }, action: { assignee: 'dev-desk', addTags: ['export', 'bug'] } },
    })
    expect(exportRule.status).toBe(201)
    await t.call('POST', '/v1/rules', { body: { name: 'Giveaway spam', filter: { q: '"claim your bonus"' }, action: { status: 'spam', addTags: ['spam'] } } })
    await t.call('POST', '/v1/rules', { body: { name: 'Paused', filter: {}, action: { addTags: ['never'] }, enabled: false } })

    const [bug, spam, other] = await push(src, [
      'The CSV export crashes every time on large files',
      'The giveaway ends today: claim your bonus with every export',
      'Love the new dashboard',
    ])
    expect(bug).toMatchObject({ assignee: 'dev-desk', tags: ['export', 'bug'], status: 'new' })
    // Both rules matched: tags add up, the later rule's status stands.
    expect(spam).toMatchObject({ status: 'spam', assignee: 'dev-desk', tags: ['export', 'bug', 'spam'] })
    expect(other).toMatchObject({ assignee: null, tags: [], status: 'new' })
    expect(bug.history.map((h: { actor: string; action: string }) => `${h.actor}: ${h.action}`)).toContain('rule: Export bugs to the dev desk: updated')

    // Webhooks get the mention as the rules left it.
    const [delivery] = await t.sql`
      SELECT body FROM webhook_deliveries WHERE webhook_id = ${hook.data.id} AND body::jsonb -> 'data' ->> 'id' = ${spam.id}`
    expect(JSON.parse(delivery.body).data).toMatchObject({ status: 'spam', id: spam.id })
    expect((await t.call('GET', `/v1/rules/${exportRule.data.id}`)).data.appliedCount).toBe(2)
    const listed = (await t.call('GET', '/v1/rules', { key: await t.keyFor('viewer') })).data.items
    expect(listed.map((r: { name: string }) => r.name)).toEqual(['Export bugs to the dev desk', 'Giveaway spam', 'Paused'])
  })

  it('share mentions out among a team, each to whoever holds the fewest open ones', async () => {
    const src = (await t.call('POST', '/v1/sources', { body: { kind: 'api', name: 'team push' } })).data.id
    const [held] = await push(src, ['An older refund question that Dana already has'])
    expect((await t.call('PATCH', `/v1/mentions/${held.id}`, { body: { assignee: 'dana' } })).status).toBe(200)
    const [closed] = await push(src, ['A refund question Eli resolved long ago'])
    expect((await t.call('PATCH', `/v1/mentions/${closed.id}`, { body: { assignee: 'eli', status: 'resolved' } })).status).toBe(200)
    const rule = await t.call('POST', '/v1/rules', { body: { name: 'Refunds to the team', filter: { q: 'refund' }, action: { assignAmong: ['dana', 'eli', 'sam'], addTags: ['refund'] } } })
    expect(rule.status, JSON.stringify(rule.data)).toBe(201)

    const first = await push(src, ['refund please', 'where is my refund', 'refund not received', 'refund for order 42', 'refund twice?'])
    // Dana starts with one open mention; Eli's is resolved and does not count.
    const count = (ms: { assignee: string }[]) => Object.fromEntries(['dana', 'eli', 'sam'].map((p) => [p, ms.filter((m) => m.assignee === p).length]))
    expect(count(first)).toEqual({ dana: 1, eli: 2, sam: 2 })
    expect(first.every((m) => m.tags.includes('refund'))).toBe(true)
    const [next] = await push(src, ['one more refund'])
    expect(next.assignee).toBe('dana')

    // Dana signs in with her own key and finds her share under "Assigned to me".
    const dana = (await insertApiKey(t.sql, t.workspaceId, 'dana', 'agent')).key
    const session = await webSession(t.app, dana)
    const inbox = await (await t.app.request('http://localhost/app/inbox', { headers: { cookie: session.cookie } })).text()
    expect(inbox).toContain('<bdi>dana</bdi> · default · agent')
    expect(inbox).toContain('href="/app/inbox?assignee=dana"')
    const mine = await (await t.app.request('http://localhost/app/inbox?assignee=dana', { headers: { cookie: session.cookie } })).text()
    for (const m of [held, next, ...first.filter((x) => x.assignee === 'dana')]) expect(mine).toContain(`data-id="${m.id}"`)
    expect(mine).not.toContain(`data-id="${first.find((x) => x.assignee === 'eli')!.id}"`)
    expect(mine).toMatch(/aria-current="page"[^>]*>\s*Assigned to me/)

    for (const action of [{ assignAmong: ['dana'] }, { assignAmong: ['dana', 'dana'] }, { assignAmong: ['dana', 'eli'], assignee: 'sam' }]) {
      expect((await t.call('POST', '/v1/rules', { body: { name: `bad ${JSON.stringify(action)}`, filter: {}, action } })).status, JSON.stringify(action)).toBe(400)
    }
    const s = await webSession(t.app, ADMIN_KEY, '/app/rules')
    const made = await postForm(t.app, s, '/app/rules', [['name', 'Billing to the desk'], ['q', 'invoice'], ['assignee', 'ana, bo']])
    expect(made.status).toBe(303)
    const rules = (await t.call('GET', '/v1/rules')).data.items as { name: string; action: unknown }[]
    expect(rules.find((r) => r.name === 'Billing to the desk')?.action).toEqual({ assignAmong: ['ana', 'bo'] })
    const page = await (await t.app.request('http://localhost/app/rules', { headers: { cookie: s.cookie } })).text()
    expect(page).toContain('share out among ana, bo (whoever has the fewest open)')
  })

  it('can be paused, changed, applied to stored mentions and deleted', async () => {
    const src = (await t.call('POST', '/v1/sources', { body: { kind: 'api', name: 'rules push 2' } })).data.id
    const rule = (await t.call('POST', '/v1/rules', { body: { name: 'Billing', filter: { q: 'invoice' }, action: { addTags: ['billing'] } } })).data
    const [before] = await push(src, ['My invoice is wrong'])
    expect(before.tags).toEqual(['billing'])
    expect((await t.call('PATCH', `/v1/rules/${rule.id}`, { body: { enabled: false } })).data.enabled).toBe(false)
    expect((await push(src, ['Another invoice question']))[0].tags).toEqual([])
    await t.call('PATCH', `/v1/rules/${rule.id}`, { body: { enabled: true, action: { addTags: ['finance'] } } })
    expect((await push(src, ['Invoice again']))[0].tags).toEqual(['finance'])
    // Rules act on new mentions only: the first one keeps what it got, until the rule is applied to what is stored.
    expect((await t.call('GET', `/v1/mentions/${before.id}`)).data.tags).toEqual(['billing'])
    expect((await t.call('POST', `/v1/rules/${rule.id}/apply`, { key: await t.keyFor('viewer') })).status).toBe(403)
    const applied = await t.call('POST', `/v1/rules/${rule.id}/apply`, { key: await t.keyFor('agent') })
    expect(applied.data).toEqual({ matched: 3, updated: 2 })
    const old = (await t.call('GET', `/v1/mentions/${before.id}`)).data
    expect(old.tags).toEqual(['billing', 'finance'])
    expect(old.history.filter((h: { actor: string }) => h.actor === 'rule: Billing')).toHaveLength(2)
    // Two new mentions it acted on as they came in, two stored ones it changed now.
    expect((await t.call('GET', `/v1/rules/${rule.id}`)).data.appliedCount).toBe(4)
    expect((await t.call('DELETE', `/v1/rules/${rule.id}`)).status).toBe(204)
    expect((await t.call('GET', `/v1/rules/${rule.id}`)).status).toBe(404)
    // The audit keeps the rule's name after it is gone.
    expect((await t.call('GET', `/v1/mentions/${before.id}`)).data.history.some((h: { actor: string }) => h.actor === 'rule: Billing')).toBe(true)
  })

  it('refuses bad rules with the reason, keeps viewers out, and stays in its workspace', async () => {
    for (const body of [
      { name: 'no action', filter: {}, action: {} },
      { name: 'bad status', action: { status: 'archived' } },
      { name: 'bad filter', filter: { sentiment: ['furious'] }, action: { addTags: ['x'] } },
      { name: '', action: { addTags: ['x'] } },
    ]) {
      expect((await t.call('POST', '/v1/rules', { body })).status, JSON.stringify(body)).toBe(400)
    }
    expect((await t.call('POST', '/v1/rules', { key: await t.keyFor('viewer'), body: { name: 'v', action: { addTags: ['x'] } } })).status).toBe(403)
    await t.call('POST', '/v1/rules', { body: { name: 'Dupe', action: { addTags: ['x'] } } })
    expect((await t.call('POST', '/v1/rules', { body: { name: 'Dupe', action: { addTags: ['y'] } } })).status).toBe(409)

    const other = await t.call('POST', '/v1/workspaces', { body: { name: 'rules-other' } })
    const theirSource = (await t.call('POST', '/v1/sources', { key: other.data.key, body: { kind: 'api', name: 'theirs' } })).data.id
    const [theirs] = await push(theirSource, ['an export problem on their side'], other.data.key)
    expect(theirs.tags).toEqual([])
    expect((await t.call('GET', '/v1/rules', { key: other.data.key })).data.items).toEqual([])
  })

  it('are made on the Rules page through the API schema, shown in words, and read-only for viewers', async () => {
    const src = await t.call('POST', '/v1/sources', { body: { kind: 'api', name: '<b>Support</b> forum' } })
    const agent = await webSession(t.app, await t.keyFor('agent'), '/app/rules')
    const bad = await postForm(t.app, agent, '/app/rules', [['name', 'Nothing to do'], ['q', 'refund']])
    expect(bad.status).toBe(400)
    expect(await bad.text()).toContain('nothing to change')
    expect((await t.call('GET', '/v1/rules')).data.items.some((r: { name: string }) => r.name === 'Nothing to do')).toBe(false)

    const ok = await postForm(t.app, agent, '/app/rules', [
      ['name', 'Refunds to billing'], ['sentiment', 'negative'], ['source', src.data.id], ['q', 'refund'],
      ['status', 'open'], ['assignee', 'billing'], ['addTags', 'refund, money'],
    ])
    expect(ok.status).toBe(303)
    const rule = (await t.call('GET', '/v1/rules')).data.items.find((r: { name: string }) => r.name === 'Refunds to billing')
    expect(rule).toMatchObject({ filter: { sentiment: ['negative'], source: [src.data.id], q: 'refund' }, action: { status: 'open', assignee: 'billing', addTags: ['refund', 'money'] } })
    const page = await (await t.app.request('http://localhost/app/rules', { headers: { cookie: agent.cookie } })).text()
    expect(page).toContain('negative sentiment, from &lt;b&gt;Support&lt;/b&gt; forum, “refund”')
    expect(page).toContain('mark open; assign to billing; tag refund, money')

    expect((await postForm(t.app, agent, `/app/rules/${rule.id}/apply`, [])).status).toBe(303)
    const pause = await postForm(t.app, agent, `/app/rules/${rule.id}/enabled`, [['enabled', 'false']])
    expect(pause.status).toBe(303)
    expect((await t.call('GET', `/v1/rules/${rule.id}`)).data.enabled).toBe(false)
    const viewer = await webSession(t.app, await t.keyFor('viewer'), '/app/rules')
    expect(await (await t.app.request('http://localhost/app/rules', { headers: { cookie: viewer.cookie } })).text()).not.toContain('Create rule')
    expect((await postForm(t.app, viewer, `/app/rules/${rule.id}/delete`, [])).status).toBe(403)
    expect((await postForm(t.app, agent, `/app/rules/${rule.id}/delete`, [])).status).toBe(303)
    expect((await t.call('GET', `/v1/rules/${rule.id}`)).status).toBe(404)
  })
})
