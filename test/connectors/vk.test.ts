import { http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { vkConnector } from '../../connectors/vk/index.ts'
import { UpstreamError } from '../../src/net/errors.ts'
import { jsonFixture, NOW, poll, useMockServer } from './harness.ts'

const server = useMockServer()
const SEARCH = 'https://api.vk.com/method/newsfeed.search'
const config = { query: 'acme', accessToken: 'vk1.a.service-token' }

/** Answers the search with page 1, then page 2 for its next_from, and records each request's form. */
function search() {
  const forms: URLSearchParams[] = []
  server.use(
    http.post(SEARCH, async ({ request }) => {
      const form = new URLSearchParams(await request.text())
      forms.push(form)
      return HttpResponse.json(jsonFixture('vk', form.get('start_from') ? 'search-page2.json' : 'search-page1.json'))
    }),
  )
  return forms
}

describe('vk connector', () => {
  it('pages through the search with next_from, names people and communities, and leaves out ads and bare reposts', async () => {
    const forms = search()
    const { items, cursor } = await poll(vkConnector, config)
    expect(items.map((i) => i.externalId)).toEqual(['183400921_48211', '-211874015_77310', '599200113_1204'])
    expect(items[0]).toMatchObject({
      url: 'https://vk.com/wall183400921_48211',
      author: { handle: 'd.orlov', name: 'Дмитрий Орлов', profileUrl: 'https://vk.com/d.orlov', followers: 318 },
      text: 'Третий день не могу выгрузить отчёт из Acme, экспорт просто зависает. Поддержка молчит 😡',
      publishedAt: new Date('2026-03-03T11:55:00Z'),
      engagement: { likes: 12, replies: 4, shares: 1 },
    })
    expect(items[1].author).toEqual({ handle: 'tech_obzory', name: 'Техно-обзоры', profileUrl: 'https://vk.com/tech_obzory', followers: 90412 })
    // A closed profile gives no screen name: the id is the address.
    expect(items[2].author).toMatchObject({ handle: 'id599200113', name: 'Сергей В.', profileUrl: 'https://vk.com/id599200113' })
    expect(cursor).toEqual({ since: '2026-03-03T11:55:00.000Z', ids: ['183400921_48211'] })

    expect(forms.map((f) => f.get('start_from'))).toEqual([null, '3/-211874015_77310'])
    expect(Object.fromEntries(forms[0])).toMatchObject({ q: 'acme', extended: '1', count: '200', access_token: 'vk1.a.service-token', v: '5.199' })
    // A first run looks a week back.
    expect(Number(forms[0].get('start_time'))).toBe(NOW.getTime() / 1000 - 7 * 86_400)
  })

  it('asks from its mark on the next run and keeps nothing it has seen', async () => {
    const forms = search()
    const { items, cursor } = await poll(vkConnector, config, { since: '2026-03-03T11:40:00.000Z', ids: ['-211874015_77310'] })
    expect(items.map((i) => i.externalId)).toEqual(['183400921_48211'])
    expect(forms[0].get('start_time')).toBe(String(Date.parse('2026-03-03T11:40:00Z') / 1000))
    expect(cursor).toEqual({ since: '2026-03-03T11:55:00.000Z', ids: ['183400921_48211'] })
  })

  it('reads VK’s errors from a 200: a bad token stops the source, a used-up quota waits an hour, too many requests backs off', async () => {
    const answer = (name: string) => server.use(http.post(SEARCH, () => HttpResponse.json(jsonFixture('vk', name))))
    answer('error-auth.json')
    expect(await poll(vkConnector, config).catch((x: UpstreamError) => x)).toMatchObject({ permanent: true, message: 'api.vk.com: error 5: User authorization failed: invalid access_token (4).' })
    answer('error-rate-limit.json')
    const limited = (await poll(vkConnector, config).catch((x: UpstreamError) => x)) as UpstreamError
    expect(limited).toMatchObject({ permanent: false })
    expect(limited.retryAt).toEqual(new Date(NOW.getTime() + 3_600_000))
    answer('error-too-many.json')
    expect(await poll(vkConnector, config).catch((x: UpstreamError) => x)).toMatchObject({ permanent: false, retryAt: undefined })
  })

  it('fails the run on a body that is neither an answer nor an error, and never puts the token in an address', async () => {
    const urls: string[] = []
    server.use(http.post(SEARCH, ({ request }) => (urls.push(request.url), HttpResponse.json({ response: { items: [{ id: 'x' }] } }))))
    expect(await poll(vkConnector, config).catch((x: UpstreamError) => x)).toBeInstanceOf(UpstreamError)
    expect(urls).toEqual([SEARCH])
    expect(vkConnector.config.safeParse({ query: 'acme' }).success).toBe(false)
  })
})
