import { http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { telegramConnector } from '../../connectors/telegram/index.ts'
import { decryptSecret } from '../../src/crypto/secret-box.ts'
import { jsonFixture, useMockServer } from '../connectors/harness.ts'
import { ADMIN_KEY, createTestApp } from '../helpers/app.ts'
import { webSession } from '../web/web-session.ts'

const server = useMockServer()
const t = await createTestApp()
const TOKEN = '5508826141:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw8'
const BOT = `https://api.telegram.org/bot${TOKEN}`

describe('a Telegram source', () => {
  it('stores group and private messages in their languages, keeps the token sealed, confirms only what it stored, and answers from the inbox', async () => {
    const offsets: (string | null)[] = []
    server.use(
      http.get(`${BOT}/getUpdates`, ({ request }) => {
        const offset = new URL(request.url).searchParams.get('offset')
        offsets.push(offset)
        return HttpResponse.json(jsonFixture('telegram', offset === null ? 'getupdates.json' : offset === '734019307' ? 'getupdates-edited.json' : 'getupdates-empty.json'))
      }),
    )
    const created = await t.call('POST', '/v1/sources', { body: { kind: 'telegram', name: 'Community chat', config: { botToken: TOKEN } } })
    expect(created.status, JSON.stringify(created.data)).toBe(201)
    expect(JSON.stringify(created.data)).not.toContain(TOKEN)
    const [stored] = await t.sql<{ config: { botToken: { sealed: string } } }[]>`SELECT config FROM sources WHERE id = ${created.data.id}`
    expect(await decryptSecret(t.deps.config.secretKey, stored.config.botToken.sealed, `source:${t.workspaceId}:${created.data.id}:botToken`)).toBe(TOKEN)

    expect((await t.call('POST', `/v1/sources/${created.data.id}/run`)).data).toMatchObject({ status: 'ok', inserted: 3 })
    // Olga edits her message: the mention takes her new words (and their reading), and nothing is stored twice.
    expect((await t.call('POST', `/v1/sources/${created.data.id}/run`)).data).toMatchObject({ status: 'ok', inserted: 0, edited: 1 })
    expect((await t.call('POST', `/v1/sources/${created.data.id}/run`)).data).toMatchObject({ status: 'ok', inserted: 0, edited: 0 })
    expect(offsets).toEqual([null, '734019307', '734019308'])

    const mentions = (await t.call('GET', `/v1/mentions?source=${created.data.id}&sort=newest`)).data.items
    expect(mentions.map((m: { lang: string }) => m.lang)).toEqual(['zh', 'no', 'ru'])
    const olga = (await t.call('GET', `/v1/mentions/${mentions[2].id}`)).data
    expect(olga).toMatchObject({ sentiment: 'negative', urgent: true, replyUnavailable: null, author: { handle: 'olga_sm' }, text: expect.stringContaining('срочно') })
    expect(olga.history.map((h: { action: string }) => h.action)).toContain('edited_at_source')

    const sent: Record<string, unknown>[] = []
    server.use(http.post(`${BOT}/sendMessage`, async ({ request }) => (sent.push((await request.json()) as Record<string, unknown>), HttpResponse.json(jsonFixture('telegram', 'sendmessage.json')))))
    const reply = await t.call('POST', `/v1/mentions/${olga.id}/replies`, { body: { text: 'Ольга, спасибо! Исправление выйдет в 4.2.1 завтра.' } })
    expect(reply.status, JSON.stringify(reply.data)).toBe(201)
    expect(reply.data).toMatchObject({ status: 'sent', url: 'https://t.me/acme_community/5124' })
    expect(sent[0]).toMatchObject({ chat_id: -1001873265410, reply_parameters: { message_id: 5120 } })
  })
})

describe('a Telegram source fed by its webhook', () => {
  it('stores each pushed message at once, with the secret Telegram sends, and asks Telegram nothing on a run', async () => {
    const secret = 'f3a9c1d2e4b5a6978877665544332211'
    const created = await t.call('POST', '/v1/sources', { body: { kind: 'telegram', name: 'Support bot', config: { botToken: TOKEN, webhookSecret: secret } } })
    expect(created.status, JSON.stringify(created.data)).toBe(201)
    expect(JSON.stringify(created.data)).not.toContain(secret)
    const updates = jsonFixture('telegram', 'getupdates.json') as { result: unknown[] }
    const push = (body: unknown, token?: string) =>
      t.app.request(`/hooks/telegram/${created.data.id}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { 'x-telegram-bot-api-secret-token': token } : {}) },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      })

    expect((await push(updates.result[0])).status).toBe(401)
    expect((await push(updates.result[0], 'f3a9c1d2e4b5a6978877665544332212')).status).toBe(401)
    const first = await push(updates.result[0], secret)
    expect([first.status, await first.json()]).toEqual([200, { inserted: 1, duplicates: 0, edited: 0, ignored: 0 }])
    // A bot's message is no mention; the same update delivered again is a duplicate.
    expect(await (await push(updates.result[1], secret)).json()).toEqual({ inserted: 0, duplicates: 0, edited: 0, ignored: 1 })
    expect(await (await push(updates.result[0], secret)).json()).toEqual({ inserted: 0, duplicates: 1, edited: 0, ignored: 0 })
    // An edit pushed later takes the mention's new words.
    const edit = (jsonFixture('telegram', 'getupdates-edited.json') as { result: { edited_message: { text: string } }[] }).result[0]
    expect(await (await push(edit, secret)).json()).toEqual({ inserted: 0, duplicates: 0, edited: 1, ignored: 0 })
    expect((await t.call('GET', `/v1/mentions?source=${created.data.id}`)).data.items[0].text).toBe(edit.edited_message.text)
    expect((await push('{"update_id":', secret)).status).toBe(400)
    expect((await push({ hello: 'world' }, secret)).status).toBe(400)
    expect((await t.call('GET', `/v1/mentions?source=${created.data.id}`)).data.items).toMatchObject([{ author: { handle: 'olga_sm' }, lang: 'ru' }])

    // A paused source takes nothing in, and says so with a 2xx so Telegram does not deliver it again.
    expect((await t.call('PATCH', `/v1/sources/${created.data.id}`, { body: { enabled: false } })).status).toBe(200)
    expect(await (await push(updates.result[2], secret)).json()).toEqual({ inserted: 0, duplicates: 0, edited: 0, ignored: 1 })
    expect((await t.call('GET', `/v1/mentions?source=${created.data.id}`)).data.items).toHaveLength(1)
    expect((await t.call('PATCH', `/v1/sources/${created.data.id}`, { body: { enabled: true } })).status).toBe(200)

    // No handler answers getUpdates here: a run that asked Telegram would fail the test.
    expect((await t.call('POST', `/v1/sources/${created.data.id}/run`)).data).toMatchObject({ status: 'ok', inserted: 0 })
    expect(telegramConnector.config.safeParse({ botToken: TOKEN, webhookSecret: 'short' }).success).toBe(false)
    const s = await webSession(t.app, ADMIN_KEY, `/app/sources/${created.data.id}`)
    const page = await (await t.app.request(`http://localhost/app/sources/${created.data.id}`, { headers: { cookie: s.cookie } })).text()
    expect(page).toContain(`<code>http://localhost/hooks/telegram/${created.data.id}</code>`)
    expect(page).not.toContain(secret)
  })
})
