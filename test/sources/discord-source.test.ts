import { http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { decryptSecret } from '../../src/crypto/secret-box.ts'
import { jsonFixture, useMockServer } from '../connectors/harness.ts'
import { createTestApp } from '../helpers/app.ts'

const server = useMockServer()
const t = await createTestApp()
const TOKEN = 'MTA5ODc2NTQzMjEwOTg3NjU0Mw.GhX2Qa.k3Yq8vZp1RwT5nLmC0dJfB7sXe4uHa9oIi2Wgy'
const API = 'https://discord.com/api/v10'
const GUILD = '1021379872334807040'
const GENERAL = '1021379872334807043'
const SOPORTE = '1147920512660123688'

type Msg = { id: string; channel_id: string }

describe('a Discord source', () => {
  it('stores what people said in its channels in their languages, keeps the token sealed, asks only for what is new, and answers from the inbox', async () => {
    // The channels as Discord serves them: the latest page at first, and what was said since the run after.
    let said = jsonFixture('discord', 'messages-latest.json') as Msg[]
    const asked: { channel: string; after: string | null; authorization: string | null }[] = []
    server.use(
      http.get(`${API}/channels/:channel/messages`, ({ request, params }) => {
        const after = new URL(request.url).searchParams.get('after')
        asked.push({ channel: String(params.channel), after, authorization: request.headers.get('authorization') })
        const mine = said.filter((m) => m.channel_id === params.channel && (after === null || BigInt(m.id) > BigInt(after)))
        return HttpResponse.json(mine)
      }),
      // A server without threads.
      http.get(`${API}/guilds/:guild/threads/active`, () => HttpResponse.json({ threads: [], members: [] })),
      http.get(`${API}/channels/:channel/threads/archived/public`, () => HttpResponse.json({ threads: [], members: [], has_more: false })),
    )
    const created = await t.call('POST', '/v1/sources', { body: { kind: 'discord', name: 'Acme community', config: { botToken: TOKEN, guildId: GUILD, channels: [GENERAL, SOPORTE] } } })
    expect(created.status, JSON.stringify(created.data)).toBe(201)
    expect(JSON.stringify(created.data)).not.toContain(TOKEN)
    const listed = await t.call('GET', `/v1/sources/${created.data.id}`)
    expect(JSON.stringify(listed.data)).not.toContain(TOKEN)
    const [stored] = await t.sql<{ config: { botToken: { sealed: string } } }[]>`SELECT config FROM sources WHERE id = ${created.data.id}`
    expect(JSON.stringify(stored.config)).not.toContain(TOKEN)
    expect(await decryptSecret(t.deps.config.secretKey, stored.config.botToken.sealed, `source:${t.workspaceId}:${created.data.id}:botToken`)).toBe(TOKEN)

    expect((await t.call('POST', `/v1/sources/${created.data.id}/run`)).data).toMatchObject({ status: 'ok', inserted: 5 })
    const [{ cursor }] = await t.sql<{ cursor: Record<string, string> }[]>`SELECT cursor FROM sources WHERE id = ${created.data.id}`
    expect(cursor).toEqual({ [GENERAL]: '1478358638526595079', [SOPORTE]: '1478342389792899079' })

    said = [...said, ...(jsonFixture('discord', 'messages-after.json') as Msg[])]
    expect((await t.call('POST', `/v1/sources/${created.data.id}/run`)).data).toMatchObject({ status: 'ok', inserted: 2, duplicates: 0 })
    expect((await t.call('POST', `/v1/sources/${created.data.id}/run`)).data).toMatchObject({ status: 'ok', inserted: 0, duplicates: 0 })
    expect(asked.map((a) => [a.channel, a.after])).toEqual([
      [GENERAL, null],
      [SOPORTE, null],
      [GENERAL, '1478358638526595079'],
      [SOPORTE, '1478342389792899079'],
      [GENERAL, '1478363734605955079'],
      [SOPORTE, '1478365584294019079'],
    ])
    expect(asked.every((a) => a.authorization === `Bot ${TOKEN}`)).toBe(true)

    const mentions = (await t.call('GET', `/v1/mentions?source=${created.data.id}&sort=newest`)).data.items as { id: string; lang: string; author: { handle: string } }[]
    expect(mentions.map((m) => [m.author.handle, m.lang])).toEqual([
      ['lucia.fdz', 'es'],
      ['maya.codes', 'en'],
      ['li.wei', 'zh'],
      ['olga_sm', 'ru'],
      ['dev_sam', 'en'],
      ['maya.codes', 'en'],
      ['lucia.fdz', 'es'],
    ])
    const maya = (await t.call('GET', `/v1/mentions/${mentions[5].id}`)).data
    expect(maya).toMatchObject({ replyUnavailable: null, url: `https://discord.com/channels/${GUILD}/${GENERAL}/1478347846582403079`, text: expect.stringContaining('sync stuck at 99%') })

    const sent: { channel: string; body: Record<string, unknown> }[] = []
    server.use(
      http.post(`${API}/channels/:channel/messages`, async ({ request, params }) => {
        sent.push({ channel: String(params.channel), body: (await request.json()) as Record<string, unknown> })
        return HttpResponse.json(jsonFixture('discord', 'send.json'))
      }),
    )
    const reply = await t.call('POST', `/v1/mentions/${maya.id}/replies`, { body: { text: 'Thanks Maya! 4.2.1 fixes the stuck sync; it is rolling out now.' } })
    expect(reply.status, JSON.stringify(reply.data)).toBe(201)
    expect(reply.data).toMatchObject({ status: 'sent', url: `https://discord.com/channels/${GUILD}/${GENERAL}/1478369308835971079` })
    expect(sent).toEqual([
      {
        channel: GENERAL,
        body: {
          content: 'Thanks Maya! 4.2.1 fixes the stuck sync; it is rolling out now.',
          message_reference: { message_id: '1478347846582403079', fail_if_not_exists: false },
          allowed_mentions: { parse: [], replied_user: true },
        },
      },
    ])
  })

  it('refuses a config with ids as numbers or without its server, saying why', async () => {
    const bad = await t.call('POST', '/v1/sources', { body: { kind: 'discord', name: 'Acme', config: { botToken: TOKEN, channels: [Number(GENERAL)] } } })
    expect(bad.status).toBe(400)
    expect(bad.data.error.details.properties).toEqual({
      guildId: { errors: ['required'] },
      channels: { errors: [], items: [{ errors: [expect.stringContaining('a Discord id as text, in quotes')] }] },
    })
    expect(JSON.stringify(bad.data)).not.toContain(TOKEN)
  })
})
