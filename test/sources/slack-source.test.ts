import { http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { decryptSecret } from '../../src/crypto/secret-box.ts'
import { jsonFixture, useMockServer } from '../connectors/harness.ts'
import { createTestApp } from '../helpers/app.ts'

const server = useMockServer()
const t = await createTestApp()
const TOKEN = 'xoxb-2417903846129-7162049385721-Qw7rT9yPz3LmN5bV8cX1kJ4h'
const API = 'https://slack.com/api'
const WORKSPACE = 'https://acme-community.slack.com'
const GENERAL = 'C04HELP2ABC'
const HJELP = 'C05NORGE9XY'
const USERS: Record<string, string> = {
  U02MAYA4KD7: 'users-info-maya.json',
  U06SAMK2R9B: 'users-info-sam.json',
  U03INGRID8Q: 'users-info-ingrid.json',
  U04LUCIA1ZP: 'users-info-lucia.json',
  U05NIKOS6TW: 'users-info-nikos.json',
}

type Msg = { ts: string }
const said = (name: string) => (jsonFixture('slack', name) as { messages: Msg[] }).messages
const micros = (ts: string) => BigInt(ts.replace('.', ''))

describe('a Slack source', () => {
  it('stores what people said in its channels in their languages, keeps the token sealed, asks only for what is new, and answers from the inbox', async () => {
    // The channels as Slack serves them, newest first and past `oldest`: the latest at first, and what was said since the run after.
    const channels: Record<string, Msg[]> = { [GENERAL]: said('history-latest.json'), [HJELP]: said('history-hjelp.json') }
    const asked: { channel: string | null; oldest: string | null; authorization: string | null }[] = []
    server.use(
      http.get(`${API}/conversations.history`, ({ request }) => {
        const q = new URL(request.url).searchParams
        const oldest = q.get('oldest')
        // Each channel's look back at its threads (with `latest`) is not what this counts.
        if (q.get('latest') === null) asked.push({ channel: q.get('channel'), oldest, authorization: request.headers.get('authorization') })
        const messages = (channels[q.get('channel') ?? ''] ?? []).filter((m) => oldest === null || micros(m.ts) > micros(oldest)).sort((a, b) => (micros(b.ts) > micros(a.ts) ? 1 : -1))
        return HttpResponse.json({ ok: true, messages, has_more: false, response_metadata: { next_cursor: '' } })
      }),
      http.get(`${API}/users.info`, ({ request }) => HttpResponse.json(jsonFixture('slack', USERS[new URL(request.url).searchParams.get('user') ?? ''] ?? 'users-info-not-found.json'))),
    )
    const created = await t.call('POST', '/v1/sources', { body: { kind: 'slack', name: 'Acme community', config: { botToken: TOKEN, channels: [GENERAL, HJELP], workspaceUrl: WORKSPACE } } })
    expect(created.status, JSON.stringify(created.data)).toBe(201)
    expect(JSON.stringify(created.data)).not.toContain(TOKEN)
    const listed = await t.call('GET', `/v1/sources/${created.data.id}`)
    expect(JSON.stringify(listed.data)).not.toContain(TOKEN)
    const [stored] = await t.sql<{ config: { botToken: { sealed: string } } }[]>`SELECT config FROM sources WHERE id = ${created.data.id}`
    expect(JSON.stringify(stored.config)).not.toContain(TOKEN)
    expect(await decryptSecret(t.deps.config.secretKey, stored.config.botToken.sealed, `source:${t.workspaceId}:${created.data.id}:botToken`)).toBe(TOKEN)

    expect((await t.call('POST', `/v1/sources/${created.data.id}/run`)).data).toMatchObject({ status: 'ok', inserted: 4 })
    const [{ cursor }] = await t.sql<{ cursor: Record<string, unknown> }[]>`SELECT cursor FROM sources WHERE id = ${created.data.id}`
    // The recorded thread is older than the 14 days threads are followed for: no replies are asked for.
    expect(cursor).toEqual({ channels: { [GENERAL]: '1772537400.002200', [HJELP]: '1772538120.004100' }, threads: {} })

    channels[GENERAL] = [...channels[GENERAL], ...said('history-newer.json'), ...said('history-newer-2.json')]
    expect((await t.call('POST', `/v1/sources/${created.data.id}/run`)).data).toMatchObject({ status: 'ok', inserted: 3, duplicates: 0 })
    expect((await t.call('POST', `/v1/sources/${created.data.id}/run`)).data).toMatchObject({ status: 'ok', inserted: 0, duplicates: 0 })
    expect(asked.map((a) => [a.channel, a.oldest])).toEqual([
      [GENERAL, null],
      [HJELP, null],
      [GENERAL, '1772537400.002200'],
      [HJELP, '1772538120.004100'],
      [GENERAL, '1772541780.009900'],
      [HJELP, '1772538120.004100'],
    ])
    expect(asked.every((a) => a.authorization === `Bearer ${TOKEN}`)).toBe(true)

    const mentions = (await t.call('GET', `/v1/mentions?source=${created.data.id}&sort=newest`)).data.items as { id: string; lang: string; author: { handle: string } }[]
    expect(mentions.map((m) => [m.author.handle, m.lang])).toEqual([
      ['Nikos', 'el'],
      ['Lucía', 'es'],
      ['maya', 'en'],
      ['ingrid.h', 'no'],
      ['ingrid.h', 'no'],
      ['sam', 'en'],
      ['maya', 'en'],
    ])
    const maya = (await t.call('GET', `/v1/mentions/${mentions[6].id}`)).data
    expect(maya).toMatchObject({ replyUnavailable: null, url: `${WORKSPACE}/archives/${GENERAL}/p1772535993000700`, text: expect.stringContaining('the troubleshooting guide (https://acme.example/support/sync-logs?os=win&v=4.2)') })

    const sent: { body: Record<string, unknown>; authorization: string | null }[] = []
    server.use(
      http.post(`${API}/chat.postMessage`, async ({ request }) => {
        sent.push({ body: (await request.json()) as Record<string, unknown>, authorization: request.headers.get('authorization') })
        return HttpResponse.json(jsonFixture('slack', 'post-message.json'))
      }),
    )
    const reply = await t.call('POST', `/v1/mentions/${maya.id}/replies`, { body: { text: 'Thanks Maya! 4.2.1 fixes the stuck sync; it is rolling out now.' } })
    expect(reply.status, JSON.stringify(reply.data)).toBe(201)
    expect(reply.data).toMatchObject({ status: 'sent', url: `${WORKSPACE}/archives/${GENERAL}/p1772542333012300?thread_ts=1772535993.000700&cid=${GENERAL}` })
    expect(sent).toEqual([
      {
        authorization: `Bearer ${TOKEN}`,
        body: { channel: GENERAL, text: 'Thanks Maya! 4.2.1 fixes the stuck sync; it is rolling out now.', thread_ts: '1772535993.000700', unfurl_links: false },
      },
    ])
  })

  it('refuses a config with channel names instead of ids or another site as the workspace, saying why', async () => {
    const bad = await t.call('POST', '/v1/sources', { body: { kind: 'slack', name: 'Acme', config: { botToken: TOKEN, channels: ['#general'], workspaceUrl: 'https://acme.example' } } })
    expect(bad.status).toBe(400)
    expect(bad.data.error.details.properties).toEqual({
      channels: { errors: [], items: [{ errors: [expect.stringContaining('a Slack channel id like C0123ABCD')] }] },
      workspaceUrl: { errors: [expect.stringContaining('https://acme-community.slack.com')] },
    })
    expect(JSON.stringify(bad.data)).not.toContain(TOKEN)
  })
})
