import { http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { discordConnector } from '../../connectors/discord/index.ts'
import { createLogger } from '../../src/logger.ts'
import { UpstreamError } from '../../src/net/errors.ts'
import { jsonFixture, NOW, poll, testClient, useMockServer } from './harness.ts'

const server = useMockServer()
const TOKEN = 'MTA5ODc2NTQzMjEwOTg3NjU0Mw.GhX2Qa.k3Yq8vZp1RwT5nLmC0dJfB7sXe4uHa9oIi2Wgy'
const API = 'https://discord.com/api/v10'
const GUILD = '1021379872334807040'
const GENERAL = '1021379872334807043'
const SOPORTE = '1147920512660123688'
const config = { botToken: TOKEN, guildId: GUILD, channels: [GENERAL, SOPORTE] }
const FORUM = '1198210379214983168'
const POST = '1478319041364885583'
const SYNC_THREAD = '1478347846582403079'
const WEBHOOKS_THREAD = '1475884477317120079'

type Msg = { id: string; channel_id: string } & Record<string, unknown>
const messages = (name: string) => jsonFixture('discord', name) as Msg[]
const byIdDescending = (a: Msg, b: Msg) => (BigInt(b.id) > BigInt(a.id) ? 1 : BigInt(b.id) < BigInt(a.id) ? -1 : 0)

interface Call {
  channel: string
  limit: string | null
  after: string | null
  authorization: string | null
}

/**
 * Channels as Discord serves them: newest first, at most `limit` (50 unless asked), and with `after` the oldest
 * `limit` past that id. Records every call.
 */
function serveChannels(all: Msg[]) {
  const calls: Call[] = []
  // No threads unless a test serves some after.
  serveThreads([])
  server.use(
    http.get(`${API}/channels/:channel/messages`, ({ request, params }) => {
      const query = new URL(request.url).searchParams
      const call = { channel: String(params.channel), limit: query.get('limit'), after: query.get('after'), authorization: request.headers.get('authorization') }
      calls.push(call)
      const limit = Number(call.limit ?? 50)
      const mine = all.filter((m) => m.channel_id === call.channel).sort(byIdDescending)
      const after = call.after
      return HttpResponse.json(after === null ? mine.slice(0, limit) : mine.filter((m) => BigInt(m.id) > BigInt(after)).slice(-limit))
    }),
  )
  return calls
}

type Thread = { id: string; parent_id: string; type: number; last_message_id?: string; thread_metadata: { archived: boolean; archive_timestamp: string } } & Record<string, unknown>
const threadList = (name: string) => (jsonFixture('discord', name) as { threads: Thread[] }).threads

/**
 * Threads as Discord lists them: the server's active ones at once, a channel's archived public ones newest archived
 * first, `before` an ISO time, with has_more. Records the listings asked for.
 */
function serveThreads(threads: Thread[]) {
  const listings: string[] = []
  server.use(
    http.get(`${API}/guilds/:guild/threads/active`, ({ params }) => {
      listings.push(`active ${String(params.guild)}`)
      return HttpResponse.json({ threads: threads.filter((t) => !t.thread_metadata.archived), members: [] })
    }),
    http.get(`${API}/channels/:channel/threads/archived/public`, ({ request, params }) => {
      const q = new URL(request.url).searchParams
      listings.push(`archived ${String(params.channel)}`)
      const before = q.get('before')
      const limit = Number(q.get('limit') ?? 50)
      const archived = threads
        .filter((t) => t.parent_id === params.channel && t.thread_metadata.archived && (before === null || t.thread_metadata.archive_timestamp < before))
        .sort((a, b) => b.thread_metadata.archive_timestamp.localeCompare(a.thread_metadata.archive_timestamp))
      return HttpResponse.json({ threads: archived.slice(0, limit), members: [], has_more: archived.length > limit })
    }),
  )
  return listings
}

/** `n` messages by one person in one channel, with consecutive ids from `first`. */
function chatter(channel: string, first: bigint, n: number): Msg[] {
  const [model] = messages('messages-after.json')
  return Array.from({ length: n }, (_, i) => ({ ...model, id: String(first + BigInt(i)), channel_id: channel, content: `message ${i}` }))
}

describe('discord connector', () => {
  it('reads the latest page of each channel as the bot, keeping what people said and leaving out bots, webhooks, notices and empty messages', async () => {
    const calls = serveChannels(messages('messages-latest.json'))
    const { items, cursor } = await poll(discordConnector, config)
    expect(items.map((i) => i.externalId)).toEqual([
      `${GENERAL}:1478358638526595079`,
      `${GENERAL}:1478355056590979079`,
      `${GENERAL}:1478349247479939079`,
      `${GENERAL}:1478347846582403079`,
      `${SOPORTE}:1478338921103491079`,
    ])
    const [li, olga, sam, maya, lucia] = items
    expect(maya).toMatchObject({
      url: `https://discord.com/channels/${GUILD}/${GENERAL}/1478347846582403079`,
      author: { handle: 'maya.codes', name: 'Maya', profileUrl: 'https://discord.com/users/806512378901364736' },
      text: "Is anyone else seeing the desktop sync stuck at 99% since yesterday's update? Windows 11, app version 4.2.0.",
      publishedAt: new Date('2026-03-03T11:06:33.512Z'),
      // Reactions of every emoji, super reactions included, count as likes.
      engagement: { likes: 6 },
    })
    expect(maya.raw).toEqual(messages('messages-latest.json').find((m) => m.id === '1478347846582403079'))
    expect(li).toMatchObject({ author: { handle: 'li.wei', name: '李伟' }, text: expect.stringContaining('通知只发到一个频道'), engagement: {} })
    // A reply is someone talking; the people and custom emoji in Discord's markup read as they show.
    expect(olga).toMatchObject({ author: { handle: 'olga_sm', name: 'Ольга' }, text: expect.stringMatching(/^Да, у меня то же самое на macOS/) })
    expect(sam.text).toBe('@maya.codes same here since Tuesday :sadpepe: is there any workaround?')
    expect(sam.author.name).toBeUndefined()
    // An edited message read for the first time is its new words.
    expect(lucia).toMatchObject({ url: `https://discord.com/channels/${GUILD}/${SOPORTE}/1478338921103491079`, text: expect.stringContaining('exportar los informes a PDF') })
    expect(discordConnector.edits).toBe(false)

    // Each channel's mark is its newest message, a left-out one too ("started a thread" in #soporte).
    expect(cursor).toEqual({ [GENERAL]: '1478358638526595079', [SOPORTE]: '1478342389792899079' })
    // One page each, as the bot: half of the 100-message backfill for #general, and what it left for #soporte.
    expect(calls).toEqual([
      { channel: GENERAL, limit: '50', after: null, authorization: `Bot ${TOKEN}` },
      { channel: SOPORTE, limit: '92', after: null, authorization: `Bot ${TOKEN}` },
    ])
  })

  it('backfills at most maxItems messages overall, shared between the channels', async () => {
    const calls = serveChannels(messages('messages-latest.json'))
    const { items, cursor } = await poll(discordConnector, config, null, { maxItems: 3 })
    expect(calls.map((c) => [c.channel, c.limit])).toEqual([
      [GENERAL, '2'],
      [SOPORTE, '1'],
    ])
    // The two latest in #general are Li Wei's and the bot's; the latest in #soporte is a notice.
    expect(items.map((i) => i.externalId)).toEqual([`${GENERAL}:1478358638526595079`])
    expect(cursor).toEqual({ [GENERAL]: '1478358638526595079', [SOPORTE]: '1478342389792899079' })
  })

  it('asks each channel for what came after its own mark, and backfills a channel added since', async () => {
    const calls = serveChannels([...messages('messages-latest.json'), ...messages('messages-after.json')])
    const marks = { [GENERAL]: '1478358638526595079', [SOPORTE]: '1478342389792899079' }
    const { items, cursor } = await poll(discordConnector, config, marks, { maxItems: 5000 })
    expect(calls.map((c) => [c.channel, c.after, c.limit])).toEqual([
      [GENERAL, marks[GENERAL], '100'],
      [SOPORTE, marks[SOPORTE], '100'],
    ])
    expect(items.map((i) => i.externalId)).toEqual([`${GENERAL}:1478362111410307079`, `${SOPORTE}:1478365584294019079`])
    expect(items[0]).toMatchObject({ author: { handle: 'maya.codes' }, text: expect.stringContaining('Clearing the cache folder fixed it') })
    expect(cursor).toEqual({ [GENERAL]: '1478363734605955079', [SOPORTE]: '1478365584294019079' })

    // Nothing new: the marks stay. A channel without one (just added) gets its latest page.
    const quiet = serveChannels(messages('messages-after.json'))
    const again = await poll(discordConnector, config, { [GENERAL]: '1478363734605955079' }, { maxItems: 5000 })
    expect(quiet.map((c) => [c.channel, c.after])).toEqual([
      [GENERAL, '1478363734605955079'],
      [SOPORTE, null],
    ])
    expect(again.items.map((i) => i.externalId)).toEqual([`${SOPORTE}:1478365584294019079`])
    expect(again.cursor).toEqual({ [GENERAL]: '1478363734605955079', [SOPORTE]: '1478365584294019079' })
    // A mark for a channel no longer in the config is dropped; with no messages anywhere, the next run starts afresh.
    serveChannels(messages('messages-empty.json'))
    expect(await poll(discordConnector, { ...config, channels: [SOPORTE] }, { [GENERAL]: '1478363734605955079', [SOPORTE]: '1478365584294019079' })).toMatchObject({
      items: [],
      cursor: { [SOPORTE]: '1478365584294019079' },
    })
    expect((await poll(discordConnector, { ...config, channels: [SOPORTE] }, { [GENERAL]: '1478363734605955079' })).cursor).toBeNull()

    // A proxy that ignores `after` and hands back the latest page again adds nothing the mark covers.
    server.use(http.get(`${API}/channels/:channel/messages`, () => HttpResponse.json(messages('messages-latest.json').filter((m) => m.channel_id === GENERAL))))
    expect(await poll(discordConnector, { ...config, channels: [GENERAL] }, { [GENERAL]: '1478358638526595079' }, { maxItems: 5000 })).toMatchObject({
      items: [],
      cursor: { [GENERAL]: '1478358638526595079' },
    })
  })

  it('pages forward until a short page, comparing ids as 64-bit numbers, and leaves what the budget could not take to the next run', async () => {
    // Ids that cross from 18 to 19 digits and sit closer together than a double can tell apart.
    const mark = 999_999_999_999_999_950n
    const calls = serveChannels(chatter(GENERAL, mark + 1n, 250))
    const one = { ...config, channels: [GENERAL] }
    const first = await poll(discordConnector, one, { [GENERAL]: String(mark) }, { maxItems: 120 })
    expect(calls.map((c) => [c.after, c.limit])).toEqual([
      [String(mark), '100'],
      [String(mark + 100n), '20'],
    ])
    expect(first.items).toHaveLength(120)
    expect(first.items[0].externalId).toBe(`${GENERAL}:${mark + 120n}`)
    expect(first.cursor).toEqual({ [GENERAL]: String(mark + 120n) })

    calls.length = 0
    const second = await poll(discordConnector, one, first.cursor, { maxItems: 5000 })
    expect(calls.map((c) => [c.after, c.limit])).toEqual([
      [String(mark + 120n), '100'],
      [String(mark + 220n), '100'],
    ])
    expect(second.items).toHaveLength(130)
    expect(second.cursor).toEqual({ [GENERAL]: String(mark + 250n) })
    // Every message exactly once across the two runs.
    expect(new Set([...first.items, ...second.items].map((i) => i.externalId)).size).toBe(250)
  })

  it('reads the public threads and forum posts of chosen channels, active or archived within 14 days, each message once across runs', async () => {
    const threads = [...threadList('threads-active.json'), ...threadList('threads-archived.json')]
    const all = [...messages('messages-latest.json'), ...messages('messages-threads.json')]
    const withThreads = { ...config, channels: [GENERAL, FORUM] }
    const calls = serveChannels(all)
    const listings = serveThreads(threads)
    const first = await poll(discordConnector, withThreads, null, { maxItems: 5000 })
    expect(listings).toEqual([`active ${GUILD}`, `archived ${GENERAL}`, `archived ${FORUM}`])
    // A thread is read like a channel, from its first message; the private one, one under a channel not chosen and
    // one archived before the 14 days are not.
    expect(calls.map((c) => [c.channel, c.after])).toEqual([
      [GENERAL, null],
      [FORUM, null],
      [SYNC_THREAD, String(BigInt(SYNC_THREAD) - 1n)],
      [WEBHOOKS_THREAD, String(BigInt(WEBHOOKS_THREAD) - 1n)],
      [POST, String(BigInt(POST) - 1n)],
    ])
    const inThreads = first.items.filter((i) => [POST, SYNC_THREAD, WEBHOOKS_THREAD].some((t) => i.externalId.startsWith(`${t}:`)))
    expect(inThreads.map((i) => [i.externalId, i.title])).toEqual([
      // "Started a thread" is a notice, left out.
      [`${SYNC_THREAD}:1478354199832952911`, undefined],
      [`${SYNC_THREAD}:1478351277732659279`, undefined],
      [`${WEBHOOKS_THREAD}:1475885565361520719`, undefined],
      [`${POST}:1478326250614292559`, undefined],
      // A forum post's first message is the post: its title is the thread's name.
      [`${POST}:${POST}`, 'Export to PDF cuts off the last page'],
    ])
    expect(inThreads[4]).toMatchObject({ url: `https://discord.com/channels/${GUILD}/${POST}/${POST}`, author: { handle: 'li.wei' }, text: expect.stringContaining('cuts off the last page') })
    expect(first.cursor).toEqual({ [GENERAL]: '1478358638526595079', [POST]: '1478326250614292559', [SYNC_THREAD]: '1478354199832952911', [WEBHOOKS_THREAD]: '1475885565361520719' })

    // Nothing new: threads whose last message was read are not asked for.
    calls.length = 0
    const second = await poll(discordConnector, withThreads, first.cursor, { maxItems: 5000 })
    expect(second.items).toEqual([])
    expect(calls.map((c) => c.channel)).toEqual([GENERAL, FORUM])
    expect(second.cursor).toEqual(first.cursor)

    // A new message in a thread whose parent's mark is past it: read from the thread's own mark.
    const followUp = { ...messages('messages-threads.json').find((m) => m.id === '1478351277732659279')!, id: '1478362111410307099', content: 'Still 99% after 4.2.1 :(' }
    const again = serveChannels([...all, followUp])
    serveThreads(threads.map((t) => (t.id === SYNC_THREAD ? { ...t, last_message_id: followUp.id } : t)))
    const third = await poll(discordConnector, withThreads, second.cursor, { maxItems: 5000 })
    expect(again.map((c) => [c.channel, c.after])).toEqual([
      [GENERAL, '1478358638526595079'],
      [FORUM, null],
      [SYNC_THREAD, '1478354199832952911'],
    ])
    expect(third.items.map((i) => i.externalId)).toEqual([`${SYNC_THREAD}:${followUp.id}`])
  })

  it('follows at most the 100 most recently active threads of a channel, forgets those no longer listed, and skips and forgets a deleted one', async () => {
    const [model] = threadList('threads-active.json').filter((t) => t.parent_id === GENERAL)
    const [said] = messages('messages-threads.json').filter((m) => m.channel_id === SYNC_THREAD && m.type === 0)
    // 130 threads an hour apart back from 11:00, one message each.
    const at = (ms: number) => String(((BigInt(ms) - 1_420_070_400_000n) << 22n) + 7n)
    const threads = Array.from({ length: 130 }, (_, i) => {
      const id = at(NOW.getTime() - 3_600_000 * (i + 1))
      return { ...model, id, last_message_id: String(BigInt(id) + 1n), name: `question ${i}` }
    })
    const all = threads.map((t) => ({ ...said, id: t.last_message_id!, channel_id: t.id }))
    const one = { ...config, channels: [GENERAL] }
    const calls = serveChannels(all)
    serveThreads(threads)
    const stale = '1470328366694400079'
    const client = () => testClient({ perHost: { concurrency: 1, intervalCap: 1000, interval: 1000 } })
    const first = await poll(discordConnector, one, { [GENERAL]: '1478358638526595079', [stale]: '1470690754560000079' }, { maxItems: 5000, client: client() })
    expect(calls).toHaveLength(101)
    expect(first.items).toHaveLength(100)
    expect(Object.keys(first.cursor ?? {})).toHaveLength(101)
    expect(first.cursor).toHaveProperty(threads[99].id)
    expect(first.cursor).not.toHaveProperty(threads[100].id)
    expect(first.cursor).not.toHaveProperty(stale)

    // New messages in two threads, one of which was deleted since it was listed: it is skipped and forgotten.
    const [gone, kept] = threads
    const newer = (t: (typeof threads)[number]) => ({ ...t, last_message_id: String(BigInt(t.id) + 2n) })
    const again = serveChannels([...all, { ...said, id: String(BigInt(kept.id) + 2n), channel_id: kept.id }])
    serveThreads([newer(gone), newer(kept), ...threads.slice(2)])
    server.use(http.get(`${API}/channels/${gone.id}/messages`, () => HttpResponse.json(jsonFixture('discord', 'error-404-unknown-channel.json'), { status: 404 })))
    const second = await poll(discordConnector, one, first.cursor, { maxItems: 5000, client: client() })
    expect(again.map((c) => c.channel)).toEqual([GENERAL, kept.id])
    expect(second.items.map((i) => i.externalId)).toEqual([`${kept.id}:${BigInt(kept.id) + 2n}`])
    expect(second.cursor).not.toHaveProperty(gone.id)
    expect(Object.keys(second.cursor ?? {})).toHaveLength(100)
  })

  it('waits out a 429 on the thread listings and on a thread, as for a channel', async () => {
    serveChannels([...messages('messages-latest.json'), ...messages('messages-threads.json')])
    serveThreads(threadList('threads-active.json'))
    let listed = 0
    let read = 0
    server.use(
      http.get(`${API}/guilds/:guild/threads/active`, () => (listed++ === 0 ? HttpResponse.json(jsonFixture('discord', 'error-429.json'), { status: 429 }) : undefined)),
      http.get(`${API}/channels/${POST}/messages`, () => (read++ === 0 ? HttpResponse.json(jsonFixture('discord', 'error-429.json'), { status: 429, headers: { 'retry-after': '3' } }) : undefined)),
    )
    const client = testClient()
    const { items } = await poll(discordConnector, { ...config, channels: [GENERAL, FORUM] }, null, { client, maxItems: 5000 })
    expect(client.waits).toEqual([1_500, 3_000])
    expect(items.map((i) => i.externalId)).toContain(`${POST}:${POST}`)
  })

  it('stops for good when the bot may not list a channel’s archived threads, as when it may not read the channel', async () => {
    serveChannels(messages('messages-latest.json'))
    server.use(http.get(`${API}/channels/:channel/threads/archived/public`, () => HttpResponse.json(jsonFixture('discord', 'error-403-missing-access.json'), { status: 403 })))
    const forbidden = await poll(discordConnector, config).catch((x: UpstreamError) => x)
    expect(forbidden).toMatchObject({ permanent: true, status: 403, message: expect.stringContaining(`channel ${GENERAL}: Missing Access (code 50001)`) })
    // A chosen channel that is itself a thread has no threads to list: Discord says so, and it is read as a channel.
    serveChannels(messages('messages-latest.json'))
    server.use(http.get(`${API}/channels/:channel/threads/archived/public`, () => HttpResponse.json({ message: 'Cannot execute action on this channel type', code: 50024 }, { status: 400 })))
    expect((await poll(discordConnector, config)).items).toHaveLength(5)
  })

  it('waits out a 429 for its Retry-After, and waits for a bucket Discord says is used up', async () => {
    serveThreads([])
    let n = 0
    server.use(
      http.get(`${API}/channels/:channel/messages`, () =>
        n++ === 0 ? HttpResponse.json(jsonFixture('discord', 'error-429.json'), { status: 429, headers: { 'retry-after': '2', 'x-ratelimit-scope': 'user' } }) : HttpResponse.json([]),
      ),
    )
    const client = testClient()
    expect(await poll(discordConnector, config, null, { client })).toMatchObject({ items: [], cursor: null })
    expect(client.waits).toEqual([2_000])
    expect(n).toBe(3)

    // Without the header, the seconds in the body.
    let m = 0
    server.use(
      http.get(`${API}/channels/:channel/messages`, () =>
        m++ === 0 ? HttpResponse.json(jsonFixture('discord', 'error-429.json'), { status: 429 }) : HttpResponse.json([]),
      ),
    )
    const bodyOnly = testClient()
    await poll(discordConnector, config, null, { client: bodyOnly })
    expect(bodyOnly.waits).toEqual([1_500])

    // A page that empties the route's bucket: the next call waits for its reset (an epoch in seconds).
    const at = NOW.getTime()
    serveChannels(chatter(GENERAL, 1478362111410307079n, 150))
    server.use(
      http.get(`${API}/channels/:channel/messages`, ({ request }) => {
        if (new URL(request.url).searchParams.get('after') !== '1478362111410307078') return undefined
        const page = chatter(GENERAL, 1478362111410307079n, 100).reverse()
        return HttpResponse.json(page, { headers: { 'x-ratelimit-limit': '5', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(at / 1000 + 1.25), 'x-ratelimit-reset-after': '1.250' } })
      }),
    )
    const bucket = testClient({ now: () => at })
    const { items } = await poll(discordConnector, { ...config, channels: [GENERAL] }, { [GENERAL]: '1478362111410307078' }, { client: bucket, maxItems: 5000 })
    expect(items).toHaveLength(150)
    expect(bucket.waits).toEqual([1_250])
  })

  it('stops for good on a refused token, a channel it may not read and a channel that does not exist, saying what to fix and never the token', async () => {
    serveThreads([])
    const refuse = (channel: string, fixture: string, status: number) =>
      server.use(
        http.get(`${API}/channels/:channel/messages`, ({ params }) => (params.channel === channel ? HttpResponse.json(jsonFixture('discord', fixture), { status }) : HttpResponse.json([]))),
      )

    refuse(GENERAL, 'error-401.json', 401)
    const unauthorized = await poll(discordConnector, config).catch((x: UpstreamError) => x)
    expect(unauthorized).toMatchObject({ permanent: true, status: 401, message: expect.stringContaining('bot token was refused: 401: Unauthorized (code 0)') })
    expect((unauthorized as Error).message).toContain('Reset Token')

    refuse(SOPORTE, 'error-403-missing-access.json', 403)
    const forbidden = await poll(discordConnector, config).catch((x: UpstreamError) => x)
    expect(forbidden).toMatchObject({ permanent: true, status: 403, message: expect.stringContaining(`channel ${SOPORTE}: Missing Access (code 50001)`) })
    expect((forbidden as Error).message).toMatch(/View Channel and Read Message History.*Message Content intent/)

    refuse(SOPORTE, 'error-404-unknown-channel.json', 404)
    const unknown = await poll(discordConnector, config).catch((x: UpstreamError) => x)
    expect(unknown).toMatchObject({ permanent: true, status: 404, message: expect.stringContaining(`channel ${SOPORTE}: Unknown Channel (code 10003)`) })
    expect((unknown as Error).message).toContain('Copy Channel ID')

    for (const e of [unauthorized, forbidden, unknown]) expect((e as Error).message).not.toContain(TOKEN)
  })

  it('fails the run on a body that is not a list of messages, retries a server error, and reads past one message of a shape it does not know', async () => {
    serveThreads([])
    server.use(http.get(`${API}/channels/:channel/messages`, () => HttpResponse.json({ messages: [] })))
    expect(await poll(discordConnector, config).catch((x: UpstreamError) => x)).toMatchObject({ permanent: false, message: expect.stringContaining('unexpected response shape') })
    server.use(http.get(`${API}/channels/:channel/messages`, () => new HttpResponse('<html>upstream connect error</html>', { status: 200 })))
    expect(await poll(discordConnector, config).catch((x: UpstreamError) => x)).toMatchObject({ permanent: false, message: expect.stringContaining('malformed JSON') })
    server.use(http.get(`${API}/channels/:channel/messages`, () => new HttpResponse('<html>Bad Gateway</html>', { status: 502 })))
    const down = await poll(discordConnector, config).catch((x: UpstreamError) => x)
    expect(down).toBeInstanceOf(UpstreamError)
    expect(down).toMatchObject({ permanent: false, status: 502 })

    const [newest, ...rest] = messages('messages-after.json').filter((m) => m.channel_id === GENERAL)
    serveChannels([{ id: '1478369308835971079', channel_id: GENERAL, type: 0, content: 'no author, no time' }, newest, ...rest])
    const { items, cursor } = await poll(discordConnector, { ...config, channels: [GENERAL] })
    expect(items.map((i) => i.externalId)).toEqual([`${GENERAL}:1478362111410307079`])
    expect(cursor).toEqual({ [GENERAL]: '1478369308835971079' })
  })

  it('warns when people’s messages all come without words: the bot lacks the Message Content intent', async () => {
    const warnings: string[] = []
    const logger = createLogger('warn', (line) => warnings.push(line))
    const run = (page: Msg[]) => {
      serveChannels(page)
      return discordConnector.poll!({ fetch: testClient().fetch, logger, signal: new AbortController().signal, now: NOW, maxItems: 100 }, { ...config, channels: [GENERAL] }, null)
    }
    const people = messages('messages-latest.json').filter((m) => m.channel_id === GENERAL)
    const emptied = people.map((m) => ({ ...m, content: '', attachments: [], embeds: [] }))
    expect((await run(emptied)).items).toEqual([])
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('Message Content intent')
    // A screenshot without words, or a join, is no sign of it; nor are a few empty ones among words.
    await run(people.filter((m) => m.type === 7 || (m.attachments as unknown[]).length > 0))
    await run([emptied[0], people[2]])
    expect(warnings).toHaveLength(1)
  })

  it('takes ids as text only, and says what a bot token looks like', () => {
    const check = (c: object) => discordConnector.config.safeParse({ ...config, ...c })
    expect(check({}).success).toBe(true)
    expect(check({ channels: [Number(GENERAL)] }).success).toBe(false)
    expect(check({ channels: ['12345'] }).success).toBe(false)
    expect(check({ channels: [GENERAL, GENERAL] }).success).toBe(false)
    expect(check({ channels: [] }).success).toBe(false)
    expect(check({ channels: Array.from({ length: 51 }, (_, i) => String(1021379872334807043n + BigInt(i))) }).success).toBe(false)
    expect(check({ guildId: undefined }).success).toBe(false)
    expect(check({ extra: true }).success).toBe(false)
    for (const botToken of [`Bot ${TOKEN}`, 'hunter2', TOKEN.replaceAll('.', '')]) {
      const parsed = check({ botToken })
      expect(parsed.success).toBe(false)
      expect(parsed.error?.issues[0].message).toContain('Reset Token')
    }
  })

  it('answers in the channel as a reply to the message, pinging nobody but its author, and keeps a refusal’s reason', async () => {
    serveChannels(messages('messages-latest.json'))
    const { items } = await poll(discordConnector, config)
    const maya = items.find((i) => i.author.handle === 'maya.codes')!
    const posts: { channel: string; body: unknown; authorization: string | null }[] = []
    let refuse = false
    server.use(
      http.post(`${API}/channels/:channel/messages`, async ({ request, params }) => {
        posts.push({ channel: String(params.channel), body: await request.json(), authorization: request.headers.get('authorization') })
        return refuse ? HttpResponse.json({ message: 'Missing Permissions', code: 50013 }, { status: 403 }) : HttpResponse.json(jsonFixture('discord', 'send.json'))
      }),
    )
    const { fetch } = testClient({ maxAttempts: 1 })
    const target = { externalId: maya.externalId, url: maya.url, authorHandle: maya.author.handle, raw: maya.raw }
    const text = 'Thanks Maya! 4.2.1 fixes the stuck sync; it is rolling out now.'
    const sent = await discordConnector.reply!.send({ fetch, idempotencyKey: 'k' }, config, target, text)
    expect(sent).toEqual({ externalId: `${GENERAL}:1478369308835971079`, url: `https://discord.com/channels/${GUILD}/${GENERAL}/1478369308835971079` })
    expect(posts[0]).toEqual({
      channel: GENERAL,
      authorization: `Bot ${TOKEN}`,
      body: { content: text, message_reference: { message_id: '1478347846582403079', fail_if_not_exists: false }, allowed_mentions: { parse: [], replied_user: true } },
    })
    expect(discordConnector.reply!.maxGraphemes).toBe(2000)

    // A message read in a thread is answered in that thread (a channel of its own).
    const olga = messages('messages-threads.json').find((m) => m.id === '1478351277732659279')!
    await discordConnector.reply!.send({ fetch, idempotencyKey: 'k1' }, config, { externalId: `${SYNC_THREAD}:${olga.id}`, url: null, authorHandle: 'olga_sm', raw: olga }, 'Спасибо, Ольга!')
    expect(posts[1]).toMatchObject({ channel: SYNC_THREAD, body: { message_reference: { message_id: olga.id, fail_if_not_exists: false } } })
    posts.length = 1

    refuse = true
    const refused = await discordConnector.reply!.send({ fetch, idempotencyKey: 'k2' }, config, target, 'Hola').catch((x: UpstreamError) => x)
    expect(refused).toMatchObject({ status: 403, message: expect.stringContaining(`channel ${GENERAL}: Missing Permissions (code 50013); the bot needs View Channel, Send Messages`) })
    expect((refused as Error).message).not.toContain(TOKEN)
    const orphan = await discordConnector.reply!.send({ fetch, idempotencyKey: 'k3' }, config, { ...target, raw: { content: 'hi' } }, 'Hola').catch((x: UpstreamError) => x)
    expect(orphan).toMatchObject({ permanent: true, message: 'the stored message has no channel to answer in' })
    expect(posts).toHaveLength(2)
  })
})
