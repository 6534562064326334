import { http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { decryptSecret } from '../../src/crypto/secret-box.ts'
import { jsonFixture, useMockServer } from '../connectors/harness.ts'
import { createTestApp } from '../helpers/app.ts'

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
