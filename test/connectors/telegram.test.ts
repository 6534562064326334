import { http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { telegramConnector } from '../../connectors/telegram/index.ts'
import { UpstreamError } from '../../src/net/errors.ts'
import { jsonFixture, poll, testClient, useMockServer } from './harness.ts'

const server = useMockServer()
const TOKEN = '5508826141:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw8'
const GET_UPDATES = `https://api.telegram.org/bot${TOKEN}/getUpdates`
const SEND = `https://api.telegram.org/bot${TOKEN}/sendMessage`
const config = { botToken: TOKEN }

/** Answers getUpdates with `fixture` and records the query of every call. */
function updates(fixture = 'getupdates.json') {
  const queries: URLSearchParams[] = []
  server.use(http.get(GET_UPDATES, ({ request }) => (queries.push(new URL(request.url).searchParams), HttpResponse.json(jsonFixture('telegram', fixture)))))
  return queries
}

describe('telegram connector', () => {
  it('keeps what people said in groups, forum topics and to the bot, without bots, joins or the anonymous admins', async () => {
    const queries = updates()
    const { items, cursor } = await poll(telegramConnector, config)
    expect(items.map((i) => i.externalId)).toEqual(['-1001873265410:5120', '642255001:88', '-1002210458877:731'])
    expect(items[0]).toMatchObject({
      url: 'https://t.me/acme_community/5120',
      author: { handle: 'olga_sm', name: 'Ольга Смирнова', profileUrl: 'https://t.me/olga_sm' },
      text: 'После обновления 4.2 экспорт в CSV падает на больших файлах. Кто-нибудь сталкивался?',
      publishedAt: new Date('2026-03-03T11:50:00Z'),
    })
    // A private chat has no address; a person without a username is known by their account id.
    expect(items[1]).toMatchObject({ url: '', author: { handle: '642255001', name: 'Kari Nordmann' }, text: expect.stringContaining('Jeg får ikke logget inn') })
    expect(items[1].author.profileUrl).toBeUndefined()
    // A photo's caption is its words; a private supergroup's link opens for its members.
    expect(items[2]).toMatchObject({ url: 'https://t.me/c/2210458877/731', text: '新版本的仪表盘加载很慢，截图如上', author: { handle: 'zhangwei_dev' } })
    expect(cursor).toEqual({ offset: 734019307 })
    expect(queries).toHaveLength(1)
    expect(queries[0].get('offset')).toBeNull()
    expect(queries[0].get('allowed_updates')).toBe('["message","edited_message"]')
    expect(queries[0].get('limit')).toBe('100')
  })

  it('asks from its cursor alone, one page a run, and keeps the cursor when nothing is new', async () => {
    const queries = updates('getupdates-empty.json')
    expect(await poll(telegramConnector, config, { offset: 734019307 }, { maxItems: 20 })).toMatchObject({ items: [], cursor: { offset: 734019307 } })
    expect(queries[0].get('offset')).toBe('734019307')
    expect(queries[0].get('limit')).toBe('20')
    expect(await poll(telegramConnector, config)).toMatchObject({ items: [], cursor: null })
  })

  it('keeps only the chats asked for, by id or username, and still moves past the others', async () => {
    updates()
    const byName = await poll(telegramConnector, { ...config, chats: ['@Acme_Community'] })
    expect(byName.items.map((i) => i.externalId)).toEqual(['-1001873265410:5120'])
    expect(byName.cursor).toEqual({ offset: 734019307 })
    // Ids as numbers (the API) or as the text the web form sends.
    const byId = await poll(telegramConnector, { ...config, chats: [642255001, '-1002210458877'] })
    expect(byId.items.map((i) => i.externalId)).toEqual(['642255001:88', '-1002210458877:731'])
    expect(telegramConnector.config.safeParse({ ...config, chats: ['a b'] }).success).toBe(false)
    expect(telegramConnector.config.safeParse({ botToken: 'not-a-token' }).success).toBe(false)
  })

  it('waits out a 429 for the seconds in its body, and stops for good on a bad token or a webhook in the way', async () => {
    let n = 0
    server.use(http.get(GET_UPDATES, () => (n++ === 0 ? HttpResponse.json(jsonFixture('telegram', 'error-429.json'), { status: 429 }) : HttpResponse.json(jsonFixture('telegram', 'getupdates-empty.json')))))
    const client = testClient()
    await poll(telegramConnector, config, { offset: 1 }, { client })
    expect(client.waits).toEqual([7_000])

    server.use(http.get(GET_UPDATES, () => HttpResponse.json(jsonFixture('telegram', 'error-401.json'), { status: 401 })))
    expect(await poll(telegramConnector, config).catch((x: UpstreamError) => x)).toMatchObject({ permanent: true, status: 401 })
    server.use(http.get(GET_UPDATES, () => HttpResponse.json(jsonFixture('telegram', 'error-409-webhook.json'), { status: 409 })))
    const webhook = await poll(telegramConnector, config).catch((x: UpstreamError) => x)
    expect(webhook).toMatchObject({ permanent: true, status: 409, message: expect.stringContaining('use deleteWebhook') })
    // The token is in Telegram's path: the reason kept for the source must not carry it.
    expect((webhook as Error).message).not.toContain(TOKEN)
  })

  it('keeps the last words of a message edited within one page, and reads past an update of a shape it does not know', async () => {
    const page = jsonFixture('telegram', 'getupdates.json') as { ok: boolean; result: Record<string, unknown>[] }
    const edit = (jsonFixture('telegram', 'getupdates-edited.json') as { result: Record<string, unknown>[] }).result[0]
    const odd = { update_id: 734019308, message: { message_id: 5130, chat: { id: -1001873265410 }, date: 'yesterday' } }
    server.use(http.get(GET_UPDATES, () => HttpResponse.json({ ...page, result: [...page.result, edit, odd] })))
    const { items, cursor } = await poll(telegramConnector, config)
    expect(items.map((i) => i.externalId)).toEqual(['642255001:88', '-1002210458877:731', '-1001873265410:5120'])
    expect(items[2].text).toBe((edit.edited_message as { text: string }).text)
    expect(cursor).toEqual({ offset: 734019309 })
  })

  it('fails the run on a body that is not a list of updates, and on a server error', async () => {
    server.use(http.get(GET_UPDATES, () => HttpResponse.json({ ok: true, result: [{ update_id: 'x' }] })))
    expect(await poll(telegramConnector, config).catch((x: UpstreamError) => x)).toBeInstanceOf(UpstreamError)
    server.use(http.get(GET_UPDATES, () => new HttpResponse('<html>Bad Gateway</html>', { status: 502 })))
    expect(await poll(telegramConnector, config).catch((x: UpstreamError) => x)).toMatchObject({ permanent: false, status: 502 })
  })

  it('answers in the chat as a reply to the message, in its forum topic, and keeps a refusal’s reason', async () => {
    const { items } = await (updates(), poll(telegramConnector, config))
    const bodies: Record<string, unknown>[] = []
    let blocked = false
    server.use(
      http.post(SEND, async ({ request }) => {
        bodies.push((await request.json()) as Record<string, unknown>)
        return blocked ? HttpResponse.json(jsonFixture('telegram', 'error-403-blocked.json'), { status: 403 }) : HttpResponse.json(jsonFixture('telegram', 'sendmessage.json'))
      }),
    )
    const { fetch } = testClient({ maxAttempts: 1 })
    const target = (i: number) => ({ externalId: items[i].externalId, url: items[i].url, authorHandle: items[i].author.handle, raw: items[i].raw })
    const sent = await telegramConnector.reply!.send({ fetch, idempotencyKey: 'k' }, config, target(0), 'Ольга, спасибо! Исправление выйдет в 4.2.1 завтра.')
    expect(sent).toEqual({ externalId: '-1001873265410:5124', url: 'https://t.me/acme_community/5124' })
    expect(bodies[0]).toEqual({ chat_id: -1001873265410, text: 'Ольга, спасибо! Исправление выйдет в 4.2.1 завтра.', reply_parameters: { message_id: 5120, allow_sending_without_reply: true } })

    await telegramConnector.reply!.send({ fetch, idempotencyKey: 'k2' }, config, target(2), '我们在查')
    expect(bodies[1]).toMatchObject({ chat_id: -1002210458877, message_thread_id: 702, reply_parameters: { message_id: 731 } })

    blocked = true
    const refused = await telegramConnector.reply!.send({ fetch, idempotencyKey: 'k3' }, config, target(1), 'Hei Kari!').catch((x: UpstreamError) => x)
    expect(refused).toMatchObject({ status: 403, message: expect.stringContaining('bot was blocked by the user') })
    expect(telegramConnector.reply!.maxGraphemes).toBe(4096)
  })
})
