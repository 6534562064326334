import { http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { slackConnector } from '../../connectors/slack/index.ts'
import { PostedUnreadable, UpstreamError } from '../../src/net/errors.ts'
import { jsonFixture, poll, testClient, useMockServer } from './harness.ts'

const server = useMockServer()
const TOKEN = 'xoxb-2417903846129-7162049385721-Qw7rT9yPz3LmN5bV8cX1kJ4h'
const API = 'https://slack.com/api'
const WORKSPACE = 'https://acme-community.slack.com'
const GENERAL = 'C04HELP2ABC'
const HJELP = 'C05NORGE9XY'
const config = { botToken: TOKEN, channels: [GENERAL, HJELP], workspaceUrl: WORKSPACE }
const MAYA = 'U02MAYA4KD7'
const SAM = 'U06SAMK2R9B'
const INGRID = 'U03INGRID8Q'
const USERS: Record<string, string> = {
  [MAYA]: 'users-info-maya.json',
  [SAM]: 'users-info-sam.json',
  [INGRID]: 'users-info-ingrid.json',
  U04LUCIA1ZP: 'users-info-lucia.json',
  U05NIKOS6TW: 'users-info-nikos.json',
}

type Msg = { ts: string } & Record<string, unknown>
const page = (name: string) => jsonFixture('slack', name) as { messages: Msg[]; response_metadata: { next_cursor: string } }
const said = (name: string) => page(name).messages
const micros = (ts: string) => BigInt(ts.replace('.', ''))
type Cursor = { channels: Record<string, string>; threads: Record<string, Record<string, string>> }
/** A poll whose cursor reads as the connector saves it. */
const pollSlack = async (...args: Parameters<typeof poll> extends [unknown, ...infer Rest] ? Rest : never) => {
  const result = await poll(slackConnector, ...args)
  return { ...result, cursor: result.cursor as Cursor | null }
}
const newestFirst = (a: Msg, b: Msg) => (micros(b.ts) > micros(a.ts) ? 1 : micros(b.ts) < micros(a.ts) ? -1 : 0)

interface HistoryCall {
  channel: string | null
  limit: string | null
  oldest: string | null
  cursor: string | null
  authorization: string | null
}
interface RepliesCall {
  channel: string | null
  ts: string | null
  oldest: string | null
  cursor: string | null
}
const SYNC = '1772535993.000700'
/** A thread's replies as recorded, without the parent Slack puts on top. */
const replies = (name: string) => page(name).messages.slice(1)

/** users.info as Slack answers it, counting the calls per person. */
function serveUsers() {
  const asked: string[] = []
  server.use(
    http.get(`${API}/users.info`, ({ request }) => {
      const user = new URL(request.url).searchParams.get('user') ?? ''
      asked.push(user)
      return HttpResponse.json(jsonFixture('slack', USERS[user] ?? 'users-info-not-found.json'))
    }),
  )
  return asked
}

/**
 * Channels as Slack serves them: newest first, `oldest` and `latest` exclusive unless `inclusive`, pages of `limit`
 * (100 unless asked) going back in time through an opaque cursor, with has_more; a thread's parent carries its
 * reply_count and latest_reply. Threads (by their parent's ts) as conversations.replies serves them: oldest first,
 * the parent on top of every page, replies past `oldest`; thread_not_found for one Slack does not have. Records
 * every call; people are served too.
 */
function serveChannels(channels: Record<string, Msg[]>, threads: Record<string, Msg[]> = { [SYNC]: replies('replies-sync.json') }) {
  const calls: HistoryCall[] = []
  const lookBacks: (HistoryCall & { latest: string | null; inclusive: string | null })[] = []
  const threadCalls: RepliesCall[] = []
  const users = serveUsers()
  const withReplies = (m: Msg) => {
    const thread = threads[m.ts]
    if (!thread?.length || (m.thread_ts !== undefined && m.thread_ts !== m.ts)) return m
    return { ...m, thread_ts: m.ts, reply_count: thread.length, latest_reply: [...thread].sort(newestFirst)[0].ts }
  }
  const pageOf = <T,>(all: T[], q: URLSearchParams, fallback: number) => {
    const from = q.get('cursor') ? Number(atob(q.get('cursor')!).split(':')[1]) : 0
    const limit = Number(q.get('limit') ?? fallback)
    const more = from + limit < all.length
    return { items: all.slice(from, from + limit), has_more: more, response_metadata: { next_cursor: more ? btoa(`offset:${from + limit}`) : '' } }
  }
  server.use(
    http.get(`${API}/conversations.history`, ({ request }) => {
      const q = new URL(request.url).searchParams
      const call = { channel: q.get('channel'), limit: q.get('limit'), oldest: q.get('oldest'), cursor: q.get('cursor'), authorization: request.headers.get('authorization') }
      const latest = q.get('latest')
      const inclusive = q.get('inclusive') === 'true'
      if (latest === null) calls.push(call)
      else lookBacks.push({ ...call, latest, inclusive: q.get('inclusive') })
      const oldest = call.oldest
      const within = (m: Msg) =>
        (oldest === null || micros(m.ts) > micros(oldest) || (inclusive && m.ts === oldest)) && (latest === null || micros(m.ts) < micros(latest) || (inclusive && m.ts === latest))
      const all = [...(channels[call.channel ?? ''] ?? [])].sort(newestFirst).filter(within).map(withReplies)
      const { items, ...rest } = pageOf(all, q, 100)
      return HttpResponse.json({ ok: true, messages: items, ...rest })
    }),
    http.get(`${API}/conversations.replies`, ({ request }) => {
      const q = new URL(request.url).searchParams
      const call = { channel: q.get('channel'), ts: q.get('ts'), oldest: q.get('oldest'), cursor: q.get('cursor') }
      threadCalls.push(call)
      const parent = (channels[call.channel ?? ''] ?? []).find((m) => m.ts === call.ts)
      const thread = threads[call.ts ?? '']
      if (!parent || !thread) return HttpResponse.json({ ok: false, error: 'thread_not_found' })
      const oldest = call.oldest
      const { items, ...rest } = pageOf([...thread].sort(newestFirst).reverse().filter((m) => oldest === null || micros(m.ts) > micros(oldest)), q, 1000)
      return HttpResponse.json({ ok: true, messages: [withReplies(parent), ...items], ...rest })
    }),
  )
  return { calls, lookBacks, threadCalls, users }
}

/** `n` messages by Maya in one channel, one microsecond apart from `first` (a ts as µs). */
function chatter(first: bigint, n: number): Msg[] {
  const [model] = said('history-newer-2.json')
  const ts = (us: bigint) => `${us / 1_000_000n}.${String(us % 1_000_000n).padStart(6, '0')}`
  return Array.from({ length: n }, (_, i) => ({ ...model, ts: ts(first + BigInt(i)), text: `message ${i}` }))
}

describe('slack connector', () => {
  it('reads the latest page of each channel as the app, keeping what people said and leaving out bots, notices and empty messages', async () => {
    const { calls, threadCalls, users } = serveChannels({ [GENERAL]: said('history-latest.json'), [HJELP]: said('history-hjelp.json') })
    const { items, cursor } = await pollSlack(config)
    // The channels' messages, then the replies of Maya's thread (its app reply left out, Sam's broadcast one read once).
    expect(items.map((i) => i.externalId)).toEqual([
      `${GENERAL}:1772536950.001800`,
      `${GENERAL}:1772535993.000700`,
      `${HJELP}:1772538120.004100`,
      `${HJELP}:1772538060.003900`,
      `${GENERAL}:1772536700.001400`,
      `${GENERAL}:1772536100.000900`,
    ])
    const [sam, maya, ingrid] = items
    expect(maya).toMatchObject({
      url: `${WORKSPACE}/archives/${GENERAL}/p1772535993000700`,
      author: { handle: 'maya', name: 'Maya Okafor', profileUrl: `${WORKSPACE}/team/${MAYA}` },
      // A labelled link reads as its label and address; Slack's escapes are undone.
      text: "Is anyone else seeing the desktop sync stuck at 99% since yesterday's update? Windows 11, app 4.2.0. Logs are in the troubleshooting guide (https://acme.example/support/sync-logs?os=win&v=4.2) & I followed every step.",
      publishedAt: new Date('2026-03-03T11:06:33.000Z'),
      // Reactions of every emoji count as likes; the thread's replies as replies.
      engagement: { likes: 6, replies: 4 },
    })
    expect(maya.raw).toEqual(said('history-latest.json').find((m) => m.ts === '1772535993.000700'))
    // A thread reply also sent to the channel is someone talking; the person it names reads as their display name.
    expect(sam).toMatchObject({ author: { handle: 'sam', profileUrl: `${WORKSPACE}/team/${SAM}` }, text: '@maya same here since Tuesday :disappointed: is there any workaround? <3 the new editor though' })
    expect(sam.author.name).toBeUndefined()
    expect(sam.publishedAt).toEqual(new Date('2026-03-03T11:22:30.001Z'))
    expect(ingrid).toMatchObject({ author: { handle: 'ingrid.h', name: 'Ingrid Haugen' }, text: expect.stringContaining('varsler på telefonen'), engagement: {} })
    expect(slackConnector.edits).toBe(false)

    // Each channel's mark is its newest message, a left-out one too (the release bot's in #general); the thread's, its newest reply.
    expect(cursor).toEqual({ channels: { [GENERAL]: '1772537400.002200', [HJELP]: '1772538120.004100' }, threads: { [GENERAL]: { [SYNC]: '1772536950.001800' } } })
    // One page each, as the app: half of the 100-message backfill for #general, and what it left for #hjelp.
    expect(calls).toEqual([
      { channel: GENERAL, limit: '50', oldest: null, cursor: null, authorization: `Bearer ${TOKEN}` },
      { channel: HJELP, limit: '94', oldest: null, cursor: null, authorization: `Bearer ${TOKEN}` },
    ])
    // The thread's replies from its start, in the one thread that has any.
    expect(threadCalls).toEqual([{ channel: GENERAL, ts: SYNC, oldest: SYNC, cursor: null }])
    // Each person once in the run, whether they wrote twice (Ingrid, Nikos) or were named and wrote (Maya).
    expect([...users].sort()).toEqual([MAYA, INGRID, SAM, 'U05NIKOS6TW'].sort())
  })

  it('backfills at most maxItems messages overall, shared between the channels', async () => {
    const { calls, threadCalls } = serveChannels({ [GENERAL]: said('history-latest.json'), [HJELP]: said('history-hjelp.json') })
    const { items, cursor } = await pollSlack(config, null, { maxItems: 3 })
    expect(threadCalls).toEqual([])
    expect(calls.map((c) => [c.channel, c.limit])).toEqual([
      [GENERAL, '2'],
      [HJELP, '1'],
    ])
    // The two latest in #general are the release bot's and Sam's; the latest in #hjelp is Ingrid's.
    expect(items.map((i) => i.externalId)).toEqual([`${GENERAL}:1772536950.001800`, `${HJELP}:1772538120.004100`])
    expect(cursor).toEqual({ channels: { [GENERAL]: '1772537400.002200', [HJELP]: '1772538120.004100' }, threads: {} })
  })

  it('asks each channel for what came after its own mark, page by page with Slack’s cursor, and backfills a channel added since', async () => {
    const newer = page('history-newer.json')
    const calls: HistoryCall[] = []
    const users = serveUsers()
    server.use(
      http.get(`${API}/conversations.history`, ({ request }) => {
        const q = new URL(request.url).searchParams
        // Each channel's look back at the threads before its mark: none with replies here.
        if (q.get('latest') !== null) return HttpResponse.json(jsonFixture('slack', 'history-empty.json'))
        calls.push({ channel: q.get('channel'), limit: q.get('limit'), oldest: q.get('oldest'), cursor: q.get('cursor'), authorization: request.headers.get('authorization') })
        if (q.get('channel') === HJELP) return HttpResponse.json(jsonFixture('slack', 'history-empty.json'))
        return HttpResponse.json(jsonFixture('slack', q.get('cursor') === newer.response_metadata.next_cursor ? 'history-newer-2.json' : 'history-newer.json'))
      }),
    )
    // Marks as runs saved them before threads were read: they still hold.
    const marks = { [GENERAL]: '1772537400.002200', [HJELP]: '1772538120.004100' }
    const { items, cursor } = await pollSlack(config, marks, { maxItems: 5000 })
    expect(calls.map((c) => [c.channel, c.oldest, c.cursor, c.limit])).toEqual([
      [GENERAL, marks[GENERAL], null, '200'],
      [GENERAL, marks[GENERAL], newer.response_metadata.next_cursor, '200'],
      [HJELP, marks[HJELP], null, '200'],
    ])
    expect(items.map((i) => [i.externalId, i.author.handle])).toEqual([
      [`${GENERAL}:1772541780.009900`, 'Nikos'],
      [`${GENERAL}:1772540400.007700`, 'Lucía'],
      [`${GENERAL}:1772539200.005500`, 'maya'],
    ])
    expect(items[0]).toMatchObject({ author: { name: 'Νίκος Παπαδόπουλος' }, engagement: { likes: 1 } })
    expect(items[2].text).toBe('Update: clearing the cache folder fixed the stuck sync for me, thanks @sam!')
    expect(cursor).toEqual({ channels: { [GENERAL]: '1772541780.009900', [HJELP]: marks[HJELP] }, threads: {} })
    expect([...users].sort()).toEqual(['U02MAYA4KD7', 'U04LUCIA1ZP', 'U05NIKOS6TW', SAM].sort())

    // A channel without a mark (just added) gets its latest page; a mark for a channel no longer in the config is dropped.
    const { calls: quiet } = serveChannels({ [GENERAL]: [], [HJELP]: said('history-hjelp.json') })
    const again = await pollSlack({ ...config, channels: [HJELP] }, { channels: { [GENERAL]: '1772541780.009900' }, threads: { [GENERAL]: { [SYNC]: SYNC } } }, { maxItems: 5000 })
    expect(quiet.map((c) => [c.channel, c.oldest, c.limit])).toEqual([[HJELP, null, '200']])
    expect(again.items.map((i) => i.externalId)).toEqual([`${HJELP}:1772538120.004100`, `${HJELP}:1772538060.003900`])
    expect(again.cursor).toEqual({ channels: { [HJELP]: '1772538120.004100' }, threads: {} })
    // Nothing said anywhere: the next run starts afresh.
    serveChannels({})
    expect(await pollSlack(config)).toMatchObject({ items: [], cursor: null })
  })

  it('compares ts exactly, as fixed-point numbers: not as text, not as floats', async () => {
    // A proxy that ignores `oldest` hands back everything: only what is past the mark counts.
    const serveAll = (messages: Msg[]) => {
      serveUsers()
      server.use(http.get(`${API}/conversations.history`, () => HttpResponse.json({ ok: true, messages: [...messages].sort(newestFirst), has_more: false })))
    }
    const one = { ...config, channels: [GENERAL] }
    // Across a change in the number of digits, where "1000000000.000001" < "999999999.999999" as text.
    serveAll([...chatter(999_999_999_999_990n, 1), ...chatter(999_999_999_999_999n, 1), ...chatter(1_000_000_000_000_001n, 1)])
    const digits = await pollSlack(one, { [GENERAL]: '999999999.999999' })
    expect(digits.items.map((i) => i.externalId)).toEqual([`${GENERAL}:1000000000.000001`])
    expect(digits.cursor?.channels).toEqual({ [GENERAL]: '1000000000.000001' })

    // A microsecond apart where a double cannot tell them apart (12 digits of seconds), and the oldest taken first.
    serveAll(chatter(100_000_000_000_000_001n, 3))
    const close = await pollSlack(one, { [GENERAL]: '100000000000.000001' }, { maxItems: 1 })
    expect(close.items.map((i) => i.externalId)).toEqual([`${GENERAL}:100000000000.000002`])
    expect(close.cursor?.channels).toEqual({ [GENERAL]: '100000000000.000002' })
  })

  it('reads every page since the mark but keeps only the oldest its budget allows, leaving the rest for the next run', async () => {
    const mark = 1_772_540_000_000_000n
    const markTs = '1772540000.000000'
    const { calls, users } = serveChannels({ [GENERAL]: [...chatter(mark - 5n, 5), ...chatter(mark + 1n, 250)] })
    const one = { ...config, channels: [GENERAL] }
    const first = await pollSlack(one, { [GENERAL]: markTs }, { maxItems: 120 })
    expect(calls.map((c) => [c.oldest, c.cursor === null ? null : 'next', c.limit])).toEqual([
      [markTs, null, '200'],
      [markTs, 'next', '200'],
    ])
    expect(first.items).toHaveLength(120)
    expect(first.items[0].externalId).toBe(`${GENERAL}:1772540000.000120`)
    expect(first.items[119].externalId).toBe(`${GENERAL}:1772540000.000001`)
    expect(first.cursor).toEqual({ channels: { [GENERAL]: '1772540000.000120' }, threads: {} })
    expect(users).toEqual([MAYA])

    calls.length = 0
    const second = await pollSlack(one, first.cursor, { maxItems: 5000 })
    expect(calls.map((c) => [c.oldest, c.cursor])).toEqual([['1772540000.000120', null]])
    expect(second.items).toHaveLength(130)
    expect(second.cursor).toEqual({ channels: { [GENERAL]: '1772540000.000250' }, threads: {} })
    // Every message exactly once across the two runs.
    expect(new Set([...first.items, ...second.items].map((i) => i.externalId)).size).toBe(250)
  })

  it('reads a thread’s replies once and only once across runs, those under a parent older than the mark too', async () => {
    const thread = replies('replies-sync.json')
    const one = { ...config, channels: [GENERAL] }
    const server1 = serveChannels({ [GENERAL]: said('history-latest.json') }, { [SYNC]: thread })
    const first = await pollSlack(one)
    const [nikos] = first.items.filter((i) => i.externalId === `${GENERAL}:1772536700.001400`)
    expect(nikos).toMatchObject({
      // The reply's own link opens it in its thread; the rest is built as for a message in the channel.
      url: `${WORKSPACE}/archives/${GENERAL}/p1772536700001400?thread_ts=${SYNC}&cid=${GENERAL}`,
      author: { handle: 'Nikos', name: 'Νίκος Παπαδόπουλος', profileUrl: `${WORKSPACE}/team/U05NIKOS6TW` },
      text: 'Still stuck after restarting. This is the third sync bug this quarter @maya, we are looking at alternatives.',
      publishedAt: new Date('2026-03-03T11:18:20.001Z'),
      engagement: { likes: 1 },
      raw: thread.find((m) => m.ts === '1772536700.001400'),
    })
    expect(server1.threadCalls).toHaveLength(1)
    expect(first.cursor?.threads).toEqual({ [GENERAL]: { [SYNC]: '1772536950.001800' } })

    // Nothing new anywhere: the look back shows the thread's latest reply was read, and its replies are not asked for.
    const server2 = serveChannels({ [GENERAL]: said('history-latest.json') }, { [SYNC]: thread })
    const second = await pollSlack(one, first.cursor)
    expect(second.items).toEqual([])
    expect(server2.threadCalls).toEqual([])
    expect(second.cursor).toEqual(first.cursor)
    expect(server2.lookBacks.map((c) => [c.channel, c.latest, c.inclusive, c.oldest, c.limit])).toEqual([[GENERAL, '1772537400.002200', 'true', '1771329600.000000', '100']])

    // Replies come under the parent, now older than the channel's mark: only they are read, from the last one read.
    const later = replies('replies-sync-later.json')
    const server3 = serveChannels({ [GENERAL]: said('history-latest.json') }, { [SYNC]: [...thread, ...later] })
    const third = await pollSlack(one, second.cursor)
    expect(server3.calls.map((c) => c.oldest)).toEqual(['1772537400.002200'])
    expect(server3.threadCalls).toEqual([{ channel: GENERAL, ts: SYNC, oldest: '1772536950.001800', cursor: null }])
    expect(third.items.map((i) => [i.externalId, i.author.handle])).toEqual([
      [`${GENERAL}:1772541000.008400`, 'maya'],
      [`${GENERAL}:1772540520.007900`, 'Lucía'],
    ])
    expect(third.items[0].text).toBe('@Lucía clearing the cache folder worked for me, see my message in the channel.')
    expect(third.cursor).toEqual({ channels: { [GENERAL]: '1772537400.002200' }, threads: { [GENERAL]: { [SYNC]: '1772541000.008400' } } })
    const ids = [...first.items, ...second.items, ...third.items].map((i) => i.externalId)
    expect(new Set(ids).size).toBe(ids.length)
  })

  it('reads the replies with what the channels left of the run’s budget, and the rest on the next run', async () => {
    const thread = replies('replies-sync.json')
    const one = { ...config, channels: [GENERAL] }
    serveChannels({ [GENERAL]: said('history-latest.json') }, { [SYNC]: thread })
    // Six messages in #general, then two of the thread's four replies (the app's among them).
    const first = await pollSlack(one, null, { maxItems: 8 })
    expect(first.items.map((i) => i.externalId).filter((id) => !said('history-latest.json').some((m) => id.endsWith(m.ts)))).toEqual([`${GENERAL}:1772536100.000900`])
    expect(first.cursor?.threads).toEqual({ [GENERAL]: { [SYNC]: '1772536400.001100' } })
    const { threadCalls } = serveChannels({ [GENERAL]: said('history-latest.json') }, { [SYNC]: thread })
    const second = await pollSlack(one, first.cursor)
    expect(threadCalls.map((c) => c.oldest)).toEqual(['1772536400.001100'])
    expect(second.items.map((i) => i.externalId)).toEqual([`${GENERAL}:1772536700.001400`])
    expect(second.cursor?.threads).toEqual({ [GENERAL]: { [SYNC]: '1772536950.001800' } })
  })

  it('follows at most the 100 latest threads of a channel from the last 14 days, and skips and forgets one Slack no longer has', async () => {
    const [model] = said('history-newer-2.json')
    const [reply] = replies('replies-sync.json')
    const ts = (seconds: bigint) => `${seconds}.000100`
    const seconds = (m: Msg) => BigInt(m.ts.split('.')[0])
    // In #general 130 parents an hour apart back from the newest, with a reply each; in #hjelp one of 13 days ago and one of 15.
    const newest = 1_772_538_000n
    const parents = Array.from({ length: 130 }, (_, i) => ({ ...model, ts: ts(newest - BigInt(i) * 3600n), text: `question ${i}` }))
    const old = [13n, 15n].map((days) => ({ ...model, ts: ts(newest - days * 86_400n), text: `${days} days ago` }))
    const replyTo = (p: Msg, after: bigint) => ({ ...reply, ts: ts(seconds(p) + after), thread_ts: p.ts })
    const threads = Object.fromEntries([...parents, ...old].map((p) => [p.ts, [replyTo(p, 60n)]]))
    const channels = { [GENERAL]: parents, [HJELP]: old }
    const first = serveChannels(channels, threads)
    // A hundred calls a run are paced by the client's per-host limit; here they need not be.
    const client = () => testClient({ perHost: { concurrency: 1, intervalCap: 1000, interval: 1000 } })
    const run = await pollSlack(config, null, { maxItems: 5000, client: client() })
    expect(first.threadCalls).toHaveLength(101)
    const followed = Object.keys(run.cursor?.threads[GENERAL] ?? {})
    expect(followed).toHaveLength(100)
    expect(followed).toEqual(expect.arrayContaining([parents[0].ts, parents[99].ts]))
    expect(followed).not.toContain(parents[100].ts)
    expect(run.cursor?.threads[HJELP]).toEqual({ [old[0].ts]: replyTo(old[0], 60n).ts })
    expect(run.items).toHaveLength(130 + 100 + 2 + 1)

    // New replies in two threads, one of which Slack has deleted since its look back listed it.
    const [gone, kept] = parents
    const again = serveChannels(channels, { ...threads, [gone.ts]: [replyTo(gone, 60n), replyTo(gone, 120n)], [kept.ts]: [replyTo(kept, 60n), replyTo(kept, 120n)] })
    server.use(
      http.get(`${API}/conversations.replies`, ({ request }) => (new URL(request.url).searchParams.get('ts') === gone.ts ? HttpResponse.json({ ok: false, error: 'thread_not_found' }) : undefined)),
    )
    const next = await pollSlack(config, run.cursor, { maxItems: 5000, client: client() })
    expect(again.lookBacks.map((c) => c.channel)).toEqual([GENERAL, HJELP])
    expect(next.items.map((i) => i.externalId)).toEqual([`${GENERAL}:${replyTo(kept, 120n).ts}`])
    expect(Object.keys(next.cursor?.threads[GENERAL] ?? {})).toHaveLength(99)
    expect(next.cursor?.threads[GENERAL]).not.toHaveProperty(gone.ts)
    expect(next.cursor?.threads[GENERAL]?.[kept.ts]).toBe(replyTo(kept, 120n).ts)
  })

  it('waits out a 429 on a thread’s replies for its Retry-After, as for a channel', async () => {
    serveChannels({ [GENERAL]: said('history-latest.json') })
    let n = 0
    server.use(http.get(`${API}/conversations.replies`, () => (n++ === 0 ? HttpResponse.json(jsonFixture('slack', 'error-ratelimited.json'), { status: 429, headers: { 'retry-after': '7' } }) : undefined)))
    const client = testClient()
    const { items } = await pollSlack({ ...config, channels: [GENERAL] }, null, { client })
    expect(items.map((i) => i.externalId)).toContain(`${GENERAL}:1772536700.001400`)
    expect(client.waits).toEqual([7_000])
  })

  it('waits out a 429 for its Retry-After through the shared client', async () => {
    serveUsers()
    let n = 0
    server.use(
      http.get(`${API}/conversations.history`, () =>
        n++ === 0 ? HttpResponse.json(jsonFixture('slack', 'error-ratelimited.json'), { status: 429, headers: { 'retry-after': '3' } }) : HttpResponse.json(jsonFixture('slack', 'history-hjelp.json')),
      ),
    )
    const client = testClient()
    const { items } = await pollSlack(config, null, { client })
    expect(items).toHaveLength(4)
    expect(client.waits).toEqual([3_000])
    expect(n).toBe(3)
  })

  it('stops for good on a refused token, a missing scope, a channel the app is not in or cannot see, saying what to fix and never the token', async () => {
    serveUsers()
    const refuse = (channel: string, body: object) =>
      server.use(http.get(`${API}/conversations.history`, ({ request }) => HttpResponse.json(new URL(request.url).searchParams.get('channel') === channel ? body : jsonFixture('slack', 'history-empty.json'))))
    const failure = async () => (await pollSlack(config).catch((x: UpstreamError) => x)) as UpstreamError

    refuse(GENERAL, jsonFixture('slack', 'error-invalid-auth.json'))
    const auth = await failure()
    expect(auth).toMatchObject({ permanent: true, message: expect.stringContaining('bot token was refused (invalid_auth)') })
    expect(auth.message).toContain('Bot User OAuth Token')
    const messages = [auth.message]
    for (const code of ['not_authed', 'account_inactive', 'token_revoked']) {
      refuse(GENERAL, { ok: false, error: code })
      const e = await failure()
      expect(e).toMatchObject({ permanent: true, message: expect.stringContaining(`(${code})`) })
      messages.push(e.message)
    }

    refuse(GENERAL, jsonFixture('slack', 'error-missing-scope.json'))
    const scope = await failure()
    expect(scope).toMatchObject({ permanent: true, message: expect.stringContaining('missing_scope, needs channels:history') })
    expect(scope.message).toMatch(/channels:history \(groups:history for private channels\), users:read and chat:write/)

    refuse(HJELP, jsonFixture('slack', 'error-not-in-channel.json'))
    const outside = await failure()
    expect(outside).toMatchObject({ permanent: true, message: expect.stringContaining(`channel ${HJELP}: the app is not in the channel (not_in_channel)`) })
    expect(outside.message).toContain('/invite @')

    refuse(HJELP, { ok: false, error: 'channel_not_found' })
    const unknown = await failure()
    expect(unknown).toMatchObject({ permanent: true, message: expect.stringContaining(`channel ${HJELP}: no such channel the app can see (channel_not_found)`) })

    // What may pass is tried again later.
    refuse(HJELP, { ok: false, error: 'internal_error' })
    expect(await failure()).toMatchObject({ permanent: false, message: `slack: channel ${HJELP}: internal_error` })

    messages.push(scope.message, outside.message, unknown.message)
    for (const m of messages) expect(m).not.toContain(TOKEN)
  })

  it('fails the run on a body it cannot read, retries a server error, and reads past one message of a shape it does not know or a person Slack does not', async () => {
    serveUsers()
    const answer = (res: () => Response) => server.use(http.get(`${API}/conversations.history`, res))
    answer(() => HttpResponse.json({ ok: true, channel: GENERAL }))
    expect(await pollSlack(config).catch((x: UpstreamError) => x)).toMatchObject({ permanent: false, message: expect.stringContaining('unexpected response shape at messages') })
    answer(() => new HttpResponse('<html>upstream connect error</html>', { status: 200 }))
    expect(await pollSlack(config).catch((x: UpstreamError) => x)).toMatchObject({ permanent: false, message: expect.stringContaining('malformed JSON') })
    let tries = 0
    answer(() => {
      tries++
      return new HttpResponse('<html>Bad Gateway</html>', { status: 502 })
    })
    const down = await pollSlack(config).catch((x: UpstreamError) => x)
    expect(down).toBeInstanceOf(UpstreamError)
    expect(down).toMatchObject({ permanent: false, status: 502 })
    expect(tries).toBe(4)

    // Someone Slack does not know (of another organisation, in a shared channel) is their id.
    const stranger = { ts: '1772541000.000200', type: 'message', user: 'U09GUEST001', text: 'Same problem here, <@U09GUEST001> from Globex' }
    serveChannels({ [GENERAL]: [{ ts: '1772542000.000100', type: 'message', user: 42, text: ['not text'] }, stranger, ...said('history-newer-2.json')] })
    const { items, cursor } = await pollSlack({ ...config, channels: [GENERAL] })
    expect(items.map((i) => i.externalId)).toEqual([`${GENERAL}:1772541000.000200`, `${GENERAL}:1772539200.005500`])
    expect(items[0]).toMatchObject({ author: { handle: 'U09GUEST001', profileUrl: `${WORKSPACE}/team/U09GUEST001` }, text: 'Same problem here, @U09GUEST001 from Globex' })
    expect(cursor).toEqual({ channels: { [GENERAL]: '1772542000.000100' }, threads: {} })
  })

  it('takes channel ids, the workspace address and a bot token, saying what each looks like', () => {
    const check = (c: object) => slackConnector.config.safeParse({ ...config, ...c })
    expect(check({}).success).toBe(true)
    expect(check({ workspaceUrl: 'https://acme.enterprise.slack.com/' }).success).toBe(true)
    for (const workspaceUrl of ['http://acme-community.slack.com', 'https://acme-community.slack.com.evil.example', 'https://slack.com', 'https://acme-community.slack.com/archives/C04HELP2ABC', 'acme-community']) {
      expect(check({ workspaceUrl }).success, workspaceUrl).toBe(false)
    }
    expect(check({ channels: ['#general'] }).error?.issues[0].message).toContain('C0123ABCD')
    expect(check({ channels: [GENERAL, GENERAL] }).success).toBe(false)
    expect(check({ channels: [] }).success).toBe(false)
    expect(check({ channels: Array.from({ length: 51 }, (_, i) => `C0000${String(i).padStart(4, '0')}`) }).success).toBe(false)
    expect(check({ extra: true }).success).toBe(false)
    for (const botToken of [`Bearer ${TOKEN}`, 'xoxp-2417903846129-7162049385721-Qw7rT9yPz3LmN5bV8cX1kJ4h', 'hunter2']) {
      const parsed = check({ botToken })
      expect(parsed.success).toBe(false)
      expect(parsed.error?.issues[0].message).toContain('xoxb-')
    }
  })

  it('answers in the message’s thread as the app, and keeps a refusal’s reason', async () => {
    serveChannels({ [GENERAL]: said('history-latest.json') })
    const { items } = await pollSlack({ ...config, channels: [GENERAL] })
    const [sam, maya] = items
    const posts: { body: unknown; authorization: string | null; type: string | null }[] = []
    let answer: object = jsonFixture('slack', 'post-message.json')
    server.use(
      http.post(`${API}/chat.postMessage`, async ({ request }) => {
        posts.push({ body: await request.json(), authorization: request.headers.get('authorization'), type: request.headers.get('content-type') })
        return HttpResponse.json(answer)
      }),
    )
    const { fetch } = testClient({ maxAttempts: 1 })
    const target = (m: typeof maya) => ({ externalId: m.externalId, url: m.url, authorHandle: m.author.handle, raw: m.raw })
    const text = 'Thanks Maya! 4.2.1 fixes the stuck sync; it is rolling out now.'
    const sent = await slackConnector.reply!.send({ fetch, idempotencyKey: 'k' }, config, target(maya), text)
    expect(sent).toEqual({ externalId: `${GENERAL}:1772542333.012300`, url: `${WORKSPACE}/archives/${GENERAL}/p1772542333012300?thread_ts=1772535993.000700&cid=${GENERAL}` })
    expect(posts[0]).toEqual({
      authorization: `Bearer ${TOKEN}`,
      type: 'application/json; charset=utf-8',
      body: { channel: GENERAL, text, thread_ts: '1772535993.000700', unfurl_links: false },
    })
    expect(slackConnector.reply!.maxGraphemes).toBe(4000)

    // A reply broadcast to the channel is answered in its thread; Slack's markup characters are sent escaped.
    await slackConnector.reply!.send({ fetch, idempotencyKey: 'k2' }, config, target(sam), 'Sam: try <Settings> & clear the cache')
    expect(posts[1].body).toEqual({ channel: GENERAL, text: 'Sam: try &lt;Settings&gt; &amp; clear the cache', thread_ts: '1772535993.000700', unfurl_links: false })

    answer = jsonFixture('slack', 'error-not-in-channel.json')
    const refused = await slackConnector.reply!.send({ fetch, idempotencyKey: 'k3' }, config, target(maya), 'Hola').catch((x: UpstreamError) => x)
    expect(refused).not.toBeInstanceOf(PostedUnreadable)
    expect(refused).toMatchObject({ permanent: true, message: expect.stringContaining(`channel ${GENERAL}: the app is not in the channel (not_in_channel); invite it there: /invite @`) })
    answer = { ok: false, error: 'is_archived' }
    const archived = await slackConnector.reply!.send({ fetch, idempotencyKey: 'k4' }, config, target(maya), 'Hola').catch((x: UpstreamError) => x)
    expect(archived).toMatchObject({ permanent: true, message: expect.stringContaining('the reply was refused (is_archived)') })
    for (const e of [refused, archived]) expect((e as Error).message).not.toContain(TOKEN)
    // A success Slack answered unreadably was posted all the same.
    answer = { ok: true }
    expect(await slackConnector.reply!.send({ fetch, idempotencyKey: 'k5' }, config, target(maya), 'Hola').catch((x: UpstreamError) => x)).toBeInstanceOf(PostedUnreadable)

    const orphan = await slackConnector.reply!.send({ fetch, idempotencyKey: 'k6' }, config, { ...target(maya), raw: { text: 'hi' } }, 'Hola').catch((x: UpstreamError) => x)
    expect(orphan).toMatchObject({ permanent: true, message: 'the stored message has no channel to answer in' })
    expect(posts).toHaveLength(5)

    // A reply read in its thread is answered in that thread, not in a new one under the reply.
    answer = jsonFixture('slack', 'post-message.json')
    const nikos = items.find((i) => i.externalId === `${GENERAL}:1772536700.001400`)!
    await slackConnector.reply!.send({ fetch, idempotencyKey: 'k7' }, config, target(nikos), 'We are on it, Nikos.')
    expect(posts[5].body).toEqual({ channel: GENERAL, text: 'We are on it, Nikos.', thread_ts: SYNC, unfurl_links: false })
  })
})
