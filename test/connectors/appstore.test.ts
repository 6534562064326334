import { http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { appstoreConnector } from '../../connectors/appstore/index.ts'
import { fixture, NOW, poll, useMockServer } from './harness.ts'

const server = useMockServer()
const FEED = 'https://itunes.apple.com/us/rss/customerreviews/:page/id=1234567890/sortby=mostrecent/json'

function pages(files: Record<string, string>) {
  const asked: string[] = []
  server.use(
    http.get(FEED, ({ params }) => {
      const page = String(params.page)
      asked.push(page)
      const name = files[page]
      if (!name) return new HttpResponse('CustomerReviews RSS page depth is limited to 10', { headers: { 'content-type': 'text/plain' } })
      return new HttpResponse(fixture('appstore', name), { headers: { 'content-type': 'application/json' } })
    }),
  )
  return asked
}

describe('appstore connector', () => {
  it('reads pages until the feed has no entry: string ratings, {label} wrappers, a single entry as an object', async () => {
    const asked = pages({ 'page=1': 'page1.json', 'page=2': 'page2-single.json', 'page=3': 'page3-empty.json' })
    const { items, cursor } = await poll(appstoreConnector, { appId: '1234567890' })
    expect(asked).toEqual(['page=1', 'page=2', 'page=3'])
    expect(items.map((i) => [i.externalId, i.rating, i.version])).toEqual([['11002', 5, '5.2.0'], ['11001', 1, '5.2.0'], ['10990', 3, '5.2.0']])
    expect(items[1]).toMatchObject({
      url: 'https://apps.apple.com/us/app/id1234567890?see-all=reviews',
      author: { handle: 'grumpy_cat', profileUrl: 'https://itunes.apple.com/us/reviews/id11001' },
      title: 'Crashes on launch',
      text: 'Since 5.2 it crashes every time I open it.\nPlease fix!',
      publishedAt: new Date('2026-03-03T05:00:00Z'),
      engagement: { likes: 3 },
    })
    expect(cursor).toEqual({ lastId: '11002' })
  })

  it('stops at the first page that holds nothing new', async () => {
    const asked = pages({ 'page=1': 'page1.json', 'page=2': 'page2-single.json' })
    const { items } = await poll(appstoreConnector, { appId: '1234567890' }, { lastId: '11001' })
    expect(items.map((i) => i.externalId)).toEqual(['11002'])
    expect(asked).toEqual(['page=1'])
  })

  it('dates undated reviews when first seen and stops at the page-depth notice', async () => {
    const asked = pages({ 'page=1': 'page1-undated.json' })
    const { items } = await poll(appstoreConnector, { appId: '1234567890' })
    expect(items).toHaveLength(1)
    expect(items[0].publishedAt).toEqual(NOW)
    expect(asked).toEqual(['page=1', 'page=2'])
  })

  it('uses the storefront country and an empty 200 body ends the feed', async () => {
    server.use(
      http.get('https://itunes.apple.com/gb/rss/customerreviews/page=1/id=1234567890/sortby=mostrecent/json', () => new HttpResponse(fixture('appstore', 'page1.json'))),
      http.get('https://itunes.apple.com/gb/rss/customerreviews/page=2/id=1234567890/sortby=mostrecent/json', () => new HttpResponse('')),
    )
    const { items } = await poll(appstoreConnector, { appId: '1234567890', country: 'GB' })
    expect(items[0].url).toBe('https://apps.apple.com/gb/app/id1234567890?see-all=reviews')
  })

  it('fails the run when the first page is not a review feed', async () => {
    server.use(http.get(FEED, () => new HttpResponse('<html>maintenance</html>', { headers: { 'content-type': 'text/html' } })))
    await expect(poll(appstoreConnector, { appId: '1234567890' })).rejects.toThrow(/not a review feed/)
  })
})
