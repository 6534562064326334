import { http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { youtubeConnector } from '../../connectors/youtube/index.ts'
import { UpstreamError } from '../../src/net/errors.ts'
import { jsonFixture, NOW, poll, useMockServer } from './harness.ts'

const server = useMockServer()
const THREADS = 'https://www.googleapis.com/youtube/v3/commentThreads'
const config = { apiKey: 'AIza-secret', videoId: 'aB3dE5fG7hI' }

describe('youtube connector', () => {
  it('pages comment threads newest first and maps them, HTML-only text included', async () => {
    const seen: URLSearchParams[] = []
    server.use(
      http.get(THREADS, ({ request }) => {
        const p = new URL(request.url).searchParams
        seen.push(p)
        return HttpResponse.json(jsonFixture('youtube', p.get('pageToken') ? 'threads-page2.json' : 'threads-page1.json'))
      }),
    )
    const { items, cursor } = await poll(youtubeConnector, config)
    expect(seen.map((p) => p.get('pageToken'))).toEqual([null, 'QURTSl9pMnBhZ2Uy'])
    expect(Object.fromEntries(seen[0])).toMatchObject({ part: 'snippet', order: 'time', videoId: 'aB3dE5fG7hI', key: 'AIza-secret' })
    expect(items.map((i) => i.externalId)).toEqual(['UgxAcme0001qAbCdEfGh4AaABAg', 'UgxAcme0002qAbCdEfGh4AaABAg', 'UgxAcme0003qAbCdEfGh4AaABAg'])
    expect(items[0]).toMatchObject({
      url: 'https://www.youtube.com/watch?v=aB3dE5fG7hI&lc=UgxAcme0001qAbCdEfGh4AaABAg',
      author: { handle: '@mira.codes', name: '@mira.codes', profileUrl: 'http://www.youtube.com/@mira.codes' },
      // No textOriginal for someone else's comment: the HTML display text, stripped and decoded.
      text: "The new sync in 4.2 keeps failing on my Pixel & the 1:35 fix didn't help",
      publishedAt: new Date('2026-03-03T11:45:00Z'),
      engagement: { likes: 12, replies: 3 },
    })
    expect(items[1].text).toBe('Great walkthrough, thanks!')
    expect(cursor).toEqual({ since: '2026-03-03T11:45:00.000Z', ids: ['UgxAcme0001qAbCdEfGh4AaABAg'] })
  })

  it('stops paging at what the mark covers and returns only new threads', async () => {
    const tokens: (string | null)[] = []
    server.use(http.get(THREADS, ({ request }) => (tokens.push(new URL(request.url).searchParams.get('pageToken')), HttpResponse.json(jsonFixture('youtube', 'threads-next.json')))))
    const { items, cursor } = await poll(youtubeConnector, config, { since: '2026-03-03T11:45:00.000Z', ids: ['UgxAcme0001qAbCdEfGh4AaABAg'] })
    expect(tokens).toEqual([null])
    expect(items.map((i) => i.externalId)).toEqual(['UgxAcme0004qAbCdEfGh4AaABAg'])
    expect(cursor).toEqual({ since: '2026-03-03T11:58:00.000Z', ids: ['UgxAcme0004qAbCdEfGh4AaABAg'] })
  })

  it('follows a whole channel, with search terms, and links channel discussions to the channel', async () => {
    let params: URLSearchParams | undefined
    server.use(http.get(THREADS, ({ request }) => ((params = new URL(request.url).searchParams), HttpResponse.json(jsonFixture('youtube', 'threads-channel-discussion.json')))))
    const { items } = await poll(youtubeConnector, { apiKey: 'AIza-secret', channelId: 'UCacmeOfficial00000000001', searchTerms: 'acme' })
    expect(params?.get('allThreadsRelatedToChannelId')).toBe('UCacmeOfficial00000000001')
    expect(params?.get('searchTerms')).toBe('acme')
    expect(params?.has('videoId')).toBe(false)
    expect(items[0]).toMatchObject({ url: 'https://www.youtube.com/channel/UCacmeOfficial00000000001', text: 'Love the channel' })
  })

  it('waits for the daily quota reset on quotaExceeded, but stops for good when comments are disabled or the key is bad', async () => {
    server.use(http.get(THREADS, () => HttpResponse.json(jsonFixture('youtube', 'error-403-quota.json'), { status: 403 })))
    const quota = await poll(youtubeConnector, config).catch((x: UpstreamError) => x)
    expect(quota).toMatchObject({ permanent: false, status: 403 })
    // NOW is 12:00 UTC: the next midnight in California is 08:00 UTC the next day.
    expect((quota as UpstreamError).retryAt?.toISOString()).toBe(new Date(Date.UTC(NOW.getUTCFullYear(), NOW.getUTCMonth(), NOW.getUTCDate() + 1, 8)).toISOString())

    server.use(http.get(THREADS, () => HttpResponse.json(jsonFixture('youtube', 'error-403-comments-disabled.json'), { status: 403 })))
    const disabled = await poll(youtubeConnector, config).catch((x: UpstreamError) => x)
    expect(disabled).toMatchObject({ permanent: true, status: 403 })
    expect((disabled as UpstreamError).message).toMatch(/commentsDisabled/)

    server.use(http.get(THREADS, () => HttpResponse.json(jsonFixture('youtube', 'error-400-key-invalid.json'), { status: 400 })))
    expect(await poll(youtubeConnector, config).catch((x: UpstreamError) => x)).toMatchObject({ permanent: true, status: 400 })

    server.use(http.get(THREADS, () => new HttpResponse('<html>Forbidden</html>', { status: 403, headers: { 'content-type': 'text/html' } })))
    expect(await poll(youtubeConnector, config).catch((x: UpstreamError) => x)).toMatchObject({ permanent: true, status: 403 })
  })

  it('retries a 503 and then reads the page; a malformed body fails the run', async () => {
    let n = 0
    server.use(http.get(THREADS, () => (n++ === 0 ? new HttpResponse('backend error', { status: 503 }) : HttpResponse.json(jsonFixture('youtube', 'threads-page2.json')))))
    expect((await poll(youtubeConnector, config)).items).toHaveLength(1)

    server.use(http.get(THREADS, () => HttpResponse.json({ kind: 'youtube#commentThreadListResponse', items: [{ id: 'x' }] })))
    expect(await poll(youtubeConnector, config).catch((x: UpstreamError) => x)).toMatchObject({ permanent: false })
  })

  it('needs exactly one of videoId and channelId', () => {
    expect(youtubeConnector.config.safeParse({ apiKey: 'k' }).success).toBe(false)
    expect(youtubeConnector.config.safeParse({ apiKey: 'k', videoId: 'aB3dE5fG7hI', channelId: 'UCacmeOfficial00000000001' }).success).toBe(false)
    expect(youtubeConnector.config.safeParse({ apiKey: 'k', channelId: 'UCacmeOfficial00000000001' }).success).toBe(true)
  })
})
