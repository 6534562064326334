import { http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { rssConnector } from '../../connectors/rss/index.ts'
import { fixture, NOW, poll, useMockServer } from './harness.ts'

const server = useMockServer()
const FEED = 'https://www.google.com/alerts/feeds/00000000000000000001/1111'
const xml = (body: string, headers: Record<string, string> = {}) => new HttpResponse(body, { headers: { 'content-type': 'application/atom+xml', ...headers } })

describe('rss connector', () => {
  it('maps Google Alerts Atom: redirect links unwrapped, HTML titles and entities flattened', async () => {
    server.use(http.get(FEED, () => xml(fixture('rss', 'google-alerts.xml'))))
    const { items } = await poll(rssConnector, { url: FEED })
    expect(items).toHaveLength(2)
    expect(items[0]).toMatchObject({
      externalId: 'tag:google.com,2013:googlealerts/feed:1000000000000000001',
      url: 'https://blog.example.org/acme-export-crash/',
      title: 'Why Acme export keeps crashing & what to do',
      text: 'The Acme export has been crashing since the last update ...',
      author: { handle: 'blog.example.org' },
      publishedAt: new Date('2026-03-02T10:00:00Z'),
    })
    expect(items[1].text).toBe('Customers of Acme say the new plan is "too expensive" ...')
  })

  it('sends ETag and Last-Modified back and treats 304 as nothing new', async () => {
    const seen: (string | null)[][] = []
    server.use(
      http.get(FEED, ({ request }) => {
        seen.push([request.headers.get('if-none-match'), request.headers.get('if-modified-since')])
        if (request.headers.get('if-none-match') === '"v1"') return new HttpResponse(null, { status: 304 })
        return xml(fixture('rss', 'google-alerts.xml'), { etag: '"v1"', 'last-modified': 'Mon, 02 Mar 2026 10:00:00 GMT' })
      }),
    )
    const first = await poll(rssConnector, { url: FEED })
    expect(first.cursor).toMatchObject({ etag: '"v1"', lastModified: 'Mon, 02 Mar 2026 10:00:00 GMT' })
    const second = await poll(rssConnector, { url: FEED }, first.cursor)
    expect(second.items).toEqual([])
    expect(second.cursor).toEqual(first.cursor)
    expect(seen).toEqual([[null, null], ['"v1"', 'Mon, 02 Mar 2026 10:00:00 GMT']])
  })

  it('returns only entries not delivered before on the next poll', async () => {
    server.use(http.get(FEED, () => xml(fixture('rss', 'google-alerts.xml'))))
    const first = await poll(rssConnector, { url: FEED })
    server.use(http.get(FEED, () => xml(fixture('rss', 'google-alerts-next.xml'))))
    const second = await poll(rssConnector, { url: FEED }, first.cursor)
    expect(second.items.map((i) => i.externalId)).toEqual(['tag:google.com,2013:googlealerts/feed:1000000000000000003'])
  })

  it('reads RSS 2.0 with CDATA and whitespace, and dates undated items when first seen', async () => {
    server.use(http.get('https://community.example.com/feed.rss', () => xml(fixture('rss', 'rss2-cdata.xml'))))
    const { items } = await poll(rssConnector, { url: 'https://community.example.com/feed.rss' })
    expect(items[0]).toMatchObject({
      externalId: 'community-post-41',
      url: 'https://community.example.com/t/sync-fails/41',
      title: 'Sync fails on large folders',
      text: 'Sync fails when a folder has more than 10 000 files.\n\nAnyone else?',
      author: { handle: 'dana_k', name: 'dana_k' },
      publishedAt: new Date('2026-03-02T07:15:00Z'),
    })
    expect(items[1]).toMatchObject({ externalId: 'https://community.example.com/t/dark-mode/40', text: 'Would love a dark mode & bigger fonts.', publishedAt: NOW })
  })

  it('reads RDF feeds and an Atom feed whose single entry is an object', async () => {
    server.use(
      http.get('https://journal.example.jp/rss', () => xml(fixture('rss', 'rdf.xml'))),
      http.get('https://status.example.com/feed', () => xml(fixture('rss', 'atom-single.xml'))),
    )
    const rdf = await poll(rssConnector, { url: 'https://journal.example.jp/rss' })
    expect(rdf.items[0]).toMatchObject({ externalId: 'https://journal.example.jp/entry/2026/03/01/acme', text: 'とても便利ですが、同期が遅いです。', publishedAt: new Date('2026-03-01T03:00:00Z') })
    const atom = await poll(rssConnector, { url: 'https://status.example.com/feed' })
    expect(atom.items).toHaveLength(1)
    expect(atom.items[0]).toMatchObject({ url: 'https://status.example.com/incidents/7', title: 'Incident: API latency <resolved>', text: 'Latency is back to normal.', author: { handle: 'Acme Ops' } })
  })

  it('fails the run on malformed XML or a page that is not a feed', async () => {
    server.use(
      http.get('https://broken.example.com/feed', () => xml(fixture('rss', 'malformed.xml'))),
      http.get('https://html.example.com/feed', () => new HttpResponse(fixture('rss', 'not-a-feed.html'), { headers: { 'content-type': 'text/html' } })),
    )
    await expect(poll(rssConnector, { url: 'https://broken.example.com/feed' })).rejects.toThrow(/malformed XML/)
    await expect(poll(rssConnector, { url: 'https://html.example.com/feed' })).rejects.toThrow(/not an RSS, Atom or RDF feed/)
  })

  it('bounds the first run to the backfill budget', async () => {
    server.use(http.get(FEED, () => xml(fixture('rss', 'google-alerts.xml'))))
    const { items, cursor } = await poll(rssConnector, { url: FEED }, null, { maxItems: 1 })
    expect(items).toHaveLength(1)
    expect((cursor as { seen: string[] }).seen).toHaveLength(1)
  })

  it('fetches through baseUrl when one is set', async () => {
    server.use(http.get('https://proxy.example.net/alerts/feeds/00000000000000000001/1111', () => xml(fixture('rss', 'google-alerts.xml'))))
    const { items } = await poll(rssConnector, { url: FEED, baseUrl: 'https://proxy.example.net' })
    expect(items).toHaveLength(2)
  })
})
